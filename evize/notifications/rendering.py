"""Rendering a message kind into subject, plain text and HTML, in one language."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import translation

from .registry import MessageContextError, MessageKind

SUBJECT_PREFIX = "[e-Vize] "


@dataclass(frozen=True)
class RenderedAttachment:
    filename: str
    size: int
    url: str = ""  # set when the file goes as a download link instead of an attachment


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str


def supported_language(language: str | None) -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    if language in codes:
        return language  # type: ignore[return-value]
    if language and language.split("-")[0] in codes:
        return language.split("-")[0]
    return settings.LANGUAGE_CODE


def absolute_link(value: Any, *, allow_query: bool = False) -> str:
    """A link for an e-mail: a site path or an absolute URL on EVIZE_BASE_URL, made absolute.

    Anything else (another host, a scheme-relative URL) is refused, and so is a query string
    unless the kind carries one-time tokens by design: links never carry credentials.
    """
    base = settings.EVIZE_BASE_URL.rstrip("/")
    text = str(value)
    if text.startswith(base + "/"):
        path = text[len(base) :]
    elif text.startswith("/") and not text.startswith("//"):
        path = text
    else:
        raise MessageContextError(f"link {text!r} is not a path on this site")
    if not allow_query and "?" in path:
        raise MessageContextError(f"link {text!r} has a query string; links must not carry credentials")
    return base + path


def _render_plain(template_name: str, context: dict[str, Any]) -> str:
    """Render a text template without HTML escaping (it is not HTML)."""
    template = get_template(template_name).template  # the engine's Template
    return template.render(Context(context, autoescape=False))


def _tidy_text(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    text = "\n".join(lines).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", text) + "\n"


def render_message(
    kind: MessageKind,
    *,
    context: Mapping[str, Any],
    language: str,
    recipient_name: str = "",
    attachments: Sequence[RenderedAttachment] = (),
    link_valid_until: datetime.datetime | None = None,
) -> RenderedMessage:
    """Render `kind` with the caller's context plus the layout's own keys."""
    kind.check_context(context)
    data = dict(context)
    for key in kind.link_keys:
        if data.get(key):
            data[key] = absolute_link(data[key], allow_query=kind.one_time_links)
    language = supported_language(language)
    data.update(
        {
            "kind": kind.code,
            "one_time_links": kind.one_time_links,
            "language": language,
            "recipient_name": recipient_name,
            "chamber_name": settings.EVIZE_CHAMBER_NAME,
            "site_url": settings.EVIZE_BASE_URL.rstrip("/") + "/",
            "notifications_url": absolute_link(reverse("notifications:list")),
            "attached_files": [a for a in attachments if not a.url],
            "linked_files": [a for a in attachments if a.url],
            "link_valid_until": link_valid_until,
        }
    )
    with translation.override(language):
        subject = " ".join(_render_plain(kind.subject_template, data).split())
        text = _tidy_text(_render_plain(kind.text_template, data))
        html = render_to_string(kind.html_template, data)
    return RenderedMessage(subject=(SUBJECT_PREFIX + subject)[:300], text=text, html=html)
