"""The visa fee's settlement reserves the visa number (payments' on-commit hook)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from evize.accounts.tests.factories import UserFactory
from evize.applications.models import Status
from evize.audit.models import AuditEvent
from evize.payments.services import fee_override, fee_visa_open
from evize.payments.tests.factories import application_in, make_tariff
from evize.visa import services
from evize.visa.models import Visa
from evize.visa.tasks import sweep_pending_visas

from .helpers import make_visa

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


def _settle_visa_fee(application, admin, *, run_on_commit: bool, capture):
    fee = fee_visa_open(actor=admin, application=application, notify=False)
    with capture(execute=run_on_commit) as callbacks:
        fee_override(actor=admin, fee=fee, amount=Decimal("0"), reason="Kamu yapısı")
    return callbacks


def test_lost_start_is_recovered_by_the_officers_queue(django_capture_on_commit_callbacks, staff_client):
    """The process dies after the visa fee's commit, before the on-commit hook queued the visa: the
    application waits in "visa being issued" without a visa. The officers' queue creates it, once."""
    make_tariff()
    application = application_in(Status.APPROVED)
    admin = UserFactory(chamber_admin=True)
    lost = _settle_visa_fee(
        application, admin, run_on_commit=False, capture=django_capture_on_commit_callbacks
    )
    application.refresh_from_db()
    assert application.status == Status.VISA_ISSUING
    assert not Visa.objects.filter(application=application).exists()
    assert list(services.applications_missing_visa()) == [application]

    office = staff_client(UserFactory(visa_officer=True))
    page = office.get("/vize/")

    assert page.status_code == 200
    visa = Visa.objects.get(application=application)
    assert visa.state == Visa.State.PENDING
    assert visa.number in page.content.decode()
    event = AuditEvent.objects.get(action="evize.visa.queued", object_id=str(application.pk))
    assert event.data["recovered"] is True and event.data["visa"] == visa.number
    # Idempotent: the queue again, and even the lost hook running late, create nothing more.
    office.get("/vize/")
    for callback in lost:
        callback()
    assert Visa.objects.filter(application=application).count() == 1
    assert AuditEvent.objects.filter(action="evize.visa.queued").count() == 1
    assert not services.applications_missing_visa().exists()


def test_sweep_task_queues_only_missing_visas(db):
    waiting = application_in(Status.VISA_ISSUING)
    already = application_in(Status.VISA_ISSUING)
    existing = services.visa_issue_start(already.pk)
    application_in(Status.APPROVED)  # not paid yet: nothing to queue

    numbers = sweep_pending_visas.delay().get()

    created = Visa.objects.get(application=waiting)
    assert numbers == [created.number]
    assert created.seq == existing.seq + 1
    assert Visa.objects.filter(application=already).count() == 1
    assert Visa.objects.count() == 2
    assert sweep_pending_visas.delay().get() == []


def test_officers_queue_makes_a_constant_number_of_queries(staff_client, django_assert_max_num_queries):
    office = staff_client(UserFactory(visa_officer=True))
    office.get("/vize/")  # session, OTP device: warm

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert office.get("/vize/").status_code == 200
        return len(queries)

    for _ in range(2):
        services.visa_issue_start(application_in(Status.VISA_ISSUING).pk)
    few = count()
    for _ in range(4):
        services.visa_issue_start(application_in(Status.VISA_ISSUING).pk)
    visaed = application_in(Status.VISAED)
    make_visa(visaed)
    make_visa(visaed, state="revoked")
    assert count() == few
    with django_assert_max_num_queries(few):
        office.get("/vize/")
