"""The signer agent on its own: loopback only, the configured origin only, one signing at a time,
signs only CMS signed attributes of its own certificate, keys from PKCS#11 (SoftHSM2) or PKCS#12."""

from __future__ import annotations

import hashlib
import http.client
import json
import threading

import pytest
from asn1crypto import algos, cms, core, tsp
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from evize_signer.agent import AgentServer, SigningAgent
from evize_signer.checks import SuspiciousRequest, check_to_be_signed
from evize_signer.prompt import CallbackPrompt, format_plan
from evize_signer.tokens import Pkcs11Token, Pkcs12Token, WrongPin

from evize.core.testing import require_tool
from evize.signatures.pki import hierarchy
from evize.signatures.testing.softhsm import next_key_id, shared_token, softhsm_module

ORIGIN = "https://evize.example.org"


@pytest.fixture(scope="module")
def pki():
    return hierarchy(name="Ajan Test")


@pytest.fixture(scope="module")
def issued(pki):
    return pki.intermediate.issue_signer(
        given_name="Ayşe", surname="Yılmaz", national_id="62049292914", id_prefix="PNOTR-"
    )


def signed_attributes(certificate_der: bytes, digest: bytes = b"\x01" * 32) -> bytes:
    ess = tsp.SigningCertificateV2(
        {
            "certs": [
                tsp.ESSCertIDv2(
                    {
                        "hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
                        "cert_hash": hashlib.sha256(certificate_der).digest(),
                    }
                )
            ]
        }
    )
    return cms.CMSAttributes(
        [
            cms.CMSAttribute({"type": "content_type", "values": [cms.ContentType("data")]}),
            cms.CMSAttribute({"type": "message_digest", "values": [core.OctetString(digest)]}),
            cms.CMSAttribute({"type": "signing_certificate_v2", "values": [ess]}),
        ]
    ).dump()


def test_only_signed_attributes_of_our_certificate_are_signed(issued, pki):
    data = signed_attributes(issued.der)
    assert check_to_be_signed(data, issued.der) == b"\x01" * 32
    with pytest.raises(SuspiciousRequest):
        check_to_be_signed(hashlib.sha256(b"anything").digest(), issued.der)
    other = pki.intermediate.issue_signer(given_name="B", surname="C", national_id="10000093246")
    with pytest.raises(SuspiciousRequest):
        check_to_be_signed(signed_attributes(other.der), issued.der)


class RecordingAgent(SigningAgent):
    def sign(self, session_token):
        self.started.append(session_token)
        self.release.wait(5)
        return None


@pytest.fixture
def service(issued, tmp_path):
    agent = RecordingAgent(
        server_url="https://evize.example.org",
        token_backend=Pkcs12Token(str(tmp_path / "x.p12")),
        prompt=CallbackPrompt(lambda plan: None),
    )
    agent.started = []
    agent.release = threading.Event()
    server = AgentServer(agent, allowed_origin=ORIGIN, port=0).start()
    yield server
    agent.release.set()
    server.stop()


def request(server, method, path, *, origin=ORIGIN, host=None, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    all_headers = {"Host": host or f"127.0.0.1:{server.port}", **(headers or {})}
    if origin:
        all_headers["Origin"] = origin
    payload = json.dumps(body).encode() if body is not None else None
    if payload is not None:
        all_headers["Content-Type"] = "application/json"
    connection.request(method, path, body=payload, headers=all_headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response, data


TOKEN = "a" * 43


def test_the_agent_answers_only_the_configured_origin(service):
    response, _ = request(service, "POST", "/sign", origin="https://evil.example", body={"token": TOKEN})
    assert response.status == 403
    response, _ = request(service, "POST", "/sign", origin=None, body={"token": TOKEN})
    assert response.status == 403
    # DNS rebinding: a foreign Host name is refused even with the right Origin.
    response, _ = request(
        service, "POST", "/sign", host=f"evil.example:{service.port}", body={"token": TOKEN}
    )
    assert response.status == 403
    assert service.agent.started == []


def test_preflight_and_private_network_access(service):
    response, _ = request(
        service,
        "OPTIONS",
        "/sign",
        headers={"Access-Control-Request-Method": "POST", "Access-Control-Request-Private-Network": "true"},
    )
    assert response.status == 204
    assert response.getheader("Access-Control-Allow-Origin") == ORIGIN
    assert response.getheader("Access-Control-Allow-Private-Network") == "true"
    response, _ = request(service, "OPTIONS", "/sign", origin="https://evil.example")
    assert response.status == 403
    assert response.getheader("Access-Control-Allow-Origin") is None


def test_sign_starts_once_and_is_busy_meanwhile(service):
    response, data = request(service, "POST", "/sign", body={"v": 1, "token": TOKEN})
    assert (response.status, json.loads(data)) == (202, {"accepted": True})
    assert response.getheader("Access-Control-Allow-Origin") == ORIGIN
    response, _ = request(service, "POST", "/sign", body={"v": 1, "token": "b" * 43})
    assert response.status == 409
    response, data = request(service, "GET", "/status")
    assert json.loads(data)["busy"] is True
    service.agent.release.set()
    response, _ = request(service, "POST", "/sign", body={"v": 1, "token": "bad token!"})
    assert response.status == 400
    response, _ = request(service, "GET", "/other")
    assert response.status == 404
    assert service.agent.started == [TOKEN]


def test_the_server_listens_on_loopback_only(service):
    assert service.httpd.server_address[0] == "127.0.0.1"


def verify(issued, message: bytes, signature: bytes) -> None:
    issued.certificate.public_key().verify(signature, message, padding.PKCS1v15(), hashes.SHA256())


def test_pkcs12_file(issued, tmp_path):
    path = tmp_path / "demo.p12"
    path.write_bytes(issued.pkcs12("parola"))
    token = Pkcs12Token(str(path))
    with pytest.raises(WrongPin):
        token.certificate(ask_secret=lambda label: "yanlış")
    certificate, chain = token.certificate(ask_secret=lambda label: "parola")
    assert certificate == issued.der and len(chain) == 2
    message = signed_attributes(issued.der)
    (signature,) = token.sign_all([message], "")
    verify(issued, message, signature)


def test_pkcs11_token_softhsm(issued):
    require_tool("softhsm2-util", "real PKCS#11 signing needs SoftHSM2")
    require_tool("pkcs11-tool", "keys are loaded with OpenSC's pkcs11-tool")
    require_tool(softhsm_module(), "the SoftHSM2 PKCS#11 module")
    hsm = shared_token()
    label = f"ajan-{next_key_id()}"
    hsm.import_key(issued, label=label, key_id=next_key_id())
    token = Pkcs11Token(hsm.module, token_label=hsm.label, cert_label=label)
    certificate, chain = token.certificate()  # no PIN needed to read the certificate
    assert certificate == issued.der
    assert len(chain) >= 2
    messages = [signed_attributes(issued.der, bytes([n]) * 32) for n in range(3)]
    with pytest.raises(WrongPin):
        token.sign_all(messages, "0000")
    signatures = token.sign_all(messages, hsm.pin)
    for message, signature in zip(messages, signatures, strict=True):
        verify(issued, message, signature)


def test_the_plan_shown_to_the_signer():
    text = format_plan(
        {
            "application": "2026/00042",
            "round": 1,
            "signer": "Ayşe Yılmaz",
            "documents": [{"file_name": "Zemin kat planı.pdf", "size": 1234, "sha256": "ab" * 32}],
        }
    )
    assert "2026/00042" in text and "Zemin kat planı.pdf" in text and "ab" * 32 in text
