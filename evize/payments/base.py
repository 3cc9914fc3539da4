"""The payment provider contract.

A provider knows one bank protocol. It never decides what a payment means for the application:
it turns our attempt into what the bank needs (`start`), turns what the bank says into a
`BankAnswer` (`handle_callback`, `status`), and moves money back (`refund`). The services decide
and record. Providers register in `registry.py`; the real one lives in `contrib/nestpay/`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .models import PaymentAttempt


class ProviderError(Exception):
    """The provider could not do what was asked (not configured, bank unreachable, bad answer).
    The message is for the log and for staff, never a stack trace for users."""


class ProviderNotConfigured(ProviderError):
    pass


class Outcome(enum.StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    AUTHENTICATION_FAILED = "authentication_failed"  # 3-D Secure
    ERROR = "error"
    PENDING = "pending"  # the bank knows the order but has no final answer yet
    NOT_FOUND = "not_found"  # the bank has never seen the order (the payer never got that far)
    VOIDED = "voided"
    REFUNDED = "refunded"


FAILURES = frozenset(
    {Outcome.DECLINED, Outcome.INSUFFICIENT_FUNDS, Outcome.AUTHENTICATION_FAILED, Outcome.ERROR}
)


@dataclass(frozen=True)
class AutoPostForm:
    """A form the payer's browser posts to the bank (auto-submitted by a small script)."""

    url: str
    fields: list[tuple[str, str]]


@dataclass(frozen=True)
class BankAnswer:
    """What the bank said about one order, in our words. `raw` has card data removed."""

    oid: str
    outcome: Outcome
    amount: Decimal | None = None
    currency: str = ""
    trans_id: str = ""
    auth_code: str = ""
    host_ref_num: str = ""
    masked_pan: str = ""
    proc_return_code: str = ""
    md_status: str = ""
    bank_message: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CallbackResult:
    """A result posted back through the payer's browser. `authentic` is False when the signature
    does not verify (or the message is not for our store): nothing in it may be trusted then."""

    oid: str
    authentic: bool
    answer: BankAnswer | None
    raw: dict[str, Any]
    problem: str = ""


@dataclass(frozen=True)
class RefundResult:
    ok: bool
    trans_id: str = ""
    bank_message: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class PaymentProvider(Protocol):
    identifier: str
    verbose_name: str

    def is_configured(self) -> bool: ...

    def start(self, attempt: PaymentAttempt, *, request: HttpRequest) -> AutoPostForm:
        """The form that takes the payer to the bank. Deterministic for a given attempt."""
        ...

    def handle_callback(self, request: HttpRequest) -> CallbackResult: ...

    def status(self, attempt: PaymentAttempt) -> BankAnswer:
        """Ask the bank (server to server) what became of the order. Raises ProviderError."""
        ...

    def refund(self, attempt: PaymentAttempt, amount: Decimal) -> RefundResult:
        """Give `amount` back (server to server). Raises ProviderError when there is no answer."""
        ...

    def matching_id(self, attempt: PaymentAttempt) -> str:
        """The id under which the bank knows the payment (shown to staff, used to reconcile)."""
        ...
