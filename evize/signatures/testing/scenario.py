"""Test and benchmark helpers: an application waiting for signatures, and signers' certificates."""

from __future__ import annotations

import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from django.conf import settings
from django.utils import timezone

from ..pki import CertificateAuthority, Issued


def signer_certificate(ca: CertificateAuthority, member, *, prefix: str = "PNOTR-", **kwargs) -> Issued:
    """A qualified-signature certificate for a registry member (their national ID in serialNumber)."""
    kwargs.setdefault("national_id", member.national_id)
    return ca.issue_signer(given_name=member.first_name, surname=member.last_name, id_prefix=prefix, **kwargs)


def sign_with(issued: Issued, to_be_signed: bytes) -> bytes:
    """What the token does: PKCS#1 v1.5 (or ECDSA) over SHA-256 of the signed attributes."""
    key = issued.key
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(to_be_signed, padding.PKCS1v15(), hashes.SHA256())
    return key.sign(to_be_signed, ec.ECDSA(hashes.SHA256()))


def application_waiting_for_signatures(
    *, engineers, pdfs: list[tuple[str, bytes]], number: str | None = None
):
    """An application of `engineers` (users; the first is the applicant) with `pdfs` attached (through
    the documents service), saved (awaiting signature) with its first round. Returns (application, round)."""
    from evize.applications.models import ApplicationEngineer, Round, Status
    from evize.applications.tests.factories import ApplicationFactory
    from evize.applications.workflow import transition
    from evize.documents.services import document_create_from_file
    from evize.documents.tests.factories import DocumentTypeFactory

    applicant = engineers[0]
    application = ApplicationFactory(created_by=applicant)
    for position, user in enumerate(engineers[1:], start=2):
        ApplicationEngineer.objects.create(
            application=application,
            member=user.member,
            position=position,
            email=user.member.email,
            national_id=user.member.national_id,
            phone="+90 533 000 00 00",
        )
    document_type = DocumentTypeFactory(multiple=True, name_tr="Proje paftaları (imza testi)")
    tmp_dir = Path(settings.EVIZE_UPLOAD_TMP_DIR)
    tmp_dir.mkdir(parents=True, exist_ok=True)
    for file_name, data in pdfs:
        with tempfile.NamedTemporaryFile(dir=tmp_dir, suffix=".pdf", delete=False) as tmp:
            tmp.write(data)
        document_create_from_file(
            actor=applicant,
            application=application,
            document_type=document_type,
            path=Path(tmp.name),
            file_name=file_name,
        )
    year = timezone.localdate().year
    seq = 100 + application.pk
    number = number or f"{year}/{seq:05d}"
    transition(
        application,
        to=Status.AWAITING_SIGNATURE,
        actor=applicant,
        changes={
            "registration_number": number,
            "registration_year": year,
            "registration_seq": seq,
            "submitted_at": timezone.now(),
        },
    )
    application.refresh_from_db()
    round_ = Round.objects.create(application=application, number=1, created_by=applicant, snapshot={})
    return application, round_
