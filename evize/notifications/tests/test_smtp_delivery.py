"""Delivery over real SMTP (aiosmtpd on loopback): what arrives, and that nothing is lost or doubled."""

from __future__ import annotations

import datetime
import threading
from collections import Counter

import pytest
from django.db import connection, transaction
from django.utils import timezone

from evize.accounts.tests.factories import UserFactory
from evize.audit.models import AuditEvent
from evize.notifications.models import OutboxMessage
from evize.notifications.services import Attachment, _claim, notification_queue, outbox_deliver, outbox_flush

from .helpers import (
    BASE_URL,
    PDF_ANNOTATED,
    PDF_NOTES,
    links_in,
    notes_attachments,
    queue_notes,
    queue_received,
)

Status = OutboxMessage.Status


def later(**kwargs) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(**kwargs)


@pytest.mark.django_db
def test_message_arrives_with_recipient_subject_both_bodies_attachments_and_links(
    smtp_server, engineer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_notes(engineer, attachments=notes_attachments(), target=engineer.member)

    assert len(smtp_server.received) == 1
    got = smtp_server.received[0]
    assert got.rcpt_tos == [engineer.email]
    assert got.mail_from == "e-vize@imo.example"
    assert got.message["To"] == engineer.email
    assert got.message["Message-ID"] == message.message_id
    assert got.message["Auto-Submitted"] == "auto-generated"
    assert got.message["X-Evize-Kind"] == "review.notes_sent"
    # Turkish is the engineer's language (the default).
    assert got.message["Subject"].strip() == "[e-Vize] 2026/00007 numaralı başvurunuz için notlama"
    assert "Notlanmış proje dosyası ve notların listesi bu e-postanın ekindedir." in got.text
    assert "Zemin etüdü eksik." in got.text
    assert f"Sayın {engineer.get_full_name()}," in got.text
    assert "İnşaat Mühendisleri Odası" in got.html
    assert "Zemin etüdü eksik." in got.html
    assert got.attachments == {
        "notlar-2026-00007-1.pdf": ("application/pdf", PDF_NOTES),
        "notlanmış-proje-2026-00007-1.pdf": ("application/pdf", PDF_ANNOTATED),
    }
    # The link to the application is absolute, in both bodies; no link carries a query string.
    assert f"{BASE_URL}/basvurular/7/" in got.text
    assert f'href="{BASE_URL}/basvurular/7/"' in got.html
    for link in links_in(got.text) + links_in(got.html):
        assert link.startswith(BASE_URL + "/")
        assert "?" not in link

    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.attempts == 1
    assert message.sent_at is not None
    actions = list(
        AuditEvent.objects.filter(object_type="notifications.outboxmessage", object_id=str(message.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["evize.notification.queued", "evize.notification.sent"]


@pytest.mark.django_db
def test_english_recipient_gets_english(smtp_server, django_capture_on_commit_callbacks):
    user = UserFactory(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        queue_received(user, number="2026/00099")
    got = smtp_server.received[0]
    assert (
        got.message["Subject"].strip()
        == "[e-Vize] Your application has been received – registration number 2026/00099"
    )
    assert "Your e-Vize application has been received with registration number 2026/00099." in got.text
    assert f"Dear {user.get_full_name()}," in got.html


@pytest.mark.django_db(transaction=True)
def test_smtp_down_delays_mail_then_every_message_arrives_exactly_once(smtp_server):
    users = [UserFactory() for _ in range(4)]
    smtp_server.stop()

    with transaction.atomic():
        messages = [queue_received(user, number=f"2026/0001{i}") for i, user in enumerate(users)]
    # Delivery ran after commit and failed: every row is still queued, with the error recorded.
    for message in messages:
        message.refresh_from_db()
        assert message.status == Status.QUEUED
        assert message.attempts == 1
        assert "Connection refused" in message.last_error or "ConnectionRefusedError" in message.last_error
        assert message.next_attempt_at > timezone.now()
    assert smtp_server.received == []

    # A sweep while the server is still down gives up after a few unreachable attempts.
    result = outbox_flush(now=later(hours=1))
    assert result.stopped_early
    assert result.retrying == 3
    assert smtp_server.received == []

    smtp_server.start()
    result = outbox_flush(now=later(days=1))
    assert result.delivered == 4
    assert Counter(smtp_server.message_ids()) == Counter({m.message_id: 1 for m in messages})
    assert sorted(r.rcpt_tos[0] for r in smtp_server.received) == sorted(u.email for u in users)

    # Nothing is left to send: more sweeps and late task runs send nothing again.
    assert outbox_flush(now=later(days=2)).delivered == 0
    for message in messages:
        assert outbox_deliver(message_id=message.pk).skipped
    assert len(smtp_server.received) == 4
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}


@pytest.mark.django_db(transaction=True)
def test_rolled_back_transaction_writes_and_sends_nothing(smtp_server, engineer):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_notes(engineer, attachments=notes_attachments())
        raise RuntimeError("the change that caused the e-mail failed")

    assert OutboxMessage.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="evize.notification.").exists()
    assert outbox_flush(now=later(days=1)).delivered == 0
    assert smtp_server.received == []

    # The same call committed does send (the server was there all along).
    with transaction.atomic():
        queue_received(engineer)
    assert len(smtp_server.received) == 1


@pytest.mark.django_db
def test_lost_delivery_schedule_is_covered_by_the_sweeper(
    smtp_server, engineer, django_capture_on_commit_callbacks
):
    # The after-commit task never runs (e.g. the broker was down): the row waits, queued.
    with django_capture_on_commit_callbacks(execute=False):
        message = queue_received(engineer)
    assert smtp_server.received == []
    assert outbox_flush().delivered == 1
    assert smtp_server.message_ids() == [message.message_id]


@pytest.mark.django_db
def test_row_left_sending_by_a_crashed_worker_is_recovered_once(
    smtp_server, engineer, settings, django_capture_on_commit_callbacks
):
    settings.EVIZE_EMAIL_SENDING_TIMEOUT_SECONDS = 600
    with django_capture_on_commit_callbacks(execute=False):
        message = queue_received(engineer)
    # A worker claims the row and dies before it talks to the mail server.
    assert _claim(message.pk, timezone.now()) is not None
    message.refresh_from_db()
    assert message.status == Status.SENDING

    # Within the timeout the row is left alone (the worker may still be working).
    assert outbox_flush(now=later(minutes=5)).recovered == 0
    assert outbox_deliver(message_id=message.pk).skipped
    assert smtp_server.received == []

    result = outbox_flush(now=later(minutes=11))
    assert (result.recovered, result.delivered) == (1, 1)
    assert smtp_server.message_ids() == [message.message_id]
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.attempts == 2
    assert (
        AuditEvent.objects.filter(action="evize.notification.recovered", object_id=str(message.pk)).count()
        == 1
    )
    assert outbox_flush(now=later(hours=1)).delivered == 0
    assert len(smtp_server.received) == 1


@pytest.mark.django_db
def test_after_max_attempts_the_message_fails_and_staff_resend_delivers_it(
    smtp_server, engineer, settings, django_capture_on_commit_callbacks
):
    from evize.notifications.services import outbox_resend

    settings.EVIZE_EMAIL_MAX_ATTEMPTS = 2
    smtp_server.stop()
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_received(engineer)
    outbox_flush(now=later(hours=1))
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, 2)
    assert AuditEvent.objects.filter(action="evize.notification.failed", object_id=str(message.pk)).exists()
    assert outbox_flush(now=later(days=3)).delivered == 0

    smtp_server.start()
    clerk = UserFactory(clerk=True)
    with django_capture_on_commit_callbacks(execute=True):
        outbox_resend(actor=clerk, message=message)
    assert smtp_server.message_ids() == [message.message_id]
    message.refresh_from_db()
    assert message.status == Status.SENT
    event = AuditEvent.objects.get(action="evize.notification.resent", object_id=str(message.pk))
    assert event.actor_id == clerk.pk
    assert event.data["previous_status"] == Status.FAILED


@pytest.mark.django_db
def test_recipient_refused_by_the_server_fails_at_once(smtp_server, django_capture_on_commit_callbacks):
    user = UserFactory(email="bounce@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_received(user)
    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert message.attempts == 1
    assert "550" in message.last_error
    assert smtp_server.received == []


@pytest.mark.django_db
def test_a_second_worker_cannot_claim_a_row_being_sent(
    smtp_server, engineer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        message = queue_received(engineer)
    assert _claim(message.pk, timezone.now()) is not None
    assert _claim(message.pk, timezone.now()) is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_send_a_row_once(smtp_server, engineer):
    smtp_server.stop()  # the first attempt fails: the row waits in the queue
    message = notification_queue(
        kind="payment.receipt",
        to_user=engineer,
        context={
            "registration_number": "2026/00007",
            "fee_type": "registration",
            "amount": "1250.00",
            "paid_at": timezone.now(),
            "receipt_number": "M-1",
        },
        attachments=[Attachment("makbuz.pdf", content=b"%PDF-1.4 receipt")],
    )
    smtp_server.start()
    due = later(hours=1)
    start = threading.Barrier(6)
    results = []

    def worker():
        try:
            start.wait()
            results.append(outbox_deliver(message_id=message.pk, now=due))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert smtp_server.message_ids() == [message.message_id]
    assert sorted(r.delivered for r in results) == [False] * 5 + [True]
