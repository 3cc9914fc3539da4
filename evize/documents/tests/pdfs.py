"""Small PDFs (and not-PDFs) made on the fly for the tests."""

from __future__ import annotations

import io
import zipfile

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

PNG_HEADER = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)


def make_pdf(pages: int = 1, *, size=A4, text: str = "e-Vize test", sizes=None) -> bytes:
    """A plain PDF with `pages` pages of `size` (points), or one page per entry of `sizes`."""
    buffer = io.BytesIO()
    sizes = list(sizes) if sizes else [size] * pages
    pdf = canvas.Canvas(buffer, pagesize=sizes[0])
    for number, page_size in enumerate(sizes, start=1):
        pdf.setPageSize(page_size)
        pdf.setFont("Helvetica", 14)
        pdf.drawString(20 * mm, page_size[1] - 30 * mm, f"{text} - page {number}")
        pdf.rect(15 * mm, 15 * mm, page_size[0] - 30 * mm, page_size[1] - 30 * mm)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def padded_pdf(total_bytes: int, *, seed: int = 1) -> bytes:
    """A valid one-page A4 PDF of about `total_bytes`, made large by an unused stream object."""
    import random

    rng = random.Random(seed)
    filler_len = max(0, total_bytes - 700)
    filler = rng.randbytes(filler_len)
    return build_pdf_with_filler(filler)


def build_pdf_with_filler(filler: bytes) -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Contents 4 0 R >>",
        None,  # content stream
        None,  # filler stream
    ]
    content = b"BT /F1 12 Tf 72 760 Td (e-Vize) Tj ET"
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode())
        if number == 4:
            out.write(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        elif number == 5:
            out.write(b"<< /Length %d >>\nstream\n" % len(filler))
            out.write(filler)
            out.write(b"\nendstream")
        else:
            out.write(body)
        out.write(b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf())))
    writer.encrypt(user_password="gizli", owner_password="sahip", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def javascript_pdf(kind: str = "open_action") -> bytes:
    """A PDF that runs JavaScript when opened (/OpenAction), from its /Names tree, from a page's
    /AA, or that launches a program (/Launch)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf())))
    if kind == "names":
        action = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
        )
        tree = DictionaryObject(
            {NameObject("/Names"): ArrayObject([TextStringObject("merhaba"), writer._add_object(action)])}
        )
        writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})
    elif kind == "launch":
        action = DictionaryObject(
            {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")}
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    elif kind == "page_aa":
        action = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
        )
        writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(action)})
    else:
        action = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("proje.pdf", make_pdf())
    return buffer.getvalue()


def png_bytes() -> bytes:
    return PNG_HEADER + b"\x00" * 200


def garbage_pdf() -> bytes:
    return b"%PDF-1.7\n" + bytes(range(256)) * 20


def truncated_pdf() -> bytes:
    data = make_pdf(pages=3)
    return data[: len(data) // 2]


def mm_size(width_mm: float, height_mm: float) -> tuple[float, float]:
    return width_mm * mm, height_mm * mm
