"""The visa fee's settlement reserves the visa number (payments' on-commit hook)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from evize.accounts.tests.factories import UserFactory
from evize.applications.models import Status
from evize.audit.models import AuditEvent
from evize.payments.services import fee_override, fee_visa_open
from evize.payments.tests.factories import application_in, make_tariff
from evize.visa.models import Visa

pytestmark = pytest.mark.django_db


def test_settled_visa_fee_queues_a_pending_visa(django_capture_on_commit_callbacks, settings):
    settings.EVIZE_VISA_NUMBER_FORMAT = "V-{year}/{seq:05d}"
    make_tariff()
    application = application_in(Status.APPROVED)
    admin = UserFactory(chamber_admin=True)
    fee = fee_visa_open(actor=admin, application=application, notify=False)
    with django_capture_on_commit_callbacks(execute=True):
        fee_override(actor=admin, fee=fee, amount=Decimal("0"), reason="Kamu yapısı")
    application.refresh_from_db()
    assert application.status == Status.VISA_ISSUING
    visa = Visa.objects.get(application=application)
    assert visa.state == Visa.State.PENDING
    assert visa.number == f"V-{visa.year}/{visa.seq:05d}"
    assert visa.slug == visa.number.replace("/", "-")
    assert AuditEvent.objects.filter(action="evize.visa.queued", object_id=str(application.pk)).exists()
