"""The signature settings, read in one place (documented in .env.example)."""

from __future__ import annotations

import functools
from pathlib import Path
from urllib.parse import urlsplit

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

REVOCATION_MODES = ("hard-fail", "soft-fail")


def trust_anchor_paths() -> list[Path]:
    value = getattr(settings, "EVIZE_SIGNATURE_TRUST_ANCHORS", [])
    if isinstance(value, str):
        value = [item.strip() for item in value.split(",") if item.strip()]
    paths = [Path(item) for item in value]
    demo = demo_anchor_path()
    if not paths and demo is not None and demo.exists():
        paths = [demo]
    return paths


def demo_anchor_path() -> Path | None:
    """The demo CA (`manage.py demo_pki`), trusted only in the embedded plain-HTTP mode and only
    when no trust anchor is configured."""
    if not getattr(settings, "INSECURE_HTTP", False):
        return None
    return Path(settings.DATA_DIR) / "demo-pki" / "demo-root.pem"


@functools.lru_cache(maxsize=8)
def _load_pem_certificates(path: str, mtime: float) -> tuple[asn1_x509.Certificate, ...]:
    data = Path(path).read_bytes()
    if not pem.detect(data):
        return (asn1_x509.Certificate.load(data),)
    return tuple(asn1_x509.Certificate.load(der) for _type, _headers, der in pem.unarmor(data, multiple=True))


def trust_anchors() -> list[asn1_x509.Certificate]:
    """Every certificate in the configured PEM files. Never the operating system's store."""
    anchors: list[asn1_x509.Certificate] = []
    for path in trust_anchor_paths():
        try:
            anchors.extend(_load_pem_certificates(str(path), path.stat().st_mtime))
        except (OSError, ValueError) as exc:
            raise ImproperlyConfigured(f"EVIZE_SIGNATURE_TRUST_ANCHORS: cannot read {path}: {exc}") from exc
    return anchors


def revocation_mode() -> str:
    mode = getattr(settings, "EVIZE_SIGNATURE_REVOCATION_MODE", "hard-fail")
    if mode not in REVOCATION_MODES:
        raise ImproperlyConfigured(f"EVIZE_SIGNATURE_REVOCATION_MODE must be one of {REVOCATION_MODES}")
    return mode


def tsa_url() -> str:
    return getattr(settings, "EVIZE_TSA_URL", "") or ""


def national_id_prefixes() -> tuple[str, ...]:
    value = getattr(settings, "EVIZE_NATIONAL_ID_CERT_PREFIXES", ("PNOTR-", "IDCTR-", "TCKTR-"))
    if isinstance(value, str):
        value = [item.strip() for item in value.split(",")]
    return tuple(item for item in value if item)


def session_seconds() -> int:
    return int(getattr(settings, "EVIZE_SIGNING_SESSION_SECONDS", 600))


def agent_url() -> str:
    """Where the signer agent listens on the signer's own computer (loopback only)."""
    return getattr(settings, "EVIZE_SIGNER_AGENT_URL", "http://127.0.0.1:47215").rstrip("/")


def agent_origin() -> str:
    parts = urlsplit(agent_url())
    return f"{parts.scheme}://{parts.netloc}"


def embed_validation_info() -> bool:
    """PAdES B-LT (validation data in the DSS) when a TSA is configured."""
    return bool(tsa_url()) and getattr(settings, "EVIZE_SIGNATURE_EMBED_VALIDATION_INFO", True)
