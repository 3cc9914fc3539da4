"""Visa tests reuse the signature tests' real PKI (root → intermediate, CRL, OCSP, TSA on loopback)."""

from __future__ import annotations

import pytest

from evize.accounts.tests.factories import UserFactory
from evize.applications.models import Application, Status
from evize.documents.tests.pdfs import make_pdf
from evize.signatures import services as signature_services
from evize.signatures.testing.scenario import application_waiting_for_signatures, signer_certificate
from evize.signatures.tests.conftest import pki_server, signature_settings  # noqa: F401
from evize.signatures.tests.helpers import sign_round
from evize.visa.models import OfficerProfile

OFFICER_NATIONAL_ID = "10000093216"


@pytest.fixture
def pki(pki_server):  # noqa: F811
    return pki_server.pki


@pytest.fixture
def engineers(db):
    return [UserFactory(), UserFactory()]


def make_signed_application(engineers, pki, pdfs=None):
    """An application whose round both engineers signed (every file), then moved on to
    "visa being issued" (review and fees are other apps' business: set directly here)."""
    application, round_ = application_waiting_for_signatures(
        engineers=engineers,
        pdfs=pdfs
        or [
            ("Zemin kat planı.pdf", make_pdf(pages=3, text="Zemin")),
            ("Statik hesap.pdf", make_pdf(text="Statik")),
        ],
    )
    signature_services.signing_round_open(actor=engineers[0], round=round_, notify=False)
    for user in engineers:
        sign_round(user, signer_certificate(pki.intermediate, user.member), application)
    Application.objects.filter(pk=application.pk).update(status=Status.VISA_ISSUING)
    application.refresh_from_db()
    return application


@pytest.fixture
def signed_application(engineers, pki):
    return make_signed_application(engineers, pki)


@pytest.fixture
def officer(db):
    user = UserFactory(visa_officer=True, first_name="Vize", last_name="Yetkili")
    OfficerProfile.objects.create(user=user, national_id=OFFICER_NATIONAL_ID)
    return user


@pytest.fixture
def officer_certificate(pki):
    return pki.intermediate.issue_signer(
        given_name="Vize", surname="Yetkili", national_id=OFFICER_NATIONAL_ID, id_prefix="PNOTR-"
    )
