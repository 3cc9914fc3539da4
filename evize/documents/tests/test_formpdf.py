"""The Başvuru Formu PDF: Turkish, the chamber's header, every section, and a manifest whose
SHA-256 values are read back from the PDF."""

import hashlib
import io

import pytest
from pypdf import PdfReader

from evize.audit.models import AuditEvent
from evize.documents.blobstore import blob_key
from evize.documents.formpdf import (
    FormSection,
    application_form_pdf,
    application_form_store,
    register_form_section_provider,
    unregister_form_section_provider,
)
from evize.documents.models import Blob

from .conftest import tus_upload
from .pdfs import make_pdf

pytestmark = pytest.mark.django_db


def pdf_text(data_or_path) -> str:
    reader = PdfReader(data_or_path if not isinstance(data_or_path, bytes) else io.BytesIO(data_or_path))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def attached(owner_client, application, multi_type, single_type):
    files = {
        "pafta-1.pdf": (multi_type, make_pdf(pages=2, text="pafta 1")),
        "pafta-2 çizim.pdf": (multi_type, make_pdf(pages=1, text="pafta 2")),
        "şartname.pdf": (single_type, make_pdf(pages=3, text="şartname")),
    }
    for name, (document_type, data) in files.items():
        assert tus_upload(owner_client, application, document_type, data, name=name).status_code == 204
    return {name: hashlib.sha256(data).hexdigest() for name, (_, data) in files.items()}


def test_manifest_lists_every_file_with_its_sha256(application, attached, tmp_path):
    path = application_form_pdf(application, out_path=tmp_path / "form.pdf")
    text = pdf_text(path)
    for name, sha in attached.items():
        assert sha in text, f"{name}: {sha} not in the PDF"
        assert name in text
    assert "K.T.M.M.O.B. İnşaat Mühendisleri Odası" in text
    assert "e-Vize Başvuru Formu" in text
    assert "Ekli dosyalar (dosya listesi)" in text
    assert "Proje paftaları (test)" in text and "Teknik şartname (test)" in text
    assert "3 dosya" in text
    engineer = application.engineers.get()
    assert engineer.member.full_name in text
    assert "Başvuru sahibi mühendis" in text


def test_removed_and_replaced_files_are_not_in_the_manifest(owner_client, application, single_type, tmp_path):
    from evize.documents.models import Document
    from evize.documents.services import document_delete

    old, new = make_pdf(text="eski"), make_pdf(text="yeni")
    tus_upload(owner_client, application, single_type, old)
    tus_upload(owner_client, application, single_type, new)
    text = pdf_text(application_form_pdf(application, out_path=tmp_path / "a.pdf"))
    assert hashlib.sha256(new).hexdigest() in text
    assert hashlib.sha256(old).hexdigest() not in text
    current = Document.objects.get(state=Document.State.CURRENT)
    document_delete(actor=application.created_by, document=current)
    text = pdf_text(application_form_pdf(application, out_path=tmp_path / "b.pdf"))
    assert hashlib.sha256(new).hexdigest() not in text
    assert "Ekli dosya yok." in text


def test_sections_from_providers_are_rendered(application, tmp_path):
    def building(app):
        return [
            FormSection(title="Yapı Bilgileri", rows=[("İlçe", "Girne"), ("Köy / Mahalle", "Karaoğlanoğlu")])
        ]

    register_form_section_provider(building)
    try:
        text = pdf_text(application_form_pdf(application, out_path=tmp_path / "form.pdf"))
    finally:
        unregister_form_section_provider(building)
    assert "Yapı Bilgileri" in text
    assert "Karaoğlanoğlu" in text


def test_form_is_turkish_even_when_the_user_reads_english(application, tmp_path):
    from django.utils import translation

    with translation.override("en"):
        text = pdf_text(application_form_pdf(application, out_path=tmp_path / "form.pdf"))
    assert "Başvuru Formu" in text
    assert "Kayıt numarası" in text


def test_form_view_streams_the_pdf(owner_client, application, attached):
    response = owner_client.get(f"/belgeler/basvuru/{application.pk}/basvuru-formu.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    text = pdf_text(data)
    for sha in attached.values():
        assert sha in text


def test_form_is_stored_content_addressed(application, attached, private_storage):
    blob = application_form_store(actor=application.created_by, application=application, round_label="1. tur")
    stored = (private_storage / blob_key(blob.sha256)).read_bytes()
    assert hashlib.sha256(stored).hexdigest() == blob.sha256
    assert Blob.objects.filter(pk=blob.pk).exists()
    text = pdf_text(stored)
    assert "1. tur" in text
    for sha in attached.values():
        assert sha in text
    assert AuditEvent.objects.get(action="evize.document.form_rendered").data["sha256"] == blob.sha256
