"""The receipt (makbuz) PDF of a confirmed payment, drawn with ReportLab in Turkish (DejaVu Sans
carries every Turkish letter). The same bytes are stored, e-mailed and downloaded."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts/dejavu"),
)
FONTS = {"EvizeReceipt": "DejaVuSans.ttf", "EvizeReceipt-Bold": "DejaVuSans-Bold.ttf"}


@dataclass(frozen=True)
class ReceiptData:
    number: str
    issued_at: datetime
    registration_number: str
    fee_kind: str
    amount: Decimal
    payer_name: str
    payer_sicil: str
    masked_pan: str
    oid: str
    trans_id: str
    auth_code: str
    host_ref_num: str


def _register_fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, file_name in FONTS.items():
        if name in registered:
            continue
        path = next((d / file_name for d in FONT_DIRS if (d / file_name).exists()), None)
        if path is None:
            raise ImproperlyConfigured(f"Font {file_name} not found; install fonts-dejavu-core.")
        pdfmetrics.registerFont(TTFont(name, str(path)))


def format_tl(amount: Decimal) -> str:
    return f"{formats.number_format(amount, 2, use_l10n=True, force_grouping=True)}\u00a0TL"


def render_receipt_pdf(data: ReceiptData) -> bytes:
    with translation.override("tr"):
        return _render(data)


def _render(data: ReceiptData) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _register_fonts()
    buffer = io.BytesIO()
    chamber = getattr(settings, "EVIZE_CHAMBER_NAME", "")
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=_("Receipt %(number)s") % {"number": data.number},
        author=chamber,
        subject=_("Payment receipt"),
        creator="e-Vize",
        invariant=1,
    )
    base = ParagraphStyle("base", fontName="EvizeReceipt", fontSize=10, leading=14)
    small = ParagraphStyle(
        "small", parent=base, fontSize=8.5, leading=12, textColor=colors.HexColor("#4f5b69")
    )
    heading = ParagraphStyle("heading", parent=base, fontName="EvizeReceipt-Bold", fontSize=16, leading=20)
    issued = timezone.localtime(data.issued_at)
    registry_label = _("registry no.")
    payer = (
        f"{data.payer_name} ({registry_label} {data.payer_sicil})" if data.payer_sicil else data.payer_name
    )
    kind = _("Registration fee") if data.fee_kind == "registration" else _("Visa fee")
    rows = [
        (_("Receipt number"), data.number),
        (_("Date of payment"), formats.date_format(issued, "DATETIME_FORMAT")),
        (_("Application"), data.registration_number),
        (_("Fee"), kind),
        (_("Amount"), format_tl(data.amount)),
        (_("Paid by"), payer),
        (_("Card"), data.masked_pan or "—"),
        (_("Order number"), data.oid),
        (_("Bank transaction id"), data.trans_id or "—"),
        (_("Authorisation code"), data.auth_code or "—"),
        (_("Bank reference"), data.host_ref_num or "—"),
    ]
    table = Table(
        [[Paragraph(label, base), Paragraph(str(value), base)] for label, value in rows],
        colWidths=[55 * mm, 115 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#cfd6df")),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#e9eef4")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), "EvizeReceipt"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    story = [
        Paragraph(chamber, base),
        Paragraph("e-Vize", small),
        Spacer(1, 8 * mm),
        Paragraph(_("Payment receipt"), heading),
        Paragraph(data.number, base),
        Spacer(1, 6 * mm),
        table,
        Spacer(1, 8 * mm),
        Paragraph(
            _(
                "This receipt was issued electronically by e-Vize when the bank confirmed the card "
                "payment. It is valid without a signature."
            ),
            small,
        ),
    ]
    doc.build(story)
    return buffer.getvalue()
