"""Fees and payments (guide steps 17, 22, 23, 26).

- `Tariff` (+ `TariffRate` rows): the yearly fee tariff, edited by the chamber in the admin.
- `Fee`: what an application owes, of one kind (registration or visa), with the computed breakdown
  and an optional staff override (amount + reason, audited).
- `PaymentAttempt`: one try to pay a fee through a provider (created → pending → confirmed |
  failed | cancelled | refunded). A fee is paid when its confirmed attempts cover it. No card data
  is ever stored: the bank's answer is kept with card fields removed or masked.
- `Receipt` (makbuz): one per confirmed attempt, numbered gaplessly per year, stored as a PDF in
  private storage.

Money is Decimal (TL) with two places. Only `services.py` writes these rows.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

ZERO = Decimal("0.00")
MONEY = {"max_digits": 14, "decimal_places": 2}


class Tariff(models.Model):
    """One version of the fee tariff, in force from `valid_from` until the next version starts."""

    name = models.CharField(_("name"), max_length=120, help_text=_("E.g. “2026 tariff”."))
    valid_from = models.DateField(
        _("valid from"), unique=True, help_text=_("Fees opened on or after this date use this tariff.")
    )
    registration_fee = models.DecimalField(
        _("registration fee (TL)"), **MONEY, validators=[MinValueValidator(ZERO)]
    )
    visa_minimum = models.DecimalField(
        _("smallest visa fee (TL)"),
        **MONEY,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
        help_text=_("No visa fee is smaller than this, whatever the rate row says."),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("tariff")
        verbose_name_plural = _("tariffs")

    def __str__(self) -> str:
        return self.name

    @property
    def year(self) -> int:
        return self.valid_from.year


class TariffRate(models.Model):
    """How the visa fee is computed for a fee type and/or building class. Empty fee type or
    building class means "any"; the most specific matching row applies.

    visa fee = max(construction cost × rate ‰ + total area × amount per m², row minimum,
    tariff minimum)."""

    tariff = models.ForeignKey(Tariff, on_delete=models.CASCADE, related_name="rates")
    fee_type = models.ForeignKey(
        "catalog.FeeType",
        verbose_name=_("project fee type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: any fee type."),
    )
    building_class = models.ForeignKey(
        "catalog.BuildingClass",
        verbose_name=_("building class"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: any building class."),
    )
    rate_per_mille = models.DecimalField(
        _("rate (‰ of the construction cost)"),
        max_digits=8,
        decimal_places=4,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    amount_per_m2 = models.DecimalField(
        _("amount per m² of construction area (TL)"),
        max_digits=10,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
    )
    minimum = models.DecimalField(
        _("smallest fee (TL)"), **MONEY, default=ZERO, validators=[MinValueValidator(ZERO)]
    )

    class Meta:
        ordering = ["tariff", "fee_type__sort_order", "building_class__sort_order", "pk"]
        verbose_name = _("visa fee rate")
        verbose_name_plural = _("visa fee rates")
        # One row per (fee type, building class) in a tariff: checked by the admin form, since
        # "any" is an empty value and SQLite treats empty values as distinct in unique constraints.

    def __str__(self) -> str:
        fee_type = self.fee_type or _("any fee type")
        building_class = self.building_class or _("any building class")
        return f"{fee_type} · {building_class}"


class FeeKind(models.TextChoices):
    REGISTRATION = "registration", _("Registration fee")
    VISA = "visa", _("Visa fee")


class Fee(models.Model):
    Kind = FeeKind

    class Status(models.TextChoices):
        DUE = "due", pgettext_lazy("fee status", "Due")
        PAID = "paid", pgettext_lazy("fee status", "Paid")
        WAIVED = "waived", pgettext_lazy("fee status", "Waived")

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="fees")
    kind = models.CharField(_("fee"), max_length=20, choices=FeeKind.choices)
    amount = models.DecimalField(_("computed amount (TL)"), **MONEY)
    breakdown = models.JSONField(_("calculation"), default=dict, blank=True)
    tariff = models.ForeignKey(
        Tariff, verbose_name=_("tariff"), on_delete=models.PROTECT, null=True, blank=True, related_name="fees"
    )
    override_amount = models.DecimalField(_("amount set by the office (TL)"), **MONEY, null=True, blank=True)
    override_reason = models.CharField(_("reason for the changed amount"), max_length=500, blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DUE)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["application", "created_at"]
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        constraints = [
            models.UniqueConstraint(fields=["application", "kind"], name="payments_one_fee_per_kind"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="payments_fee_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(override_amount__isnull=True) | Q(override_amount__gte=0),
                name="payments_fee_override_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.get_kind_display()}"

    @property
    def payable_amount(self) -> Decimal:
        """What the applicant must pay: the office's amount when set, else the computed one."""
        return self.override_amount if self.override_amount is not None else self.amount

    @property
    def is_settled(self) -> bool:
        return self.status in (self.Status.PAID, self.Status.WAIVED)


class PaymentAttempt(models.Model):
    class Status(models.TextChoices):
        CREATED = "created", pgettext_lazy("payment status", "Created")
        PENDING = "pending", pgettext_lazy("payment status", "Waiting for the bank")
        CONFIRMED = "confirmed", pgettext_lazy("payment status", "Paid")
        FAILED = "failed", pgettext_lazy("payment status", "Failed")
        CANCELLED = "cancelled", pgettext_lazy("payment status", "Cancelled")
        REFUNDED = "refunded", pgettext_lazy("payment status", "Refunded")

    # Why an attempt failed (or was cancelled); shown to the payer in words.
    class Error(models.TextChoices):
        DECLINED = "declined", _("Declined by the bank")
        INSUFFICIENT_FUNDS = "insufficient_funds", _("Insufficient funds or limit")
        AUTHENTICATION_FAILED = "authentication_failed", _("3-D Secure verification failed")
        BANK_ERROR = "bank_error", _("Bank error")
        PROVIDER_UNAVAILABLE = "provider_unavailable", _("Online payment unavailable")
        EXPIRED = "expired", _("Abandoned (no answer from the bank)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    fee = models.ForeignKey(Fee, on_delete=models.PROTECT, related_name="attempts")
    provider = models.CharField(_("provider"), max_length=40)
    oid = models.CharField(_("order number"), max_length=64, unique=True)
    amount = models.DecimalField(_("amount (TL)"), **MONEY)
    currency = models.CharField(_("currency (ISO 4217)"), max_length=3)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CREATED, db_index=True
    )
    rnd = models.CharField(max_length=40, blank=True)
    language = models.CharField(max_length=5, blank=True)
    trans_id = models.CharField(_("bank transaction id"), max_length=64, blank=True)
    auth_code = models.CharField(_("authorisation code"), max_length=32, blank=True)
    host_ref_num = models.CharField(_("bank reference"), max_length=64, blank=True)
    masked_pan = models.CharField(_("card"), max_length=32, blank=True)
    proc_return_code = models.CharField(max_length=8, blank=True)
    md_status = models.CharField(max_length=4, blank=True)
    error_code = models.CharField(_("error"), max_length=30, choices=Error.choices, blank=True)
    error_message = models.CharField(_("bank's message"), max_length=500, blank=True)
    raw_response = models.JSONField(_("bank's answer (card data removed)"), default=dict, blank=True)
    refunded_amount = models.DecimalField(_("refunded (TL)"), **MONEY, default=ZERO)
    refund_in_progress = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    confirmed_at = models.DateTimeField(_("paid"), null=True, blank=True)
    last_checked_at = models.DateTimeField(_("last asked the bank"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_attempt_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=models.F("amount")),
                name="payments_attempt_refund_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return self.oid

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.CREATED, self.Status.PENDING)

    @property
    def kept_amount(self) -> Decimal:
        """What this attempt contributes to its fee: confirmed money minus refunds."""
        if self.status in (self.Status.CONFIRMED, self.Status.REFUNDED):
            return self.amount - self.refunded_amount
        return ZERO


class ReceiptCounter(models.Model):
    """The last receipt number given in a year; locked while a number is taken (gapless)."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Receipt(models.Model):
    """Makbuz: one per confirmed payment, "MKB-2026-000001"."""

    attempt = models.OneToOneField(PaymentAttempt, on_delete=models.PROTECT, related_name="receipt")
    number = models.CharField(_("receipt number"), max_length=20, unique=True)
    year = models.PositiveIntegerField(editable=False)
    seq = models.PositiveIntegerField(editable=False)
    issued_at = models.DateTimeField(_("issued"))
    file = models.FileField(_("PDF"), max_length=300, upload_to="payments/receipts/")
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [
            models.UniqueConstraint(fields=["year", "seq"], name="payments_receipt_seq_per_year"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def file_name(self) -> str:
        return f"makbuz-{self.number}.pdf"
