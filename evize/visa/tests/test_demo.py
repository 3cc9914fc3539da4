"""The demo helper builds a visa'd application through the real services."""

from __future__ import annotations

import pytest

from evize.accounts.tests.factories import UserFactory
from evize.applications.models import Status
from evize.visa.demo import demo_visaed_application
from evize.visa.models import OfficerProfile, Visa

pytestmark = pytest.mark.django_db


def test_demo_visaed_application(signed_application, officer_certificate, tmp_path):
    officer = UserFactory(visa_officer=True, username="vize.yetkili")
    p12 = tmp_path / "vize.yetkili.p12"
    p12.write_bytes(officer_certificate.pkcs12("demo", name="Vize Yetkili"))
    visa = demo_visaed_application(signed_application, pkcs12_path=p12)
    assert visa.state == Visa.State.VALID
    assert OfficerProfile.objects.get(user=officer).national_id == "10000093216"
    signed_application.refresh_from_db()
    assert signed_application.status == Status.VISAED
