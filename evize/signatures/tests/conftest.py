"""Signature tests: a real test PKI (root → intermediate, CRL, OCSP, TSA over HTTP on loopback),
private storage per test, and applications waiting for signatures."""

from __future__ import annotations

import pytest

from evize.accounts.tests.factories import UserFactory
from evize.documents.tests.pdfs import make_pdf
from evize.signatures.testing.responders import PkiServer
from evize.signatures.testing.scenario import application_waiting_for_signatures, signer_certificate


@pytest.fixture(scope="session")
def pki_server():
    with PkiServer() as server:
        yield server


@pytest.fixture
def pki(pki_server):
    return pki_server.pki


@pytest.fixture(autouse=True)
def signature_settings(settings, tmp_path, pki_server):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    settings.EVIZE_UPLOAD_TMP_DIR = tmp_path / "uploads"
    anchor = pki_server.pki.write_anchor(tmp_path / "anchors" / "root.pem")
    settings.EVIZE_SIGNATURE_TRUST_ANCHORS = [str(anchor)]
    settings.EVIZE_SIGNATURE_REVOCATION_MODE = "hard-fail"
    settings.EVIZE_TSA_URL = pki_server.tsa_url
    return settings


@pytest.fixture
def engineers(db):
    return [UserFactory(), UserFactory()]


@pytest.fixture
def waiting(engineers):
    """(application, round) of two engineers with two drawings, awaiting signature."""
    return application_waiting_for_signatures(
        engineers=engineers,
        pdfs=[
            ("Zemin kat planı.pdf", make_pdf(pages=2, text="Zemin")),
            ("Statik hesap.pdf", make_pdf(text="Statik")),
        ],
    )


@pytest.fixture
def certificate_for(pki):
    def issue(user, **kwargs):
        return signer_certificate(pki.intermediate, user.member, **kwargs)

    return issue
