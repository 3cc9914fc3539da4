"""The officer signs through the real e-Vize signer agent (its protocol unchanged), started from
the office's "Sign" page: a batch of pending visas, one PIN, the agent shown every file."""

from __future__ import annotations

import html
import json
import re

import pytest
from evize_signer.agent import SigningAgent
from evize_signer.prompt import CallbackPrompt
from evize_signer.tokens import Pkcs12Token

from evize.accounts.tests.factories import UserFactory
from evize.applications.models import Status
from evize.documents.tests.pdfs import make_pdf
from evize.visa import services
from evize.visa.models import Visa, VisaSigning

from .conftest import make_signed_application

pytestmark = pytest.mark.django_db(transaction=True)


def launch_of(response) -> dict:
    match = re.search(r'data-launch="([^"]+)"', response.content.decode())
    assert match, response.content.decode()[:500]
    return json.loads(html.unescape(match.group(1)))


def test_officer_signs_a_batch_through_the_signer_agent(
    live_server, staff_client, signed_application, engineers, pki, officer, officer_certificate, tmp_path
):
    """Two applications' visas in one signing session: one PIN, the agent shows all five files."""
    second = make_signed_application(engineers, pki, pdfs=[("Kesit.pdf", make_pdf(text="Kesit"))])
    visa = services.visa_issue_start(signed_application.pk)
    second_visa = services.visa_issue_start(second.pk)
    office = staff_client(officer)
    page = office.get("/vize/")
    assert visa.number in page.content.decode() and second_visa.number in page.content.decode()
    response = office.post("/vize/imzala/", {"visa": [str(visa.pk), str(second_visa.pk)]})
    assert response.status_code == 200
    launch = launch_of(response)
    assert launch["server"].endswith("/vize")
    p12 = tmp_path / "yetkili.p12"
    p12.write_bytes(officer_certificate.pkcs12("gizli", name="Vize Yetkili"))
    prompt = CallbackPrompt(lambda plan: "", secret="gizli")
    agent = SigningAgent(
        server_url=live_server.url + "/vize", token_backend=Pkcs12Token(str(p12)), prompt=prompt
    )

    result = agent.sign(launch["token"])

    assert result.state == "completed", result
    assert result.documents == 5  # 3 + 2 files, one PIN
    assert len(prompt.plans) == 1
    shown = prompt.plans[0]
    assert visa.number in shown["application"] and second_visa.number in shown["application"]
    names = [doc["file_name"] for doc in shown["documents"]]
    assert sum(name.startswith(visa.number) for name in names) == 3
    assert sum(name.startswith(second_visa.number) for name in names) == 2
    for issued, application in ((visa, signed_application), (second_visa, second)):
        issued.refresh_from_db()
        assert issued.state == Visa.State.VALID
        application.refresh_from_db()
        assert application.status == Status.VISAED
    signing = VisaSigning.objects.get()
    assert signing.state == VisaSigning.State.COMPLETED
    status = office.get(f"/vize/imza/{signing.pk}/")
    assert status.status_code == 200 and status["HX-Redirect"] == "/vize/"
    # Another officer cannot watch (or learn of) this officer's signing session.
    other = staff_client(UserFactory(visa_officer=True))
    assert other.get(f"/vize/imza/{signing.pk}/").status_code == 404
    # The token is single-use.
    again = agent.sign(launch["token"])
    assert again.state == "refused"


def test_agent_with_an_unknown_token_is_refused(client, db):
    response = client.post(
        "/vize/imza/ajan/sertifika",
        data=json.dumps({"v": 1, "certificate": "AAAA"}),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer nope",
    )
    assert response.status_code == 409
    assert response.json()["state"] == "refused"
