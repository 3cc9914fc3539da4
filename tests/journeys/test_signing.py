"""Signing in a real browser (guide step 20): the engineer presses "İmzala", the page hands the
one-time token to the e-Vize signer agent running on this computer (SoftHSM2 token through
PKCS#11), the agent signs, and the page shows the round signed and locked."""

from __future__ import annotations

import pytest
from django.conf import settings

from evize.accounts.tests.factories import UserFactory
from evize.applications.models import Status
from evize.core.testing import require_tool
from evize.documents.tests.pdfs import make_pdf
from evize.signatures import services
from evize.signatures.models import FileSignature, SigningRound
from evize.signatures.testing.scenario import application_waiting_for_signatures, signer_certificate
from evize.signatures.testing.softhsm import next_key_id, shared_token, softhsm_module
from tests.journeys.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def agent(live_server, signing_settings, pki_server):
    """The signer agent on "this computer": a SoftHSM2 token with the engineer's key, a PIN
    provider standing in for the signer at the keyboard."""
    require_tool("softhsm2-util", "real PKCS#11 signing needs SoftHSM2")
    require_tool("pkcs11-tool", "keys are loaded with OpenSC's pkcs11-tool")
    require_tool(softhsm_module(), "the SoftHSM2 PKCS#11 module")
    from evize_signer.agent import AgentServer, SigningAgent
    from evize_signer.prompt import CallbackPrompt
    from evize_signer.tokens import Pkcs11Token

    hsm = shared_token()
    engineer = UserFactory()
    label = f"tarayici-{next_key_id()}"
    hsm.import_key(
        signer_certificate(pki_server.pki.intermediate, engineer.member), label=label, key_id=next_key_id()
    )
    prompt = CallbackPrompt(lambda plan: hsm.pin)
    signing_agent = SigningAgent(
        server_url=live_server.url,
        token_backend=Pkcs11Token(hsm.module, token_label=hsm.label, cert_label=label),
        prompt=prompt,
    )
    service = AgentServer(signing_agent, allowed_origin=live_server.url, port=0).start()
    signing_settings.EVIZE_SIGNER_AGENT_URL = service.url
    policy = {**settings.CONTENT_SECURITY_POLICY}
    policy["DIRECTIVES"] = {**policy["DIRECTIVES"], "connect-src": ["'self'", service.url]}
    signing_settings.CONTENT_SECURITY_POLICY = policy
    yield engineer, prompt
    service.stop()


def test_press_sign_and_see_the_round_signed(page, live_server, shot, agent):
    engineer, prompt = agent
    application, round_ = application_waiting_for_signatures(
        engineers=[engineer], pdfs=[("Zemin kat planı.pdf", make_pdf(pages=2, text="Zemin"))]
    )
    services.signing_round_open(actor=engineer, round=round_)
    log_in(page, live_server, engineer)
    page.goto(f"/imza/basvuru/{application.pk}/")
    shot(page, "signing-before")
    page.get_by_role("button", name="İmzala").click()
    # The page reloads when the server reports the session complete; the round is then locked.
    page.locator(".sign-state-locked").wait_for(timeout=60_000)
    shot(page, "signing-done")
    assert page.get_by_role("button", name="İmzala").count() == 0
    signing_round = SigningRound.objects.get(round=round_)
    assert signing_round.state == SigningRound.State.LOCKED
    assert FileSignature.objects.filter(round_file__signing_round=signing_round).count() == 2
    application.refresh_from_db()
    assert application.status == Status.AWAITING_REGISTRATION_FEE
    # The agent showed the signer the application number and the files before asking the PIN.
    assert prompt.plans[0]["application"] == application.registration_number
    assert engineer.member.full_name in page.locator(".signature-list").first.inner_text()
