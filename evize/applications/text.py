"""Small text helpers that respect Turkish letter case (i → İ, ı → I)."""

from __future__ import annotations

from django.utils.functional import lazy
from django.utils.translation import get_language


def _capfirst(text) -> str:
    text = str(text)
    if not text:
        return text
    first = text[0]
    if (get_language() or "tr").lower().startswith("tr"):
        first = {"i": "İ", "ı": "I"}.get(first, first.upper())
    else:
        first = first.upper()
    return first + text[1:]


capfirst_tr = lazy(_capfirst, str)
