"""Per-request context (client IP) that services may use when they record audit events."""

from __future__ import annotations

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("evize_current_ip", default=None)


def client_ip(request) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is trusted only behind a configured proxy.
    from django.conf import settings

    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None
