"""Keeping card data out of the database: what the bank posts back is stored without card
numbers, expiry dates, security codes or 3-D Secure cryptograms."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# Field names (lower case) that carry card or authentication data: dropped entirely.
_DROP_EXACT = frozenset(
    {
        "pan",
        "cardnumber",
        "card_number",
        "cv2",
        "cvv",
        "cvv2",
        "cvc",
        "expiry",
        "expdate",
        "md",
        "cavv",
        "xid",
        "eci",
        "pares",
        "digest",
    }
)
_DROP_PARTS = ("expdate", "cardnumber", "cvv", "cv2", "securitycode", "pares", "cavv")
# Field names that hold a masked card number: kept, re-masked to first six and last four digits.
_MASKED = frozenset({"maskedpan", "maskedcreditcard"})
_DIGITS = re.compile(r"\d")
_LONG_NUMBER = re.compile(r"(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)")


def luhn_valid(number: str) -> bool:
    digits = [int(ch) for ch in number if ch.isdigit()]
    if len(digits) < 12:
        return False
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def mask_pan(value: str) -> str:
    """ "4111 1111 1111 1111" → "411111******1111"; a value already masked keeps its stars."""
    text = (value or "").replace(" ", "").replace("-", "")
    digits = "".join(_DIGITS.findall(text))
    if len(text) < 10:
        return "*" * len(text)
    if "*" in text or "x" in text.lower():
        # Already masked by the bank: keep at most the first six and last four digits.
        head = text[:6]
        tail = text[-4:]
        return f"{head}{'*' * max(len(text) - 10, 2)}{tail}".replace("X", "*").replace("x", "*")
    return f"{digits[:6]}{'*' * max(len(digits) - 10, 2)}{digits[-4:]}"


def _scrub_numbers(value: str) -> str:
    """Mask anything in free text that looks like a full card number."""

    def replace(match: re.Match[str]) -> str:
        candidate = match.group(0)
        return mask_pan(candidate) if luhn_valid(candidate) else candidate

    return _LONG_NUMBER.sub(replace, value)


MAX_FIELDS = 100
MAX_VALUE_CHARS = 1000


def sanitize_response(fields: Mapping[str, Any]) -> dict[str, str]:
    """The bank's fields as strings, with card data removed or masked (safe to store and show).
    At most MAX_FIELDS fields of MAX_VALUE_CHARS characters are kept (a forged post is audited
    with what it carried, but cannot make the audit trail grow without bound)."""
    clean: dict[str, str] = {}
    for name, value in fields.items():
        if len(clean) >= MAX_FIELDS:
            break
        key = str(name)[:100]
        lower = key.lower()
        text = "" if value is None else str(value)
        if lower in _DROP_EXACT or any(part in lower for part in _DROP_PARTS):
            continue
        if lower in _MASKED:
            clean[key] = mask_pan(text)
            continue
        clean[key] = _scrub_numbers(text[: MAX_VALUE_CHARS * 2])[:MAX_VALUE_CHARS]
    return clean
