"""Celery tasks: thin adapters around the services."""

from __future__ import annotations

from celery import shared_task

from .services import payments_reconcile


@shared_task(name="evize.payments.reconcile")
def reconcile_payments() -> dict:
    """Ask the bank about payments still open after EVIZE_PAYMENT_RECONCILE_AFTER_MINUTES."""
    return payments_reconcile()
