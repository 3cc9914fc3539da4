"""Configuration checks (`manage.py check`, run before every command and at start-up)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=False)
def payments_configuration(app_configs, **kwargs):
    problems = []
    sandbox = bool(getattr(settings, "EVIZE_SANDBOX_BANK", False))
    insecure = bool(getattr(settings, "INSECURE_HTTP", False))
    if sandbox and not insecure:
        problems.append(
            Error(
                "The sandbox bank is enabled on a production (HTTPS) site.",
                hint="Set EVIZE_SANDBOX_BANK=false: the sandbox approves test cards without any bank.",
                id="payments.E001",
            )
        )
    if not sandbox:
        missing = [
            name
            for name in ("EVIZE_NESTPAY_CLIENT_ID", "EVIZE_NESTPAY_STORE_KEY", "EVIZE_NESTPAY_GATE_URL")
            if not getattr(settings, name, "")
        ]
        if missing:
            problems.append(
                Warning(
                    "Online payment is not configured: " + ", ".join(missing) + " not set.",
                    hint="Engineers cannot pay fees online until the bank's virtual POS details are set.",
                    id="payments.W001",
                )
            )
        for name in ("EVIZE_NESTPAY_GATE_URL", "EVIZE_NESTPAY_API_URL"):
            value = getattr(settings, name, "")
            if value and not value.startswith("https://"):
                problems.append(Error(f"{name} must be an https:// address.", id="payments.E002"))
    return problems
