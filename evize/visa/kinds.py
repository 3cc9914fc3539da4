"""The e-mails of this app (see evize.notifications.registry)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from evize.notifications.registry import MessageKind, UnknownMessageKind, get_kind, register


def _register() -> None:
    try:
        get_kind("visa.revoked")
    except UnknownMessageKind:
        register(
            MessageKind(
                code="visa.revoked",
                title=_("Visa revoked"),
                required=("registration_number", "visa_number", "reason", "details_url"),
                optional=("verify_url",),
                link_keys=("details_url", "verify_url"),
                sample=lambda: {
                    "registration_number": "2026/00042",
                    "visa_number": "V-2026/00017",
                    "reason": "Statik hesapta hata tespit edildi.",
                    "details_url": "/basvuru/42/",
                    "verify_url": "/dogrula/V-2026-00017/",
                },
            )
        )


_register()
