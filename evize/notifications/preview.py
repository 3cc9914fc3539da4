"""Rendering a message kind with its sample data, for staff to review the wording."""

from __future__ import annotations

import uuid

from .links import attachment_link, link_valid_until
from .registry import MessageKind
from .rendering import RenderedAttachment, RenderedMessage, render_message
from .services import attachment_max_bytes, choose_links

SAMPLE_RECIPIENT = "Mehmet Demir"


def render_sample(kind: MessageKind, *, language: str) -> RenderedMessage:
    sizes = [a.size for a in kind.sample_attachments]
    as_link = choose_links(sizes, attachment_max_bytes())
    # A well-formed link to no attachment: it shows what the recipient gets, and opens nothing.
    sample_link = attachment_link(uuid.UUID(int=0))
    attachments = [
        RenderedAttachment(a.filename, a.size, sample_link if link else "")
        for a, link in zip(kind.sample_attachments, as_link, strict=True)
    ]
    return render_message(
        kind,
        context=kind.sample(),
        language=language,
        recipient_name=SAMPLE_RECIPIENT,
        attachments=attachments,
        link_valid_until=link_valid_until() if any(as_link) else None,
    )
