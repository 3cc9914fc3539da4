"""NestPay / EST virtual POS, "3D Pay Hosting" model with hash version 3.

The payer types the card on the bank's page, passes 3-D Secure there, and the bank posts the
signed result back to our okUrl / failUrl through the payer's browser. A result is approved only
when the hash verifies, Response is "Approved", ProcReturnCode is "00" and mdStatus is "1" (or 2–4
when EVIZE_PAYMENT_ACCEPT_PARTIAL_3DS is on). Order status, Void and Credit use the XML API.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evize.payments.base import (
    AutoPostForm,
    BankAnswer,
    CallbackResult,
    Outcome,
    ProviderError,
    ProviderNotConfigured,
    RefundResult,
)
from evize.payments.masking import mask_pan, sanitize_response
from evize.payments.registry import register
from evize.payments.tariff import money_text

from . import api
from .hashing import compute_hash, verify_hash

IDENTIFIER = "nestpay"
STORE_TYPE = "3d_pay_hosting"
FULL_AUTHENTICATION = frozenset({"1"})
PARTIAL_AUTHENTICATION = frozenset({"2", "3", "4"})
INSUFFICIENT_FUNDS_CODES = frozenset({"51", "61"})
# Order status (TRANS_STAT) values of the ORDERSTATUS query.
APPROVED_STATES = frozenset({"A", "C", "S"})
PENDING_STATES = frozenset({"PN"})
VOIDED_STATES = frozenset({"V", "CNCL"})
REFUNDED_STATES = frozenset({"R"})


@dataclass(frozen=True)
class NestPayConfig:
    client_id: str
    store_key: str
    gate_url: str
    api_url: str
    api_user: str
    api_password: str
    timeout: float
    accept_partial_3ds: bool
    allow_plain_http: bool

    @classmethod
    def from_settings(cls) -> NestPayConfig:
        return cls(
            client_id=getattr(settings, "EVIZE_NESTPAY_CLIENT_ID", ""),
            store_key=getattr(settings, "EVIZE_NESTPAY_STORE_KEY", ""),
            gate_url=getattr(settings, "EVIZE_NESTPAY_GATE_URL", ""),
            api_url=getattr(settings, "EVIZE_NESTPAY_API_URL", ""),
            api_user=getattr(settings, "EVIZE_NESTPAY_API_USER", ""),
            api_password=getattr(settings, "EVIZE_NESTPAY_API_PASSWORD", ""),
            timeout=float(getattr(settings, "EVIZE_NESTPAY_TIMEOUT_SECONDS", 20)),
            accept_partial_3ds=bool(getattr(settings, "EVIZE_PAYMENT_ACCEPT_PARTIAL_3DS", False)),
            allow_plain_http=bool(getattr(settings, "EVIZE_SANDBOX_BANK", False)),
        )

    def credentials(self) -> api.ApiCredentials:
        return api.ApiCredentials(
            url=self.api_url,
            client_id=self.client_id,
            user=self.api_user,
            password=self.api_password,
            timeout=self.timeout,
            allow_plain_http=self.allow_plain_http,
        )


def bank_language(language: str | None) -> str:
    return "en" if (language or "").lower().startswith("en") else "tr"


def classify(fields: Mapping[str, str], *, accept_partial_3ds: bool) -> Outcome:
    """Our reading of a 3-D gate result (the hash is checked separately)."""
    md_status = fields.get("mdStatus", "")
    response = fields.get("Response", "")
    code = fields.get("ProcReturnCode", "")
    accepted = FULL_AUTHENTICATION | (PARTIAL_AUTHENTICATION if accept_partial_3ds else frozenset())
    if response == "Approved" and code == "00" and md_status in accepted:
        return Outcome.APPROVED
    if md_status and md_status not in accepted:
        return Outcome.AUTHENTICATION_FAILED
    if code in INSUFFICIENT_FUNDS_CODES:
        return Outcome.INSUFFICIENT_FUNDS
    if response == "Declined":
        return Outcome.DECLINED
    return Outcome.ERROR


def parse_amount(text: str | None) -> Decimal | None:
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def minor_units_to_amount(text: str | None) -> Decimal | None:
    """ORDERSTATUS gives amounts in kuruş ("125000" = 1250.00 TL)."""
    value = parse_amount(text)
    return None if value is None else (value / 100).quantize(Decimal("0.01"))


class NestPayProvider:
    identifier = IDENTIFIER
    verbose_name = _("Bank virtual POS (NestPay 3D Pay Hosting)")

    def __init__(self, config: NestPayConfig | None = None):
        self.config = config or NestPayConfig.from_settings()

    # --- configuration ---------------------------------------------------------------------------

    def is_configured(self) -> bool:
        return bool(self.config.client_id and self.config.store_key and self.config.gate_url)

    def _require_configured(self) -> None:
        if not self.is_configured():
            raise ProviderNotConfigured(
                "NestPay is not configured (EVIZE_NESTPAY_CLIENT_ID, EVIZE_NESTPAY_STORE_KEY, "
                "EVIZE_NESTPAY_GATE_URL)"
            )

    def matching_id(self, attempt: Any) -> str:
        return attempt.oid

    # --- the 3-D gate ----------------------------------------------------------------------------

    def request_fields(self, attempt: Any, *, ok_url: str, fail_url: str) -> dict[str, str]:
        fields = {
            "clientid": self.config.client_id,
            "storetype": STORE_TYPE,
            "TranType": "Auth",
            "amount": money_text(attempt.amount),
            "currency": attempt.currency,
            "oid": attempt.oid,
            "okUrl": ok_url,
            "failUrl": fail_url,
            "lang": bank_language(attempt.language),
            "rnd": attempt.rnd,
            "taksit": "",
            "hashAlgorithm": "ver3",
        }
        fields["HASH"] = compute_hash(fields, self.config.store_key)
        return fields

    def start(self, attempt: Any, *, request: Any) -> AutoPostForm:
        self._require_configured()
        ok_url = request.build_absolute_uri(reverse("payments:callback_ok", args=[self.identifier]))
        fail_url = request.build_absolute_uri(reverse("payments:callback_fail", args=[self.identifier]))
        fields = self.request_fields(attempt, ok_url=ok_url, fail_url=fail_url)
        return AutoPostForm(url=self.config.gate_url, fields=list(fields.items()))

    def handle_callback(self, request: Any) -> CallbackResult:
        fields = {name: request.POST.get(name, "") for name in request.POST}
        return self.read_callback(fields)

    def read_callback(self, fields: Mapping[str, str]) -> CallbackResult:
        oid = (fields.get("oid") or fields.get("ReturnOid") or "").strip()[:64]
        raw = sanitize_response(fields)
        if not self.config.store_key or not verify_hash(fields, self.config.store_key):
            return CallbackResult(oid=oid, authentic=False, answer=None, raw=raw, problem="signature")
        client_id = fields.get("clientid", "")
        if client_id and client_id != self.config.client_id:
            return CallbackResult(oid=oid, authentic=False, answer=None, raw=raw, problem="store")
        outcome = classify(fields, accept_partial_3ds=self.config.accept_partial_3ds)
        answer = BankAnswer(
            oid=oid,
            outcome=outcome,
            amount=parse_amount(fields.get("amount")),
            currency=(fields.get("currency") or "").strip(),
            trans_id=fields.get("TransId", "")[:64],
            auth_code=fields.get("AuthCode", "")[:32],
            host_ref_num=fields.get("HostRefNum", "")[:64],
            masked_pan=mask_pan(fields.get("MaskedPan", ""))[:32] if fields.get("MaskedPan") else "",
            proc_return_code=fields.get("ProcReturnCode", "")[:8],
            md_status=fields.get("mdStatus", "")[:4],
            bank_message=(fields.get("ErrMsg") or fields.get("mdErrorMsg") or "")[:500],
            raw=raw,
        )
        return CallbackResult(oid=oid, authentic=True, answer=answer, raw=raw)

    # --- the XML API -----------------------------------------------------------------------------

    def status(self, attempt: Any) -> BankAnswer:
        self._require_configured()
        data = api.order_status(self.config.credentials(), attempt.oid)
        return self.read_order_status(attempt.oid, data)

    def read_order_status(self, oid: str, data: Mapping[str, Any]) -> BankAnswer:
        extra = data.get("Extra") or {}
        if not isinstance(extra, Mapping):
            extra = {}
        raw = sanitize_response({k: v for k, v in data.items() if k != "Extra"} | dict(extra))
        if data.get("Response") != "Approved":
            message = str(data.get("ErrMsg") or "")
            if "no record" in message.lower() or "bulunamad" in message.lower():
                return BankAnswer(oid=oid, outcome=Outcome.NOT_FOUND, bank_message=message[:500], raw=raw)
            raise ProviderError(f"order status query refused: {data.get('ProcReturnCode')} {message}")
        state = str(extra.get("TRANS_STAT", "")).upper()
        code = str(extra.get("PROC_RET_CD", ""))
        md_status = str(extra.get("MDSTATUS", ""))
        if state in APPROVED_STATES and code == "00":
            outcome = Outcome.APPROVED
        elif state in PENDING_STATES:
            outcome = Outcome.PENDING
        elif state in VOIDED_STATES:
            outcome = Outcome.VOIDED
        elif state in REFUNDED_STATES:
            outcome = Outcome.REFUNDED
        elif code in INSUFFICIENT_FUNDS_CODES:
            outcome = Outcome.INSUFFICIENT_FUNDS
        elif md_status and md_status not in FULL_AUTHENTICATION | PARTIAL_AUTHENTICATION:
            outcome = Outcome.AUTHENTICATION_FAILED
        elif state in {"D", "ERR"}:
            outcome = Outcome.DECLINED
        else:
            raise ProviderError(f"unknown order state {state!r} for {oid}")
        return BankAnswer(
            oid=str(extra.get("ORD_ID") or data.get("OrderId") or oid),
            outcome=outcome,
            amount=minor_units_to_amount(extra.get("ORIG_TRANS_AMT")),
            currency=str(extra.get("CURRENCY") or ""),
            trans_id=str(extra.get("TRANS_ID") or data.get("TransId") or "")[:64],
            auth_code=str(extra.get("AUTH_CODE") or "")[:32],
            host_ref_num=str(extra.get("HOST_REF_NUM") or "")[:64],
            masked_pan=mask_pan(str(extra.get("PAN") or ""))[:32] if extra.get("PAN") else "",
            proc_return_code=code[:8],
            md_status=md_status[:4],
            bank_message=str(extra.get("ERRMSG") or "")[:500],
            raw=raw,
        )

    def refund(self, attempt: Any, amount: Decimal) -> RefundResult:
        """A full refund on the day of the payment cancels it (Void); otherwise, or when the
        bank refuses the cancellation (already settled), the amount is credited back (Credit)."""
        self._require_configured()
        credentials = self.config.credentials()
        same_day = (
            attempt.confirmed_at is not None
            and timezone.localdate(attempt.confirmed_at) == timezone.localdate()
            and attempt.refunded_amount == 0
            and amount == attempt.amount
        )
        if same_day:
            data = api.void(credentials, attempt.oid)
            if data.get("Response") == "Approved":
                return RefundResult(
                    ok=True, trans_id=str(data.get("TransId", "")), raw=sanitize_response(_flat(data))
                )
        data = api.credit(credentials, attempt.oid, money_text(amount), attempt.currency)
        ok = data.get("Response") == "Approved" and data.get("ProcReturnCode") == "00"
        return RefundResult(
            ok=ok,
            trans_id=str(data.get("TransId", ""))[:64],
            bank_message=str(data.get("ErrMsg", ""))[:500],
            raw=sanitize_response(_flat(data)),
        )


def _flat(data: Mapping[str, Any]) -> dict[str, Any]:
    extra = data.get("Extra") if isinstance(data.get("Extra"), Mapping) else {}
    return {k: v for k, v in data.items() if k != "Extra"} | dict(extra or {})


register(IDENTIFIER, NestPayProvider)
