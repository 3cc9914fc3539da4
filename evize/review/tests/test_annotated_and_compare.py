"""The annotated project marked up in a desktop PDF tool (uploaded instead of the generated copy),
and the page-by-page visual comparison of a replaced drawing set."""

import hashlib
import io
import shutil

import pytest
from django.core import mail
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Rectangle, Text

from evize.accounts.tests.factories import UserFactory
from evize.applications.models import Round
from evize.audit.models import AuditEvent
from evize.documents.models import Document
from evize.review.compare import compare_pages
from evize.review.models import AnnotatedUpload
from evize.review.pdfs import store_pdf
from evize.review.services import notation_send, note_add

from .conftest import drawing_pdf

pytestmark = pytest.mark.django_db


def desktop_annotated(source: bytes) -> bytes:
    """What a desktop PDF tool saves: the drawings with a cloud/rectangle and a sticky note."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(source)))
    writer.add_annotation(page_number=0, annotation=Rectangle(rect=(300, 300, 420, 380)))
    writer.add_annotation(page_number=1, annotation=Text(rect=(50, 50, 70, 70), text="Aks 3 ölçüsü"))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def blob_bytes(blob) -> bytes:
    with storages["default"].open(blob.storage_key, "rb") as fh:
        return fh.read()


def upload(client, app, data: bytes, name="notlanmis.pdf"):
    return client.post(
        reverse("review:annotated_upload", args=[app.pk]),
        {"file": SimpleUploadedFile(name, data, content_type="application/pdf")},
    )


def test_uploaded_annotated_copy_is_sent_instead_of_the_generated_one(
    staff_client, review_app, reviewer, django_capture_on_commit_callbacks
):
    client = staff_client(reviewer)
    original = blob_bytes(review_app.drawing.blob)
    annotated = desktop_annotated(original)
    response = upload(client, review_app, annotated)
    assert response.status_code == 302
    pending = AnnotatedUpload.objects.get(application=review_app, notation__isnull=True)
    assert pending.annotation_count == 2
    assert AuditEvent.objects.filter(action="evize.review.annotated_uploaded").exists()
    page = client.get(reverse("review:workspace", args=[review_app.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "notlanmis.pdf" in page.content.decode()

    note_add(
        actor=reviewer,
        application=review_app,
        category="correction_needed",
        text="Aks ölçüleri",
        document=review_app.drawing,
        page=1,
        rect={"x": 10, "y": 10, "w": 20, "h": 20},
    )
    with django_capture_on_commit_callbacks(execute=True):
        notation = notation_send(actor=reviewer, application=review_app)
    pending.refresh_from_db()
    assert pending.notation == notation
    assert notation.annotated_blob_id == hashlib.sha256(annotated).hexdigest()
    # the engineers receive exactly the uploaded file, its annotations readable as PDF annotations
    attachment = next(a for a in mail.outbox[0].attachments if a[0].startswith("notlanmis-proje"))
    assert attachment[1] == annotated
    reader = PdfReader(io.BytesIO(attachment[1]))
    assert [a.get_object()["/Subtype"] for a in reader.pages[0]["/Annots"]] == ["/Square"]
    assert reader.pages[1]["/Annots"][0].get_object()["/Contents"] == "Aks 3 ölçüsü"
    # the signed original is untouched
    assert blob_bytes(review_app.drawing.blob) == original
    event = AuditEvent.objects.get(action="evize.review.notation_sent")
    assert event.data["annotated_source"] == "uploaded"


def test_bad_uploads_are_refused_with_a_message(staff_client, review_app, reviewer):
    client = staff_client(reviewer)
    for data, name in (
        (b"not a pdf at all", "notlar.pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "resim.pdf"),
        (drawing_pdf(), "isaretsiz.pdf"),  # a PDF without any annotation
    ):
        response = upload(client, review_app, data, name)
        assert response.status_code == 302
        messages = [str(m) for m in response.wsgi_request._messages]
        assert messages and "uploaded" not in messages[-1]
    response = client.post(reverse("review:annotated_upload", args=[review_app.pk]), {})
    assert response.status_code == 302
    assert not AnnotatedUpload.objects.exists()
    assert not AuditEvent.objects.filter(action="evize.review.annotated_uploaded").exists()


def test_only_the_assigned_reviewer_uploads_or_removes(
    staff_client, client, review_app, reviewer, engineer_user
):
    data = desktop_annotated(drawing_pdf())
    other = UserFactory(control_engineer=True)
    assert upload(staff_client(other), review_app, data).status_code == 404
    client.force_login(engineer_user)
    assert upload(client, review_app, data).status_code == 403
    assert not AnnotatedUpload.objects.exists()
    mine = staff_client(reviewer)
    upload(mine, review_app, data)
    assert AnnotatedUpload.objects.count() == 1
    assert (
        staff_client(other).post(reverse("review:annotated_remove", args=[review_app.pk])).status_code == 404
    )
    mine = staff_client(reviewer)
    assert mine.post(reverse("review:annotated_remove", args=[review_app.pk])).status_code == 302
    assert not AnnotatedUpload.objects.exists()
    assert AuditEvent.objects.filter(action="evize.review.annotated_removed").exists()


# --- the visual comparison -------------------------------------------------------------------------------


def drawing_with_change() -> bytes:
    """drawing_pdf() with a beam added on page 2 only."""
    from reportlab.lib.pagesizes import A3, landscape
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=landscape(A3))
    for page in (1, 2):
        c.drawString(72, 72, f"Pafta S-0{page}")
        if page == 2:
            c.setLineWidth(6)
            c.rect(600, 400, 300, 120)
        c.showPage()
    c.save()
    return out.getvalue()


@pytest.fixture
def replaced(review_app, engineer_user):
    """Round 2: the drawing replaced by a version with a change on page 2."""
    old = review_app.drawing
    blob = store_pdf(drawing_with_change())
    Document.objects.filter(pk=old.pk).update(state=Document.State.REPLACED)
    new = Document.objects.create(
        application=review_app,
        document_type=old.document_type,
        blob=blob,
        file_name="statik-proje-r2.pdf",
        uploaded_by=engineer_user,
        previous=old,
    )
    Round.objects.create(
        application=review_app,
        number=2,
        created_by=engineer_user,
        snapshot={"sections": {"building": {"address": "Yeni"}}},
    )
    return old, new


needs_pdftoppm = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="Poppler's pdftoppm")


@needs_pdftoppm
def test_comparison_finds_the_changed_region_on_the_right_page(replaced):
    old, new = replaced
    pages = compare_pages(old.blob, new.blob)
    assert [p.changed for p in pages] == [False, True]
    left, top, right, bottom = pages[1].boxes[0]
    # the beam: x 600-900 of 1190.5 pt, y 400-520 pt from the bottom of 841.9 pt
    assert left == pytest.approx(600 / 1190.5, abs=0.06) and right == pytest.approx(900 / 1190.5, abs=0.06)
    assert top == pytest.approx(1 - 520 / 841.9, abs=0.06) and bottom == pytest.approx(
        1 - 400 / 841.9, abs=0.06
    )


@needs_pdftoppm
def test_workspace_links_the_comparison_and_it_renders(staff_client, review_app, reviewer, replaced):
    old, new = replaced
    client = staff_client(reviewer)
    page = client.get(
        reverse("review:workspace", args=[review_app.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    compare_url = reverse("review:compare", args=[review_app.pk, new.pk])
    assert compare_url in page and "replaced" in page and "Changed since round 1" in page
    assert 'href="#section-building"' in page  # the changed section is pointed out
    compare = client.get(compare_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 page changed" in compare and "1 changed region" in compare
    image = client.get(reverse("review:compare_image", args=[review_app.pk, new.pk, 2, "new"]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")
    bad = client.get(reverse("review:compare_image", args=[review_app.pk, new.pk, 2, "other"]))
    assert bad.status_code == 404
    assert (
        client.get(reverse("review:compare_image", args=[review_app.pk, new.pk, 9, "new"])).status_code == 404
    )


def test_comparison_is_refused_to_others_and_without_a_previous_version(
    staff_client, client, review_app, reviewer, replaced, engineer_user
):
    old, new = replaced
    url = reverse("review:compare", args=[review_app.pk, new.pk])
    assert staff_client(UserFactory(control_engineer=True)).get(url).status_code == 404
    client.force_login(engineer_user)
    assert client.get(url).status_code == 403
    mine = staff_client(reviewer)
    assert mine.get(reverse("review:compare", args=[review_app.pk, old.pk])).status_code == 404  # not current
    assert mine.get(reverse("review:compare", args=[review_app.pk, 999999])).status_code == 404
