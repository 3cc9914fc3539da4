"""The "Başvuru Formu": the whole application as a PDF, in Turkish, under the chamber's header,
ending with a manifest of every attached file (type, name, size, pages, SHA-256). Signing this PDF
binds the application and its files.

Form sections come from providers: functions `provider(application) -> Iterable[FormSection]`
registered with `register_form_section_provider` (the form app registers its sections in its
AppConfig.ready()). The renderer always starts with the application and its engineers.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from evize.applications.models import Application
from evize.audit.services import audit_record

from .blobstore import blob_put, file_sha256
from .models import Blob
from .selectors import manifest_documents

FONT_DIRS = [
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts/dejavu"),
]
FONT_FILES = {
    "EvizeSans": "DejaVuSans.ttf",
    "EvizeSans-Bold": "DejaVuSans-Bold.ttf",
    "EvizeMono": "DejaVuSansMono.ttf",
}


@dataclass
class FormSection:
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    note: str = ""


SectionProvider = Callable[[Application], Iterable[FormSection]]
_providers: list[SectionProvider] = []


def register_form_section_provider(provider: SectionProvider) -> SectionProvider:
    """Add a provider of form sections (usable as a decorator); each is called once per render."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister_form_section_provider(provider: SectionProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def _register_fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, file_name in FONT_FILES.items():
        if name in registered:
            continue
        path = next((d / file_name for d in FONT_DIRS if (d / file_name).exists()), None)
        if path is None:
            raise ImproperlyConfigured(
                f"Font {file_name} not found (looked in {', '.join(map(str, FONT_DIRS))}); "
                "install fonts-dejavu-core."
            )
        pdfmetrics.registerFont(TTFont(name, str(path)))


def _size_text(size: int) -> str:
    """Bytes in Turkish notation (1,5 MB), and the exact count."""
    units = ["B", "KB", "MB", "GB", "TB"]
    value = float(size)
    unit = 0
    while value >= 1024 and unit < len(units) - 1:
        value /= 1024
        unit += 1
    text = f"{value:.0f}" if unit == 0 else f"{value:.1f}".replace(".", ",")
    return f"{text} {units[unit]}"


def _base_sections(application: Application) -> list[FormSection]:
    status = application.get_status_display()
    created = date_format(timezone.localtime(application.created_at), "DATETIME_FORMAT")
    rows = [
        (_("Registration number"), application.registration_number or _("not yet given (draft)")),
        (_("Status"), str(status)),
        (_("Created"), created),
    ]
    if application.submitted_at:
        rows.append(
            (_("Submitted"), date_format(timezone.localtime(application.submitted_at), "DATETIME_FORMAT"))
        )
    if application.note_to_office:
        rows.append((_("Note to the visa office"), application.note_to_office))
    sections = [FormSection(title=_("Application"), rows=rows)]
    for engineer in application.engineers.select_related("member").order_by("position", "pk"):
        title = _("Applicant engineer") if engineer.is_applicant else _("Engineer")
        rows = [
            (_("Name"), engineer.member.full_name),
            (_("Registry number"), engineer.member.sicil_no),
            (_("E-mail"), engineer.email),
            (_("National ID number"), engineer.national_id),
            (_("Phone"), engineer.phone),
        ]
        if engineer.works_as_office:
            rows += [
                (_("Office name"), engineer.office_name),
                (_("Tax registry number"), engineer.office_tax_no),
                (_("Office registration number"), engineer.office_registration_no),
            ]
        sections.append(FormSection(title=title, rows=rows))
    return sections


def application_form_pdf(application: Application, *, out_path: Path, round_label: str = "") -> Path:
    """Render the Başvuru Formu of `application` into `out_path` (always in Turkish)."""
    with translation.override("tr"):
        return _render(application, Path(out_path), round_label)


def _render(application: Application, out_path: Path, round_label: str) -> Path:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _register_fonts()
    base = ParagraphStyle("base", fontName="EvizeSans", fontSize=9, leading=12)
    small = ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5)
    label_style = ParagraphStyle("label", parent=base, fontName="EvizeSans-Bold")
    heading = ParagraphStyle(
        "heading",
        parent=base,
        fontName="EvizeSans-Bold",
        fontSize=11.5,
        leading=15,
        spaceBefore=8,
        spaceAfter=4,
        textColor=colors.HexColor("#0b4f8a"),
    )
    title_style = ParagraphStyle(
        "title",
        parent=base,
        fontName="EvizeSans-Bold",
        fontSize=15,
        leading=19,
        alignment=TA_CENTER,
        spaceAfter=2,
    )
    subtitle = ParagraphStyle(
        "subtitle", parent=base, alignment=TA_CENTER, textColor=colors.HexColor("#4f5b69")
    )
    mono = ParagraphStyle("mono", parent=base, fontName="EvizeMono", fontSize=7.4, leading=9.5)

    chamber = settings.EVIZE_CHAMBER_NAME
    number = application.registration_number or _("Draft #%(id)s") % {"id": application.pk}
    printed = date_format(timezone.localtime(), "DATETIME_FORMAT")
    width = A4[0] - 36 * mm

    def p(text: str, style=base) -> Paragraph:
        return Paragraph(escape(str(text or "—")).replace("\n", "<br/>"), style)

    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#cfd6df")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3f5f8")),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ]
    )

    story: list = [
        p(chamber, title_style),
        p(_("e-Vize Application Form (Başvuru Formu)"), subtitle),
        p(
            _("Application %(number)s") % {"number": number} + (f" · {round_label}" if round_label else ""),
            subtitle,
        ),
        Spacer(1, 6 * mm),
    ]
    sections = _base_sections(application)
    for provider in list(_providers):
        sections.extend(provider(application))
    for section in sections:
        block: list = [p(section.title, heading)]
        if section.note:
            block.append(p(section.note, small))
        if section.rows:
            table = Table(
                [[p(label, label_style), p(value)] for label, value in section.rows],
                colWidths=[width * 0.34, width * 0.66],
            )
            table.setStyle(grid)
            block.append(table)
        else:
            block.append(p(_("No entries."), small))
        story.append(KeepTogether(block))

    documents = manifest_documents(application)
    story.append(p(_("Attached files (manifest)"), heading))
    story.append(
        p(
            _(
                "Every file attached to this application, identified by its SHA-256 fingerprint. "
                "Signing this form covers these exact files."
            ),
            small,
        )
    )
    if documents:
        header = [
            p(text, label_style)
            for text in (_("No."), _("Document type"), _("File name"), _("Size"), _("Pages"))
        ]
        rows: list = [header]
        spans = []
        for index, document in enumerate(documents, start=1):
            blob = document.blob
            rows.append(
                [
                    p(str(index)),
                    p(document.document_type.name_tr),
                    p(document.file_name),
                    p(_size_text(blob.size)),
                    p(str(blob.page_count or "—")),
                ]
            )
            rows.append([p(f"SHA-256: {blob.sha256}", mono), "", "", "", ""])
            spans.append(("SPAN", (0, len(rows) - 1), (-1, len(rows) - 1)))
        table = Table(
            rows,
            colWidths=[width * 0.07, width * 0.28, width * 0.39, width * 0.14, width * 0.12],
            repeatRows=1,
        )
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#cfd6df")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e4e8ee")),
                    ("LEFTPADDING", (0, 0), (-1, -1), 4),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                    *spans,
                ]
            )
        )
        story.append(table)
        total = sum(d.blob.size for d in documents)
        story.append(Spacer(1, 2 * mm))
        story.append(
            p(
                _("%(count)d files, %(size)s in total.")
                % {"count": len(documents), "size": _size_text(total)},
                small,
            )
        )
    else:
        story.append(p(_("No files are attached."), small))

    footer_text = _("e-Vize · Application %(number)s · printed %(date)s") % {
        "number": number,
        "date": printed,
    }

    def decorate(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("EvizeSans-Bold", 8)
        canvas.setFillColor(colors.HexColor("#0b4f8a"))
        canvas.drawString(18 * mm, A4[1] - 11 * mm, chamber)
        canvas.setFont("EvizeSans", 8)
        canvas.drawRightString(A4[0] - 18 * mm, A4[1] - 11 * mm, _("Application Form"))
        canvas.setStrokeColor(colors.HexColor("#0b4f8a"))
        canvas.line(18 * mm, A4[1] - 13 * mm, A4[0] - 18 * mm, A4[1] - 13 * mm)
        canvas.setFillColor(colors.HexColor("#4f5b69"))
        canvas.drawString(18 * mm, 10 * mm, footer_text)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, _("Page %(page)d") % {"page": doc.page})
        canvas.restoreState()

    out_path.parent.mkdir(parents=True, exist_ok=True)
    document = SimpleDocTemplate(
        str(out_path),
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=16 * mm,
        title=_("Application Form %(number)s") % {"number": number},
        author=chamber,
        subject="e-Vize",
        creator="e-Vize",
        lang="tr-TR",
    )
    document.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return out_path


def application_form_store(*, actor, application: Application, round_label: str = "") -> Blob:
    """Render the Başvuru Formu and keep it in the blob store (for signing a submission round)."""
    tmp_dir = Path(settings.EVIZE_UPLOAD_TMP_DIR)
    tmp_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tempfile.NamedTemporaryFile(dir=tmp_dir, suffix=".pdf", delete=False) as tmp:
        path = Path(tmp.name)
    try:
        application_form_pdf(application, out_path=path, round_label=round_label)
        from .pdfcheck import check_pdf

        pages = check_pdf(path).page_count
        sha256 = file_sha256(path)
        size = path.stat().st_size
        key = blob_put(path, sha256)
    finally:
        path.unlink(missing_ok=True)
    with transaction.atomic():
        blob, _created = Blob.objects.get_or_create(
            sha256=sha256, defaults={"size": size, "storage_key": key, "page_count": pages}
        )
        audit_record(
            actor=actor,
            action="evize.document.form_rendered",
            target=application,
            data={"sha256": sha256, "size": size, "pages": pages, "round": round_label},
        )
    return blob
