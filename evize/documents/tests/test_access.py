"""Who may see, download and change documents; downloads with byte ranges and safe headers."""

import hashlib

import pytest

from evize.applications.models import Status
from evize.applications.tests.factories import ApplicationFactory
from evize.audit.models import AuditEvent
from evize.documents.models import Document

from .conftest import TUS, tus_create, tus_patch, tus_upload
from .pdfs import make_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(owner_client, application, multi_type):
    data = make_pdf(pages=2, text="Statik proje")
    assert (
        tus_upload(owner_client, application, multi_type, data, name="Statik proje ş.pdf").status_code == 204
    )
    document = Document.objects.get()
    document.data = data
    return document


URL_NAMES = ["indir", "dosya", "goruntule"]


@pytest.mark.parametrize("kind", URL_NAMES)
def test_another_engineer_gets_404_never_the_file(kind, client, document, other_engineer):
    client.force_login(other_engineer)
    response = client.get(f"/belgeler/belge/{document.pk}/{kind}/")
    assert response.status_code == 404
    assert document.data not in b"".join(getattr(response, "streaming_content", [response.content]))


@pytest.mark.parametrize("kind", URL_NAMES)
def test_anonymous_is_sent_to_login(kind, client, document):
    response = client.get(f"/belgeler/belge/{document.pk}/{kind}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/hesap/giris/")
    assert document.data not in response.content


def test_unknown_document_is_404(owner_client):
    assert owner_client.get("/belgeler/belge/999999/indir/").status_code == 404


def test_other_engineer_cannot_see_the_documents_page_or_upload(
    client, application, multi_type, other_engineer
):
    client.force_login(other_engineer)
    assert client.get(f"/belgeler/basvuru/{application.pk}/").status_code == 404
    assert client.get(f"/belgeler/basvuru/{application.pk}/basvuru-formu.pdf").status_code == 404
    response = tus_create(client, application, multi_type, 100)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_anonymous_upload_is_refused(client, application, multi_type):
    response = tus_create(client, application, multi_type, 100)
    assert response.status_code == 403
    assert response.json()["code"] == "login_required"


def test_someone_elses_upload_session_is_invisible(
    client, owner_client, application, multi_type, other_engineer
):
    location = tus_create(owner_client, application, multi_type, 100)["Location"]
    client.force_login(other_engineer)
    assert client.head(location, headers=TUS).status_code == 404
    assert client.delete(location, headers=TUS).status_code == 404


def test_second_engineer_sees_and_uploads(client, application, multi_type):
    from evize.accounts.tests.factories import UserFactory
    from evize.applications.models import ApplicationEngineer

    second = UserFactory()
    ApplicationEngineer.objects.create(
        application=application,
        member=second.member,
        position=2,
        email="iki@example.org",
        national_id=second.member.national_id,
        phone="+90 533 111 11 11",
    )
    client.force_login(second)
    assert client.get(f"/belgeler/basvuru/{application.pk}/").status_code == 200
    assert tus_upload(client, application, multi_type, make_pdf()).status_code == 204


def test_office_staff_may_view_and_download_but_not_delete(staff_client, document):
    from evize.accounts.tests.factories import UserFactory

    client = staff_client(UserFactory(clerk=True))
    page = client.get(f"/belgeler/basvuru/{document.application_id}/")
    assert page.status_code == 200
    assert f"/belgeler/belge/{document.pk}/sil/" not in page.content.decode()
    download = client.get(f"/belgeler/belge/{document.pk}/indir/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == document.data
    assert client.post(f"/belgeler/belge/{document.pk}/sil/").status_code == 403
    assert Document.objects.get(pk=document.pk).state == Document.State.CURRENT


def test_staff_without_two_factor_is_sent_to_otp(client, document):
    from evize.accounts.tests.factories import UserFactory

    client.force_login(UserFactory(clerk=True))
    response = client.get(f"/belgeler/belge/{document.pk}/indir/")
    assert response.status_code == 302
    assert response["Location"].startswith("/hesap/iki-adim/")


def test_download_headers(owner_client, document):
    response = owner_client.get(f"/belgeler/belge/{document.pk}/indir/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == document.data
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(document.data))
    assert response["Accept-Ranges"] == "bytes"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    assert response["ETag"] == f'"{hashlib.sha256(document.data).hexdigest()}"'
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Statik%20proje%20%C5%9F.pdf" in disposition
    assert 'filename="Statik proje .pdf"' in disposition
    inline = owner_client.get(f"/belgeler/belge/{document.pk}/dosya/")
    assert inline["Content-Disposition"].startswith("inline;")


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=0-99", 0, 99), ("bytes=100-", 100, None), ("bytes=-50", None, None), ("bytes=10-10", 10, 10)],
)
def test_range_requests(header, start, end, owner_client, document):
    data = document.data
    size = len(data)
    if start is None:
        start, end = size - 50, size - 1
    if end is None:
        end = size - 1
    response = owner_client.get(f"/belgeler/belge/{document.pk}/dosya/", headers={"Range": header})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {start}-{end}/{size}"
    assert response["Content-Length"] == str(end - start + 1)
    assert b"".join(response.streaming_content) == data[start : end + 1]


def test_unsatisfiable_range_is_416(owner_client, document):
    size = len(document.data)
    response = owner_client.get(f"/belgeler/belge/{document.pk}/dosya/", headers={"Range": f"bytes={size}-"})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{size}"


def test_several_ranges_or_stale_if_range_give_the_whole_file(owner_client, document):
    url = f"/belgeler/belge/{document.pk}/dosya/"
    several = owner_client.get(url, headers={"Range": "bytes=0-1,5-6"})
    assert several.status_code == 200
    stale = owner_client.get(url, headers={"Range": "bytes=0-1", "If-Range": '"eski"'})
    assert stale.status_code == 200
    assert b"".join(stale.streaming_content) == document.data


def test_head_request(owner_client, document):
    response = owner_client.head(f"/belgeler/belge/{document.pk}/dosya/")
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(document.data))
    assert response.content == b""


def test_delete_before_signing(owner_client, document):
    response = owner_client.post(f"/belgeler/belge/{document.pk}/sil/")
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.state == Document.State.REMOVED
    assert document.removed_by == document.uploaded_by
    assert document.removed_at is not None
    event = AuditEvent.objects.get(action="evize.document.deleted")
    assert event.object_id == str(document.pk)
    assert event.data["sha256"] == document.blob_id
    page = owner_client.get(f"/belgeler/basvuru/{document.application_id}/")
    assert f'data-document="{document.pk}"' not in page.content.decode()


def test_delete_with_htmx_returns_the_slot(owner_client, document):
    response = owner_client.post(f"/belgeler/belge/{document.pk}/sil/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert f'id="slot-{document.document_type_id}"' in response.content.decode()
    assert "Henüz dosya yok." in response.content.decode()


@pytest.mark.parametrize(
    "status", [Status.AWAITING_SIGNATURE, Status.IN_REVIEW, Status.APPROVED, Status.VISAED]
)
def test_files_are_locked_after_signing(status, owner_client, document, multi_type):
    application = document.application
    type(application).objects.filter(pk=application.pk).update(status=status)
    response = owner_client.post(f"/belgeler/belge/{document.pk}/sil/")
    assert response.status_code == 302
    assert Document.objects.get(pk=document.pk).state == Document.State.CURRENT
    assert not AuditEvent.objects.filter(action="evize.document.deleted").exists()
    created = tus_create(owner_client, application, multi_type, 100)
    assert created.status_code == 403
    assert created.json()["code"] == "locked"
    assert "kilitli" in created.json()["error"]
    page = owner_client.get(f"/belgeler/basvuru/{application.pk}/")
    html = page.content.decode()
    assert 'class="upload-form"' not in html
    assert f"/belgeler/belge/{document.pk}/sil/" not in html
    assert owner_client.get(f"/belgeler/belge/{document.pk}/indir/").status_code == 200


def test_correction_after_notes_is_editable(owner_client, document):
    type(document.application).objects.filter(pk=document.application_id).update(status=Status.NOTES_SENT)
    assert owner_client.post(f"/belgeler/belge/{document.pk}/sil/").status_code == 302
    assert Document.objects.get(pk=document.pk).state == Document.State.REMOVED


def test_upload_in_progress_is_stopped_when_application_gets_signed(owner_client, application, multi_type):
    data = make_pdf()
    location = tus_create(owner_client, application, multi_type, len(data))["Location"]
    type(application).objects.filter(pk=application.pk).update(status=Status.AWAITING_SIGNATURE)
    response = owner_client.generic(
        "PATCH",
        location,
        data=data,
        content_type="application/offset+octet-stream",
        headers={**TUS, "Upload-Offset": "0"},
    )
    assert response.status_code == 403
    assert Document.objects.count() == 0


def test_documents_page_lists_slots_with_limits(owner_client, application, multi_type, single_type, settings):
    settings.EVIZE_UPLOAD_MAX_BYTES = 2 * 1024**3
    response = owner_client.get(f"/belgeler/basvuru/{application.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Proje paftaları (test)" in html and "Teknik şartname (test)" in html
    assert "+Yükle ve Ekle" in html
    assert "Biçim: yalnızca PDF" in html
    assert "2,0\xa0GB" in html
    assert "A4 ile A0 arası" in html


def test_slot_list_query_count_is_constant(
    owner_client, application, multi_type, django_assert_max_num_queries
):
    for i in range(6):
        tus_upload(owner_client, application, multi_type, make_pdf(text=f"pafta {i}"), name=f"p{i}.pdf")
    with django_assert_max_num_queries(12):
        response = owner_client.get(f"/belgeler/basvuru/{application.pk}/")
    assert response.content.decode().count('class="file"') == 6


def test_application_not_existing_is_404(owner_client):
    assert owner_client.get("/belgeler/basvuru/424242/").status_code == 404
    assert ApplicationFactory  # imported for other tests' factories


def test_every_chunk_is_authorized_again(owner_client, application, multi_type, upload_dir):
    """The permission is checked per chunk, on the application as it is now: once its files are
    locked (signing started) or the engineer is no longer on it, no further byte is taken."""
    from evize.applications.models import ApplicationEngineer

    data = make_pdf(pages=2)
    location = tus_create(owner_client, application, multi_type, len(data))["Location"]
    assert tus_patch(owner_client, location, data[:1000], 0).status_code == 204
    part = next(upload_dir.glob("*.part"))

    type(application).objects.filter(pk=application.pk).update(status=Status.AWAITING_SIGNATURE)
    locked = tus_patch(owner_client, location, data[1000:2000], 1000)
    assert locked.status_code == 403
    assert locked.json()["code"] == "locked"
    assert part.stat().st_size == 1000

    type(application).objects.filter(pk=application.pk).update(status=Status.DRAFT)
    ApplicationEngineer.objects.filter(application=application).delete()
    gone = tus_patch(owner_client, location, data[1000:2000], 1000)
    assert gone.status_code == 404
    assert part.stat().st_size == 1000
    assert not Document.objects.exists()
