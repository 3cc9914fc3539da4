"""Documents tests: every test gets its own private storage and upload folders."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from django.test import Client

from evize.accounts.tests.factories import UserFactory
from evize.applications.tests.factories import ApplicationFactory
from evize.documents.tests.factories import DocumentTypeFactory


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    root = tmp_path / "private"
    uploads = tmp_path / "uploads"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": None},
        },
    }
    settings.EVIZE_UPLOAD_TMP_DIR = uploads
    return root


@pytest.fixture
def upload_dir(settings) -> Path:
    return Path(settings.EVIZE_UPLOAD_TMP_DIR)


def files_under(path: Path) -> list[Path]:
    return [p for p in path.rglob("*") if p.is_file()] if path.exists() else []


@pytest.fixture
def application(db):
    return ApplicationFactory()


@pytest.fixture
def owner(application):
    return application.created_by


@pytest.fixture
def owner_client(owner):
    """A client of its own (tests also use `client` for someone else)."""
    owner_client = Client()
    owner_client.force_login(owner)
    return owner_client


@pytest.fixture
def single_type(db):
    return DocumentTypeFactory(code="test-tek", name_tr="Teknik şartname (test)")


@pytest.fixture
def multi_type(db):
    return DocumentTypeFactory(code="test-cok", name_tr="Proje paftaları (test)", multiple=True)


@pytest.fixture
def other_engineer(db):
    return UserFactory()


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


TUS = {"Tus-Resumable": "1.0.0"}


def tus_create(client, application, document_type, length: int, name: str = "proje.pdf", **extra):
    metadata = f"filename {b64(name)},document_type {b64(str(document_type.pk))}"
    for key, value in extra.items():
        metadata += f",{key} {b64(str(value))}"
    return client.post(
        f"/belgeler/basvuru/{application.pk}/yukleme/",
        headers={**TUS, "Upload-Length": str(length), "Upload-Metadata": metadata},
    )


def tus_patch(client, location: str, data: bytes, offset: int):
    return client.generic(
        "PATCH",
        location,
        data=data,
        content_type="application/offset+octet-stream",
        headers={**TUS, "Upload-Offset": str(offset)},
    )


def tus_upload(
    client, application, document_type, data: bytes, name: str = "proje.pdf", chunk: int = 0, **extra
):
    """Create an upload and send all of `data`; return the last response."""
    created = tus_create(client, application, document_type, len(data), name, **extra)
    assert created.status_code == 201, created.content
    location = created["Location"]
    chunk = chunk or len(data)
    offset = 0
    response = None
    while offset < len(data):
        response = tus_patch(client, location, data[offset : offset + chunk], offset)
        if response.status_code != 204:
            return response
        offset = int(response["Upload-Offset"])
    return response
