"""Real concurrency on PostgreSQL (row locks): identical callbacks arriving at the same moment
confirm once; two payments confirming at once get consecutive receipt numbers.

Run with DATABASE_URL=postgres://… (deselected on SQLite, see the root conftest)."""

import threading

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from evize.applications.models import Status
from evize.audit.models import AuditEvent
from evize.notifications.models import OutboxMessage
from evize.payments.models import Receipt
from evize.payments.services import fee_registration_open, payment_start

from .bank import answer
from .factories import awaiting_registration_fee

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CALLBACK = reverse("payments:callback_ok", args=["nestpay"])


def post_together(bodies: list[dict]) -> list[int]:
    barrier = threading.Barrier(len(bodies))
    statuses: list[int] = []
    errors: list[BaseException] = []

    def post(body):
        try:
            barrier.wait(timeout=10)
            statuses.append(Client().post(CALLBACK, body).status_code)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return statuses


def new_attempt(engineer):
    fee = fee_registration_open(actor=None, application=awaiting_registration_fee(created_by=engineer))
    return payment_start(actor=engineer, fee=fee)


def test_two_identical_callbacks_at_the_same_moment_confirm_once(tariff, engineer):
    attempt = new_attempt(engineer)
    fields = answer(attempt)

    assert post_together([fields, fields]) == [303, 303]

    attempt.refresh_from_db()
    assert attempt.status == "confirmed"
    assert Receipt.objects.filter(attempt=attempt).count() == 1
    assert OutboxMessage.objects.filter(kind="payment.receipt").count() == 1
    assert OutboxMessage.objects.filter(kind="application.registered").count() == 1
    assert AuditEvent.objects.filter(action="evize.payment.confirmed").count() == 1
    assert AuditEvent.objects.filter(action="evize.payment.callback_replayed").count() == 1
    assert AuditEvent.objects.filter(action="evize.application.registration_fee_paid").count() == 1
    attempt.fee.application.refresh_from_db()
    assert attempt.fee.application.status == Status.REGISTERED


def test_concurrent_confirmations_get_consecutive_receipt_numbers(tariff, engineer):
    attempts = [new_attempt(engineer) for _ in range(3)]
    assert post_together([answer(a) for a in attempts]) == [303, 303, 303]
    seqs = sorted(Receipt.objects.values_list("seq", flat=True))
    assert len(seqs) == 3 and seqs == list(range(seqs[0], seqs[0] + 3))
