"""Signing with a PKCS#12 file (demo path): a batch of visas in one session, by the command."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from evize.applications.models import Status
from evize.documents.tests.pdfs import make_pdf
from evize.visa import services
from evize.visa.models import Visa, VisaSigning

from .conftest import make_signed_application

pytestmark = pytest.mark.django_db


def test_batch_of_visas_signed_in_one_session_by_the_command(
    signed_application, engineers, pki, officer, officer_certificate, tmp_path
):
    second = make_signed_application(engineers, pki, pdfs=[("Kesit.pdf", make_pdf(text="Kesit"))])
    first_visa = services.visa_issue_start(signed_application.pk)
    second_visa = services.visa_issue_start(second.pk)
    assert second_visa.seq == first_visa.seq + 1  # gapless
    p12 = tmp_path / "yetkili.p12"
    p12.write_bytes(officer_certificate.pkcs12("gizli", name="Vize Yetkili"))

    with pytest.raises(CommandError):
        call_command(
            "visa_sign_pkcs12", "--officer", engineers[0].username, "--pkcs12", str(p12), "--password", "x"
        )
    call_command(
        "visa_sign_pkcs12", "--officer", officer.username, "--pkcs12", str(p12), "--password", "gizli"
    )

    assert VisaSigning.objects.count() == 1
    signing = VisaSigning.objects.get()
    assert signing.state == VisaSigning.State.COMPLETED
    assert set(signing.visas.values_list("pk", flat=True)) == {first_visa.pk, second_visa.pk}
    assert set(Visa.objects.values_list("state", flat=True)) == {Visa.State.VALID}
    second.refresh_from_db()
    assert second.status == Status.VISAED
    assert Visa.objects.get(pk=second_visa.pk).files.count() == 2  # Kesit + Başvuru Formu
