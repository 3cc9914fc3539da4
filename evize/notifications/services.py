"""Writing to the outbox and delivering from it.

Guarantees:
- `notification_queue` writes the message (and its attachments and audit event) in the caller's
  transaction and schedules delivery only after commit: a rolled-back change sends nothing.
- `outbox_deliver` claims a row with a conditional UPDATE (queued and due → sending), so two
  workers never send the same row at the same time; the claim is committed before the SMTP
  conversation starts.
- A failed attempt puts the row back to "queued" with an exponential back-off; after
  EVIZE_EMAIL_MAX_ATTEMPTS it becomes "failed" (staff may resend it).
- `outbox_flush` (periodic) delivers every due row and puts rows left in "sending" by a crashed
  worker back in the queue, so nothing is lost. Every delivery of a row carries the row's one
  Message-ID, so the rare re-delivery after a crash in mid-send is recognisable as the same e-mail.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import mimetypes
import smtplib
import socket
import unicodedata
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.utils import parseaddr
from functools import partial
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evize.audit.services import audit_record

from .links import attachment_link, link_valid_until
from .models import OutboxAttachment, OutboxMessage
from .registry import MessageContextError, get_kind
from .rendering import RenderedAttachment, render_message, supported_language

logger = logging.getLogger(__name__)

Status = OutboxMessage.Status

ATTACHMENT_DIR = "notifications/attachments"
MAX_BACKOFF_SECONDS = 6 * 60 * 60
# A Celery countdown may fire a moment before the row's next_attempt_at.
CLOCK_SLACK = datetime.timedelta(seconds=2)
# A flush stops after this many consecutive "cannot reach the mail server" failures: the rest of
# the queue waits for the next run instead of each row spending an attempt on a dead server.
FLUSH_CONNECTION_FAILURES = 3


class OutboxError(Exception):
    """A refused outbox operation; the message is translated, for the person who asked."""


# --- settings -------------------------------------------------------------------------------------


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def delivery_mode() -> str:
    """How e-mails leave: "smtp" sends through Django's EMAIL_BACKEND (SMTP, or whatever backend
    is configured); "outbox" keeps every e-mail in the local mailbox (status "held")."""
    mode = getattr(settings, "EVIZE_EMAIL_DELIVERY", "") or ("smtp" if settings.EMAIL_HOST else "outbox")
    if mode not in ("smtp", "outbox"):
        raise ValueError(f"EVIZE_EMAIL_DELIVERY must be 'smtp' or 'outbox', not {mode!r}")
    return mode


def max_attempts() -> int:
    return max(1, _setting("EVIZE_EMAIL_MAX_ATTEMPTS", 12))


def attachment_max_bytes() -> int:
    return _setting("EVIZE_EMAIL_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)


def backoff_seconds(attempt: int) -> int:
    """Wait after the `attempt`-th failed attempt: base, 2×base, 4×base … capped at 6 hours."""
    base = max(1, _setting("EVIZE_EMAIL_RETRY_BASE_SECONDS", 60))
    return int(min(base * 2 ** max(0, attempt - 1), MAX_BACKOFF_SECONDS))


# --- queueing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attachment:
    """A file to send with a message: `content` (bytes), or `stored_name`, a file already in the
    default (private) storage, e.g. a document blob, which is referenced, not copied."""

    filename: str
    content: bytes | None = None
    stored_name: str | None = None
    content_type: str = ""

    def __post_init__(self) -> None:
        if (self.content is None) == (self.stored_name is None):
            raise MessageContextError("an attachment needs exactly one of `content` or `stored_name`")


@dataclass(frozen=True)
class _StoredFile:
    name: str
    filename: str
    content_type: str
    size: int
    sha256: str


def _clean_filename(name: str) -> str:
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    return (name or "attachment")[:200]


def _store(attachment: Attachment) -> _StoredFile:
    filename = _clean_filename(attachment.filename)
    content_type = attachment.content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if attachment.stored_name is not None:
        digest = hashlib.sha256()
        size = 0
        with default_storage.open(attachment.stored_name, "rb") as fh:
            for chunk in iter(lambda: fh.read(1024 * 1024), b""):
                digest.update(chunk)
                size += len(chunk)
        return _StoredFile(attachment.stored_name, filename, content_type, size, digest.hexdigest())
    content = attachment.content or b""
    sha = hashlib.sha256(content).hexdigest()
    name = f"{ATTACHMENT_DIR}/{sha[:2]}/{sha}"
    # Content-addressed and never modified: the same file sent twice is stored once. A partial
    # file left by a crash has the wrong size and is not reused.
    if not (default_storage.exists(name) and default_storage.size(name) == len(content)):
        name = default_storage.save(name, ContentFile(content))
    return _StoredFile(name, filename, content_type, len(content), sha)


def choose_links(sizes: Sequence[int], limit: int) -> list[bool]:
    """Which files go as links: each one above the limit, then the largest until the attached
    files together fit within the limit too."""
    as_link = [size > limit for size in sizes]
    while sum(size for size, link in zip(sizes, as_link, strict=True) if not link) > limit:
        largest = max((i for i, link in enumerate(as_link) if not link), key=lambda i: sizes[i])
        as_link[largest] = True
    return as_link


def _from_domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "evize.invalid"


def new_message_id() -> str:
    return f"<evize.{uuid.uuid4().hex}@{_from_domain()}>"


def _target_reference(target: models.Model | None) -> tuple[str, str]:
    if target is None:
        return "", ""
    return target._meta.label_lower, str(target.pk)


def _schedule_delivery(message_pk: int) -> None:
    from .tasks import deliver_outbox_message

    deliver_outbox_message.delay(message_pk)


def notification_queue(
    *,
    kind: str,
    to_user: Any = None,
    to_email: str | None = None,
    context: Mapping[str, Any],
    target: models.Model | None = None,
    attachments: Sequence[Attachment] = (),
    actor: Any = None,
    language: str | None = None,
) -> OutboxMessage:
    """Write one e-mail (and in-app notification) to the outbox, in the caller's transaction.

    `to_user` (a User) receives it in-app and, unless `to_email` overrides the address, by e-mail
    at `to_user.email`; `to_email` alone sends to an address without an account. The message is
    rendered now, in `language` or the user's language. `target` is what it is about (e.g. an
    application: it then appears in that application's timeline). Delivery is scheduled after
    commit; the periodic flush covers a lost schedule.
    """
    message_kind = get_kind(kind)
    message_kind.check_context(context)
    address = (to_email or (getattr(to_user, "email", "") if to_user is not None else "") or "").strip()
    if to_user is None and not address:
        raise MessageContextError("a recipient user or an e-mail address is required")
    language = supported_language(language or getattr(to_user, "language", None))
    recipient_name = (to_user.get_full_name() or to_user.get_username()) if to_user is not None else ""
    target_type, target_id = _target_reference(target)
    now = timezone.now()

    with transaction.atomic():
        stored = [_store(attachment) for attachment in attachments]
        as_link = choose_links([f.size for f in stored], attachment_max_bytes())
        public_ids = [uuid.uuid4() for _f in stored]
        rendered = render_message(
            message_kind,
            context=context,
            language=language,
            recipient_name=recipient_name,
            attachments=[
                RenderedAttachment(f.filename, f.size, attachment_link(pid) if link else "")
                for f, link, pid in zip(stored, as_link, public_ids, strict=True)
            ],
            link_valid_until=link_valid_until(now) if any(as_link) else None,
        )
        message = OutboxMessage.objects.create(
            kind=message_kind.code,
            recipient=to_user,
            to_email=address,
            language=language,
            subject=rendered.subject,
            body_text=rendered.text,
            body_html=rendered.html,
            status=Status.QUEUED if address else Status.FAILED,
            last_error="" if address else "The recipient has no e-mail address.",
            next_attempt_at=now if address else None,
            created_at=now,
            message_id=new_message_id(),
            target_type=target_type,
            target_id=target_id,
            show_in_app=message_kind.in_app and to_user is not None,
        )
        OutboxAttachment.objects.bulk_create(
            OutboxAttachment(
                message=message,
                public_id=pid,
                position=position,
                filename=f.filename,
                content_type=f.content_type,
                size=f.size,
                sha256=f.sha256,
                file=f.name,
                as_link=link,
            )
            for position, (f, link, pid) in enumerate(zip(stored, as_link, public_ids, strict=True))
        )
        audit_record(
            actor=actor,
            action="evize.notification.queued",
            target=message,
            data={
                "kind": message.kind,
                "to": address,
                "recipient_id": getattr(to_user, "pk", None),
                "language": language,
                "about": f"{target_type}:{target_id}" if target_type else "",
                "message_id": message.message_id,
                "attachments": [
                    {"filename": f.filename, "sha256": f.sha256, "size": f.size, "as_link": link}
                    for f, link in zip(stored, as_link, strict=True)
                ],
                "status": message.status,
            },
        )
        if message.status == Status.QUEUED:
            transaction.on_commit(partial(_schedule_delivery, message.pk), robust=True)
    return message


# --- delivery -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryResult:
    status: str
    delivered: bool = False  # sent (or kept in the local mailbox) by this call
    retry_in: int | None = None  # seconds to the next attempt, when one is scheduled
    connection_error: bool = False  # the mail server could not be reached
    skipped: bool = False  # nothing to do: taken by another worker, not due, or finished


def _claim(message_pk: int, now: datetime.datetime) -> OutboxMessage | None:
    with transaction.atomic():
        row = OutboxMessage.objects.select_for_update().filter(pk=message_pk).first()
        if row is None or row.status != Status.QUEUED:
            return None
        if row.next_attempt_at is not None and row.next_attempt_at > now + CLOCK_SLACK:
            return None
        claimed = OutboxMessage.objects.filter(pk=message_pk, status=Status.QUEUED).update(
            status=Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
        )
        if claimed != 1:
            return None
    row.refresh_from_db()
    return row


def build_email(message: OutboxMessage, *, connection: Any = None) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        headers={
            "Message-ID": message.message_id,
            "Auto-Submitted": "auto-generated",
            "X-Evize-Kind": message.kind,
        },
        connection=connection,
    )
    email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments.all():
        if attachment.as_link:
            continue
        with default_storage.open(attachment.file.name, "rb") as fh:
            content = fh.read()
        if hashlib.sha256(content).hexdigest() != attachment.sha256:
            raise OSError(f"attachment {attachment.pk} ({attachment.file.name}) does not match its SHA-256")
        email.attach(attachment.filename, content, attachment.content_type)
    return email


def _is_connection_error(exc: BaseException) -> bool:
    return isinstance(
        exc,
        ConnectionError
        | TimeoutError
        | socket.gaierror
        | smtplib.SMTPConnectError
        | smtplib.SMTPServerDisconnected,
    )


def _is_permanent(exc: BaseException) -> bool:
    """The mail server refused this message for good (a 5xx about the recipient or the content)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return False


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def _finish(message: OutboxMessage, attempt: int, status: str, action: str) -> bool:
    """Record the outcome of our attempt. A row the sweeper put back in the queue meanwhile is
    taken too (it has been delivered: sending it again would duplicate it)."""
    now = timezone.now()
    with transaction.atomic():
        updated = (
            OutboxMessage.objects.filter(pk=message.pk)
            .filter(Q(status=Status.SENDING, attempts=attempt) | Q(status=Status.QUEUED))
            .update(
                status=status,
                sent_at=now if status == Status.SENT else None,
                claimed_at=None,
                next_attempt_at=None,
            )
        )
        if updated:
            audit_record(
                actor=None,
                action=action,
                target=message,
                data={"attempt": attempt, "message_id": message.message_id, "to": message.to_email},
            )
    if not updated:
        logger.warning(
            "outbox message %s: delivered by attempt %s after a newer attempt took it", message.pk, attempt
        )
    return bool(updated)


def _record_failure(
    message: OutboxMessage, attempt: int, exc: BaseException, now: datetime.datetime
) -> DeliveryResult:
    error = _describe(exc)
    final = _is_permanent(exc) or attempt >= max_attempts()
    delay = None if final else backoff_seconds(attempt)
    with transaction.atomic():
        updated = OutboxMessage.objects.filter(pk=message.pk, status=Status.SENDING, attempts=attempt).update(
            status=Status.FAILED if final else Status.QUEUED,
            last_error=error,
            claimed_at=None,
            next_attempt_at=None if final else now + datetime.timedelta(seconds=delay or 0),
        )
        if updated and final:
            audit_record(
                actor=None,
                action="evize.notification.failed",
                target=message,
                data={"attempts": attempt, "error": error, "message_id": message.message_id},
            )
    logger.warning(
        "outbox message %s (%s → %s) attempt %s failed%s: %s",
        message.pk,
        message.kind,
        message.to_email,
        attempt,
        "; giving up" if final else f"; next attempt in {delay}s",
        error,
    )
    return DeliveryResult(
        status=Status.FAILED if final else Status.QUEUED,
        retry_in=delay,
        connection_error=_is_connection_error(exc),
    )


def outbox_deliver(*, message_id: int, now: datetime.datetime | None = None) -> DeliveryResult:
    """Deliver outbox row `message_id` (its primary key) if it is queued and due.

    In "outbox" delivery mode the row is kept in the local mailbox (status "held") instead."""
    now = now or timezone.now()
    message = _claim(message_id, now)
    if message is None:
        status = OutboxMessage.objects.filter(pk=message_id).values_list("status", flat=True).first()
        return DeliveryResult(status=status or "", skipped=True)
    attempt = message.attempts
    if delivery_mode() == "outbox":
        _finish(message, attempt, Status.HELD, "evize.notification.held")
        return DeliveryResult(status=Status.HELD, delivered=True)
    try:
        email = build_email(message, connection=get_connection(fail_silently=False))
        email.send(fail_silently=False)
    except Exception as exc:  # every failure is recorded and retried, never lost
        return _record_failure(message, attempt, exc, now)
    _finish(message, attempt, Status.SENT, "evize.notification.sent")
    return DeliveryResult(status=Status.SENT, delivered=True)


@dataclass
class FlushResult:
    recovered: int = 0  # rows found stuck in "sending" and put back in the queue
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0
    stopped_early: bool = False  # the mail server was unreachable; the rest waits for the next run


def _recover_stuck(now: datetime.datetime) -> int:
    cutoff = now - datetime.timedelta(seconds=_setting("EVIZE_EMAIL_SENDING_TIMEOUT_SECONDS", 600))
    stuck = OutboxMessage.objects.filter(status=Status.SENDING).filter(
        Q(claimed_at__lt=cutoff) | Q(claimed_at__isnull=True)
    )
    recovered = 0
    for message in stuck:
        final = message.attempts >= max_attempts()
        with transaction.atomic():
            updated = OutboxMessage.objects.filter(
                pk=message.pk, status=Status.SENDING, attempts=message.attempts
            ).update(
                status=Status.FAILED if final else Status.QUEUED,
                claimed_at=None,
                next_attempt_at=None if final else now,
                last_error="Delivery was interrupted (the worker stopped while sending).",
            )
            if updated:
                recovered += 1
                audit_record(
                    actor=None,
                    action="evize.notification.recovered",
                    target=message,
                    data={"attempts": message.attempts, "failed": final, "message_id": message.message_id},
                )
    return recovered


def outbox_flush(*, now: datetime.datetime | None = None, limit: int = 200) -> FlushResult:
    """The periodic sweeper: recover rows stuck in "sending", then deliver every due row."""
    now = now or timezone.now()
    result = FlushResult(recovered=_recover_stuck(now))
    due = list(
        OutboxMessage.objects.filter(status=Status.QUEUED)
        .filter(Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True))
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    unreachable = 0
    for pk in due:
        outcome = outbox_deliver(message_id=pk, now=now)
        if outcome.skipped:
            result.skipped += 1
        elif outcome.delivered:
            result.delivered += 1
        elif outcome.status == Status.FAILED:
            result.failed += 1
        else:
            result.retrying += 1
        unreachable = unreachable + 1 if outcome.connection_error else 0
        if unreachable >= FLUSH_CONNECTION_FAILURES:
            result.stopped_early = True
            break
    return result


# --- staff and users ------------------------------------------------------------------------------


def outbox_resend(*, actor: Any, message: OutboxMessage) -> OutboxMessage:
    """Queue a message again now (a sent one too: it goes out again with the same Message-ID)."""
    with transaction.atomic():
        locked = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if locked.status == Status.SENDING:
            raise OutboxError(_("This message is being sent right now. Please try again in a few minutes."))
        if not locked.to_email:
            raise OutboxError(_("This message has no e-mail address to send to."))
        previous = locked.status
        locked.status = Status.QUEUED
        locked.attempts = 0
        locked.next_attempt_at = timezone.now()
        locked.claimed_at = None
        locked.save(update_fields=["status", "attempts", "next_attempt_at", "claimed_at"])
        audit_record(
            actor=actor,
            action="evize.notification.resent",
            target=locked,
            data={"previous_status": previous, "message_id": locked.message_id, "to": locked.to_email},
        )
        transaction.on_commit(partial(_schedule_delivery, locked.pk), robust=True)
    return locked


def notification_mark_read(*, actor: Any, message: OutboxMessage) -> bool:
    """Mark the actor's own notification read; True if it was unread. (Read state is the user's
    own bookkeeping, not a change of record, so it is not audited.)"""
    if message.recipient_id is None or message.recipient_id != getattr(actor, "pk", None):
        raise PermissionError("only the recipient marks a notification read")
    return bool(
        OutboxMessage.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=timezone.now())
    )


def notifications_mark_all_read(*, actor: Any) -> int:
    return OutboxMessage.objects.filter(recipient=actor, show_in_app=True, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notification_queue_to_engineers(
    *, kind: str, application: Any, context: Mapping[str, Any], actor: Any = None
) -> list[OutboxMessage]:
    """Queue one message per engineer of an application, to the e-mail given on the form (and, when
    the engineer has an account, into their in-app list in their language)."""
    messages = []
    for engineer in application.engineers.select_related("member__user"):
        user = getattr(engineer.member, "user", None) if hasattr(engineer.member, "user") else None
        messages.append(
            notification_queue(
                kind=kind,
                to_user=user,
                to_email=engineer.email or None,
                context=context,
                target=application,
                actor=actor,
            )
        )
    return messages
