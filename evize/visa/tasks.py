"""Celery tasks: thin adapters around the services."""

from __future__ import annotations

from celery import shared_task

from .services import visa_pending_sweep


@shared_task(name="evize.visa.sweep_pending")
def sweep_pending_visas() -> list[str]:
    """Queue the pending visa of every application whose visa fee is settled but whose visa was
    never queued (the payment's on-commit hook was lost)."""
    return [visa.number for visa in visa_pending_sweep(actor=None)]
