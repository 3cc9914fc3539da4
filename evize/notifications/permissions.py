"""Who may read an outbox message (the views check these on the server for every request)."""

from __future__ import annotations

from typing import Any

from evize.accounts.models import User

from .models import OutboxMessage
from .registry import UnknownMessageKind, get_kind
from .services import delivery_mode


def is_verified_staff(user: Any) -> bool:
    """Office staff who passed two-factor verification in this session."""
    return (
        getattr(user, "is_authenticated", False)
        and user.role in User.STAFF_ROLES
        and bool(getattr(user, "is_verified", lambda: False)())
    )


def is_recipient(user: Any, message: OutboxMessage) -> bool:
    return getattr(user, "is_authenticated", False) and message.recipient_id == user.pk


def may_read(user: Any, message: OutboxMessage) -> bool:
    return is_recipient(user, message) or is_verified_staff(user)


def body_hidden_from(user: Any, message: OutboxMessage) -> bool:
    """E-mails carrying one-time account links (activation, password reset) are readable by staff
    only while nothing is really delivered (the local mailbox of the demo); once SMTP delivery is
    configured, only their recipient sees them."""
    if is_recipient(user, message):
        return False
    try:
        one_time = get_kind(message.kind).one_time_links
    except UnknownMessageKind:
        one_time = False
    return one_time and delivery_mode() != "outbox"


def may_read_body(user: Any, message: OutboxMessage) -> bool:
    return may_read(user, message) and not body_hidden_from(user, message)
