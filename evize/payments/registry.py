"""Payment providers by identifier. A provider module calls `register()` at import (the app's
`ready()` imports them); `EVIZE_PAYMENT_PROVIDER` names the one new payments use."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

from .base import PaymentProvider, ProviderNotConfigured

_factories: dict[str, Callable[[], PaymentProvider]] = {}


def register(identifier: str, factory: Callable[[], PaymentProvider]) -> None:
    if identifier in _factories and _factories[identifier] is not factory:
        raise ValueError(f"payment provider {identifier!r} is already registered")
    _factories[identifier] = factory


def identifiers() -> list[str]:
    return sorted(_factories)


def get_provider(identifier: str) -> PaymentProvider:
    """A provider instance, reading the current settings (so tests may change them)."""
    try:
        factory = _factories[identifier]
    except KeyError:
        raise ProviderNotConfigured(f"unknown payment provider {identifier!r}") from None
    return factory()


def default_provider() -> PaymentProvider:
    return get_provider(getattr(settings, "EVIZE_PAYMENT_PROVIDER", "nestpay"))
