"""Numbers as Turkish users write and read them: "1.234,56" (dot groups thousands, comma is the
decimal separator). Input also accepts "1234,56" and "1234.56"; "1.234" means one thousand two
hundred and thirty-four in Turkish and 1.234 in English (the only ambiguous form)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils import formats
from django.utils.translation import get_language

_GROUPED = re.compile(r"^\d{1,3}(?:[.,\u00a0 ]\d{3})+$")
_SPACE_GROUPED = re.compile(r"^\d{1,3}(?: \d{3})+(?:[.,]\d*)?$")
_ALLOWED = re.compile(r"^[+-]?[\d.,\u00a0 ]+$")


class NumberError(ValueError):
    """`code` is "letters" (something other than digits and separators) or "invalid"."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def parse_decimal(text: str, *, language: str | None = None) -> Decimal:
    """The number written in `text` (raises NumberError). Spaces are ignored."""
    raw = (text or "").strip().replace("\u202f", "\u00a0")
    if not raw:
        raise NumberError("invalid")
    if not _ALLOWED.match(raw):
        raise NumberError("letters")
    sign = ""
    if raw[0] in "+-":
        sign, raw = ("-" if raw[0] == "-" else ""), raw[1:].strip()
    raw = raw.replace("\u00a0", " ")
    if " " in raw:  # "1 234,5": spaces may only group thousands
        if not _SPACE_GROUPED.match(raw):
            raise NumberError("invalid")
        raw = raw.replace(" ", "")
    language = (language or get_language() or "tr").lower()
    dots, commas = raw.count("."), raw.count(",")
    if dots and commas:
        decimal_sep = "," if raw.rfind(",") > raw.rfind(".") else "."
        group_sep = "." if decimal_sep == "," else ","
        if raw.count(decimal_sep) > 1:
            raise NumberError("invalid")
        whole, fraction = raw.split(decimal_sep)
        if not _GROUPED.match(whole):
            raise NumberError("invalid")
        whole = whole.replace(group_sep, "")
    elif commas:
        if commas > 1:
            if not _GROUPED.match(raw) or language.startswith("tr"):
                raise NumberError("invalid")
            whole, fraction = raw.replace(",", ""), ""
        else:
            whole, fraction = raw.split(",")
            if not language.startswith("tr") and _GROUPED.match(raw):
                whole, fraction = whole + fraction, ""
    elif dots:
        if dots > 1:
            if not _GROUPED.match(raw):
                raise NumberError("invalid")
            whole, fraction = raw.replace(".", ""), ""
        else:
            whole, fraction = raw.split(".")
            if language.startswith("tr") and _GROUPED.match(raw):
                whole, fraction = whole + fraction, ""
    else:
        whole, fraction = raw, ""
    if not whole and not fraction:
        raise NumberError("invalid")
    try:
        return Decimal(f"{sign}{whole or '0'}.{fraction or '0'}")
    except InvalidOperation:
        raise NumberError("invalid") from None


def format_decimal(value, places: int | None = None) -> str:
    """`value` in the active language's format with thousands grouped ("1.234,5" in Turkish).
    Without `places`, trailing zeros after the decimal separator are dropped."""
    if value is None or value == "":
        return ""
    if not isinstance(value, Decimal):
        try:
            value = Decimal(str(value))
        except InvalidOperation:
            return str(value)
    if places is None:
        normalized = value.normalize()
        exponent = normalized.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        if places == 0:
            value = value.quantize(Decimal(1))
    return formats.number_format(value, places, use_l10n=True, force_grouping=True)
