"""Small PDFs for the demo applications: a drawing sheet (plan grid with columns, a title block)
for the project drawings and a one-page report for everything else. Made with reportlab, with
DejaVu Sans for the Turkish letters when it is installed. Nothing here runs outside the demo."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts/dejavu"),
)
FONT, FONT_BOLD = "DemoSans", "DemoSans-Bold"
# Document types drawn as sheets (the others are one-page reports).
DRAWN = frozenset({"proje-paftalari", "mimari-proje", "tapu-vaziyet-plani"})


@dataclass(frozen=True)
class SheetInfo:
    project: str  # building name
    place: str  # district / village, parcel
    owner: str
    engineer: str
    document: str  # document type name
    revision: int = 0


def _fonts() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT in pdfmetrics.getRegisteredFontNames():
        return FONT, FONT_BOLD
    for name, file_name in ((FONT, "DejaVuSans.ttf"), (FONT_BOLD, "DejaVuSans-Bold.ttf")):
        path = next((folder / file_name for folder in FONT_DIRS if (folder / file_name).exists()), None)
        if path is None:
            return "Helvetica", "Helvetica-Bold"
        pdfmetrics.registerFont(TTFont(name, str(path)))
    return FONT, FONT_BOLD


def _title_block(pdf, info: SheetInfo, *, x: float, y: float, width: float, font: str, bold: str) -> None:
    from reportlab.lib.units import mm

    rows = [
        ("Proje", info.project),
        ("Yer", info.place),
        ("Mal sahibi", info.owner),
        ("Statik proje müellifi", info.engineer),
        ("Pafta", info.document + (f" — Revizyon {info.revision}" if info.revision else "")),
    ]
    height = 8 * mm * len(rows)
    pdf.rect(x, y, width, height)
    for index, (label, value) in enumerate(rows):
        row_y = y + height - (index + 1) * 8 * mm
        pdf.line(x, row_y, x + width, row_y)
        pdf.setFont(bold, 7)
        pdf.drawString(x + 2 * mm, row_y + 3 * mm, label)
        pdf.setFont(font, 8)
        pdf.drawString(x + 44 * mm, row_y + 3 * mm, value[:70])
    pdf.line(x + 42 * mm, y, x + 42 * mm, y + height)


def drawing_pdf(info: SheetInfo) -> bytes:
    """An A3 landscape sheet: a structural grid with axes, columns and shear walls, a title block."""
    from reportlab.lib.pagesizes import A3, landscape
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    font, bold = _fonts()
    size = landscape(A3)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=size)
    pdf.setTitle(f"{info.project} — {info.document}")
    pdf.setAuthor(info.engineer)
    pdf.setLineWidth(0.8)
    pdf.rect(10 * mm, 10 * mm, size[0] - 20 * mm, size[1] - 20 * mm)
    # The grid: axes 1-6 and A-D, 5 m apart at 1/100 (5 cm on the sheet).
    left, bottom, step = 40 * mm, 80 * mm, 50 * mm
    columns, rows = 6, 4
    pdf.setDash(6, 3)
    pdf.setLineWidth(0.3)
    for i in range(columns):
        x = left + i * step
        pdf.line(x, bottom - 10 * mm, x, bottom + (rows - 1) * step + 10 * mm)
    for j in range(rows):
        y = bottom + j * step
        pdf.line(left - 10 * mm, y, left + (columns - 1) * step + 10 * mm, y)
    pdf.setDash()
    pdf.setFont(bold, 10)
    for i in range(columns):
        x = left + i * step
        pdf.circle(x, bottom - 16 * mm, 5 * mm)
        pdf.drawCentredString(x, bottom - 17.5 * mm, str(i + 1))
    for j in range(rows):
        y = bottom + j * step
        pdf.circle(left - 16 * mm, y, 5 * mm)
        pdf.drawCentredString(left - 16 * mm, y - 1.5 * mm, "ABCD"[j])
    # Columns (40/40) at every crossing, shear walls on the outer axes, beams between.
    pdf.setLineWidth(0.8)
    for i in range(columns):
        for j in range(rows):
            x, y = left + i * step, bottom + j * step
            pdf.setFillGray(0.35)
            pdf.rect(x - 2 * mm, y - 2 * mm, 4 * mm, 4 * mm, fill=1)
    pdf.setFillGray(0.6)
    pdf.rect(left - 2 * mm, bottom + step - 2 * mm + 2 * mm, 4 * mm, step - 4 * mm, fill=1)
    pdf.rect(left + (columns - 1) * step - 2 * mm, bottom + 2 * mm, 4 * mm, step - 4 * mm, fill=1)
    pdf.setFillGray(0)
    for j in range(rows):
        y = bottom + j * step
        pdf.line(left, y + 1.5 * mm, left + (columns - 1) * step, y + 1.5 * mm)
        pdf.line(left, y - 1.5 * mm, left + (columns - 1) * step, y - 1.5 * mm)
    pdf.setFont(font, 8)
    for i in range(columns - 1):
        pdf.drawCentredString(left + i * step + step / 2, bottom - 6 * mm, "500")
    pdf.setFont(bold, 14)
    pdf.drawString(20 * mm, size[1] - 25 * mm, info.document)
    pdf.setFont(font, 10)
    pdf.drawString(20 * mm, size[1] - 32 * mm, f"{info.project} · {info.place}")
    pdf.drawString(20 * mm, size[1] - 38 * mm, "Ölçek 1/100 · Beton C30/37 · Donatı B420C · Kolonlar 40/40")
    _title_block(pdf, info, x=size[0] - 170 * mm, y=15 * mm, width=155 * mm, font=font, bold=bold)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def report_pdf(info: SheetInfo, lines: list[str] | None = None) -> bytes:
    """An A4 page: the document's title, a few lines of text and the title block."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    font, bold = _fonts()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"{info.project} — {info.document}")
    pdf.setAuthor(info.engineer)
    pdf.setFont(bold, 15)
    pdf.drawString(20 * mm, A4[1] - 30 * mm, info.document)
    pdf.setFont(font, 10)
    pdf.drawString(20 * mm, A4[1] - 38 * mm, f"{info.project} · {info.place}")
    text = pdf.beginText(20 * mm, A4[1] - 55 * mm)
    text.setFont(font, 10)
    text.setLeading(15)
    for line in lines or [
        "Bu belge e-Vize demosu için üretilmiş örnek bir belgedir.",
        "İçerik gerçek bir projeye ait değildir.",
        f"Mal sahibi: {info.owner}",
        f"Hazırlayan: {info.engineer}",
    ]:
        text.textLine(line)
    pdf.drawText(text)
    if info.revision:
        pdf.setFont(bold, 10)
        pdf.drawString(
            20 * mm,
            A4[1] - 120 * mm,
            f"Revizyon {info.revision}: kontrol mühendisinin notlarına göre düzeltildi.",
        )
    _title_block(pdf, info, x=20 * mm, y=20 * mm, width=170 * mm, font=font, bold=bold)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def document_pdf(document_code: str, info: SheetInfo) -> bytes:
    return drawing_pdf(info) if document_code in DRAWN else report_pdf(info)
