"""The chamber administrator edits the tariff in the admin; every save is audited; others are refused."""

from decimal import Decimal

import pytest

from evize.accounts.tests.factories import UserFactory
from evize.audit.models import AuditEvent
from evize.catalog.models import FeeType
from evize.payments.models import Tariff
from evize.payments.selectors import fee_payment_links
from evize.payments.services import fee_registration_open

from .factories import awaiting_registration_fee

pytestmark = pytest.mark.django_db

ADMIN = "/yonetim/payments/tariff"


def tariff_form(**changes):
    data = {
        "name": "2027 tarifesi",
        "valid_from": "2027-01-01",
        "registration_fee": "1500,00",
        "visa_minimum": "2000",
        "note": "",
        "rates-TOTAL_FORMS": "2",
        "rates-INITIAL_FORMS": "0",
        "rates-MIN_NUM_FORMS": "0",
        "rates-MAX_NUM_FORMS": "1000",
        "rates-0-fee_type": "",
        "rates-0-building_class": "",
        "rates-0-rate_per_mille": "3",
        "rates-0-amount_per_m2": "0",
        "rates-0-minimum": "2000",
        "rates-1-fee_type": str(FeeType.objects.get(code="kamu").pk),
        "rates-1-building_class": "",
        "rates-1-rate_per_mille": "2",
        "rates-1-amount_per_m2": "0",
        "rates-1-minimum": "1500",
        "_save": "Kaydet",
    }
    data.update(changes)
    return data


def test_chamber_admin_adds_a_tariff_and_it_is_audited(staff_client):
    admin = UserFactory(chamber_admin=True)
    client = staff_client(admin)
    assert client.get(f"{ADMIN}/").status_code == 200
    response = client.post(f"{ADMIN}/add/", tariff_form())
    assert response.status_code == 302, response.content.decode()[:3000]
    tariff = Tariff.objects.get(name="2027 tarifesi")
    assert tariff.registration_fee == Decimal("1500.00") and tariff.rates.count() == 2
    event = AuditEvent.objects.get(action="evize.tariff.created")
    assert event.actor == admin
    assert event.data["registration_fee"] == "1500.00" and len(event.data["rates"]) == 2


def test_the_same_rate_row_twice_is_refused(staff_client):
    client = staff_client(UserFactory(chamber_admin=True))
    response = client.post(f"{ADMIN}/add/", tariff_form(**{"rates-1-fee_type": ""}))
    assert response.status_code == 200
    assert "yalnızca bir kez" in response.content.decode()
    assert not Tariff.objects.filter(name="2027 tarifesi").exists()


def test_other_staff_cannot_edit_the_tariff(staff_client):
    client = staff_client(UserFactory(clerk=True))
    assert client.get(f"{ADMIN}/").status_code in (302, 403)
    assert client.post(f"{ADMIN}/add/", tariff_form()).status_code in (302, 403)
    assert not Tariff.objects.filter(name="2027 tarifesi").exists()


def test_a_tariff_in_use_cannot_be_deleted(staff_client, tariff):
    fee_registration_open(actor=None, application=awaiting_registration_fee())
    client = staff_client(UserFactory(chamber_admin=True))
    client.post(f"{ADMIN}/{tariff.pk}/delete/", {"post": "yes"})
    assert Tariff.objects.filter(pk=tariff.pk).exists()
    assert not AuditEvent.objects.filter(action="evize.tariff.deleted").exists()


def test_fee_payment_links_for_other_pages(tariff):
    application = awaiting_registration_fee()
    assert fee_payment_links(application) == [("registration", f"/odeme/basvuru/{application.pk}/kayit/")]
