from __future__ import annotations

import re

from evize.notifications.services import Attachment, notification_queue

BASE_URL = "https://evize.test"
URL_RE = re.compile(r"https?://[^\s\"'<>]+")


def links_in(text: str) -> list[str]:
    return URL_RE.findall(text)


def queue_received(user, *, number: str = "2026/00007", actor=None, target=None, **kwargs):
    return notification_queue(
        kind="application.received",
        to_user=user,
        context={"registration_number": number, "details_url": "/basvurular/7/"},
        target=target,
        actor=actor,
        **kwargs,
    )


def queue_notes(user, *, attachments, target=None):
    return notification_queue(
        kind="review.notes_sent",
        to_user=user,
        context={
            "registration_number": "2026/00007",
            "details_url": "/basvurular/7/",
            "notation_number": 1,
            "notation_limit": 3,
            "notes_summary": "Zemin etüdü eksik.",
        },
        target=target,
        attachments=attachments,
    )


PDF_NOTES = b"%PDF-1.7\n% notes list\n" + bytes(range(256)) * 4
PDF_ANNOTATED = b"%PDF-1.7\n% annotated project\n" + bytes(reversed(range(256))) * 8


def notes_attachments() -> list[Attachment]:
    return [
        Attachment("notlar-2026-00007-1.pdf", content=PDF_NOTES, content_type="application/pdf"),
        Attachment("notlanmış-proje-2026-00007-1.pdf", content=PDF_ANNOTATED),
    ]


__all__ = ["BASE_URL", "links_in", "notes_attachments", "queue_notes", "queue_received"]
