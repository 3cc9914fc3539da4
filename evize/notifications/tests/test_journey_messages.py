"""Every message of the journey, triggered through the real service that sends it.

Each test drives the service (saving the form, opening a fee, confirming a payment, withdrawing,
the reminder sweeper, the account services) and checks the outbox row it wrote: the kind, who it
goes to, the key facts in the body and the link. (review.notes_sent and visa.delivered are covered
by the review and visa apps' tests, which drive those services.)
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.formats import date_format
from django.utils.http import urlsafe_base64_encode

from evize.accounts.services import account_send_activation, account_send_password_reset
from evize.accounts.tests.factories import UserFactory
from evize.applications.models import Application, Status
from evize.applications.services import application_submit, application_withdraw
from evize.applications.tests.helpers import complete_application
from evize.applications.workflow import transition
from evize.audit.models import AuditEvent
from evize.notifications.models import OutboxMessage, ReminderSent
from evize.notifications.reminders import reminders_send
from evize.notifications.services import outbox_flush
from evize.payments.base import BankAnswer, Outcome
from evize.payments.models import Fee
from evize.payments.services import fee_registration_open, fee_visa_open, payment_confirm, payment_start
from evize.payments.tests.factories import application_in, make_tariff
from evize.signatures.models import SignatureRequest

from .helpers import BASE_URL, links_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def journey_settings(settings, tmp_path):
    settings.EVIZE_BASE_URL = BASE_URL
    settings.EVIZE_REMINDER_FEE_DAYS = 3
    settings.EVIZE_REMINDER_SIGNATURE_DAYS = 3
    settings.EVIZE_REMINDER_REPEAT_DAYS = 3
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


def details_link(application) -> str:
    return BASE_URL + reverse("applications:detail", args=[application.pk])


def sign_link(application) -> str:
    return BASE_URL + reverse("signatures:application", args=[application.pk])


def fee_link(application, slug: str) -> str:
    return BASE_URL + reverse("payments:fee", args=[application.pk, slug])


def only(kind: str, **filters) -> OutboxMessage:
    return OutboxMessage.objects.get(kind=kind, **filters)


def assert_message(message: OutboxMessage, *, user, about, contains: list[str], link: str) -> None:
    assert message.recipient == user
    assert message.to_email == (user.member.email if user.member_id else user.email)
    assert message.status == OutboxMessage.Status.QUEUED
    if about is not None:
        assert (message.target_type, message.target_id) == (about._meta.label_lower, str(about.pk))
    for text in contains:
        assert text in message.body_text, text
        assert text in message.body_html, text
    assert link in links_in(message.body_text)
    assert link in message.body_html


def submitted(user=None) -> Application:
    app = complete_application(user=user)
    return application_submit(actor=app.created_by, application=app)


def to_notes_sent(app: Application) -> Application:
    for target in (Status.AWAITING_REGISTRATION_FEE, Status.REGISTERED, Status.IN_REVIEW, Status.NOTES_SENT):
        app = transition(app, to=target, actor=None)
    return app


def approved(attempt) -> BankAnswer:
    return BankAnswer(
        oid=attempt.oid,
        outcome=Outcome.APPROVED,
        amount=attempt.amount,
        currency=attempt.currency,
        trans_id="T1",
        auth_code="A1",
        masked_pan="411111******1111",
    )


# --- saving the form (guide steps 19-21, 25) --------------------------------------------------------


def test_saving_the_form_sends_the_registration_number_and_the_signing_request(engineer):
    app = submitted(engineer)

    received = only("application.received")
    assert_message(
        received, user=engineer, about=app, contains=[app.registration_number], link=details_link(app)
    )
    assert app.registration_number in received.subject
    assert "Çelik Apartmanı" in received.body_text  # the building, from the form
    sign = only("application.sign_request")
    assert_message(sign, user=engineer, about=app, contains=[app.registration_number], link=sign_link(app))
    assert not OutboxMessage.objects.filter(kind="application.correction_received").exists()


def test_saving_the_corrected_form_confirms_it_and_asks_to_sign_again(engineer):
    app = to_notes_sent(submitted(engineer))
    OutboxMessage.objects.all().delete()

    application_submit(actor=engineer, application=app)

    assert_message(
        only("application.correction_received"),
        user=engineer,
        about=app,
        contains=[app.registration_number],
        link=details_link(app),
    )
    assert_message(
        only("application.resign_request"),
        user=engineer,
        about=app,
        contains=[app.registration_number],
        link=sign_link(app),
    )
    assert not OutboxMessage.objects.filter(
        kind__in=["application.received", "application.sign_request"]
    ).exists()


# --- fees and payments (steps 22, 23, 26) -----------------------------------------------------------


def test_opening_the_registration_fee_sends_the_payment_link(engineer):
    make_tariff(registration_fee=Decimal("1250.00"))
    app = transition(submitted(engineer), to=Status.AWAITING_REGISTRATION_FEE, actor=None)

    fee_registration_open(actor=None, application=app)

    assert_message(
        only("fee.registration_due"),
        user=engineer,
        about=app,
        contains=[app.registration_number, "1.250,00"],
        link=fee_link(app, "kayit"),
    )


def test_paying_the_registration_fee_registers_and_sends_the_receipt(engineer):
    make_tariff(registration_fee=Decimal("1250.00"))
    app = transition(submitted(engineer), to=Status.AWAITING_REGISTRATION_FEE, actor=None)
    fee = fee_registration_open(actor=None, application=app)
    attempt = payment_start(actor=engineer, fee=fee)

    assert payment_confirm(attempt_id=attempt.pk, response=approved(attempt)).kind == "confirmed"

    assert_message(
        only("application.registered"),
        user=engineer,
        about=app,
        contains=[app.registration_number],
        link=details_link(app),
    )
    receipt = only("payment.receipt")
    assert_message(
        receipt,
        user=engineer,
        about=app,
        contains=[app.registration_number, "1.250,00"],
        link=details_link(app),
    )
    assert receipt.attachments.count() == 1
    assert receipt.attachments.get().filename.endswith(".pdf")


def test_approval_opens_the_visa_fee_and_sends_its_payment_link(engineer):
    make_tariff()
    app = application_in(Status.APPROVED, created_by=engineer, construction_cost=Decimal("2000000"))

    fee = fee_visa_open(actor=None, application=app)

    assert fee.amount == Decimal("6000.00")
    assert_message(
        only("fee.visa_due"),
        user=engineer,
        about=app,
        contains=[app.registration_number, "6.000,00"],
        link=fee_link(app, "vize"),
    )


# --- withdrawal ---------------------------------------------------------------------------------------


def test_withdrawing_tells_every_engineer_with_the_explanation(engineer):
    app = submitted(engineer)

    application_withdraw(actor=engineer, application=app, reason_text="Mal sahibi projeden vazgeçti.")

    message = only("application.cancelled")
    assert_message(
        message,
        user=engineer,
        about=app,
        contains=[app.registration_number, "Mal sahibi projeden vazgeçti."],
        link=details_link(app),
    )
    assert "geri çekilmiş ve iptal" in message.body_text


# --- reminders ----------------------------------------------------------------------------------------


def tr_date(value: datetime.date) -> str:
    with translation.override("tr"):
        return date_format(value, "DATE_FORMAT")


def days_later(days: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def test_an_unpaid_fee_is_reminded_after_the_configured_days_once_per_period(engineer):
    make_tariff(registration_fee=Decimal("1250.00"))
    app = transition(submitted(engineer), to=Status.AWAITING_REGISTRATION_FEE, actor=None)
    fee = fee_registration_open(actor=None, application=app)

    assert reminders_send(now=days_later(2)) == 0
    assert not OutboxMessage.objects.filter(kind="reminder.fee_unpaid").exists()

    assert reminders_send(now=days_later(3.1)) == 1
    reminder = only("reminder.fee_unpaid")
    assert_message(
        reminder,
        user=engineer,
        about=app,
        contains=[app.registration_number, "1.250,00"],
        link=fee_link(app, "kayit"),
    )
    assert "kayıt ücreti" in reminder.subject
    sent = ReminderSent.objects.get()
    assert (sent.kind, sent.target_type, sent.target_id) == (
        "reminder.fee_unpaid",
        "payments.fee",
        str(fee.pk),
    )
    event = AuditEvent.objects.get(action="evize.notification.reminder_sent")
    assert event.data["kind"] == "reminder.fee_unpaid" and event.data["application"] == app.pk

    # Idempotent within the repeat period, again after it.
    assert reminders_send(now=days_later(3.2)) == 0
    assert reminders_send(now=days_later(5)) == 0
    assert reminders_send(now=days_later(6.2)) == 1
    assert OutboxMessage.objects.filter(kind="reminder.fee_unpaid").count() == 2


def test_a_paid_fee_or_a_cancelled_application_is_not_reminded(engineer):
    make_tariff(registration_fee=Decimal("1250.00"))
    paid = transition(submitted(engineer), to=Status.AWAITING_REGISTRATION_FEE, actor=None)
    fee = fee_registration_open(actor=None, application=paid)
    attempt = payment_start(actor=engineer, fee=fee)
    payment_confirm(attempt_id=attempt.pk, response=approved(attempt))
    withdrawn = transition(submitted(engineer), to=Status.AWAITING_REGISTRATION_FEE, actor=None)
    fee_registration_open(actor=None, application=withdrawn)
    application_withdraw(actor=engineer, application=withdrawn, reason_text="Vazgeçildi.")

    assert Fee.objects.filter(status=Fee.Status.DUE).count() == 1
    assert reminders_send(now=days_later(10)) == 0
    assert not OutboxMessage.objects.filter(kind="reminder.fee_unpaid").exists()


def test_the_visa_fee_reminder_names_the_visa_fee(engineer):
    make_tariff()
    app = application_in(Status.APPROVED, created_by=engineer, construction_cost=Decimal("2000000"))
    fee_visa_open(actor=None, application=app)

    assert reminders_send(now=days_later(4)) == 1

    reminder = only("reminder.fee_unpaid")
    assert_message(
        reminder,
        user=engineer,
        about=app,
        contains=[app.registration_number, "6.000,00"],
        link=fee_link(app, "vize"),
    )
    assert "vize ücreti" in reminder.subject


def test_a_missing_signature_is_reminded_to_the_engineer_who_has_not_signed(engineer):
    app = submitted(engineer)
    request = SignatureRequest.objects.get(signing_round__application=app)

    assert reminders_send(now=days_later(1)) == 0
    assert reminders_send(now=days_later(3.5)) == 1

    reminder = only("reminder.signature_missing")
    opened = timezone.localdate(request.signing_round.opened_at)
    assert_message(
        reminder,
        user=engineer,
        about=app,
        contains=[app.registration_number, tr_date(opened)],
        link=sign_link(app),
    )
    sent = ReminderSent.objects.get()
    assert (sent.target_type, sent.target_id) == ("signatures.signaturerequest", str(request.pk))
    assert reminders_send(now=days_later(4)) == 0

    # Signed meanwhile: no more reminders.
    SignatureRequest.objects.filter(pk=request.pk).update(state=SignatureRequest.State.SIGNED)
    assert reminders_send(now=days_later(20)) == 0
    assert OutboxMessage.objects.filter(kind="reminder.signature_missing").count() == 1


def test_the_send_reminders_command_runs_the_sweeper(engineer):
    from io import StringIO

    from django.core.management import call_command

    app = submitted(engineer)
    OutboxMessage.objects.all().delete()
    app.signing_rounds.update(opened_at=timezone.now() - datetime.timedelta(days=5))
    out = StringIO()

    call_command("send_reminders", stdout=out)

    assert out.getvalue().strip() == "reminders=1"
    assert only("reminder.signature_missing").recipient == engineer


def test_the_reminder_task_is_scheduled_daily(settings):
    from evize.notifications.tasks import send_reminders

    entry = settings.CELERY_BEAT_SCHEDULE["evize-notifications-send-reminders"]
    assert entry["task"] == send_reminders.name == "evize.notifications.send_reminders"
    assert entry["schedule"].hour == {settings.EVIZE_REMINDER_HOUR}
    assert send_reminders.delay().get() == 0


# --- accounts -----------------------------------------------------------------------------------------


def test_activation_sends_a_one_time_link_to_the_registry_address():
    user = UserFactory(is_active=False)

    account_send_activation(actor=None, user=user)

    message = only("account.activation")
    assert message.recipient == user and message.to_email == user.member.email
    links = links_in(message.body_text)
    assert any(link.startswith(f"{BASE_URL}/") and "/etkinlestir/" in link for link in links), links
    assert not message.show_in_app


def test_password_reset_sends_a_one_time_link():
    user = UserFactory()
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)

    account_send_password_reset(user=user, uidb64=uidb64, token=token)

    message = only("account.password_reset")
    assert message.recipient == user and message.to_email == user.email
    link = BASE_URL + reverse("accounts:password_reset_confirm", kwargs={"uidb64": uidb64, "token": token})
    assert link in links_in(message.body_text)
    assert not message.show_in_app


# --- end to end over SMTP -----------------------------------------------------------------------------


def test_saving_the_form_e_mails_the_registration_number_over_smtp(smtp_server, engineer):
    app = submitted(engineer)

    outbox_flush()

    received = [r for r in smtp_server.received if r.message["X-Evize-Kind"] == "application.received"]
    assert len(received) == 1
    got = received[0]
    assert got.rcpt_tos == [engineer.member.email]
    assert app.registration_number in got.message["Subject"]
    assert app.registration_number in got.text
    assert details_link(app) in links_in(got.text)
    assert details_link(app) in got.html
    assert only("application.received").status == OutboxMessage.Status.SENT
