from decimal import Decimal

import pytest
from django.core.files.storage import default_storage

from evize.applications.models import Status
from evize.audit.models import AuditEvent
from evize.notifications.models import OutboxMessage
from evize.payments.base import BankAnswer, Outcome
from evize.payments.models import Fee, PaymentAttempt, Receipt
from evize.payments.services import (
    PaymentError,
    fee_is_paid,
    fee_override,
    fee_registration_open,
    fee_visa_open,
    payment_confirm,
    payment_fail,
    payment_start,
)

from .factories import application_in, awaiting_registration_fee, make_tariff

pytestmark = pytest.mark.django_db


def approved(attempt, **extra):
    return BankAnswer(
        oid=attempt.oid,
        outcome=Outcome.APPROVED,
        amount=attempt.amount,
        currency=attempt.currency,
        trans_id="T1",
        auth_code="A1",
        masked_pan="411111******1111",
        **extra,
    )


def actions(**filters):
    return list(AuditEvent.objects.filter(**filters).order_by("id").values_list("action", flat=True))


def test_registration_fee_opens_once_and_sends_the_payment_link(tariff):
    application = awaiting_registration_fee()
    fee = fee_registration_open(actor=None, application=application)
    assert fee.kind == "registration" and fee.amount == Decimal("1250.00") and fee.status == "due"
    assert fee.breakdown["total"] == "1250.00"
    again = fee_registration_open(actor=None, application=application)
    assert again.pk == fee.pk
    messages = OutboxMessage.objects.filter(kind="fee.registration_due")
    assert messages.count() == 1
    assert f"/odeme/basvuru/{application.pk}/kayit/" in messages.get().body_text
    assert actions(action="evize.fee.opened") == ["evize.fee.opened"]


def test_registration_fee_needs_the_right_status(tariff):
    with pytest.raises(PaymentError):
        fee_registration_open(actor=None, application=application_in(Status.AWAITING_SIGNATURE))
    assert not Fee.objects.exists()


def test_a_zero_registration_fee_is_waived_and_registers(db):
    make_tariff(registration_fee=Decimal("0"))
    application = awaiting_registration_fee()
    fee = fee_registration_open(actor=None, application=application)
    application.refresh_from_db()
    assert fee.status == "waived"
    assert application.status == Status.REGISTERED
    assert OutboxMessage.objects.filter(kind="application.registered").exists()


def test_visa_fee_opens_on_approval_and_moves_the_application(tariff, engineer):
    application = application_in(Status.APPROVED, construction_cost=Decimal("2000000"))
    fee = fee_visa_open(actor=engineer, application=application)
    application.refresh_from_db()
    assert application.status == Status.AWAITING_VISA_FEE
    assert fee.amount == Decimal("6000.00")  # 3 ‰ of 2 000 000
    assert OutboxMessage.objects.filter(kind="fee.visa_due").count() == 1
    assert "evize.application.visa_fee_requested" in actions(object_id=str(application.pk))
    assert fee_visa_open(actor=engineer, application=application).pk == fee.pk


def test_visa_fee_refused_before_approval(tariff):
    with pytest.raises(PaymentError):
        fee_visa_open(actor=None, application=application_in(Status.IN_REVIEW))


def test_override_is_audited_and_changes_what_is_due(tariff, staff_client):
    from evize.accounts.tests.factories import UserFactory

    clerk = UserFactory(clerk=True)
    fee = fee_registration_open(actor=None, application=awaiting_registration_fee())
    fee_override(actor=clerk, fee=fee, amount=Decimal("900"), reason="Oda yönetim kurulu kararı 2026/14")
    fee.refresh_from_db()
    assert fee.payable_amount == Decimal("900.00") and fee.amount == Decimal("1250.00")
    event = AuditEvent.objects.get(action="evize.fee.overridden")
    assert event.actor == clerk
    assert event.data["previous"] == "1250.00" and event.data["amount"] == "900.00"
    assert event.data["reason"] == "Oda yönetim kurulu kararı 2026/14"
    with pytest.raises(PaymentError):
        fee_override(actor=clerk, fee=fee, amount=Decimal("800"), reason="  ")


def test_override_to_zero_waives_and_moves_on(tariff):
    application = awaiting_registration_fee()
    fee = fee_registration_open(actor=None, application=application)
    fee_override(actor=None, fee=fee, amount=Decimal("0"), reason="Kamu projesi, ücretsiz")
    fee.refresh_from_db()
    application.refresh_from_db()
    assert fee.status == "waived" and fee_is_paid(fee)
    assert application.status == Status.REGISTERED


def test_confirmation_registers_issues_a_receipt_and_e_mails(tariff, engineer):
    application = awaiting_registration_fee(created_by=engineer)
    fee = fee_registration_open(actor=None, application=application)
    attempt = payment_start(actor=engineer, fee=fee)
    assert attempt.amount == Decimal("1250.00") and attempt.status == "created" and attempt.currency == "949"

    outcome = payment_confirm(attempt_id=attempt.pk, response=approved(attempt))

    assert outcome.kind == "confirmed"
    attempt.refresh_from_db()
    fee.refresh_from_db()
    application.refresh_from_db()
    assert attempt.status == "confirmed" and attempt.trans_id == "T1"
    assert fee.status == "paid" and fee_is_paid(fee)
    assert application.status == Status.REGISTERED
    receipt = Receipt.objects.get(attempt=attempt)
    assert receipt.number.startswith(f"MKB-{receipt.year}-") and receipt.seq >= 1
    assert default_storage.open(receipt.file.name).read(5) == b"%PDF-"
    mail = OutboxMessage.objects.get(kind="payment.receipt")
    assert mail.recipient == engineer
    assert list(mail.attachments.values_list("filename", flat=True)) == [receipt.file_name]
    assert OutboxMessage.objects.filter(kind="application.registered", recipient=engineer).exists()
    assert "evize.payment.confirmed" in actions(object_id=str(attempt.pk))
    assert "evize.application.registration_fee_paid" in actions(object_id=str(application.pk))


def test_second_confirmation_changes_nothing(tariff, engineer):
    fee = fee_registration_open(actor=None, application=awaiting_registration_fee(created_by=engineer))
    attempt = payment_start(actor=engineer, fee=fee)
    payment_confirm(attempt_id=attempt.pk, response=approved(attempt))
    again = payment_confirm(attempt_id=attempt.pk, response=approved(attempt))
    assert again.kind == "replayed"
    assert Receipt.objects.count() == 1
    assert OutboxMessage.objects.filter(kind="payment.receipt").count() == 1
    assert actions(action__startswith="evize.payment.c") == [
        "evize.payment.confirmed",
        "evize.payment.callback_replayed",
    ]


def test_receipt_numbers_follow_each_other(tariff, engineer):
    numbers = []
    for _ in range(3):
        fee = fee_registration_open(actor=None, application=awaiting_registration_fee(created_by=engineer))
        attempt = payment_start(actor=engineer, fee=fee)
        payment_confirm(attempt_id=attempt.pk, response=approved(attempt))
        numbers.append(Receipt.objects.get(attempt=attempt).seq)
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]


def test_failure_leaves_the_fee_due_and_a_new_attempt_possible(tariff, engineer):
    application = awaiting_registration_fee(created_by=engineer)
    fee = fee_registration_open(actor=None, application=application)
    attempt = payment_start(actor=engineer, fee=fee)
    answer = BankAnswer(
        oid=attempt.oid,
        outcome=Outcome.INSUFFICIENT_FUNDS,
        amount=attempt.amount,
        currency="949",
        proc_return_code="51",
        bank_message="Yetersiz bakiye",
    )
    assert payment_fail(attempt_id=attempt.pk, response=answer).kind == "failed"
    attempt.refresh_from_db()
    fee.refresh_from_db()
    assert attempt.status == "failed" and attempt.error_code == "insufficient_funds"
    assert attempt.error_message == "Yetersiz bakiye"
    assert fee.status == "due" and not fee_is_paid(fee)
    retry = payment_start(actor=engineer, fee=fee)
    assert retry.pk != attempt.pk and retry.oid != attempt.oid


def test_paying_is_refused_when_paid_or_not_awaited(tariff, engineer):
    fee = fee_registration_open(actor=None, application=awaiting_registration_fee(created_by=engineer))
    attempt = payment_start(actor=engineer, fee=fee)
    payment_confirm(attempt_id=attempt.pk, response=approved(attempt))
    with pytest.raises(PaymentError):
        payment_start(actor=engineer, fee=Fee.objects.get(pk=fee.pk))
    assert PaymentAttempt.objects.count() == 1


def test_a_second_payment_of_a_paid_fee_is_kept_and_flagged(tariff, engineer):
    fee = fee_registration_open(actor=None, application=awaiting_registration_fee(created_by=engineer))
    first = payment_start(actor=engineer, fee=fee)
    second = payment_start(actor=engineer, fee=fee)  # e.g. a second browser tab
    payment_confirm(attempt_id=first.pk, response=approved(first))
    assert payment_confirm(attempt_id=second.pk, response=approved(second)).kind == "confirmed"
    assert "evize.payment.overpaid" in actions(object_id=str(second.pk))
    assert Receipt.objects.count() == 2


def test_amount_mismatch_changes_nothing(tariff, engineer):
    fee = fee_registration_open(actor=None, application=awaiting_registration_fee(created_by=engineer))
    attempt = payment_start(actor=engineer, fee=fee)
    answer = BankAnswer(oid=attempt.oid, outcome=Outcome.APPROVED, amount=Decimal("1.00"), currency="949")
    assert payment_confirm(attempt_id=attempt.pk, response=answer).kind == "mismatch"
    attempt.refresh_from_db()
    assert attempt.status == "created"
    assert actions(action="evize.payment.callback_mismatch") == ["evize.payment.callback_mismatch"]


def test_a_fee_is_paid_when_confirmed_attempts_cover_it(tariff, engineer):
    application = awaiting_registration_fee(created_by=engineer)
    fee = fee_registration_open(actor=None, application=application)
    first = payment_start(actor=engineer, fee=fee)  # 1250.00, while the office raises the amount
    fee_override(actor=None, fee=fee, amount=Decimal("2000"), reason="Ek hizmet bedeli")
    payment_confirm(attempt_id=first.pk, response=approved(first))
    fee.refresh_from_db()
    application.refresh_from_db()
    assert fee.status == "due" and not fee_is_paid(fee)
    assert application.status == Status.AWAITING_REGISTRATION_FEE
    second = payment_start(actor=engineer, fee=fee)
    assert second.amount == Decimal("750.00")  # only what is still owed
    payment_confirm(attempt_id=second.pk, response=approved(second))
    fee.refresh_from_db()
    application.refresh_from_db()
    assert fee.status == "paid" and fee_is_paid(fee)
    assert application.status == Status.REGISTERED


def test_lowering_the_amount_to_what_was_paid_settles_the_fee(tariff, engineer):
    application = awaiting_registration_fee(created_by=engineer)
    fee = fee_registration_open(actor=None, application=application)
    attempt = payment_start(actor=engineer, fee=fee)
    fee_override(actor=None, fee=fee, amount=Decimal("2000"), reason="Ek hizmet bedeli")
    payment_confirm(attempt_id=attempt.pk, response=approved(attempt))
    fee_override(
        actor=None, fee=Fee.objects.get(pk=fee.pk), amount=Decimal("1250"), reason="Karar geri alındı"
    )
    application.refresh_from_db()
    assert Fee.objects.get(pk=fee.pk).status == "paid"
    assert application.status == Status.REGISTERED


def test_paying_after_the_application_was_cancelled_keeps_the_money_and_tells_the_office(tariff, engineer):
    application = awaiting_registration_fee(created_by=engineer)
    fee = fee_registration_open(actor=None, application=application)
    attempt = payment_start(actor=engineer, fee=fee)
    from evize.applications.models import Application

    Application.objects.filter(pk=application.pk).update(status=Status.CANCELLED)
    assert payment_confirm(attempt_id=attempt.pk, response=approved(attempt)).kind == "confirmed"
    application.refresh_from_db()
    assert application.status == Status.CANCELLED
    assert Fee.objects.get(pk=fee.pk).status == "paid"
    assert actions(action="evize.fee.settled_without_transition") == ["evize.fee.settled_without_transition"]
