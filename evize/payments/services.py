"""Writing fees and payments. Every change is audited in the same transaction.

Confirmation is idempotent and race-safe (pretix's rule): lock the attempt, re-check its state,
then act and audit. Locks are always taken in the same order — attempt, fee, application,
receipt counter — and before the first audit event (the audit chain head is locked last), so
two confirmations, a confirmation and a status change, never wait on each other in a circle.
The bank is never called while a transaction is open (its answer may take seconds, and the
sandbox bank writes to the same database).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections import Counter
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evize.applications.models import Application, Status
from evize.applications.workflow import TransitionNotAllowed, transition
from evize.audit.services import audit_record
from evize.notifications.services import Attachment, notification_queue

from .base import FAILURES, BankAnswer, CallbackResult, Outcome, ProviderError
from .models import ZERO, Fee, FeeKind, PaymentAttempt, Receipt, ReceiptCounter
from .registry import default_provider, get_provider
from .tariff import (
    Calculation,
    TariffMissing,
    calculate_registration_fee,
    calculate_visa_fee,
    fee_inputs,
    money,
    money_text,
    tariff_in_force,
)

logger = logging.getLogger(__name__)

AttemptStatus = PaymentAttempt.Status
FeeStatus = Fee.Status

# The application status in which each fee is paid, and where paying it takes the application.
PAYABLE_IN = {FeeKind.REGISTRATION: Status.AWAITING_REGISTRATION_FEE, FeeKind.VISA: Status.AWAITING_VISA_FEE}
PAID_MOVES_TO = {FeeKind.REGISTRATION: Status.REGISTERED, FeeKind.VISA: Status.VISA_ISSUING}
KIND_SLUGS = {FeeKind.REGISTRATION: "kayit", FeeKind.VISA: "vize"}
SLUG_KINDS = {slug: kind for kind, slug in KIND_SLUGS.items()}

OPEN_STATES = (AttemptStatus.CREATED, AttemptStatus.PENDING)
# A late approval for an attempt we gave up on is still real money: it is confirmed.
CONFIRMABLE_STATES = (AttemptStatus.CREATED, AttemptStatus.PENDING, AttemptStatus.CANCELLED)

ERROR_FOR_OUTCOME = {
    Outcome.DECLINED: PaymentAttempt.Error.DECLINED,
    Outcome.INSUFFICIENT_FUNDS: PaymentAttempt.Error.INSUFFICIENT_FUNDS,
    Outcome.AUTHENTICATION_FAILED: PaymentAttempt.Error.AUTHENTICATION_FAILED,
    Outcome.ERROR: PaymentAttempt.Error.BANK_ERROR,
}


class PaymentError(Exception):
    """A refused fee or payment operation; `message` is translated and safe to show."""

    def __init__(self, message: Any):
        super().__init__(str(message))
        self.message = str(message)


# --- small helpers --------------------------------------------------------------------------------


def fee_payment_path(fee: Fee) -> str:
    return reverse("payments:fee", args=[fee.application_id, KIND_SLUGS[FeeKind(fee.kind)]])


def _details_path(application: Application) -> str:
    return reverse("applications:detail", args=[application.pk])


def _engineer_users(application: Application) -> list[Any]:
    """Everyone with an account on the application: its creator, then the other engineers."""
    from evize.accounts.models import User

    users = [application.created_by]
    member_ids = list(application.engineers.values_list("member_id", flat=True))
    for user in User.objects.filter(member_id__in=member_ids, is_active=True).order_by("pk"):
        if user.pk != application.created_by_id:
            users.append(user)
    return users


def fee_paid_amount(fee: Fee) -> Decimal:
    """Confirmed money on the fee, less refunds."""
    totals = PaymentAttempt.objects.filter(
        fee=fee, status__in=(AttemptStatus.CONFIRMED, AttemptStatus.REFUNDED)
    ).aggregate(paid=Sum("amount"), refunded=Sum("refunded_amount"))
    return (totals["paid"] or ZERO) - (totals["refunded"] or ZERO)


def fee_outstanding(fee: Fee) -> Decimal:
    return max(ZERO, fee.payable_amount - fee_paid_amount(fee))


def fee_is_paid(fee: Fee) -> bool:
    """True when the fee needs no more money: confirmed payments cover it, or it was waived
    (an amount of 0 set by the office or by the tariff)."""
    fee = Fee.objects.get(pk=fee.pk)
    if fee.status == FeeStatus.WAIVED:
        return True
    return fee.payable_amount > 0 and fee_paid_amount(fee) >= fee.payable_amount


def new_oid() -> str:
    """Order number sent to the bank: letters and digits only, unique, not guessable."""
    return f"EVZ{timezone.localtime():%y%m%d}{secrets.token_hex(8).upper()}"


def new_rnd() -> str:
    return secrets.token_urlsafe(15)


def _audit_data(fee: Fee, **extra: Any) -> dict[str, Any]:
    return {"application": fee.application_id, "fee": fee.pk, "fee_kind": fee.kind, **extra}


# --- fees -----------------------------------------------------------------------------------------


def _tariff_or_error():
    try:
        return tariff_in_force()
    except TariffMissing:
        logger.error("no fee tariff in force on %s", timezone.localdate())
        raise PaymentError(
            _("No fee tariff is in force today. The chamber has to add one before fees can be computed.")
        ) from None


def _fee_create(*, actor: Any, application: Application, kind: str, calculation: Calculation) -> Fee:
    fee = Fee.objects.create(
        application=application,
        kind=kind,
        amount=calculation.amount,
        breakdown=calculation.breakdown,
        tariff=calculation.tariff,
    )
    audit_record(
        actor=actor,
        action="evize.fee.opened",
        target=fee,
        data=_audit_data(fee, amount=money_text(fee.amount), tariff=calculation.tariff.pk),
    )
    return fee


def _notify_fee_due(*, actor: Any, fee: Fee, application: Application) -> None:
    kind = "fee.registration_due" if fee.kind == FeeKind.REGISTRATION else "fee.visa_due"
    for user in _engineer_users(application):
        notification_queue(
            kind=kind,
            to_user=user,
            context={
                "registration_number": application.registration_number,
                "amount": fee.payable_amount,
                "payment_url": fee_payment_path(fee),
            },
            target=application,
            actor=actor,
        )


def fee_registration_open(*, actor: Any, application: Application, notify: bool = True) -> Fee:
    """Compute the registration fee of an application that awaits it (after every engineer has
    signed), and send the payment link. Idempotent: an existing fee is returned unchanged."""
    with transaction.atomic():
        app = Application.objects.select_for_update().get(pk=application.pk)
        existing = Fee.objects.filter(application=app, kind=FeeKind.REGISTRATION).first()
        if existing is not None:
            return existing
        if app.status != Status.AWAITING_REGISTRATION_FEE:
            raise PaymentError(_("This application is not waiting for its registration fee."))
        fee = _fee_create(
            actor=actor,
            application=app,
            kind=FeeKind.REGISTRATION,
            calculation=calculate_registration_fee(_tariff_or_error()),
        )
        if fee.payable_amount == 0:
            _fee_settle(fee, application=app, actor=actor, waived=True)
        elif notify:
            _notify_fee_due(actor=actor, fee=fee, application=app)
    return fee


def fee_visa_open(*, actor: Any, application: Application, notify: bool = True) -> Fee:
    """On approval: compute the visa fee from the form, move the application to "awaiting visa
    fee" and send the payment link. Idempotent: an existing visa fee is returned unchanged."""
    with transaction.atomic():
        app = Application.objects.select_for_update().get(pk=application.pk)
        existing = Fee.objects.filter(application=app, kind=FeeKind.VISA).first()
        if existing is not None:
            return existing
        if app.status != Status.APPROVED:
            raise PaymentError(_("Only an approved application has a visa fee."))
        app = Application.objects.select_related("fee_type", "work_type", "building__building_class").get(
            pk=app.pk
        )
        fee = _fee_create(
            actor=actor,
            application=app,
            kind=FeeKind.VISA,
            calculation=calculate_visa_fee(_tariff_or_error(), fee_inputs(app)),
        )
        transition(
            app,
            to=Status.AWAITING_VISA_FEE,
            actor=actor,
            expected=Status.APPROVED,
            data={"fee": fee.pk, "amount": money_text(fee.payable_amount)},
        )
        if fee.payable_amount == 0:
            _fee_settle(fee, application=app, actor=actor, waived=True)
        elif notify:
            _notify_fee_due(actor=actor, fee=fee, application=app)
    return fee


def fee_for_payment(*, actor: Any, application: Application, kind: str) -> Fee:
    """The fee the engineer is about to pay; opened now (without a second e-mail) when the
    application awaits it but nobody has opened it yet."""
    fee = Fee.objects.filter(application=application, kind=kind).first()
    if fee is not None:
        return fee
    if kind == FeeKind.REGISTRATION:
        return fee_registration_open(actor=actor, application=application, notify=False)
    if application.status != Status.AWAITING_VISA_FEE:
        raise PaymentError(_("This application is not waiting for its visa fee."))
    with transaction.atomic():
        app = (
            Application.objects.select_for_update(of=("self",))
            .select_related("fee_type", "work_type", "building__building_class")
            .get(pk=application.pk)
        )
        existing = Fee.objects.filter(application=app, kind=kind).first()
        if existing is not None:
            return existing
        return _fee_create(
            actor=actor,
            application=app,
            kind=FeeKind.VISA,
            calculation=calculate_visa_fee(_tariff_or_error(), fee_inputs(app)),
        )


def fee_override(*, actor: Any, fee: Fee, amount: Decimal, reason: str) -> Fee:
    """The office sets the amount to pay instead of the computed one, with a reason (audited).
    An amount of 0 waives the fee; an amount already covered by payments settles it."""
    reason = (reason or "").strip()
    if not reason:
        raise PaymentError(_("Give a reason for changing the amount."))
    if amount is None or amount < 0:
        raise PaymentError(_("The amount must be 0 or more."))
    amount = money(amount)
    with transaction.atomic():
        fee = Fee.objects.select_for_update().get(pk=fee.pk)
        app = Application.objects.select_for_update().get(pk=fee.application_id)
        if fee.is_settled:
            raise PaymentError(_("This fee has already been paid; its amount can no longer be changed."))
        previous = fee.payable_amount
        fee.override_amount = amount
        fee.override_reason = reason[:500]
        fee.overridden_by = actor if getattr(actor, "is_authenticated", False) else None
        fee.overridden_at = timezone.now()
        fee.save(
            update_fields=[
                "override_amount",
                "override_reason",
                "overridden_by",
                "overridden_at",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            action="evize.fee.overridden",
            target=fee,
            data=_audit_data(
                fee,
                computed=money_text(fee.amount),
                previous=money_text(previous),
                amount=money_text(amount),
                reason=fee.override_reason,
            ),
        )
        if amount == 0:
            _fee_settle(fee, application=app, actor=actor, waived=True)
        elif fee_paid_amount(fee) >= amount and app.status == PAYABLE_IN[FeeKind(fee.kind)]:
            _fee_settle(fee, application=app, actor=actor, waived=False)
    return fee


def _fee_settle(fee: Fee, *, application: Application, actor: Any, waived: bool) -> None:
    """Mark the fee paid (or waived) and move the application on. Called with the fee and the
    application locked. If the application can no longer move (e.g. it was cancelled meanwhile),
    the payment still stands and the office is told through the audit trail."""
    now = timezone.now()
    fee.status = FeeStatus.WAIVED if waived else FeeStatus.PAID
    fee.paid_at = now
    fee.save(update_fields=["status", "paid_at", "updated_at"])
    audit_record(
        actor=actor,
        action="evize.fee.waived" if waived else "evize.fee.paid",
        target=fee,
        data=_audit_data(fee, amount=money_text(fee.payable_amount)),
    )
    kind = FeeKind(fee.kind)
    try:
        with transaction.atomic():
            transition(
                application,
                to=PAID_MOVES_TO[kind],
                actor=actor,
                expected=PAYABLE_IN[kind],
                data={"fee": fee.pk, "amount": money_text(fee.payable_amount), "waived": waived},
            )
    except TransitionNotAllowed as exc:
        audit_record(
            actor=actor,
            action="evize.fee.settled_without_transition",
            target=fee,
            data=_audit_data(fee, status=application.status, reason=exc.message),
        )
        return
    if kind == FeeKind.VISA:
        from evize.visa.services import visa_issue_start

        transaction.on_commit(lambda: visa_issue_start(application.pk, actor=actor))
    if kind == FeeKind.REGISTRATION:
        for user in _engineer_users(application):
            notification_queue(
                kind="application.registered",
                to_user=user,
                context={
                    "registration_number": application.registration_number,
                    "details_url": _details_path(application),
                },
                target=application,
                actor=actor,
            )


# --- starting a payment ---------------------------------------------------------------------------


def payment_start(*, actor: Any, fee: Fee, language: str = "tr") -> PaymentAttempt:
    """A new attempt for what is still owed on the fee. The payer's browser is then sent to the
    bank with the provider's form (see `views.payment_redirect`)."""
    provider = default_provider()
    if not provider.is_configured():
        logger.error("payment provider %s is not configured", provider.identifier)
        raise PaymentError(
            _(
                "Online payment is not available at the moment. Please try again later or contact "
                "the visa office."
            )
        )
    with transaction.atomic():
        fee = Fee.objects.select_for_update(of=("self",)).select_related("application").get(pk=fee.pk)
        application = fee.application
        if application.status != PAYABLE_IN[FeeKind(fee.kind)]:
            raise PaymentError(_("This fee cannot be paid now: the application is not waiting for it."))
        if fee.is_settled:
            raise PaymentError(_("This fee has already been paid."))
        outstanding = fee_outstanding(fee)
        if outstanding <= 0:
            raise PaymentError(_("This fee has already been paid."))
        attempt = PaymentAttempt.objects.create(
            fee=fee,
            provider=provider.identifier,
            oid=new_oid(),
            amount=outstanding,
            currency=settings.EVIZE_PAYMENT_CURRENCY,
            rnd=new_rnd(),
            language=(language or "tr")[:5],
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor,
            action="evize.payment.started",
            target=attempt,
            data=_audit_data(
                fee, oid=attempt.oid, amount=money_text(attempt.amount), provider=provider.identifier
            ),
        )
    return attempt


def payment_mark_pending(*, attempt: PaymentAttempt) -> bool:
    """created → pending when the form to the bank is handed to the browser (idempotent)."""
    return bool(
        PaymentAttempt.objects.filter(pk=attempt.pk, status=AttemptStatus.CREATED).update(
            status=AttemptStatus.PENDING, updated_at=timezone.now()
        )
    )


# --- what the bank says ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CallbackOutcome:
    """What became of a bank answer: confirmed, failed, replayed (changed nothing), forged,
    unknown (no such order), mismatch (amount or currency differ), expired, pending, unreachable."""

    kind: str
    attempt: PaymentAttempt | None = None


def _mismatch(attempt: PaymentAttempt, answer: BankAnswer) -> dict[str, str] | None:
    problems: dict[str, str] = {}
    if answer.amount is None or money(answer.amount) != attempt.amount:
        problems["amount"] = "" if answer.amount is None else money_text(answer.amount)
    if answer.currency and answer.currency != attempt.currency:
        problems["currency"] = answer.currency
    return problems or None


def _record_answer(attempt: PaymentAttempt, answer: BankAnswer) -> None:
    for field in ("trans_id", "auth_code", "host_ref_num", "masked_pan", "proc_return_code", "md_status"):
        value = getattr(answer, field)
        if value:
            setattr(attempt, field, value)
    if answer.raw:
        attempt.raw_response = answer.raw


def _attempt_data(attempt: PaymentAttempt, **extra: Any) -> dict[str, Any]:
    return {
        "application": attempt.fee.application_id,
        "fee": attempt.fee_id,
        "fee_kind": attempt.fee.kind,
        "oid": attempt.oid,
        "amount": money_text(attempt.amount),
        **extra,
    }


def payment_callback(*, provider: str, result: CallbackResult, endpoint: str) -> CallbackOutcome:
    """Act on a result posted back by the bank through the payer's browser (okUrl / failUrl)."""
    if not result.authentic:
        attempt = (
            PaymentAttempt.objects.filter(oid=result.oid).select_related("fee").first()
            if result.oid
            else None
        )
        with transaction.atomic():
            audit_record(
                actor=None,
                action="evize.payment.callback_forged",
                target=attempt,
                object_type="" if attempt else "payments.paymentattempt",
                object_repr="" if attempt else result.oid,
                data={
                    **(_attempt_data(attempt) if attempt else {"oid": result.oid}),
                    "problem": result.problem,
                    "endpoint": endpoint,
                    "posted": result.raw,
                },
            )
        logger.warning(
            "payment callback with a bad signature (oid=%r, problem=%s)", result.oid, result.problem
        )
        return CallbackOutcome("forged", attempt)
    answer = result.answer
    assert answer is not None  # noqa: S101 - authentic results always carry an answer
    attempt = PaymentAttempt.objects.filter(oid=answer.oid, provider=provider).first()
    if attempt is None:
        with transaction.atomic():
            audit_record(
                actor=None,
                action="evize.payment.callback_unknown_order",
                object_type="payments.paymentattempt",
                object_repr=answer.oid,
                data={"oid": answer.oid, "endpoint": endpoint, "posted": result.raw},
            )
        logger.warning("payment callback for an unknown order %r", answer.oid)
        return CallbackOutcome("unknown")
    if answer.outcome == Outcome.APPROVED:
        return payment_confirm(attempt_id=attempt.pk, response=answer, source="callback")
    return payment_fail(attempt_id=attempt.pk, response=answer, source="callback")


def _refuse_stale(
    attempt: PaymentAttempt, answer: BankAnswer, *, source: str, allowed
) -> CallbackOutcome | None:
    """The checks every answer passes, with the attempt locked: amount and currency as sent,
    and an attempt still open (a second identical answer changes nothing)."""
    problems = _mismatch(attempt, answer)
    if problems:
        audit_record(
            actor=None,
            action="evize.payment.callback_mismatch",
            target=attempt,
            data=_attempt_data(attempt, source=source, received=problems, outcome=str(answer.outcome)),
        )
        logger.error("payment answer for %s does not match the attempt: %s", attempt.oid, problems)
        return CallbackOutcome("mismatch", attempt)
    if attempt.status not in allowed:
        audit_record(
            actor=None,
            action="evize.payment.callback_replayed",
            target=attempt,
            data=_attempt_data(attempt, source=source, status=attempt.status, outcome=str(answer.outcome)),
        )
        return CallbackOutcome("replayed", attempt)
    return None


def payment_confirm(*, attempt_id: int, response: BankAnswer, source: str = "callback") -> CallbackOutcome:
    """The bank approved the payment: confirm the attempt once, issue its receipt, and settle
    the fee when the confirmed money covers it (moving the application on)."""
    with transaction.atomic():
        attempt = (
            PaymentAttempt.objects.select_for_update(of=("self",)).select_related("fee").get(pk=attempt_id)
        )
        refused = _refuse_stale(attempt, response, source=source, allowed=CONFIRMABLE_STATES)
        if refused is not None:
            return refused
        fee = Fee.objects.select_for_update().get(pk=attempt.fee_id)
        application = Application.objects.select_for_update().get(pk=fee.application_id)
        attempt.fee = fee
        was = attempt.status
        now = timezone.now()
        attempt.status = AttemptStatus.CONFIRMED
        attempt.confirmed_at = now
        attempt.error_code = ""
        attempt.error_message = ""
        _record_answer(attempt, response)
        receipt_number, receipt_year, receipt_seq = _receipt_number(now)
        attempt.save()
        audit_record(
            actor=None,
            action="evize.payment.confirmed",
            target=attempt,
            data=_attempt_data(
                attempt,
                source=source,
                previous_status=was,
                trans_id=attempt.trans_id,
                auth_code=attempt.auth_code,
                receipt=receipt_number,
            ),
        )
        receipt = _receipt_issue(
            attempt,
            fee=fee,
            application=application,
            number=receipt_number,
            year=receipt_year,
            seq=receipt_seq,
        )
        payer = attempt.created_by or application.created_by
        notification_queue(
            kind="payment.receipt",
            to_user=payer,
            context={
                "registration_number": application.registration_number,
                "fee_type": fee.kind,
                "amount": attempt.amount,
                "paid_at": now,
                "receipt_number": receipt.number,
                "details_url": _details_path(application),
            },
            target=application,
            attachments=[
                Attachment(
                    filename=receipt.file_name, stored_name=receipt.file.name, content_type="application/pdf"
                )
            ],
        )
        if fee.is_settled:
            # Paid twice (e.g. two tabs): the money is kept and shown to the office for a refund.
            audit_record(
                actor=None,
                action="evize.payment.overpaid",
                target=attempt,
                data=_attempt_data(attempt, fee_status=fee.status),
            )
        elif fee_paid_amount(fee) >= fee.payable_amount:
            _fee_settle(fee, application=application, actor=None, waived=False)
    return CallbackOutcome("confirmed", attempt)


def payment_fail(*, attempt_id: int, response: BankAnswer, source: str = "callback") -> CallbackOutcome:
    """The bank declined, or 3-D Secure failed: the attempt fails, the fee stays due."""
    with transaction.atomic():
        attempt = (
            PaymentAttempt.objects.select_for_update(of=("self",)).select_related("fee").get(pk=attempt_id)
        )
        if response.amount is None:  # failures before the bank read the order may omit it
            response = replace(response, amount=attempt.amount)
        refused = _refuse_stale(attempt, response, source=source, allowed=OPEN_STATES)
        if refused is not None:
            return refused
        attempt.status = AttemptStatus.FAILED
        attempt.error_code = ERROR_FOR_OUTCOME.get(response.outcome, PaymentAttempt.Error.BANK_ERROR)
        attempt.error_message = response.bank_message[:500]
        _record_answer(attempt, response)
        attempt.save()
        audit_record(
            actor=None,
            action="evize.payment.failed",
            target=attempt,
            data=_attempt_data(
                attempt,
                source=source,
                outcome=str(response.outcome),
                proc_return_code=attempt.proc_return_code,
                md_status=attempt.md_status,
                bank_message=attempt.error_message,
            ),
        )
    return CallbackOutcome("failed", attempt)


def payment_expire(*, attempt_id: int, actor: Any = None, reason: str = "") -> CallbackOutcome:
    """An attempt the bank never saw (the payer left before paying) is cancelled."""
    with transaction.atomic():
        attempt = (
            PaymentAttempt.objects.select_for_update(of=("self",)).select_related("fee").get(pk=attempt_id)
        )
        if attempt.status not in OPEN_STATES:
            return CallbackOutcome("replayed", attempt)
        attempt.status = AttemptStatus.CANCELLED
        attempt.error_code = PaymentAttempt.Error.EXPIRED
        attempt.error_message = reason[:500]
        attempt.save(update_fields=["status", "error_code", "error_message", "updated_at"])
        audit_record(
            actor=actor,
            action="evize.payment.expired",
            target=attempt,
            data=_attempt_data(attempt, reason=reason),
        )
    return CallbackOutcome("expired", attempt)


# --- receipts -------------------------------------------------------------------------------------


def _receipt_number(when) -> tuple[str, int, int]:
    year = timezone.localtime(when).year
    try:
        with transaction.atomic():
            ReceiptCounter.objects.get_or_create(year=year)
    except IntegrityError:  # created by a concurrent confirmation a moment ago
        pass
    counter = ReceiptCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"MKB-{year}-{counter.last:06d}", year, counter.last


def _receipt_issue(
    attempt: PaymentAttempt, *, fee: Fee, application: Application, number: str, year: int, seq: int
) -> Receipt:
    from .receipts import ReceiptData, render_receipt_pdf

    payer = attempt.created_by or application.created_by
    pdf = render_receipt_pdf(
        ReceiptData(
            number=number,
            issued_at=attempt.confirmed_at,
            registration_number=application.registration_number or str(application),
            fee_kind=fee.kind,
            amount=attempt.amount,
            payer_name=(payer.get_full_name() or payer.get_username()) if payer else "",
            payer_sicil=getattr(getattr(payer, "member", None), "sicil_no", "") if payer else "",
            masked_pan=attempt.masked_pan,
            oid=attempt.oid,
            trans_id=attempt.trans_id,
            auth_code=attempt.auth_code,
            host_ref_num=attempt.host_ref_num,
        )
    )
    name = default_storage.save(f"payments/receipts/{year}/{number}.pdf", ContentFile(pdf))
    return Receipt.objects.create(
        attempt=attempt,
        number=number,
        year=year,
        seq=seq,
        issued_at=attempt.confirmed_at,
        file=name,
        sha256=hashlib.sha256(pdf).hexdigest(),
    )


# --- reconciliation -------------------------------------------------------------------------------


def _expire_after() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "EVIZE_PAYMENT_EXPIRE_MINUTES", 60)))


def payment_reconcile(*, attempt_id: int, actor: Any = None) -> CallbackOutcome:
    """Ask the bank what became of an open attempt and act on the answer (server to server)."""
    attempt = PaymentAttempt.objects.select_related("fee").get(pk=attempt_id)
    if attempt.status not in OPEN_STATES:
        return CallbackOutcome("final", attempt)
    provider = get_provider(attempt.provider)
    try:
        answer = provider.status(attempt)
    except ProviderError as exc:
        logger.warning("reconciliation: no usable answer for %s: %s", attempt.oid, exc)
        PaymentAttempt.objects.filter(pk=attempt.pk).update(last_checked_at=timezone.now())
        return CallbackOutcome("unreachable", attempt)
    PaymentAttempt.objects.filter(pk=attempt.pk).update(last_checked_at=timezone.now())
    if answer.outcome == Outcome.APPROVED:
        return payment_confirm(attempt_id=attempt.pk, response=answer, source="reconciliation")
    if answer.outcome in FAILURES:
        return payment_fail(attempt_id=attempt.pk, response=answer, source="reconciliation")
    if answer.outcome in (Outcome.VOIDED, Outcome.REFUNDED):
        return payment_expire(attempt_id=attempt.pk, actor=actor, reason=f"bank: {answer.outcome}")
    if answer.outcome == Outcome.NOT_FOUND and attempt.created_at <= timezone.now() - _expire_after():
        return payment_expire(attempt_id=attempt.pk, actor=actor, reason="bank: no such order")
    return CallbackOutcome("pending", attempt)


def payments_reconcile(
    *, actor: Any = None, older_than_minutes: int | None = None, limit: int = 200
) -> dict[str, int]:
    """Reconcile every open attempt older than `older_than_minutes` (default
    EVIZE_PAYMENT_RECONCILE_AFTER_MINUTES): a payer who closed the browser after paying still
    ends up paid. Returns how many attempts ended how."""
    minutes = (
        older_than_minutes
        if older_than_minutes is not None
        else int(getattr(settings, "EVIZE_PAYMENT_RECONCILE_AFTER_MINUTES", 5))
    )
    cutoff = timezone.now() - timedelta(minutes=max(0, minutes))
    ids = list(
        PaymentAttempt.objects.filter(status__in=OPEN_STATES, created_at__lte=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    counts: Counter[str] = Counter()
    for pk in ids:
        counts[payment_reconcile(attempt_id=pk, actor=actor).kind] += 1
    if actor is not None:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="evize.payment.reconciliation_run",
                object_type="payments.paymentattempt",
                data={"asked": len(ids), "results": dict(counts)},
            )
    return dict(counts)


# --- refunds --------------------------------------------------------------------------------------


def payment_refund(
    *, actor: Any, attempt: PaymentAttempt, reason: str, amount: Decimal | None = None
) -> PaymentAttempt:
    """Give money back through the bank (office staff, with a reason; audited). The attempt is
    marked while the bank is asked, so a second click cannot refund twice."""
    reason = (reason or "").strip()
    if not reason:
        raise PaymentError(_("Give a reason for the refund."))
    with transaction.atomic():
        locked = (
            PaymentAttempt.objects.select_for_update(of=("self",)).select_related("fee").get(pk=attempt.pk)
        )
        if locked.status != AttemptStatus.CONFIRMED:
            raise PaymentError(_("Only a completed payment can be refunded."))
        if locked.refund_in_progress:
            raise PaymentError(_("A refund of this payment is already in progress."))
        remaining = locked.amount - locked.refunded_amount
        amount = money(amount) if amount is not None else remaining
        if amount <= 0 or amount > remaining:
            raise PaymentError(_("The refund must be more than 0 and at most the amount not yet refunded."))
        locked.refund_in_progress = True
        locked.save(update_fields=["refund_in_progress", "updated_at"])
        audit_record(
            actor=actor,
            action="evize.payment.refund_requested",
            target=locked,
            data=_attempt_data(locked, refund=money_text(amount), reason=reason),
        )
    provider = get_provider(locked.provider)
    error = ""
    try:
        result = provider.refund(locked, amount)
    except ProviderError as exc:
        result = None
        error = str(exc)
    with transaction.atomic():
        locked = (
            PaymentAttempt.objects.select_for_update(of=("self",)).select_related("fee").get(pk=attempt.pk)
        )
        locked.refund_in_progress = False
        if result is not None and result.ok:
            fee = Fee.objects.select_for_update().get(pk=locked.fee_id)
            locked.refunded_amount += amount
            if locked.refunded_amount >= locked.amount:
                locked.status = AttemptStatus.REFUNDED
            locked.save()
            audit_record(
                actor=actor,
                action="evize.payment.refunded",
                target=locked,
                data=_attempt_data(
                    locked, refund=money_text(amount), reason=reason, refund_trans_id=result.trans_id
                ),
            )
            if fee.status == FeeStatus.PAID and fee_paid_amount(fee) < fee.payable_amount:
                fee.status = FeeStatus.DUE
                fee.paid_at = None
                fee.save(update_fields=["status", "paid_at", "updated_at"])
                audit_record(actor=actor, action="evize.fee.reopened", target=fee, data=_audit_data(fee))
            return locked
        locked.save(update_fields=["refund_in_progress", "updated_at"])
        message = (result.bank_message if result is not None else error) or "refused"
        audit_record(
            actor=actor,
            action="evize.payment.refund_failed",
            target=locked,
            data=_attempt_data(locked, refund=money_text(amount), reason=reason, bank_message=message),
        )
    raise PaymentError(_("The bank did not carry out the refund: %(message)s") % {"message": message})


# --- the tariff (admin) ---------------------------------------------------------------------------


def _tariff_snapshot(tariff) -> dict[str, Any]:
    return {
        "name": tariff.name,
        "valid_from": tariff.valid_from.isoformat(),
        "registration_fee": money_text(tariff.registration_fee),
        "visa_minimum": money_text(tariff.visa_minimum),
        "rates": [
            {
                "fee_type": rate.fee_type_id,
                "building_class": rate.building_class_id,
                "rate_per_mille": format(rate.rate_per_mille.normalize(), "f"),
                "amount_per_m2": money_text(rate.amount_per_m2),
                "minimum": money_text(rate.minimum),
            }
            for rate in tariff.rates.order_by("pk")
        ],
    }


def tariff_audit(*, actor: Any, tariff, created: bool) -> None:
    """Record a tariff as it now is (after the admin saved it and its rate rows)."""
    audit_record(
        actor=actor,
        action="evize.tariff.created" if created else "evize.tariff.changed",
        target=tariff,
        data=_tariff_snapshot(tariff),
    )


def tariff_delete(*, actor: Any, tariff) -> None:
    with transaction.atomic():
        data = _tariff_snapshot(tariff)
        audit_record(actor=actor, action="evize.tariff.deleted", target=tariff, data=data)
        tariff.delete()


def payments_exported(*, actor: Any, fmt: str, filters: dict[str, Any]) -> None:
    """Record who downloaded the payment list, in which format and with which filters."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="evize.payment.list_exported",
            object_type="payments.paymentattempt",
            data={"format": fmt, "filters": {k: v for k, v in filters.items() if v not in (None, "")}},
        )
