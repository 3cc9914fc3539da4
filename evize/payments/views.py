"""Fee and payment pages. Views parse and render; services decide and write.

Engineers: the fee page (breakdown, "Öde"), the page that sends the browser to the bank, the
result page, the receipt. The bank: okUrl / failUrl (CSRF-exempt POSTs from the payer's browser,
trusted only through the signature). Office: the payment list with filters and exports, a
payment (refund, ask the bank), a fee (change the amount with a reason).
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from evize.accounts.permissions import ENGINEER, role_required
from evize.applications.models import Status

from . import exports
from .base import ProviderError
from .forms import FeeOverrideForm, PaymentFilterForm, RefundForm
from .models import FeeKind, PaymentAttempt
from .registry import get_provider
from .selectors import (
    PAYMENT_STAFF,
    application_for_payer,
    attempt_for_office,
    attempt_for_payer,
    fee_for_office,
    fee_payable_now,
    fee_with_attempts,
    payments_for_office,
    receipt_for,
)
from .services import (
    KIND_SLUGS,
    SLUG_KINDS,
    PaymentError,
    fee_for_payment,
    fee_outstanding,
    fee_override,
    fee_paid_amount,
    payment_callback,
    payment_mark_pending,
    payment_reconcile,
    payment_refund,
    payment_start,
    payments_exported,
    payments_reconcile,
)
from .tariff import TariffMissing, calculate_registration_fee, calculate_visa_fee, fee_inputs, tariff_in_force
from .templatetags.payment_tags import tl_number

logger = logging.getLogger(__name__)

# What a failed attempt means for the payer, in words (the bank's own text is shown below it).
FAILURE_MESSAGES = {
    PaymentAttempt.Error.DECLINED: _(
        "Your bank declined the payment. Your card was not charged. Check the card details, or pay "
        "with another card."
    ),
    PaymentAttempt.Error.INSUFFICIENT_FUNDS: _(
        "The payment was declined because the card's balance or limit is not sufficient. Your card "
        "was not charged. You can pay with another card."
    ),
    PaymentAttempt.Error.AUTHENTICATION_FAILED: _(
        "The 3-D Secure verification (the SMS code from your bank) did not succeed. Your card was "
        "not charged. Please try again."
    ),
    PaymentAttempt.Error.BANK_ERROR: _(
        "The payment could not be completed. Your card was not charged. Please try again."
    ),
    PaymentAttempt.Error.PROVIDER_UNAVAILABLE: _(
        "Online payment is not available at the moment. Please try again later."
    ),
    PaymentAttempt.Error.EXPIRED: _(
        "This payment was not completed at the bank and has been closed. Your card was not charged."
    ),
}

CALLBACK_PROBLEMS = {
    "forged": _(
        "The answer from the bank could not be verified, so the payment has not been accepted. If "
        "money was taken from your card, e-Vize will confirm the payment with the bank within a few "
        "minutes; otherwise please try again."
    ),
    "unknown": _(
        "The bank's answer refers to a payment that e-Vize does not know. Nothing has been changed."
    ),
    "mismatch": _(
        "The bank's answer does not match the payment that was started (amount or currency), so it "
        "has not been accepted. The visa office has been notified; please contact it before paying again."
    ),
}


def _see_other(url: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _kind(slug: str) -> str:
    kind = SLUG_KINDS.get(slug)
    if kind is None:
        raise Http404
    return kind


# --- engineers ------------------------------------------------------------------------------------


@role_required(ENGINEER)
@require_GET
def fee_page(request, pk: int, kind: str):
    fee_kind = _kind(kind)
    application = application_for_payer(request.user, pk)
    fee = fee_with_attempts(application, fee_kind)
    payable = fee_payable_now(application, fee_kind, fee)
    breakdown, amount, outstanding, paid, tariff_missing = None, None, None, None, False
    if fee is not None:
        breakdown, amount = fee.breakdown, fee.payable_amount
        paid = fee_paid_amount(fee)
        outstanding = fee_outstanding(fee)
    elif payable:
        # Not opened yet: show what it will be (opened when the engineer pays).
        try:
            tariff = tariff_in_force()
            calculation = (
                calculate_registration_fee(tariff)
                if fee_kind == FeeKind.REGISTRATION
                else calculate_visa_fee(tariff, fee_inputs(application))
            )
            breakdown, amount, outstanding = calculation.breakdown, calculation.amount, calculation.amount
        except TariffMissing:
            tariff_missing = True
    elif fee is None:
        raise Http404
    return render(
        request,
        "payments/fee.html",
        {
            "application": application,
            "fee": fee,
            "kind": fee_kind,
            "kind_label": FeeKind(fee_kind).label,
            "kind_slug": kind,
            "breakdown": breakdown,
            "amount": amount,
            "paid": paid,
            "outstanding": outstanding,
            "payable": payable and not tariff_missing,
            "tariff_missing": tariff_missing,
            "attempts": list(fee.attempts.all()) if fee else [],
            "failure_messages": FAILURE_MESSAGES,
        },
    )


@role_required(ENGINEER)
@require_POST
def fee_pay(request, pk: int, kind: str):
    fee_kind = _kind(kind)
    application = application_for_payer(request.user, pk)
    try:
        fee = fee_for_payment(actor=request.user, application=application, kind=fee_kind)
        attempt = payment_start(actor=request.user, fee=fee, language=get_language() or "tr")
    except PaymentError as exc:
        messages.error(request, exc.message)
        return _see_other(reverse("payments:fee", args=[application.pk, kind]))
    return _see_other(reverse("payments:redirect", args=[attempt.public_id]))


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


@role_required(ENGINEER)
@require_GET
@never_cache
def payment_redirect(request, public_id):
    """The page that takes the browser to the bank: a form posted by a small script (with a
    visible button when scripts do not run)."""
    attempt = attempt_for_payer(request.user, public_id)
    if not attempt.is_open:
        return redirect("payments:result", public_id=attempt.public_id)
    try:
        form = get_provider(attempt.provider).start(attempt, request=request)
    except ProviderError as exc:
        logger.error("payment %s could not be started: %s", attempt.oid, exc)
        messages.error(request, FAILURE_MESSAGES[PaymentAttempt.Error.PROVIDER_UNAVAILABLE])
        return redirect(
            "payments:fee", pk=attempt.fee.application_id, kind=KIND_SLUGS[FeeKind(attempt.fee.kind)]
        )
    payment_mark_pending(attempt=attempt)
    response = render(request, "payments/redirect.html", {"attempt": attempt, "form": form})
    origin = _origin(form.url)
    if origin:
        response._csp_update = {"form-action": [origin]}
    return response


@role_required(ENGINEER)
@require_GET
@never_cache
def payment_result(request, public_id):
    attempt = attempt_for_payer(request.user, public_id)
    fee = attempt.fee
    application = fee.application
    return render(
        request,
        "payments/result.html",
        {
            "attempt": attempt,
            "fee": fee,
            "application": application,
            "kind_slug": KIND_SLUGS[FeeKind(fee.kind)],
            "failure_message": FAILURE_MESSAGES.get(attempt.error_code, ""),
            "can_retry": fee_payable_now(application, fee.kind, fee),
            "registered": application.status == Status.REGISTERED and fee.kind == FeeKind.REGISTRATION,
            "outstanding": fee_outstanding(fee),
        },
    )


@role_required(ENGINEER, *PAYMENT_STAFF)
@require_GET
def receipt_download(request, pk: int):
    receipt = receipt_for(request.user, pk)
    handle = default_storage.open(receipt.file.name, "rb")
    response = FileResponse(
        handle, content_type="application/pdf", as_attachment=True, filename=receipt.file_name
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- the bank's answer ----------------------------------------------------------------------------


@csrf_exempt
@require_POST
@never_cache
def bank_callback(request, provider: str, endpoint: str):
    """okUrl / failUrl: a cross-site POST from the payer's browser. Looked up by order number,
    trusted only if the signature verifies; then sent on to the result page."""
    try:
        result = get_provider(provider).handle_callback(request)
    except ProviderError:
        raise Http404 from None
    outcome = payment_callback(provider=provider, result=result, endpoint=endpoint)
    if outcome.kind in ("confirmed", "failed", "replayed") and outcome.attempt is not None:
        return _see_other(reverse("payments:result", args=[outcome.attempt.public_id]))
    return render(
        request,
        "payments/callback_problem.html",
        {"message": CALLBACK_PROBLEMS.get(outcome.kind, CALLBACK_PROBLEMS["forged"])},
        status=400,
    )


# --- the office -----------------------------------------------------------------------------------


def _filters(request) -> tuple[PaymentFilterForm, dict]:
    form = PaymentFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, filters


@role_required(*PAYMENT_STAFF)
@require_GET
def staff_list(request):
    form, filters = _filters(request)
    page = Paginator(payments_for_office(filters), 50).get_page(request.GET.get("sayfa"))
    query = request.GET.copy()
    query.pop("sayfa", None)
    return render(
        request,
        "payments/staff/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "open_count": PaymentAttempt.objects.filter(
                status__in=(PaymentAttempt.Status.CREATED, PaymentAttempt.Status.PENDING)
            ).count(),
        },
    )


@role_required(*PAYMENT_STAFF)
@require_GET
def staff_export(request, fmt: str):
    _form, filters = _filters(request)
    attempts = payments_for_office(filters)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        response = HttpResponse(
            exports.to_csv(attempts.iterator(chunk_size=500)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="odemeler-{stamp}.csv"'
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.to_xlsx(attempts.iterator(chunk_size=500)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="odemeler-{stamp}.xlsx"'
    else:
        raise Http404
    payments_exported(actor=request.user, fmt=fmt, filters=filters)
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(*PAYMENT_STAFF)
def staff_attempt(request, pk: int):
    attempt = attempt_for_office(pk)
    refund_form = RefundForm(request.POST if request.POST.get("action") == "refund" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "reconcile":
            outcome = payment_reconcile(attempt_id=attempt.pk, actor=request.user)
            messages.info(request, _reconcile_message(outcome.kind))
            return _see_other(request.path)
        if action == "refund" and refund_form.is_valid():
            try:
                payment_refund(actor=request.user, attempt=attempt, reason=refund_form.cleaned_data["reason"])
            except PaymentError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("The payment has been refunded."))
            return _see_other(request.path)
        if action != "refund":
            return _see_other(request.path)
    return render(
        request,
        "payments/staff/attempt.html",
        {
            "attempt": attempt,
            "fee": attempt.fee,
            "refund_form": refund_form,
            "can_refund": attempt.status == PaymentAttempt.Status.CONFIRMED
            and not attempt.refund_in_progress,
            "raw": sorted(attempt.raw_response.items()),
        },
    )


def _reconcile_message(kind: str) -> str:
    return str(
        {
            "confirmed": _("The bank confirmed the payment; it is now recorded as paid."),
            "failed": _("The bank reports the payment as unsuccessful; it is now recorded as failed."),
            "expired": _("The bank has no record of this payment; it has been closed."),
            "pending": _("The bank has no final answer yet. Ask again later."),
            "unreachable": _("The bank could not be reached. Ask again later."),
            "mismatch": _(
                "The bank's answer does not match this payment (amount or currency). Check with the bank."
            ),
        }.get(kind, _("The payment was already completed; nothing changed."))
    )


@role_required(*PAYMENT_STAFF)
@require_POST
def staff_reconcile(request):
    results = payments_reconcile(actor=request.user, older_than_minutes=0)
    total = sum(results.values())
    if not total:
        messages.info(request, _("No payment is waiting for the bank."))
    else:
        messages.info(
            request,
            _(
                "Asked the bank about %(total)s payment(s): %(confirmed)s paid, %(failed)s failed, "
                "%(other)s still open or closed."
            )
            % {
                "total": total,
                "confirmed": results.get("confirmed", 0),
                "failed": results.get("failed", 0),
                "other": total - results.get("confirmed", 0) - results.get("failed", 0),
            },
        )
    return _see_other(reverse("payments:staff_list"))


@role_required(*PAYMENT_STAFF)
def staff_fee(request, pk: int):
    fee = fee_for_office(pk)
    form = FeeOverrideForm(request.POST or None, initial={"amount": tl_number(fee.payable_amount)})
    if request.method == "POST" and form.is_valid():
        try:
            fee_override(
                actor=request.user,
                fee=fee,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
            )
        except PaymentError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The amount has been changed."))
        return _see_other(request.path)
    return render(
        request,
        "payments/staff/fee.html",
        {
            "fee": fee,
            "application": fee.application,
            "form": form,
            "can_override": not fee.is_settled,
            "paid": fee_paid_amount(fee),
            "attempts": list(fee.attempts.all()),
        },
    )
