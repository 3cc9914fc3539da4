"""Reading fees and payments: who may see which, the engineer's fee page, the office's list."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from evize.accounts.permissions import CHAMBER_ADMIN, CLERK
from evize.applications.models import Application
from evize.applications.selectors import application_visible_to, is_engineer_on

from .models import Fee, FeeKind, PaymentAttempt, Receipt
from .services import KIND_SLUGS, PAYABLE_IN

# Office roles that see payments, set fees and give refunds (after two-factor login).
PAYMENT_STAFF = (CLERK, CHAMBER_ADMIN)


def is_payment_staff(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.role in PAYMENT_STAFF


def application_for_payer(user, pk: Any) -> Application:
    """The application `pk` if `user` is one of its engineers, else Http404."""
    try:
        application = application_visible_to(user).filter(pk=int(pk)).select_related("created_by").first()
    except (TypeError, ValueError):
        application = None
    if application is None or not is_engineer_on(user, application):
        raise Http404
    return application


def attempt_for_payer(user, public_id: Any) -> PaymentAttempt:
    attempt = (
        PaymentAttempt.objects.select_related("fee__application", "receipt")
        .filter(public_id=public_id)
        .first()
    )
    if attempt is None or not is_engineer_on(user, attempt.fee.application):
        raise Http404
    return attempt


def receipt_for(user, pk: Any) -> Receipt:
    receipt = Receipt.objects.select_related("attempt__fee__application").filter(pk=pk).first()
    if receipt is None:
        raise Http404
    if is_payment_staff(user) or is_engineer_on(user, receipt.attempt.fee.application):
        return receipt
    raise Http404


def fee_with_attempts(application: Application, kind: str) -> Fee | None:
    return (
        Fee.objects.filter(application=application, kind=kind)
        .prefetch_related(
            Prefetch(
                "attempts", queryset=PaymentAttempt.objects.select_related("receipt").order_by("-created_at")
            )
        )
        .first()
    )


def fee_payable_now(application: Application, kind: str, fee: Fee | None) -> bool:
    return application.status == PAYABLE_IN[FeeKind(kind)] and (fee is None or not fee.is_settled)


def fee_payment_links(application: Application) -> list[tuple[str, str]]:
    """(kind, site path) of the fee pages an engineer can open for the application: the fee it
    awaits now, and every fee it has had. For other apps' pages (application detail, dashboard)."""
    from django.urls import reverse

    kinds = set(Fee.objects.filter(application=application).values_list("kind", flat=True))
    for kind, status in PAYABLE_IN.items():
        if application.status == status:
            kinds.add(kind)
    return [
        (kind, reverse("payments:fee", args=[application.pk, KIND_SLUGS[FeeKind(kind)]]))
        for kind in (FeeKind.REGISTRATION, FeeKind.VISA)
        if kind in kinds
    ]


# --- the office's list -------------------------------------------------------------------------


def payments_for_office(filters: dict[str, Any] | None = None) -> QuerySet[PaymentAttempt]:
    """Every payment attempt, newest first, filtered; a constant number of queries."""
    filters = filters or {}
    queryset = PaymentAttempt.objects.select_related("fee__application", "created_by", "receipt").order_by(
        "-created_at", "-pk"
    )
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    if filters.get("kind"):
        queryset = queryset.filter(fee__kind=filters["kind"])
    tz = timezone.get_current_timezone()
    if filters.get("date_from"):
        start = datetime.datetime.combine(filters["date_from"], datetime.time.min, tzinfo=tz)
        queryset = queryset.filter(created_at__gte=start)
    if filters.get("date_to"):
        end = datetime.datetime.combine(
            filters["date_to"] + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
        )
        queryset = queryset.filter(created_at__lt=end)
    if filters.get("number"):
        queryset = queryset.filter(fee__application__registration_number__icontains=filters["number"].strip())
    return queryset


def attempt_for_office(pk: Any) -> PaymentAttempt:
    attempt = (
        PaymentAttempt.objects.select_related(
            "fee__application", "fee__overridden_by", "created_by", "receipt"
        )
        .filter(pk=pk)
        .first()
    )
    if attempt is None:
        raise Http404
    return attempt


def fee_for_office(pk: Any) -> Fee:
    fee = (
        Fee.objects.select_related("application", "overridden_by", "tariff")
        .prefetch_related(
            Prefetch(
                "attempts", queryset=PaymentAttempt.objects.select_related("receipt").order_by("-created_at")
            )
        )
        .filter(pk=pk)
        .first()
    )
    if fee is None:
        raise Http404
    return fee
