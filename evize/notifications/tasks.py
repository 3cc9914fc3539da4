"""Celery tasks: thin adapters around the outbox services (they take ids, never instances)."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from .services import outbox_deliver, outbox_flush


@shared_task(bind=True, name="evize.notifications.deliver_outbox_message", max_retries=None, acks_late=True)
def deliver_outbox_message(self, message_pk: int) -> str:
    result = outbox_deliver(message_id=message_pk)
    # With a broker, retry after the back-off; the periodic flush is the safety net either way.
    # Run in process (eager), a retry would resend at once and block the request: leave it to
    # the flush (`manage.py flush_outbox`).
    if result.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=result.retry_in)
    return result.status


@shared_task(name="evize.notifications.flush_outbox")
def flush_outbox() -> dict:
    return asdict(outbox_flush())


@shared_task(name="evize.notifications.send_reminders")
def send_reminders() -> int:
    from .reminders import reminders_send

    return reminders_send()
