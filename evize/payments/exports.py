"""The office's payment list as CSV (UTF-8 with BOM, for spreadsheets) and XLSX (openpyxl).

Cells that a spreadsheet would read as a formula (=, +, -, @ …) are prefixed with an apostrophe."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import PaymentAttempt

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def headers() -> list[str]:
    return [
        _("Payment started"),
        _("Payment confirmed"),
        _("Registration number"),
        _("Fee"),
        _("Amount (TL)"),
        _("Refunded (TL)"),
        _("Status"),
        _("Order number"),
        _("Bank transaction id"),
        _("Authorisation code"),
        _("Card"),
        _("Receipt number"),
        _("Paid by"),
        _("Bank's message"),
    ]


def _receipt_number(attempt: PaymentAttempt) -> str:
    try:
        return attempt.receipt.number
    except PaymentAttempt.receipt.RelatedObjectDoesNotExist:
        return ""


def rows(attempts: Iterable[PaymentAttempt]) -> Iterable[list[Any]]:
    for attempt in attempts:
        payer = attempt.created_by
        yield [
            timezone.localtime(attempt.created_at).replace(tzinfo=None),
            timezone.localtime(attempt.confirmed_at).replace(tzinfo=None) if attempt.confirmed_at else None,
            attempt.fee.application.registration_number or "",
            attempt.fee.get_kind_display(),
            attempt.amount,
            attempt.refunded_amount,
            attempt.get_status_display(),
            attempt.oid,
            attempt.trans_id,
            attempt.auth_code,
            attempt.masked_pan,
            _receipt_number(attempt),
            (payer.get_full_name() or payer.get_username()) if payer else "",
            attempt.error_message,
        ]


def to_csv(attempts: Iterable[PaymentAttempt]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers())
    for row in rows(attempts):
        writer.writerow(
            [
                value.strftime("%Y-%m-%d %H:%M:%S")
                if hasattr(value, "strftime")
                else _safe("" if value is None else str(value))
                for value in row
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(attempts: Iterable[PaymentAttempt]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Payments")[:31]
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows(attempts):
        sheet.append([_safe(value) for value in row])
        current = sheet.max_row
        for column in (1, 2):
            sheet.cell(row=current, column=column).number_format = "dd.mm.yyyy hh:mm"
        for column in (5, 6):
            sheet.cell(row=current, column=column).number_format = "#,##0.00"
    widths = [18, 18, 16, 16, 14, 14, 16, 26, 20, 12, 20, 18, 26, 40]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
