"""Signed, expiring download links for attachments sent as links instead of files.

The token only names the attachment and proves the link was issued by us and is recent; it is not
a credential: the download view also requires login as the recipient (or office staff).
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from .rendering import absolute_link

SALT = "evize.notifications.attachment-link"


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


def link_max_age() -> int:
    return int(getattr(settings, "EVIZE_EMAIL_LINK_MAX_AGE_SECONDS", 60 * 60 * 24 * 30))


def link_valid_until(issued_at: datetime.datetime | None = None) -> datetime.datetime:
    return (issued_at or timezone.now()) + datetime.timedelta(seconds=link_max_age())


def attachment_token(public_id: uuid.UUID) -> str:
    return signing.TimestampSigner(salt=SALT).sign(str(public_id))


def attachment_link(public_id: uuid.UUID) -> str:
    return absolute_link(reverse("notifications:signed_download", args=[attachment_token(public_id)]))


def attachment_id_from_token(token: str) -> uuid.UUID:
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(token, max_age=link_max_age())
    except signing.SignatureExpired as exc:
        raise LinkExpired(str(exc)) from exc
    except signing.BadSignature as exc:
        raise LinkInvalid(str(exc)) from exc
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise LinkInvalid(value) from exc
