"""What the sandbox bank remembers about an order. Never a card number: only the masked PAN."""

from __future__ import annotations

from decimal import Decimal

from django.db import models


class SandboxOrder(models.Model):
    class State(models.TextChoices):
        AWAITING_CARD = "awaiting_card"
        AWAITING_CODE = "awaiting_code"
        APPROVED = "approved"  # authorised (also for the "never answers" card)
        DECLINED = "declined"  # authorisation refused, or 3-D Secure failed
        CANCELLED = "cancelled"  # the payer cancelled on the bank's pages
        VOIDED = "voided"
        REFUNDED = "refunded"

    token = models.CharField(max_length=64, unique=True)
    client_id = models.CharField(max_length=40)
    oid = models.CharField(max_length=64, unique=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    ok_url = models.URLField(max_length=500)
    fail_url = models.URLField(max_length=500)
    language = models.CharField(max_length=5, default="tr")
    request_fields = models.JSONField(default=dict)
    state = models.CharField(max_length=20, choices=State.choices, default=State.AWAITING_CARD)
    card_outcome = models.CharField(max_length=30, blank=True)
    masked_pan = models.CharField(max_length=32, blank=True)
    code_tries = models.PositiveSmallIntegerField(default=0)
    trans_id = models.CharField(max_length=64, blank=True)
    auth_code = models.CharField(max_length=16, blank=True)
    host_ref_num = models.CharField(max_length=32, blank=True)
    proc_return_code = models.CharField(max_length=8, blank=True)
    md_status = models.CharField(max_length=4, blank=True)
    err_msg = models.CharField(max_length=300, blank=True)
    refunded_amount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.oid} ({self.state})"

    @property
    def is_finished(self) -> bool:
        return self.state not in (self.State.AWAITING_CARD, self.State.AWAITING_CODE)
