"""A visa'd application for the demo, built through the real services.

    demo_visaed_application(application)   # an application in "visa being issued" (visa fee paid)

uses the demo visa officer (vize.yetkili, see evize.core.demo) and the demo PKI's PKCS#12 file
(`manage.py demo_pki`: $EVIZE_DATA_DIR/demo-pki/vize.yetkili.p12, password "demo"): the officer's
national ID is registered (OfficerProfile), the visa number reserved, every file stamped and
signed, the application moved to "visa'd" and the engineers e-mailed.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from evize.accounts.models import User
from evize.applications.models import Application, Status

from . import pkcs12, services
from .models import OfficerProfile, Visa

OFFICER_USERNAME = "vize.yetkili"


def demo_officer() -> User:
    from evize.signatures.management.commands.demo_pki import officer_national_id

    officer = User.objects.get(username=OFFICER_USERNAME)
    OfficerProfile.objects.get_or_create(user=officer, defaults={"national_id": officer_national_id()})
    return officer


def demo_visaed_application(
    application: Application,
    *,
    pkcs12_path: Path | None = None,
    password: str = "demo",  # noqa: S107
) -> Visa:
    if application.status != Status.VISA_ISSUING:
        raise ValueError(f"application {application.pk} is {application.status}, not visa_issuing")
    officer = demo_officer()
    visa = services.visa_issue_start(application.pk)
    path = pkcs12_path or Path(settings.DATA_DIR) / "demo-pki" / f"{OFFICER_USERNAME}.p12"
    (issued,) = pkcs12.sign_visas(officer=officer, visas=[visa], path=path, password=password)
    return issued
