"""Reminders: fees left unpaid and signatures still missing after a configurable number of days.

`reminders_send` is run daily (Celery beat, or `manage.py send_reminders`). It e-mails
- the engineers of an application whose registration or visa fee has been due for at least
  EVIZE_REMINDER_FEE_DAYS (while the application still waits for that fee), and
- each engineer who has not signed an open signing round opened at least
  EVIZE_REMINDER_SIGNATURE_DAYS ago (while the application still waits for signatures),
at most once per item every EVIZE_REMINDER_REPEAT_DAYS. Each reminder is recorded (ReminderSent)
and audited in the transaction that queues its e-mails, so running the sweeper twice, or two
sweepers at once, sends nothing twice.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from evize.audit.services import audit_record

from .models import ReminderSent
from .registry import MessageContextError
from .services import notification_queue, notification_queue_to_engineers

logger = logging.getLogger(__name__)

FEE_UNPAID = "reminder.fee_unpaid"
SIGNATURE_MISSING = "reminder.signature_missing"


def _days(name: str, default: int) -> datetime.timedelta:
    return datetime.timedelta(days=max(0, int(getattr(settings, name, default))))


def fee_days() -> datetime.timedelta:
    return _days("EVIZE_REMINDER_FEE_DAYS", 3)


def signature_days() -> datetime.timedelta:
    return _days("EVIZE_REMINDER_SIGNATURE_DAYS", 3)


def repeat_days() -> datetime.timedelta:
    # At least one day between two reminders about the same item, whatever the setting says.
    return max(_days("EVIZE_REMINDER_REPEAT_DAYS", 3), datetime.timedelta(days=1))


def _reference(target: models.Model) -> tuple[str, str]:
    return target._meta.label_lower, str(target.pk)


def _reminded_recently(kind: str, target: models.Model, now: datetime.datetime) -> bool:
    target_type, target_id = _reference(target)
    return ReminderSent.objects.filter(
        kind=kind, target_type=target_type, target_id=target_id, sent_at__gt=now - repeat_days()
    ).exists()


def _record(*, kind: str, target: models.Model, now: datetime.datetime, data: dict[str, Any]) -> None:
    target_type, target_id = _reference(target)
    ReminderSent.objects.create(kind=kind, target_type=target_type, target_id=target_id, sent_at=now)
    audit_record(
        actor=None, action="evize.notification.reminder_sent", target=target, data={"kind": kind, **data}
    )


# --- fees -----------------------------------------------------------------------------------------


def _unpaid_fee_ids(now: datetime.datetime) -> list[int]:
    from evize.payments.models import Fee
    from evize.payments.services import PAYABLE_IN

    waiting = Q()
    for kind, status in PAYABLE_IN.items():
        waiting |= Q(kind=kind, application__status=status)
    return list(
        Fee.objects.filter(waiting, status=Fee.Status.DUE, created_at__lte=now - fee_days())
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )


def _remind_fee(fee_pk: int, now: datetime.datetime) -> bool:
    from evize.payments.models import Fee
    from evize.payments.services import PAYABLE_IN, fee_outstanding, fee_payment_path

    with transaction.atomic():
        fee = Fee.objects.select_for_update().select_related("application").filter(pk=fee_pk).first()
        if fee is None or fee.status != Fee.Status.DUE:
            return False
        application = fee.application
        if application.status != PAYABLE_IN[Fee.Kind(fee.kind)] or _reminded_recently(FEE_UNPAID, fee, now):
            return False
        amount = fee_outstanding(fee)
        if amount <= 0:
            return False
        messages = notification_queue_to_engineers(
            kind=FEE_UNPAID,
            application=application,
            context={
                "registration_number": application.registration_number,
                "fee_type": fee.kind,
                "amount": amount,
                "payment_url": fee_payment_path(fee),
            },
        )
        _record(
            kind=FEE_UNPAID,
            target=fee,
            now=now,
            data={
                "application": application.pk,
                "fee_kind": fee.kind,
                "amount": f"{amount:.2f}",
                "messages": [m.pk for m in messages],
            },
        )
    return True


# --- signatures -----------------------------------------------------------------------------------


def _unsigned_request_ids(now: datetime.datetime) -> list[int]:
    from evize.signatures.models import SignatureRequest, SigningRound
    from evize.signatures.services import SIGNING_STATUSES

    return list(
        SignatureRequest.objects.filter(
            state=SignatureRequest.State.PENDING,
            signing_round__state=SigningRound.State.OPEN,
            signing_round__opened_at__lte=now - signature_days(),
            signing_round__application__status__in=SIGNING_STATUSES,
        )
        .order_by("signing_round__opened_at", "pk")
        .values_list("pk", flat=True)
    )


def _remind_signature(request_pk: int, now: datetime.datetime) -> bool:
    from evize.signatures.models import SignatureRequest, SigningRound
    from evize.signatures.services import SIGNING_STATUSES, sign_path

    with transaction.atomic():
        request = (
            SignatureRequest.objects.select_for_update()
            .select_related("signing_round__application", "engineer__member")
            .filter(pk=request_pk)
            .first()
        )
        if request is None or request.state != SignatureRequest.State.PENDING:
            return False
        signing_round = request.signing_round
        application = signing_round.application
        if signing_round.state != SigningRound.State.OPEN or application.status not in SIGNING_STATUSES:
            return False
        if _reminded_recently(SIGNATURE_MISSING, request, now):
            return False
        engineer = request.engineer
        user = getattr(engineer.member, "user", None) if hasattr(engineer.member, "user") else None
        if user is None and not engineer.email:
            logger.warning(
                "signature reminder: engineer %s of application %s has no address",
                engineer.pk,
                application.pk,
            )
            return False
        try:
            message = notification_queue(
                kind=SIGNATURE_MISSING,
                to_user=user,
                to_email=engineer.email or None,
                context={
                    "registration_number": application.registration_number or str(application.pk),
                    "sign_url": sign_path(application),
                    "waiting_since": timezone.localdate(signing_round.opened_at),
                },
                target=application,
            )
        except MessageContextError:
            logger.exception("signature reminder for request %s could not be queued", request.pk)
            return False
        _record(
            kind=SIGNATURE_MISSING,
            target=request,
            now=now,
            data={
                "application": application.pk,
                "round": signing_round.round.number,
                "engineer": engineer.member.sicil_no,
                "messages": [message.pk],
            },
        )
    return True


# --- the sweeper ----------------------------------------------------------------------------------


def reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Send the reminders that are due; returns how many items were reminded about (an unpaid
    fee counts once however many engineers receive it). Each item has its own transaction: one
    that fails is logged and retried on the next run, the others still go out."""
    now = now or timezone.now()
    sent = 0
    for fee_pk in _unpaid_fee_ids(now):
        try:
            sent += _remind_fee(fee_pk, now)
        except Exception:  # noqa: BLE001 - logged with the id; the next run tries again
            logger.exception("fee reminder for fee %s failed", fee_pk)
    for request_pk in _unsigned_request_ids(now):
        try:
            sent += _remind_signature(request_pk, now)
        except Exception:  # noqa: BLE001 - logged with the id; the next run tries again
            logger.exception("signature reminder for signature request %s failed", request_pk)
    return sent
