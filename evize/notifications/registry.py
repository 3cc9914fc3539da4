"""The message registry: every kind of e-mail e-Vize sends, with its templates and sample data.

A kind is declared once (here for this app, in `kinds.py`; other apps may register their own in
their `AppConfig.ready`). Its three templates live at

    notifications/email/<code>.subject.txt   one line (whitespace is collapsed)
    notifications/email/<code>.txt           plain text, extends notifications/email/base.txt
    notifications/email/<code>.html          HTML, extends notifications/email/base.html

and are rendered when the outbox row is written, in the recipient's language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


class UnknownMessageKind(LookupError):
    pass


class MessageContextError(ValueError):
    """The caller's context does not fit the message kind (a programming error, not a user's)."""


@dataclass(frozen=True)
class SampleAttachment:
    """How an attachment looks in the preview (no file is read or stored)."""

    filename: str
    size: int


@dataclass(frozen=True)
class MessageKind:
    code: str  # dotted, e.g. "application.received"
    title: str | Promise  # shown to staff (preview, outbox)
    required: tuple[str, ...] = ()  # context keys that must be present and not empty
    optional: tuple[str, ...] = ()  # context keys the templates use when present
    # Context keys holding links: site paths ("/basvurular/42/") or absolute URLs on
    # settings.EVIZE_BASE_URL; the renderer makes them absolute. Never anything else.
    link_keys: tuple[str, ...] = ()
    # Context keys restricted to a few values, e.g. {"reason": ("withdrawn", ...)}.
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Sample context for the staff preview (a callable so dates and amounts are fresh).
    sample: Callable[[], dict[str, Any]] = dict
    sample_attachments: tuple[SampleAttachment, ...] = ()
    # Shown in the user's notification list (account e-mails are not: they precede a login).
    in_app: bool = True
    # The links carry a one-time token by design (activation, password reset): a query string is
    # allowed, and staff never see the body once real delivery is configured.
    one_time_links: bool = False

    @property
    def subject_template(self) -> str:
        return f"notifications/email/{self.code}.subject.txt"

    @property
    def text_template(self) -> str:
        return f"notifications/email/{self.code}.txt"

    @property
    def html_template(self) -> str:
        return f"notifications/email/{self.code}.html"

    def check_context(self, context: Mapping[str, Any]) -> None:
        missing = [key for key in self.required if context.get(key) in (None, "")]
        if missing:
            raise MessageContextError(f"{self.code}: missing context keys {missing}")
        known = set(self.required) | set(self.optional)
        unknown = sorted(set(context) - known)
        if unknown:
            raise MessageContextError(f"{self.code}: unknown context keys {unknown}")
        for key, allowed in self.choices.items():
            if key in context and context[key] not in allowed:
                raise MessageContextError(f"{self.code}: {key}={context[key]!r} is not one of {allowed}")


_KINDS: dict[str, MessageKind] = {}


def register(kind: MessageKind) -> MessageKind:
    if kind.code in _KINDS and _KINDS[kind.code] is not kind:
        raise ValueError(f"message kind {kind.code!r} is already registered")
    for key in kind.link_keys + tuple(kind.choices):
        if key not in kind.required and key not in kind.optional:
            raise ValueError(f"{kind.code}: {key!r} must be listed in required or optional")
    _KINDS[kind.code] = kind
    return kind


def get_kind(code: str) -> MessageKind:
    try:
        return _KINDS[code]
    except KeyError:
        raise UnknownMessageKind(code) from None


def all_kinds() -> list[MessageKind]:
    return list(_KINDS.values())
