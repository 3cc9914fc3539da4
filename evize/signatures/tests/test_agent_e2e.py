"""End to end with a real PKCS#11 token: the e-Vize signer agent (SoftHSM2 through python-pkcs11)
signs a round against the live server, started the way the browser starts it (POST /sign with the
page's Origin). Poppler's pdfsig agrees with pyHanko about every signed file."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest
from evize_signer.agent import AgentServer, SigningAgent
from evize_signer.prompt import CallbackPrompt
from evize_signer.tokens import Pkcs11Token

from evize.applications.models import Status
from evize.core.testing import require_tool
from evize.signatures import services
from evize.signatures.models import FileSignature, RoundFile, SigningRound, SigningSession
from evize.signatures.testing.softhsm import next_key_id, shared_token, softhsm_module

from .helpers import file_bytes, nss_db, pdfsig, pyhanko_reports

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def token():
    require_tool("softhsm2-util", "real PKCS#11 signing needs SoftHSM2")
    require_tool("pkcs11-tool", "keys are loaded onto the token with OpenSC's pkcs11-tool")
    require_tool(softhsm_module(), "the SoftHSM2 PKCS#11 module")
    return shared_token()


def on_token(token, issued) -> Pkcs11Token:
    label = f"muhendis-{next_key_id()}"
    token.import_key(issued, label=label, key_id=next_key_id())
    return Pkcs11Token(token.module, token_label=token.label, cert_label=label)


def wait_for(agent: SigningAgent, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if agent.last is not None and not agent.busy:
            return agent.last
        time.sleep(0.05)
    raise AssertionError("the agent did not finish")


def post(url: str, payload: dict, origin: str):
    request = urllib.request.Request(  # noqa: S310 - loopback test server
        url,
        data=json.dumps(payload).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Origin": origin},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback test server
        return response.status, json.loads(response.read())


def test_agent_signs_the_round_with_a_pkcs11_token(
    live_server, token, waiting, engineers, certificate_for, pki, tmp_path
):
    application, round_ = waiting
    signing_round = services.signing_round_open(actor=engineers[0], round=round_)
    pins: list[str] = []

    def decide(plan):
        pins.append(token.pin)
        return token.pin

    prompts = []
    for user in engineers:
        prompt = CallbackPrompt(decide)
        prompts.append(prompt)
        agent = SigningAgent(
            server_url=live_server.url, token_backend=on_token(token, certificate_for(user)), prompt=prompt
        )
        service = AgentServer(agent, allowed_origin=live_server.url, port=0).start()
        try:
            session, one_time = services.signing_session_start(actor=user, application=application)
            status, answer = post(f"{service.url}/sign", {"v": 1, "token": one_time}, live_server.url)
            assert (status, answer) == (202, {"accepted": True})
            result = wait_for(agent)
        finally:
            service.stop()
        assert result.state == "completed", result
        session.refresh_from_db()
        assert session.state == SigningSession.State.COMPLETED
        # Only a few KB per file travel between the agent and the server.
        assert result.bytes_sent + result.bytes_received < 8 * 1024 * result.documents
        assert session.bytes_to_agent > 0 and session.bytes_from_agent > 0

    # The agent showed the signer the application number, the files and their SHA-256 first.
    plan = prompts[0].plans[0]
    assert plan["application"] == application.registration_number
    assert [d["file_name"] for d in plan["documents"]] == list(
        signing_round.files.order_by("position").values_list("file_name", flat=True)
    )
    assert all(len(d["sha256"]) == 64 for d in plan["documents"])
    signing_round.refresh_from_db()
    application.refresh_from_db()
    assert signing_round.state == SigningRound.State.LOCKED
    assert application.status == Status.AWAITING_REGISTRATION_FEE
    assert FileSignature.objects.filter(round_file__signing_round=signing_round).count() == 6

    db = nss_db(tmp_path, pki.root.pem)
    for round_file in RoundFile.objects.filter(signing_round=signing_round):
        data = file_bytes(round_file)
        reports = pyhanko_reports(data)
        assert len(reports) == 2 and all(r["ok"] for r in reports), reports
        path = tmp_path / f"{round_file.pk}.pdf"
        path.write_bytes(data)
        verdict = pdfsig(path, db)
        assert verdict.count("Signature is Valid.") == 2, verdict
        assert verdict.count("Certificate is Trusted.") == 2, verdict


def test_agent_wrong_national_id_is_refused_and_reported(
    live_server, token, waiting, engineers, certificate_for
):
    from evize.registry.tests.factories import make_tckn

    application, round_ = waiting
    services.signing_round_open(actor=engineers[0], round=round_)
    prompt = CallbackPrompt(lambda plan: token.pin)
    issued = certificate_for(engineers[0], national_id=make_tckn(55555))
    agent = SigningAgent(server_url=live_server.url, token_backend=on_token(token, issued), prompt=prompt)
    session, one_time = services.signing_session_start(actor=engineers[0], application=application)
    result = agent.sign(one_time)
    assert result.state == "refused"
    assert result.code == "wrong_national_id"
    assert prompt.plans == []  # refused before the PIN was asked
    session.refresh_from_db()
    assert session.state == SigningSession.State.REFUSED
    assert not FileSignature.objects.exists()


def test_signer_declines_on_the_agent(live_server, token, waiting, engineers, certificate_for):
    application, round_ = waiting
    services.signing_round_open(actor=engineers[0], round=round_)
    prompt = CallbackPrompt(lambda plan: None)
    agent = SigningAgent(
        server_url=live_server.url,
        token_backend=on_token(token, certificate_for(engineers[0])),
        prompt=prompt,
    )
    session, one_time = services.signing_session_start(actor=engineers[0], application=application)
    assert agent.sign(one_time).state == "cancelled"
    session.refresh_from_db()
    assert session.state == SigningSession.State.CANCELLED
    assert not FileSignature.objects.exists()
