"""The e-mail outbox: one row per e-mail, written in the transaction of the change that causes it.

A row is also the in-app notification (read_at) and, through its target reference, an entry of the
application's timeline. Rows change state only through `services`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        HELD = "held", _("Kept in local mailbox")

    kind = models.CharField(_("message kind"), max_length=64, db_index=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    to_email = models.EmailField(_("to"), blank=True)
    language = models.CharField(_("language"), max_length=5)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("plain text body"))
    body_html = models.TextField(_("HTML body"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    # The Message-ID header, generated once: every (re)delivery of this row carries the same one.
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    # What the message is about ("app_label.model" + primary key), e.g. an application's timeline.
    target_type = models.CharField(_("about (type)"), max_length=100, blank=True)
    target_id = models.CharField(_("about (id)"), max_length=64, blank=True)
    show_in_app = models.BooleanField(_("shown in the notification list"), default=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("e-mail message")
        verbose_name_plural = _("e-mail messages")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notif_outbox_due"),
            models.Index(fields=["recipient", "read_at"], name="notif_recipient_unread"),
            models.Index(fields=["target_type", "target_id", "created_at"], name="notif_target"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to_email or '-'}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def title(self) -> str:
        """The subject without the "[e-Vize] " tag that only helps in a mail client."""
        return self.subject.removeprefix("[e-Vize] ")


class OutboxAttachment(models.Model):
    """A file sent with a message: attached to the e-mail, or (above the size limit) offered as a
    signed, expiring download link that also requires login as the recipient (or staff)."""

    message = models.ForeignKey(
        OutboxMessage, verbose_name=_("message"), on_delete=models.CASCADE, related_name="attachments"
    )
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # Private storage (default storage); content-addressed blobs are never modified.
    file = models.FileField(_("file"), upload_to="notifications/attachments/", max_length=300)
    as_link = models.BooleanField(_("sent as a download link"), default=False)

    class Meta:
        ordering = ["message", "position", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename


class ReminderSent(models.Model):
    """One reminder e-mailed about one item (an unpaid fee, a missing signature): the sweeper
    sends the next one about the same item only after EVIZE_REMINDER_REPEAT_DAYS."""

    kind = models.CharField(_("message kind"), max_length=64)
    # What the reminder is about ("app_label.model" + primary key), e.g. "payments.fee" 12.
    target_type = models.CharField(_("about (type)"), max_length=100)
    target_id = models.CharField(_("about (id)"), max_length=64)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        indexes = [
            models.Index(
                fields=["kind", "target_type", "target_id", "sent_at"], name="notif_reminder_target"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.target_type}:{self.target_id}"
