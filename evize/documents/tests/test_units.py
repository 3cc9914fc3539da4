"""Small pieces: file names, byte ranges, tus metadata, the PDF checks' safety limits."""

import pytest

from evize.documents import pdfcheck
from evize.documents.downloads import content_disposition, parse_range
from evize.documents.filenames import sanitize_file_name
from evize.documents.pdfcheck import DocumentRejected, check_pdf
from evize.documents.tus import parse_metadata

from . import pdfs


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Statik Hesap.PDF", "Statik Hesap.pdf"),
        ("çizim", "çizim.pdf"),
        ("a/b/c.pdf", "c.pdf"),
        ("..", "belge.pdf"),
        ("x" * 400 + ".pdf", "x" * 146 + ".pdf"),
        ('kat<1>:"plan"?.pdf', "kat_1___plan__.pdf"),
        ("tab\there.pdf", "tabhere.pdf"),
        ("  .gizli.pdf", "gizli.pdf"),
    ],
)
def test_sanitize_file_name(given, expected):
    assert sanitize_file_name(given) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("bytes=0-9", (0, 9)),
        ("bytes=5-", (5, 99)),
        ("bytes=-10", (90, 99)),
        ("bytes=-500", (0, 99)),
        ("bytes=90-500", (90, 99)),
        ("bytes=100-", False),
        ("bytes=-0", False),
        ("bytes=9-3", None),
        ("bytes=0-1,4-5", None),
        ("items=0-1", None),
        ("bytes=-", None),
    ],
)
def test_parse_range(header, expected):
    assert parse_range(header, 100) == expected


def test_content_disposition_is_safe_for_any_name():
    value = content_disposition('Ağ "planı"\\.pdf', inline=False)
    assert value == "attachment; filename=\"A plan.pdf\"; filename*=UTF-8''A%C4%9F%20%22plan%C4%B1%22%5C.pdf"
    assert content_disposition("a\nb\r.pdf", inline=True).startswith('inline; filename="ab.pdf";')


def test_parse_metadata():
    assert parse_metadata("filename cHJvamUucGRm,document_type MTI=,empty,broken !!!") == {
        "filename": "proje.pdf",
        "document_type": "12",
        "empty": "",
        "broken": "",
    }


def test_leading_junk_before_the_pdf_header_is_tolerated(tmp_path):
    path = tmp_path / "a.pdf"
    path.write_bytes(b"\r\n\r\n" + pdfs.make_pdf())
    assert check_pdf(path).page_count == 1


def test_large_damaged_file_is_refused_without_reading_it_whole(tmp_path, monkeypatch):
    """pypdf rebuilds a broken cross-reference table by reading the whole file; above the cap
    the check refuses instead of pulling a large file into memory."""
    monkeypatch.setattr(pdfcheck, "MAX_SINGLE_READ", 64 * 1024)
    data = pdfs.padded_pdf(512 * 1024)
    broken = data.replace(b"startxref\n", b"startxref\n9").replace(b"xref\n0 6", b"xre_\n0 6")
    path = tmp_path / "broken.pdf"
    path.write_bytes(broken)
    with pytest.raises(DocumentRejected) as info:
        check_pdf(path)
    assert info.value.code == "unreadable"


def test_user_unit_scales_the_page_size(tmp_path):
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import FloatObject, NameObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdfs.make_pdf())))
    writer.pages[0][NameObject("/UserUnit")] = FloatObject(10)
    path = tmp_path / "huge.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    with pytest.raises(DocumentRejected) as info:
        check_pdf(path)
    assert info.value.code == "page_too_large"
