"""Checks that an uploaded file is an acceptable PDF.

Every refusal is a `DocumentRejected` with a stable `code` (kept in the audit trail) and a
translated, human reason. The file is read from disk in small pieces: pypdf gets an open file (a
path would make it read the whole file into memory) wrapped so that no single read may pull more
than `MAX_SINGLE_READ` bytes, which also stops pypdf's "rebuild a broken xref from the whole file"
fallback on very large damaged files.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

MAX_SINGLE_READ = 32 * 1024 * 1024
MAGIC_WINDOW = 1024
MM_PER_POINT = 25.4 / 72

# ISO 216 A series, short × long side in millimetres.
PAPER_SIZES_MM: dict[str, tuple[float, float]] = {
    "A0": (841, 1189),
    "A1": (594, 841),
    "A2": (420, 594),
    "A3": (297, 420),
    "A4": (210, 297),
    "A5": (148, 210),
    "A6": (105, 148),
}

# Signatures of formats people mistake for PDFs (renamed files), for a clearer reason.
_KNOWN_SIGNATURES: list[tuple[bytes, str]] = [
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"PK\x03\x04", "ZIP"),
    (b"PK\x05\x06", "ZIP"),
    (b"Rar!", "RAR"),
    (b"7z\xbc\xaf", "7z"),
    (b"\xd0\xcf\x11\xe0", "Office"),
    (b"AC10", "DWG"),
]

# Dictionary keys the action scan does not follow: page content, resources, appearance streams and
# back-references hold no actions of their own and may be very large.
_SKIP_KEYS = frozenset(
    {
        "/Contents",
        "/Resources",
        "/AP",
        "/Thumb",
        "/Metadata",
        "/Parent",
        "/P",
        "/StructTreeRoot",
        "/StructParent",
        "/StructParents",
        "/PieceInfo",
        "/Font",
        "/XObject",
        "/ColorSpace",
        "/Pattern",
        "/Shading",
        "/ExtGState",
        "/Properties",
        "/EmbeddedFiles",
        "/Dests",
        "/Dest",
        "/D",
        "/Threads",
        "/B",
        "/OCProperties",
        "/DR",
    }
)
_DANGEROUS_ACTIONS = frozenset({"/JavaScript", "/Launch"})
_MAX_OBJECTS_SCANNED = 500_000


class DocumentRejected(Exception):
    """An upload that is refused; `message` is shown to the user, `code` recorded."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class PdfInfo:
    page_count: int


class _TooLargeRead(Exception):
    pass


class _CappedReader(io.BufferedReader):
    """A buffered file whose single reads are capped (see module docstring)."""

    def read(self, size: int | None = -1) -> bytes:  # type: ignore[override]
        if size is None or size < 0 or size > MAX_SINGLE_READ:
            current = self.tell()
            end = self.seek(0, io.SEEK_END)
            self.seek(current)
            wanted = end - current if size is None or size < 0 else size
            if wanted > MAX_SINGLE_READ:
                raise _TooLargeRead(wanted)
        return super().read(size)


def _paper(name: str) -> tuple[float, float]:
    try:
        return PAPER_SIZES_MM[name.strip().upper()]
    except KeyError as exc:
        raise ValueError(f"unknown paper size {name!r}; use one of {', '.join(PAPER_SIZES_MM)}") from exc


def check_magic(path: Path) -> None:
    """A PDF starts with "%PDF-" (a little leading junk is tolerated, as readers do)."""
    with open(path, "rb") as fh:
        head = fh.read(MAGIC_WINDOW)
    for signature, kind in _KNOWN_SIGNATURES:
        if head.startswith(signature):
            raise DocumentRejected(
                "not_pdf",
                _(
                    "This file is not a PDF but a %(kind)s file (only its name ends in .pdf). "
                    "Please upload a PDF."
                )
                % {"kind": kind},
            )
    if b"%PDF-" in head:
        return
    raise DocumentRejected("not_pdf", _("This file is not a PDF. Please upload a PDF document."))


def _has_encrypt_entry(path: Path) -> bool:
    """For the error message only: does the trailer area mention /Encrypt?"""
    with open(path, "rb") as fh:
        fh.seek(0, io.SEEK_END)
        size = fh.tell()
        fh.seek(max(0, size - 1024 * 1024))
        return b"/Encrypt" in fh.read()


def check_pdf(path: Path, *, max_pages: int | None = None) -> PdfInfo:
    """Open the PDF and run every structural check; return what we learnt about it."""
    from pypdf import PdfReader

    check_magic(path)
    limit = (
        settings.EVIZE_PDF_MAX_PAGES if max_pages is None else min(max_pages, settings.EVIZE_PDF_MAX_PAGES)
    )
    raw = open(path, "rb", buffering=0)  # noqa: SIM115 (closed by the reader below)
    with _CappedReader(raw, buffer_size=256 * 1024) as fh:
        try:
            reader = PdfReader(fh, strict=False)
            if reader.is_encrypted:
                raise DocumentRejected(
                    "encrypted",
                    _(
                        "This PDF is encrypted or password-protected. Please save it again without "
                        "a password or restrictions and upload it."
                    ),
                )
            pages = reader.pages
            page_count = len(pages)
            if page_count == 0:
                raise DocumentRejected("no_pages", _("This PDF has no pages."))
            if page_count > limit:
                raise DocumentRejected(
                    "too_many_pages",
                    _("This PDF has %(count)d pages; at most %(limit)d pages are accepted.")
                    % {"count": page_count, "limit": limit},
                )
            _check_page_sizes(pages)
            _check_actions(reader)
        except DocumentRejected:
            raise
        except _TooLargeRead:
            raise DocumentRejected(
                "unreadable",
                _(
                    "This PDF is damaged and cannot be checked. "
                    "Please export it again from the program that made it."
                ),
            ) from None
        except Exception as exc:  # pypdf raises many kinds of errors on damaged files
            if _has_encrypt_entry(path):
                raise DocumentRejected(
                    "encrypted",
                    _(
                        "This PDF is encrypted or password-protected. Please save it again without "
                        "a password or restrictions and upload it."
                    ),
                ) from exc
            logger.info("PDF could not be parsed: %s: %s", type(exc).__name__, exc)
            raise DocumentRejected(
                "unreadable",
                _(
                    "This PDF is damaged and cannot be read. "
                    "Please export it again from the program that made it."
                ),
            ) from exc
    return PdfInfo(page_count=page_count)


def _page_size_mm(page) -> tuple[float, float]:
    box = page.cropbox
    unit = float(page.user_unit or 1)
    width = abs(float(box.width)) * unit * MM_PER_POINT
    height = abs(float(box.height)) * unit * MM_PER_POINT
    return min(width, height), max(width, height)


def _check_page_sizes(pages) -> None:
    tolerance = settings.EVIZE_PDF_PAPER_TOLERANCE_MM
    min_name, max_name = settings.EVIZE_PDF_MIN_PAPER.upper(), settings.EVIZE_PDF_MAX_PAPER.upper()
    min_short, min_long = _paper(min_name)
    max_short, max_long = _paper(max_name)
    for number, page in enumerate(pages, start=1):
        short, long = _page_size_mm(page)
        size = {"page": number, "width": round(short), "height": round(long)}
        if short < min_short - tolerance or long < min_long - tolerance:
            raise DocumentRejected(
                "page_too_small",
                _(
                    "Page %(page)d is %(width)d × %(height)d mm, smaller than %(paper)s. "
                    "Pages from %(min)s to %(max)s are accepted."
                )
                % {**size, "paper": min_name, "min": min_name, "max": max_name},
            )
        if short > max_short + tolerance or long > max_long + tolerance:
            raise DocumentRejected(
                "page_too_large",
                _(
                    "Page %(page)d is %(width)d × %(height)d mm, larger than %(paper)s. "
                    "Pages from %(min)s to %(max)s are accepted."
                )
                % {**size, "paper": max_name, "min": min_name, "max": max_name},
            )


def _check_actions(reader) -> None:
    """Refuse scripts and launch actions anywhere they can be triggered: the document catalog
    (/OpenAction, /AA, the /Names /JavaScript tree, bookmarks, form fields), pages (/AA) and
    annotations (/A, /AA), following /Next chains. Content streams are not read."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    seen: set[tuple[int, int]] = set()
    stack: list = [reader.trailer["/Root"]]
    stack.extend(page.indirect_reference or page for page in reader.pages)
    scanned = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        scanned += 1
        if scanned > _MAX_OBJECTS_SCANNED:
            raise DocumentRejected(
                "unreadable",
                _(
                    "This PDF is too complex to be checked. "
                    "Please export it again from the program that made it."
                ),
            )
        if isinstance(item, DictionaryObject):
            if "/JS" in item or item.get("/S") in _DANGEROUS_ACTIONS or "/JavaScript" in item:
                action = item.get("/S")
                if action == NameObject("/Launch"):
                    code, reason = (
                        "launch_action",
                        _("This PDF contains an action that starts another program."),
                    )
                else:
                    code, reason = "javascript", _("This PDF contains JavaScript.")
                raise DocumentRejected(
                    code,
                    reason
                    + " "
                    + _("Such PDFs are not accepted. Please print it to a plain PDF and upload it again."),
                )
            for name, value in item.items():
                if name in _SKIP_KEYS:
                    continue
                if isinstance(value, IndirectObject | DictionaryObject | ArrayObject):
                    stack.append(value)
        elif isinstance(item, ArrayObject):
            for value in item:
                if isinstance(value, IndirectObject | DictionaryObject | ArrayObject):
                    stack.append(value)
