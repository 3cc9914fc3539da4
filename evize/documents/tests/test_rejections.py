"""Every bad file is refused at upload with its Turkish reason, and nothing is kept: no temporary
part, no blob on disk, no row in the database (only the audit event of the refusal)."""

import pytest

from evize.audit.models import AuditEvent
from evize.documents.models import Blob, Document, UploadSession

from . import pdfs
from .conftest import files_under, tus_upload
from .factories import DocumentTypeFactory

pytestmark = pytest.mark.django_db

BAD_FILES = [
    ("renamed_png", pdfs.png_bytes, "not_pdf", "Bu dosya PDF değil, bir PNG dosyası"),
    ("zip", pdfs.zip_bytes, "not_pdf", "Bu dosya PDF değil, bir ZIP dosyası"),
    ("garbage", pdfs.garbage_pdf, "unreadable", "Bu PDF bozuk"),
    ("truncated", pdfs.truncated_pdf, "unreadable", "Bu PDF bozuk"),
    ("plain_text", lambda: b"Merhaba, bu bir metin dosyasi.\n" * 10, "not_pdf", "Bu dosya PDF değil."),
    ("encrypted", pdfs.encrypted_pdf, "encrypted", "Bu PDF şifreli veya parola korumalı"),
    (
        "javascript_open_action",
        lambda: pdfs.javascript_pdf("open_action"),
        "javascript",
        "Bu PDF JavaScript içeriyor",
    ),
    ("javascript_names", lambda: pdfs.javascript_pdf("names"), "javascript", "Bu PDF JavaScript içeriyor"),
    (
        "javascript_page_action",
        lambda: pdfs.javascript_pdf("page_aa"),
        "javascript",
        "Bu PDF JavaScript içeriyor",
    ),
    ("launch_action", lambda: pdfs.javascript_pdf("launch"), "launch_action", "başka bir programı başlatan"),
    (
        "page_larger_than_a0",
        lambda: pdfs.make_pdf(size=pdfs.mm_size(900, 1300)),
        "page_too_large",
        "1. sayfa 900 × 1300 mm, A0 boyutundan büyük",
    ),
    (
        "page_smaller_than_a4",
        lambda: pdfs.make_pdf(sizes=[pdfs.mm_size(210, 297), pdfs.mm_size(148, 210)]),
        "page_too_small",
        "2. sayfa 148 × 210 mm, A4 boyutundan küçük",
    ),
]


def assert_nothing_kept(upload_dir, private_storage):
    assert Document.objects.count() == 0
    assert Blob.objects.count() == 0
    assert UploadSession.objects.count() == 0
    assert files_under(upload_dir) == []
    assert files_under(private_storage) == []


@pytest.mark.parametrize(("label", "make", "code", "reason"), BAD_FILES, ids=[case[0] for case in BAD_FILES])
def test_bad_file_is_refused_with_its_reason(
    label, make, code, reason, owner_client, application, multi_type, upload_dir, private_storage
):
    response = tus_upload(owner_client, application, multi_type, make(), name=f"{label}.pdf", chunk=700)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == code
    assert reason in body["error"]
    assert_nothing_kept(upload_dir, private_storage)
    event = AuditEvent.objects.get(action="evize.document.rejected")
    assert event.data["code"] == code
    assert event.data["file_name"] == f"{label}.pdf"
    assert event.object_id == str(application.pk)


def test_too_many_pages(owner_client, application, multi_type, upload_dir, private_storage, settings):
    settings.EVIZE_PDF_MAX_PAGES = 3
    response = tus_upload(owner_client, application, multi_type, pdfs.make_pdf(pages=4))
    assert response.status_code == 422
    assert response.json() == {
        "error": "Bu PDF 4 sayfa; en fazla 3 sayfa kabul edilir.",
        "code": "too_many_pages",
    }
    assert_nothing_kept(upload_dir, private_storage)


def test_document_type_page_limit(owner_client, application, upload_dir, private_storage):
    form = DocumentTypeFactory(max_pages=2)
    response = tus_upload(owner_client, application, form, pdfs.make_pdf(pages=3))
    assert response.status_code == 422
    assert response.json()["code"] == "too_many_pages"
    assert_nothing_kept(upload_dir, private_storage)


def test_a0_landscape_and_a4_are_accepted(owner_client, application, multi_type):
    data = pdfs.make_pdf(sizes=[pdfs.mm_size(297, 210), pdfs.mm_size(1189, 841), pdfs.mm_size(594, 841)])
    assert tus_upload(owner_client, application, multi_type, data).status_code == 204
    assert Document.objects.get().blob.page_count == 3


def test_same_file_twice_is_refused_and_said_so(
    owner_client, application, multi_type, upload_dir, private_storage
):
    data = pdfs.make_pdf()
    assert tus_upload(owner_client, application, multi_type, data, name="ilk.pdf").status_code == 204
    response = tus_upload(owner_client, application, multi_type, data, name="yine.pdf")
    assert response.status_code == 422
    assert response.json()["code"] == "duplicate"
    assert response.json()["error"] == (
        "Bu dosya bu başvuruya zaten eklenmiş: “ilk.pdf” (Proje paftaları (test))."
    )
    assert Document.objects.count() == 1
    assert Blob.objects.count() == 1
    assert UploadSession.objects.count() == 0
    assert files_under(upload_dir) == []
    assert len(files_under(private_storage)) == 1


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\ali\\Statik hesap.pdf", "Statik hesap.pdf"),
        ("pro\x00je\x07\x1b[31m.pdf", "proje[31m.pdf"),
        ("..\u202eFDP.exe", "FDP.exe.pdf"),
        ("   ", "belge.pdf"),
    ],
)
def test_file_name_is_sanitised(given, kept, owner_client, application, multi_type):
    response = tus_upload(owner_client, application, multi_type, pdfs.make_pdf(text=given), name=given)
    assert response.status_code == 204
    assert Document.objects.get().file_name == kept
