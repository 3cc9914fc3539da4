"""A posted file is spooled to the private upload folder and removed afterwards, even when the
service that reads it fails."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from evize.documents.spool import spooled_upload


def test_spooled_upload_is_readable_then_removed(settings, tmp_path):
    settings.EVIZE_UPLOAD_TMP_DIR = tmp_path / "uploads"
    upload = SimpleUploadedFile("proje.pdf", b"%PDF-1.7\n" + b"x" * 3_000_000)
    with spooled_upload(upload) as path:
        assert path.parent == tmp_path / "uploads"
        assert path.read_bytes() == b"%PDF-1.7\n" + b"x" * 3_000_000
    assert not path.exists()
    assert list((tmp_path / "uploads").iterdir()) == []


def test_spooled_upload_is_removed_when_the_service_fails(settings, tmp_path):
    settings.EVIZE_UPLOAD_TMP_DIR = tmp_path / "uploads"
    with pytest.raises(ValueError), spooled_upload(SimpleUploadedFile("x.pdf", b"not a pdf")) as path:
        raise ValueError("refused")
    assert not path.exists()


def test_a_service_may_consume_the_file(settings, tmp_path):
    settings.EVIZE_UPLOAD_TMP_DIR = tmp_path / "uploads"
    with spooled_upload(SimpleUploadedFile("x.pdf", b"%PDF-1.7")) as path:
        path.rename(tmp_path / "kept.pdf")
    assert (tmp_path / "kept.pdf").read_bytes() == b"%PDF-1.7"
