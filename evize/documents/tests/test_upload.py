"""Resumable uploads (tus 1.0.0) into the slots of an application."""

import hashlib

import pytest

from evize.audit.models import AuditEvent
from evize.documents.blobstore import blob_key
from evize.documents.models import Blob, Document, UploadSession

from .conftest import TUS, files_under, tus_create, tus_patch, tus_upload
from .pdfs import make_pdf

pytestmark = pytest.mark.django_db


def test_options_advertise_protocol(owner_client, application):
    response = owner_client.options(f"/belgeler/basvuru/{application.pk}/yukleme/")
    assert response.status_code == 204
    assert response["Tus-Version"] == "1.0.0"
    assert response["Tus-Extension"] == "creation,termination"
    assert int(response["Tus-Max-Size"]) > 0


def test_upload_in_chunks_creates_document_and_blob(
    owner_client, application, owner, multi_type, private_storage
):
    data = make_pdf(pages=3)
    response = tus_upload(owner_client, application, multi_type, data, name="Kat planları.pdf", chunk=1000)
    assert response.status_code == 204
    assert int(response["Upload-Offset"]) == len(data)
    sha = hashlib.sha256(data).hexdigest()
    document = Document.objects.get()
    assert document.pk == int(response["Evize-Document-Id"])
    assert document.file_name == "Kat planları.pdf"
    assert document.document_type == multi_type
    assert document.uploaded_by == owner
    assert document.blob.sha256 == sha
    assert document.blob.size == len(data)
    assert document.blob.page_count == 3
    stored = private_storage / blob_key(sha)
    assert stored.read_bytes() == data
    assert not UploadSession.objects.exists()
    event = AuditEvent.objects.get(action="evize.document.uploaded")
    assert event.data["sha256"] == sha
    assert event.data["pages"] == 3
    assert event.object_id == str(document.pk)


def test_head_reports_offset_and_patch_needs_matching_offset(owner_client, application, multi_type):
    data = make_pdf()
    location = tus_create(owner_client, application, multi_type, len(data))["Location"]
    head = owner_client.head(location, headers=TUS)
    assert head.status_code == 200
    assert head["Upload-Offset"] == "0"
    assert head["Upload-Length"] == str(len(data))
    assert head["Cache-Control"] == "no-store"
    assert tus_patch(owner_client, location, data[:100], 0).status_code == 204
    assert owner_client.head(location, headers=TUS)["Upload-Offset"] == "100"
    wrong = tus_patch(owner_client, location, data[100:200], 50)
    assert wrong.status_code == 409
    assert owner_client.head(location, headers=TUS)["Upload-Offset"] == "100"
    done = tus_patch(owner_client, location, data[100:], 100)
    assert done.status_code == 204
    assert Document.objects.count() == 1


def test_patch_requires_tus_header_and_content_type(owner_client, application, multi_type):
    data = make_pdf()
    location = tus_create(owner_client, application, multi_type, len(data))["Location"]
    no_version = owner_client.generic(
        "PATCH",
        location,
        data=data,
        content_type="application/offset+octet-stream",
        headers={"Upload-Offset": "0"},
    )
    assert no_version.status_code == 412
    wrong_type = owner_client.generic(
        "PATCH", location, data=data, content_type="application/pdf", headers={**TUS, "Upload-Offset": "0"}
    )
    assert wrong_type.status_code == 415


def test_sending_more_than_announced_is_refused(owner_client, application, multi_type):
    data = make_pdf()
    location = tus_create(owner_client, application, multi_type, 10)["Location"]
    response = tus_patch(owner_client, location, data, 0)
    assert response.status_code == 400
    assert Document.objects.count() == 0


def test_termination_removes_session_and_bytes(owner_client, application, multi_type, upload_dir):
    data = make_pdf()
    location = tus_create(owner_client, application, multi_type, len(data))["Location"]
    tus_patch(owner_client, location, data[:500], 0)
    assert files_under(upload_dir)
    response = owner_client.delete(location, headers=TUS)
    assert response.status_code == 204
    assert not UploadSession.objects.exists()
    assert files_under(upload_dir) == []
    assert owner_client.head(location, headers=TUS).status_code == 404


def test_too_large_file_is_refused_before_any_byte(owner_client, application, multi_type, settings):
    settings.EVIZE_UPLOAD_MAX_BYTES = 1000
    response = tus_create(owner_client, application, multi_type, 5000)
    assert response.status_code == 413
    assert (
        "1000" in response.json()["error"]
        or "KB" in response.json()["error"]
        or "bayt" in response.json()["error"]
    )
    assert not UploadSession.objects.exists()


def test_empty_file_is_refused(owner_client, application, multi_type):
    response = tus_create(owner_client, application, multi_type, 0)
    assert response.status_code == 400
    assert response.json()["error"] == "Dosya boş."


def test_single_slot_upload_makes_a_new_version(owner_client, application, single_type):
    first = make_pdf(text="ilk")
    second = make_pdf(text="ikinci")
    assert tus_upload(owner_client, application, single_type, first).status_code == 204
    assert tus_upload(owner_client, application, single_type, second).status_code == 204
    old, new = Document.objects.order_by("pk")
    assert old.state == Document.State.REPLACED
    assert new.state == Document.State.CURRENT
    assert new.previous == old
    assert Blob.objects.count() == 2
    assert AuditEvent.objects.filter(action="evize.document.uploaded").last().data["replaces"] == old.pk


def test_replacing_a_chosen_file_in_a_multi_slot(owner_client, application, multi_type):
    a, b, c = (make_pdf(text=t) for t in ("a", "b", "c"))
    tus_upload(owner_client, application, multi_type, a, name="a.pdf")
    tus_upload(owner_client, application, multi_type, b, name="b.pdf")
    doc_a = Document.objects.get(file_name="a.pdf")
    assert (
        tus_upload(owner_client, application, multi_type, c, name="c.pdf", replaces=doc_a.pk).status_code
        == 204
    )
    current = set(Document.objects.filter(state=Document.State.CURRENT).values_list("file_name", flat=True))
    assert current == {"b.pdf", "c.pdf"}
    assert Document.objects.get(file_name="c.pdf").previous == doc_a


def test_same_bytes_in_two_applications_share_one_blob(client, multi_type):
    from evize.applications.tests.factories import ApplicationFactory

    data = make_pdf()
    for _ in range(2):
        app = ApplicationFactory()
        client.force_login(app.created_by)
        assert tus_upload(client, app, multi_type, data).status_code == 204
    assert Document.objects.count() == 2
    assert Blob.objects.count() == 1


def test_expired_sessions_are_purged(owner_client, application, multi_type, upload_dir):
    import datetime

    from django.utils import timezone

    from evize.documents.services import upload_sessions_purge_expired

    location = tus_create(owner_client, application, multi_type, 5000)["Location"]
    tus_patch(owner_client, location, b"%PDF-1.7\n", 0)
    UploadSession.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert upload_sessions_purge_expired() == 1
    assert not UploadSession.objects.exists()
    assert files_under(upload_dir) == []


def test_chunks_handled_by_another_process_still_give_the_right_sha256(owner_client, application, multi_type):
    """The running hash is kept per process; when a chunk went to another worker (simulated by
    forgetting it), the finished file is hashed from disk instead."""
    from evize.documents import services

    data = make_pdf(pages=2, text="başka süreç")
    location = tus_create(owner_client, application, multi_type, len(data))["Location"]
    assert tus_patch(owner_client, location, data[:1500], 0).status_code == 204
    services._RUNNING_HASHES.clear()
    assert tus_patch(owner_client, location, data[1500:], 1500).status_code == 204
    assert Document.objects.get().blob.sha256 == hashlib.sha256(data).hexdigest()
