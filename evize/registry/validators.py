"""National identity numbers.

T.C. Kimlik No: 11 digits, first not 0, d10 = ((d1+d3+d5+d7+d9)*7 - (d2+d4+d6+d8)) mod 10,
d11 = (d1+...+d10) mod 10. KKTC identity numbers are shorter (up to 10 digits); which formats are
accepted is the setting EVIZE_NATIONAL_ID_FORMAT: `tckn` or `tckn_or_kktc` (default).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_KKTC = re.compile(r"^[1-9]\d{4,9}$")


def tckn_is_valid(value: str) -> bool:
    if not re.fullmatch(r"[1-9]\d{10}", value):
        return False
    d = [int(c) for c in value]
    d10 = ((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10
    d11 = sum(d[:10]) % 10
    return d[9] == d10 and d[10] == d11


def national_id_error(value: str) -> str | None:
    """None if acceptable, else a translated reason."""
    value = (value or "").strip()
    if not value:
        return str(_("The national ID number is required."))
    if not value.isdigit():
        return str(_("The national ID number must contain digits only."))
    if len(value) == 11:
        if not tckn_is_valid(value):
            return str(_("The national ID number is not valid (checksum does not match)."))
        return None
    fmt = getattr(settings, "EVIZE_NATIONAL_ID_FORMAT", "tckn_or_kktc")
    if fmt == "tckn_or_kktc" and _KKTC.match(value):
        return None
    if fmt == "tckn":
        return str(_("The national ID number must have 11 digits."))
    return str(_("The national ID number must have 11 digits (T.C.) or 5–10 digits (KKTC)."))


def validate_national_id(value: str) -> None:
    error = national_id_error(value)
    if error:
        raise ValidationError(error, code="national_id")
