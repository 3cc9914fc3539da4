"""Server-to-server: reconciliation (ORDERSTATUS) and refunds (Void / Credit) over HTTP against
the sandbox bank served by the live test server on loopback."""

import datetime
import socket
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from evize.applications.models import Status
from evize.audit.models import AuditEvent
from evize.notifications.models import OutboxMessage
from evize.payments.models import Fee, PaymentAttempt
from evize.payments.sandbox.models import SandboxOrder
from evize.payments.services import (
    PaymentError,
    fee_registration_open,
    payment_refund,
    payment_start,
    payments_reconcile,
)
from evize.payments.tasks import reconcile_payments

from .factories import awaiting_registration_fee
from .test_sandbox_flow import APPROVED, DECLINED, NO_ANSWER, enter_card, pay, to_bank

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bank_api(settings, live_server):
    settings.EVIZE_NESTPAY_API_URL = f"{live_server.url}/sandbox-banka/fim/api"
    settings.EVIZE_NESTPAY_TIMEOUT_SECONDS = 5
    return settings.EVIZE_NESTPAY_API_URL


@pytest.fixture
def application(tariff, engineer):
    application = awaiting_registration_fee(created_by=engineer)
    fee_registration_open(actor=None, application=application)
    return application


@pytest.fixture
def payer(client, engineer):
    client.force_login(engineer)
    return client


def test_the_bank_that_never_answers_is_settled_by_reconciliation(bank_api, payer, application, engineer):
    code_url = enter_card(payer, to_bank(payer, application), NO_ANSWER)["Location"]
    payer.post(code_url, {"code": "123456"})
    attempt = PaymentAttempt.objects.get()
    assert attempt.status == "pending"

    assert payments_reconcile(older_than_minutes=0) == {"confirmed": 1}

    attempt.refresh_from_db()
    application.refresh_from_db()
    assert attempt.status == "confirmed" and attempt.last_checked_at is not None
    assert attempt.trans_id == SandboxOrder.objects.get().trans_id
    assert application.status == Status.REGISTERED
    assert OutboxMessage.objects.filter(kind="payment.receipt", recipient=engineer).exists()
    assert AuditEvent.objects.get(action="evize.payment.confirmed").data["source"] == "reconciliation"
    # Asking again changes nothing.
    assert payments_reconcile(older_than_minutes=0) == {}


def test_reconciliation_command_and_task(bank_api, payer, application):
    code_url = enter_card(payer, to_bank(payer, application), NO_ANSWER)["Location"]
    payer.post(code_url, {"code": "123456"})
    assert reconcile_payments.apply().result == {}  # too recent for the periodic run (5 minutes)
    call_command("reconcile_payments", "--older-than-minutes", "0")
    assert PaymentAttempt.objects.get().status == "confirmed"


def test_a_decline_whose_answer_was_lost_ends_failed(bank_api, payer, application):
    code_url = enter_card(payer, to_bank(payer, application), DECLINED)["Location"]
    payer.post(code_url, {"code": "123456"})  # the browser never posts the answer back
    assert payments_reconcile(older_than_minutes=0) == {"failed": 1}
    attempt = PaymentAttempt.objects.get()
    assert attempt.status == "failed" and attempt.error_code == "declined"
    assert Fee.objects.get().status == "due"


def test_a_payment_the_bank_never_saw_is_closed_after_the_expiry(bank_api, application, engineer, settings):
    attempt = payment_start(actor=engineer, fee=Fee.objects.get())
    assert payments_reconcile(older_than_minutes=0) == {"pending": 1}
    PaymentAttempt.objects.filter(pk=attempt.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=settings.EVIZE_PAYMENT_EXPIRE_MINUTES + 1)
    )
    assert payments_reconcile(older_than_minutes=0) == {"expired": 1}
    attempt.refresh_from_db()
    assert attempt.status == "cancelled" and attempt.error_code == "expired"


def test_an_unreachable_bank_leaves_the_attempt_open(settings, application, engineer):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EVIZE_NESTPAY_API_URL = f"http://127.0.0.1:{port}/fim/api"
    settings.EVIZE_NESTPAY_TIMEOUT_SECONDS = 2
    attempt = payment_start(actor=engineer, fee=Fee.objects.get())
    assert payments_reconcile(older_than_minutes=0) == {"unreachable": 1}
    attempt.refresh_from_db()
    assert attempt.status == "created" and attempt.last_checked_at is not None


def test_full_refund_on_the_same_day_voids_the_payment(bank_api, payer, application):
    pay(payer, application, APPROVED)
    attempt = PaymentAttempt.objects.get()
    from evize.accounts.tests.factories import UserFactory

    admin = UserFactory(chamber_admin=True)
    payment_refund(actor=admin, attempt=attempt, reason="Başvuru geri çekildi")
    attempt.refresh_from_db()
    assert attempt.status == "refunded" and attempt.refunded_amount == Decimal("1250.00")
    assert not attempt.refund_in_progress
    assert SandboxOrder.objects.get().state == "voided"
    fee = Fee.objects.get()
    assert fee.status == "due"
    application.refresh_from_db()
    assert application.status == Status.REGISTERED  # a refund does not move the application back
    event = AuditEvent.objects.get(action="evize.payment.refunded")
    assert event.actor == admin and event.data["reason"] == "Başvuru geri çekildi"
    assert AuditEvent.objects.filter(action="evize.fee.reopened").count() == 1
    with pytest.raises(PaymentError):
        payment_refund(actor=admin, attempt=attempt, reason="ikinci kez")


def test_partial_refund_credits_the_card(bank_api, payer, application):
    pay(payer, application, APPROVED)
    attempt = PaymentAttempt.objects.get()
    payment_refund(actor=None, attempt=attempt, reason="Fazla tahsilat", amount=Decimal("250"))
    attempt.refresh_from_db()
    assert attempt.status == "confirmed" and attempt.refunded_amount == Decimal("250.00")
    order = SandboxOrder.objects.get()
    assert order.state == "approved" and order.refunded_amount == Decimal("250.00")


def test_a_refused_refund_is_audited_and_changes_nothing(bank_api, payer, application):
    pay(payer, application, APPROVED)
    attempt = PaymentAttempt.objects.get()
    SandboxOrder.objects.update(state="voided")  # e.g. already cancelled at the bank's own terminal
    with pytest.raises(PaymentError) as refused:
        payment_refund(actor=None, attempt=attempt, reason="deneme")
    assert refused.value.message.startswith("Banka iadeyi gerçekleştirmedi: ")
    attempt.refresh_from_db()
    assert attempt.status == "confirmed" and attempt.refunded_amount == 0 and not attempt.refund_in_progress
    assert AuditEvent.objects.filter(action="evize.payment.refund_failed").count() == 1
