"""The outbox API: validation, rendering choices, attachments, modes, the task and the command."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from celery.exceptions import Retry
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from evize.accounts.tests.factories import UserFactory
from evize.audit.models import AuditEvent
from evize.notifications.models import OutboxMessage
from evize.notifications.registry import MessageContextError, UnknownMessageKind
from evize.notifications.selectors import notifications_for_target
from evize.notifications.services import (
    Attachment,
    backoff_seconds,
    choose_links,
    delivery_mode,
    notification_queue,
)
from evize.notifications.tasks import deliver_outbox_message

from .helpers import BASE_URL, queue_received

Status = OutboxMessage.Status


def received_context(**extra):
    return {"registration_number": "2026/00007", "details_url": "/basvurular/7/", **extra}


# --- what callers may pass ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "context", "error"),
    [
        ("application.nope", received_context(), UnknownMessageKind),
        ("application.received", {"registration_number": "2026/00007"}, MessageContextError),
        ("application.received", received_context(typo="x"), MessageContextError),
        (
            "application.received",
            received_context(details_url="https://evil.example/x/"),
            MessageContextError,
        ),
        ("application.received", received_context(details_url="//evil.example/x/"), MessageContextError),
        (
            "application.received",
            received_context(details_url="/basvurular/7/?token=abc"),
            MessageContextError,
        ),
        (
            "application.cancelled",
            {"registration_number": "1", "reason": "bored", "details_url": "/b/"},
            MessageContextError,
        ),
    ],
)
def test_wrong_calls_are_refused_and_write_nothing(outbox_mode, engineer, kind, context, error):
    with pytest.raises(error):
        notification_queue(kind=kind, to_user=engineer, context=context)
    assert OutboxMessage.objects.count() == 0


@pytest.mark.django_db
def test_links_become_absolute_and_one_time_account_links_keep_their_token(outbox_mode, engineer):
    message = queue_received(engineer)
    assert f"{BASE_URL}/basvurular/7/" in message.body_text
    url = f"{BASE_URL}/hesap/etkinlestir/MQ/abc-123/?lang=tr"
    activation = notification_queue(
        kind="account.activation",
        to_user=engineer,
        to_email="registry@example.org",
        context={"activation_url": url, "valid_days": 3},
    )
    assert url in activation.body_text
    assert activation.to_email == "registry@example.org"
    assert not activation.show_in_app


@pytest.mark.django_db
def test_message_without_address_is_kept_failed_but_shown_in_app(outbox_mode):
    user = UserFactory(clerk=True, email="")
    message = queue_received(user)
    assert message.status == Status.FAILED
    assert message.last_error
    assert message.show_in_app
    assert AuditEvent.objects.get(action="evize.notification.queued").data["status"] == Status.FAILED


@pytest.mark.django_db
def test_language_address_only_recipient_and_timeline(outbox_mode, engineer):
    english = queue_received(engineer, language="en", target=engineer.member)
    assert english.language == "en"
    assert english.subject.startswith("[e-Vize] Your application has been received")
    outsider = notification_queue(
        kind="application.registered",
        to_email="office@example.org",
        context=received_context(),
        language="tr",
    )
    assert outsider.recipient is None and not outsider.show_in_app
    assert "Sayın meslektaşımız," in outsider.body_text
    # The application's timeline: every e-mail about it, oldest first.
    later = queue_received(engineer, number="2026/00008", target=engineer.member)
    assert list(notifications_for_target(engineer.member)) == [english, later]
    assert english.target_type == "registry.member" and english.target_id == str(engineer.member.pk)


@pytest.mark.django_db
def test_amounts_and_dates_in_turkish_format(outbox_mode, engineer):
    message = notification_queue(
        kind="fee.visa_due",
        to_user=engineer,
        context={
            "registration_number": "2026/00007",
            "amount": Decimal("12500.5"),
            "payment_url": "/odeme/7/",
            "due_date": datetime.date(2026, 3, 9),
        },
    )
    assert "12.500,50 TL" in message.body_text
    assert "9 Mart 2026" in message.body_text


# --- attachments ----------------------------------------------------------------------------------


def test_choose_links_keeps_the_attached_total_within_the_limit():
    assert choose_links([10, 20, 30], 100) == [False, False, False]
    assert choose_links([10, 120, 30], 100) == [False, True, False]
    assert choose_links([60, 50, 30], 100) == [True, False, False]  # 60 goes: 50 + 30 fit
    assert choose_links([], 100) == []


@pytest.mark.django_db
def test_attachments_are_stored_once_by_content_and_stored_files_are_referenced(outbox_mode, engineer):
    content = b"%PDF-1.4 same file"
    first = queue_received(engineer, number="1")
    kwargs = {
        "kind": "payment.receipt",
        "to_user": engineer,
        "context": {
            "registration_number": "2026/00007",
            "fee_type": "visa",
            "amount": Decimal("10"),
            "paid_at": timezone.now(),
            "receipt_number": "M-9",
        },
    }
    one = notification_queue(**kwargs, attachments=[Attachment("../../etc/makbuz.pdf", content=content)])
    two = notification_queue(**kwargs, attachments=[Attachment("makbuz.pdf", content=content)])
    a, b = one.attachments.get(), two.attachments.get()
    assert a.filename == "makbuz.pdf" and a.content_type == "application/pdf"
    assert a.file.name == b.file.name and a.sha256 == b.sha256
    assert a.file.name.startswith("notifications/attachments/")
    assert first.attachments.count() == 0

    blob = default_storage.save("documents/test/blob.pdf", ContentFile(b"%PDF-1.4 a document"))
    three = notification_queue(**kwargs, attachments=[Attachment("vize.pdf", stored_name=blob)])
    c = three.attachments.get()
    assert c.file.name == blob and c.size == len(b"%PDF-1.4 a document")

    with pytest.raises(MessageContextError):
        Attachment("x.pdf")


# --- delivery settings, task, command -------------------------------------------------------------


def test_back_off_doubles_and_is_capped(settings):
    settings.EVIZE_EMAIL_RETRY_BASE_SECONDS = 60
    assert [backoff_seconds(n) for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert backoff_seconds(30) == 6 * 60 * 60


def test_delivery_mode_defaults_to_the_outbox_without_smtp(settings):
    settings.EVIZE_EMAIL_DELIVERY = ""
    settings.EMAIL_HOST = ""
    assert delivery_mode() == "outbox"
    settings.EMAIL_HOST = "smtp.example.org"
    assert delivery_mode() == "smtp"
    settings.EVIZE_EMAIL_DELIVERY = "pigeon"
    with pytest.raises(ValueError, match="EVIZE_EMAIL_DELIVERY"):
        delivery_mode()


@pytest.mark.django_db
def test_task_retries_through_celery_with_a_broker_but_not_in_process(
    smtp_server, engineer, monkeypatch, django_capture_on_commit_callbacks
):
    smtp_server.stop()
    with django_capture_on_commit_callbacks(execute=False):
        message = queue_received(engineer)
    # In process (eager): no immediate retry storm; the row waits for the sweeper.
    assert deliver_outbox_message.apply(args=[message.pk]).get() == Status.QUEUED
    message.refresh_from_db()
    assert message.attempts == 1
    # With a broker: the task asks Celery to retry after the back-off.
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    asked = {}

    def retry(**kwargs):
        asked.update(kwargs)
        return Retry("retry", when=kwargs.get("countdown"))

    monkeypatch.setattr(deliver_outbox_message, "retry", retry)
    with pytest.raises(Retry):
        deliver_outbox_message.run(message.pk)
    assert asked == {"countdown": 120}
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.QUEUED, 2)


def test_periodic_flush_is_scheduled():
    from evize.celery import app

    entry = django_settings.CELERY_BEAT_SCHEDULE["evize-notifications-flush-outbox"]
    assert entry["task"] in app.tasks


@pytest.mark.django_db
def test_flush_outbox_command_delivers_due_mail(outbox_mode, engineer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        message = queue_received(engineer)
    out = io.StringIO()
    call_command("flush_outbox", stdout=out)
    assert "delivered=1" in out.getvalue()
    message.refresh_from_db()
    assert message.status == Status.HELD
