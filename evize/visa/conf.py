"""Settings of the visa app, with their defaults."""

from __future__ import annotations

from django.conf import settings

DEFAULT_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def number_format() -> str:
    """str.format template with {year} and {seq}, e.g. "V-{year}/{seq:05d}"."""
    return getattr(settings, "EVIZE_VISA_NUMBER_FORMAT", "") or "V-{year}/{seq:05d}"


def chamber_name() -> str:
    return getattr(settings, "EVIZE_CHAMBER_NAME", "") or "K.T.M.M.O.B. İnşaat Mühendisleri Odası"


def base_url() -> str:
    return (getattr(settings, "EVIZE_BASE_URL", "") or "").rstrip("/")


def stamp_font() -> str:
    return getattr(settings, "EVIZE_VISA_STAMP_FONT", "") or DEFAULT_FONT


def verify_rate_limit() -> int:
    """Verification requests per client IP per minute (0: unlimited)."""
    return int(getattr(settings, "EVIZE_VISA_VERIFY_RATE_LIMIT", 30))


def officer_national_ids() -> dict[str, str]:
    """Settings fallback for officers without a profile: {username: national ID}."""
    return dict(getattr(settings, "EVIZE_VISA_OFFICER_NATIONAL_IDS", {}) or {})


def pades_lta() -> bool:
    """PAdES B-LTA: a document time stamp over the visa'd file after the officer's signature (needs
    a TSA, EVIZE_TSA_URL). Without it the officer's signature is B-LT, as the engineers'."""
    return bool(getattr(settings, "EVIZE_VISA_PADES_LTA", False))
