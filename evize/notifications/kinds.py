"""The e-mails of the e-Vize journey (the guide's steps 21-27) and of accounts.

Callers pass the context keys listed here; link keys take a site path (e.g. from `reverse()`) or an
absolute URL on settings.EVIZE_BASE_URL. Amounts are Decimal (TL), dates `date`/aware `datetime`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .registry import MessageKind, SampleAttachment, register

FEE_TYPES = ("registration", "visa")
CANCEL_REASONS = ("withdrawn", "notation_limit", "office")

SAMPLE_NUMBER = "2026/00042"
SAMPLE_APPLICATION = "/basvurular/42/"


def _in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


APPLICATION_RECEIVED = register(
    MessageKind(
        code="application.received",
        title=_("Application received (registration number)"),
        required=("registration_number", "details_url"),
        optional=("building",),
        link_keys=("details_url",),
        sample=lambda: {
            "registration_number": SAMPLE_NUMBER,
            "details_url": SAMPLE_APPLICATION,
            "building": "Lefkoşa, Gönyeli – 4 katlı konut",
        },
    )
)

APPLICATION_SIGN_REQUEST = register(
    MessageKind(
        code="application.sign_request",
        title=_("Please sign the application"),
        required=("registration_number", "sign_url"),
        optional=("requested_by",),
        link_keys=("sign_url",),
        sample=lambda: {
            "registration_number": SAMPLE_NUMBER,
            "sign_url": SAMPLE_APPLICATION + "imza/",
            "requested_by": "Ayşe Yılmaz",
        },
    )
)

APPLICATION_RESIGN_REQUEST = register(
    MessageKind(
        code="application.resign_request",
        title=_("Please sign the corrected application again"),
        required=("registration_number", "sign_url"),
        link_keys=("sign_url",),
        sample=lambda: {"registration_number": SAMPLE_NUMBER, "sign_url": SAMPLE_APPLICATION + "imza/"},
    )
)

FEE_REGISTRATION_DUE = register(
    MessageKind(
        code="fee.registration_due",
        title=_("Registration fee due (payment link)"),
        required=("registration_number", "amount", "payment_url"),
        optional=("due_date",),
        link_keys=("payment_url",),
        sample=lambda: {
            "registration_number": SAMPLE_NUMBER,
            "amount": Decimal("1250.00"),
            "payment_url": SAMPLE_APPLICATION + "odeme/kayit/",
            "due_date": _in_days(15),
        },
    )
)

APPLICATION_REGISTERED = register(
    MessageKind(
        code="application.registered",
        title=_("Registered at the visa office"),
        required=("registration_number", "details_url"),
        link_keys=("details_url",),
        sample=lambda: {"registration_number": SAMPLE_NUMBER, "details_url": SAMPLE_APPLICATION},
    )
)

REVIEW_NOTES_SENT = register(
    MessageKind(
        code="review.notes_sent",
        title=_("Review notes sent (annotated project attached)"),
        required=("registration_number", "details_url", "notation_number", "notation_limit"),
        optional=("notes_summary",),
        link_keys=("details_url",),
        sample=lambda: {
            "registration_number": SAMPLE_NUMBER,
            "details_url": SAMPLE_APPLICATION + "#notlama",
            "notation_number": 1,
            "notation_limit": 3,
            "notes_summary": "Zemin etüt raporu eksik.\nKolon donatı detayları (pafta S-04) düzeltilmeli.",
        },
        sample_attachments=(
            SampleAttachment("notlar-2026-00042-1.pdf", 84_000),
            SampleAttachment("notlanmis-proje-2026-00042-1.pdf", 6_300_000),
        ),
    )
)

APPLICATION_CORRECTION_RECEIVED = register(
    MessageKind(
        code="application.correction_received",
        title=_("Correction received"),
        required=("registration_number", "details_url"),
        link_keys=("details_url",),
        sample=lambda: {"registration_number": SAMPLE_NUMBER, "details_url": SAMPLE_APPLICATION},
    )
)

FEE_VISA_DUE = register(
    MessageKind(
        code="fee.visa_due",
        title=_("Visa fee due (payment link)"),
        required=("registration_number", "amount", "payment_url"),
        optional=("due_date",),
        link_keys=("payment_url",),
        sample=lambda: {
            "registration_number": SAMPLE_NUMBER,
            "amount": Decimal("4860.50"),
            "payment_url": SAMPLE_APPLICATION + "odeme/vize/",
            "due_date": _in_days(30),
        },
    )
)

VISA_DELIVERED = register(
    MessageKind(
        code="visa.delivered",
        title=_("Visa'd project delivered"),
        required=("registration_number", "visa_number", "details_url"),
        optional=("verify_url",),
        link_keys=("details_url", "verify_url"),
        sample=lambda: {
            "registration_number": SAMPLE_NUMBER,
            "visa_number": "V-2026-00017",
            "details_url": SAMPLE_APPLICATION,
            "verify_url": "/dogrula/",
        },
        sample_attachments=(
            SampleAttachment("vizeli-statik-proje-2026-00042.pdf", 8_400_000),
            SampleAttachment("vizeli-statik-hesap-2026-00042.pdf", 14_800_000),
        ),
    )
)

APPLICATION_CANCELLED = register(
    MessageKind(
        code="application.cancelled",
        title=_("Application cancelled"),
        required=("registration_number", "reason", "details_url"),
        optional=("explanation", "notation_limit"),
        link_keys=("details_url",),
        choices={"reason": CANCEL_REASONS},
        sample=lambda: {
            "registration_number": SAMPLE_NUMBER,
            "reason": "notation_limit",
            "notation_limit": 3,
            "details_url": SAMPLE_APPLICATION,
        },
    )
)

PAYMENT_RECEIPT = register(
    MessageKind(
        code="payment.receipt",
        title=_("Payment receipt"),
        required=("registration_number", "fee_type", "amount", "paid_at", "receipt_number"),
        optional=("details_url",),
        link_keys=("details_url",),
        choices={"fee_type": FEE_TYPES},
        sample=lambda: {
            "registration_number": SAMPLE_NUMBER,
            "fee_type": "registration",
            "amount": Decimal("1250.00"),
            "paid_at": timezone.now(),
            "receipt_number": "M-2026-000311",
            "details_url": SAMPLE_APPLICATION,
        },
        sample_attachments=(SampleAttachment("makbuz-M-2026-000311.pdf", 42_000),),
    )
)

REMINDER_FEE_UNPAID = register(
    MessageKind(
        code="reminder.fee_unpaid",
        title=_("Reminder: fee not paid"),
        required=("registration_number", "fee_type", "amount", "payment_url"),
        optional=("due_date",),
        link_keys=("payment_url",),
        choices={"fee_type": FEE_TYPES},
        sample=lambda: {
            "registration_number": SAMPLE_NUMBER,
            "fee_type": "visa",
            "amount": Decimal("4860.50"),
            "payment_url": SAMPLE_APPLICATION + "odeme/vize/",
            "due_date": _in_days(5),
        },
    )
)

REMINDER_SIGNATURE_MISSING = register(
    MessageKind(
        code="reminder.signature_missing",
        title=_("Reminder: signature missing"),
        required=("registration_number", "sign_url"),
        optional=("waiting_since",),
        link_keys=("sign_url",),
        sample=lambda: {
            "registration_number": SAMPLE_NUMBER,
            "sign_url": SAMPLE_APPLICATION + "imza/",
            "waiting_since": _in_days(-7),
        },
    )
)

ACCOUNT_ACTIVATION = register(
    MessageKind(
        code="account.activation",
        title=_("Account activation"),
        required=("activation_url",),
        optional=("valid_days", "sicil_no"),
        link_keys=("activation_url",),
        in_app=False,
        one_time_links=True,
        sample=lambda: {
            "activation_url": "/hesap/etkinlestir/MTI/c3k0ab-0123456789abcdef/",
            "valid_days": 3,
            "sicil_no": "1234",
        },
    )
)

ACCOUNT_PASSWORD_RESET = register(
    MessageKind(
        code="account.password_reset",
        title=_("Password reset"),
        required=("reset_url",),
        optional=("valid_days",),
        link_keys=("reset_url",),
        in_app=False,
        one_time_links=True,
        sample=lambda: {"reset_url": "/hesap/parola-sifirla/MTI/c3k0ab-0123456789abcdef/", "valid_days": 3},
    )
)
