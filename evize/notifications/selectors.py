"""Reading the outbox: staff lists, a user's notifications, an application's timeline."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Count, ExpressionWrapper, Q, QuerySet

from .models import OutboxAttachment, OutboxMessage


def outbox_messages(*, status: str | None = None, query: str | None = None) -> QuerySet[OutboxMessage]:
    """Every e-mail, newest first (staff: local mailbox and outbox pages)."""
    qs = OutboxMessage.objects.select_related("recipient").annotate(attachment_count=Count("attachments"))
    if status:
        qs = qs.filter(status=status)
    if query:
        qs = qs.filter(
            Q(to_email__icontains=query)
            | Q(subject__icontains=query)
            | Q(kind__icontains=query)
            | Q(recipient__username__icontains=query)
        )
    return qs.order_by("-created_at", "-id")


def outbox_message_get(*, pk: int) -> OutboxMessage:
    return OutboxMessage.objects.select_related("recipient").prefetch_related("attachments").get(pk=pk)


def outbox_status_counts() -> dict[str, int]:
    counts = dict(OutboxMessage.objects.values_list("status").annotate(n=Count("id")).order_by())
    return {status: counts.get(status, 0) for status in OutboxMessage.Status.values}


def notifications_for_user(user: Any) -> QuerySet[OutboxMessage]:
    """The user's in-app notifications: unread first, then newest first."""
    return (
        OutboxMessage.objects.filter(recipient=user, show_in_app=True)
        .annotate(
            unread=ExpressionWrapper(Q(read_at__isnull=True), output_field=models.BooleanField()),
            attachment_count=Count("attachments"),
        )
        .order_by("-unread", "-created_at", "-id")
    )


def notifications_unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return OutboxMessage.objects.filter(recipient=user, show_in_app=True, read_at__isnull=True).count()


def notifications_for_target(target: models.Model) -> QuerySet[OutboxMessage]:
    """Every e-mail about `target` (e.g. an application), oldest first, for its timeline."""
    return (
        OutboxMessage.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
        .select_related("recipient")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )


def attachment_get(*, public_id: Any) -> OutboxAttachment:
    return OutboxAttachment.objects.select_related("message").get(public_id=public_id)
