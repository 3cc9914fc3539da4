"""The two files of a notation: the list of notes (reportlab, DejaVu Sans for Turkish letters) and
the annotated project (notlanmış proje): a NEW PDF written with pypdf from the current documents,
with real PDF annotations (/Square, /Text, /FreeText) where the notes are. The engineer's signed
originals are only read, never modified."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.storage import storages
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from evize.documents.blobstore import blob_put, file_sha256
from evize.documents.models import Blob

FONT_DIRS = [
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts/dejavu"),
]
FONT = "ReviewSans"
FONT_BOLD = "ReviewSans-Bold"


def _register_fonts() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    registered = pdfmetrics.getRegisteredFontNames()
    for name, file_name in ((FONT, "DejaVuSans.ttf"), (FONT_BOLD, "DejaVuSans-Bold.ttf")):
        if name in registered:
            continue
        path = next((d / file_name for d in FONT_DIRS if (d / file_name).exists()), None)
        if path is None:
            return "Helvetica", "Helvetica-Bold"
        pdfmetrics.registerFont(TTFont(name, str(path)))
    return FONT, FONT_BOLD


def notes_pdf(*, application, notes, number: int, limit: int) -> bytes:
    """The notes of notation `number` as a PDF (A4)."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font, bold = _register_fonts()
    base = ParagraphStyle("base", fontName=font, fontSize=9.5, leading=12.5)
    title = ParagraphStyle("title", parent=base, fontName=bold, fontSize=14, leading=18)
    head = ParagraphStyle("head", parent=base, fontName=bold)
    reg = application.registration_number or str(application.pk)
    chamber = getattr(settings, "EVIZE_CHAMBER_NAME", "")

    def p(text, style=base):
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)

    story = [
        p(chamber, head),
        Spacer(1, 4 * mm),
        p(_("Notes of the visa office — application %(number)s") % {"number": reg}, title),
        p(_("Notation %(number)s of %(limit)s") % {"number": number, "limit": limit}),
        p(_("Date: %(date)s") % {"date": date_format(timezone.localtime(timezone.now()), "DATETIME_FORMAT")}),
        Spacer(1, 5 * mm),
    ]
    rows = [[p("#", head), p(_("Category"), head), p(_("Document / page"), head), p(_("Note"), head)]]
    for index, note in enumerate(notes, start=1):
        where = note.document.file_name if note.document_id else "—"
        if note.page:
            where += " · " + _("page %(page)s") % {"page": note.page}
        rows.append([p(index), p(note.get_category_display()), p(where), p(note.text)])
    table = Table(rows, colWidths=[10 * mm, 32 * mm, 45 * mm, None], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    story += [
        Spacer(1, 6 * mm),
        p(
            _(
                "Please correct the form and the files, save, and sign again. The application is "
                "cancelled at notation %(limit)s."
            )
            % {"limit": limit}
        ),
    ]
    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=16 * mm,
        title=_("Notes %(number)s") % {"number": reg},
        author=chamber,
        creator="e-Vize",
    ).build(story)
    return out.getvalue()


def _read_blob(blob: Blob) -> bytes:
    with storages["default"].open(blob.storage_key, "rb") as fh:
        return fh.read()


def annotated_pdf(*, notes) -> bytes | None:
    """A new PDF made of every document that has located notes, with one annotation per note:
    a rectangle (/Square) with a numbered label (/FreeText), or a pin (/Text). None when no note
    points at a document."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import FreeText, Rectangle, Text

    by_document: dict[int, list[tuple[int, object]]] = {}
    documents = {}
    for index, note in enumerate(notes, start=1):
        if note.document_id:
            documents[note.document_id] = note.document
            by_document.setdefault(note.document_id, []).append((index, note))
    if not by_document:
        return None
    writer = PdfWriter()
    for document_id, located in by_document.items():
        reader = PdfReader(io.BytesIO(_read_blob(documents[document_id].blob)))
        offset = len(writer.pages)
        for page in reader.pages:
            writer.add_page(page)
        count = len(reader.pages)
        for index, note in located:
            page_index = min(max((note.page or 1) - 1, 0), count - 1)
            box = writer.pages[offset + page_index].mediabox
            left, bottom, top = float(box.left), float(box.bottom), float(box.top)
            label = f"{index}. {note.text}"
            rect = note.rect or {}
            x, y = float(rect.get("x", 0) or 0), float(rect.get("y", 0) or 0)
            w, h = float(rect.get("w", 0) or 0), float(rect.get("h", 0) or 0)
            shape = rect.get("shape", "rectangle")
            if rect and w > 0 and h > 0 and shape == "text":
                text_box = FreeText(
                    text=label,
                    rect=(left + x, bottom + y, left + x + w, bottom + y + h),
                    font_size="9pt",
                    font_color="cc0000",
                    border_color="cc0000",
                    background_color="ffffe0",
                )
                writer.add_annotation(page_number=offset + page_index, annotation=text_box)
            elif rect and w > 0 and h > 0:
                square = Rectangle(rect=(left + x, bottom + y, left + x + w, bottom + y + h))
                square[_name("/C")] = _colour(1, 0, 0)
                square[_name("/Contents")] = _text(label)
                if shape == "cloud":  # the standard cloudy border effect of PDF 1.5
                    square[_name("/BE")] = _cloud()
                writer.add_annotation(page_number=offset + page_index, annotation=square)
                free = FreeText(
                    text=str(index),
                    rect=(left + x, bottom + y + h, left + x + 24, bottom + y + h + 16),
                    font_size="10pt",
                    font_color="cc0000",
                    border_color="cc0000",
                    background_color="ffffff",
                )
                writer.add_annotation(page_number=offset + page_index, annotation=free)
            else:
                if not rect:
                    x, y = 20.0, top - bottom - 40.0
                pin = Text(
                    rect=(left + x, bottom + y, left + x + 20, bottom + y + 20), text=label, open=False
                )
                pin[_name("/C")] = _colour(1, 0, 0)
                writer.add_annotation(page_number=offset + page_index, annotation=pin)
    writer.add_metadata({"/Creator": "e-Vize", "/Title": _("Annotated project")})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _name(value: str):
    from pypdf.generic import NameObject

    return NameObject(value)


def _text(value: str):
    from pypdf.generic import TextStringObject

    return TextStringObject(value)


def _cloud():
    from pypdf.generic import DictionaryObject, NameObject, NumberObject

    return DictionaryObject({NameObject("/S"): NameObject("/C"), NameObject("/I"): NumberObject(1)})


def _colour(r: float, g: float, b: float):
    from pypdf.generic import ArrayObject, FloatObject

    return ArrayObject([FloatObject(r), FloatObject(g), FloatObject(b)])


def count_annotations(path: Path) -> int:
    """The mark-up annotations in a PDF (links, form fields and pop-ups do not count)."""
    from pypdf import PdfReader

    ignored = {"/Link", "/Widget", "/Popup"}
    count = 0
    for page in PdfReader(path).pages:
        annots = page.get("/Annots")
        for annot in (annots.get_object() if annots is not None else None) or []:
            if annot.get_object().get("/Subtype") not in ignored:
                count += 1
    return count


def store_pdf_file(path: Path, *, page_count: int | None = None) -> Blob:
    """Keep a checked PDF file in the blob store (the file at `path` is consumed)."""
    size = path.stat().st_size
    sha256 = file_sha256(path)
    key = blob_put(path, sha256)
    blob, _created = Blob.objects.get_or_create(
        sha256=sha256, defaults={"size": size, "storage_key": key, "page_count": page_count}
    )
    return blob


def store_pdf(content: bytes) -> Blob:
    """Keep generated bytes in the blob store (content-addressed, never modified)."""
    from pypdf import PdfReader

    tmp_dir = Path(settings.EVIZE_UPLOAD_TMP_DIR)
    tmp_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tempfile.NamedTemporaryFile(dir=tmp_dir, suffix=".pdf", delete=False) as tmp:
        tmp.write(content)
        path = Path(tmp.name)
    try:
        sha256 = file_sha256(path)
        key = blob_put(path, sha256)
    finally:
        path.unlink(missing_ok=True)
    pages = len(PdfReader(io.BytesIO(content)).pages)
    blob, _created = Blob.objects.get_or_create(
        sha256=sha256, defaults={"size": len(content), "storage_key": key, "page_count": pages}
    )
    return blob
