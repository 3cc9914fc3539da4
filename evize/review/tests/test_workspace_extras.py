"""The office's tools around the workspace: shapes of a marked area in the annotated project, the
standard comments, the checklist per work type in the admin, audited reassignment, and the review
clock in the queue and the workspace."""

import datetime
import io

import pytest
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from evize.accounts.tests.factories import UserFactory
from evize.applications.models import Application, Status
from evize.audit.models import AuditEvent
from evize.review.models import ChecklistItem, Note, StandardComment
from evize.review.services import ReviewError, notation_send, note_add, review_assign

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_cloud_and_text_box_become_standard_pdf_annotations(review_app, reviewer):
    drawing = review_app.drawing
    note_add(
        actor=reviewer,
        application=review_app,
        category="correction_needed",
        text="Bulut",
        document=drawing,
        page=1,
        rect={"x": 100, "y": 100, "w": 80, "h": 50, "shape": "cloud"},
    )
    note_add(
        actor=reviewer,
        application=review_app,
        category="correction_needed",
        text="Yazı kutusu",
        document=drawing,
        page=2,
        rect={"x": 300, "y": 200, "w": 150, "h": 40, "shape": "text"},
    )
    notation = notation_send(actor=reviewer, application=review_app)
    with storages["default"].open(notation.annotated_blob.storage_key, "rb") as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
    first = [a.get_object() for a in reader.pages[0]["/Annots"]]
    cloud = next(a for a in first if a["/Subtype"] == "/Square")
    assert cloud["/BE"]["/S"] == "/C" and cloud["/Contents"] == "1. Bulut"
    second = [a.get_object() for a in reader.pages[1]["/Annots"]]
    assert [a["/Subtype"] for a in second] == ["/FreeText"]
    assert second[0]["/Contents"] == "2. Yazı kutusu"
    assert [round(float(v)) for v in second[0]["/Rect"]] == [300, 200, 450, 240]


def test_an_unknown_shape_is_refused(review_app, reviewer):
    with pytest.raises(ReviewError):
        note_add(
            actor=reviewer,
            application=review_app,
            category="correction_needed",
            text="x",
            document=review_app.drawing,
            page=1,
            rect={"x": 1, "y": 1, "w": 5, "h": 5, "shape": "star"},
        )
    assert not Note.objects.exists()


def test_standard_comment_prefills_the_note(staff_client, review_app, reviewer):
    comment = StandardComment.objects.create(
        category="missing_document", text="Zemin etüdü raporu eklenmeli."
    )
    StandardComment.objects.create(category="missing_document", text="Pasif yorum", is_active=False)
    client = staff_client(reviewer)
    page = client.get(reverse("review:workspace", args=[review_app.pk]), **EN).content.decode()
    assert f"?comment={comment.pk}" in page and "Pasif yorum" not in page
    page = client.get(
        reverse("review:workspace", args=[review_app.pk]), {"comment": comment.pk}, **EN
    ).content.decode()
    assert "Zemin etüdü raporu eklenmeli.</textarea>" in page
    assert 'value="missing_document" selected' in page


def test_checklist_follows_the_work_type(staff_client, review_app, reviewer):
    from evize.catalog.models import WorkType

    other_type = WorkType.objects.exclude(pk=review_app.work_type_id).first()
    ChecklistItem.objects.create(text="Her iş için", work_type=None)
    ChecklistItem.objects.create(text="Bu iş tipi için", work_type=review_app.work_type)
    ChecklistItem.objects.create(text="Başka iş tipi", work_type=other_type)
    page = (
        staff_client(reviewer).get(reverse("review:workspace", args=[review_app.pk]), **EN).content.decode()
    )
    assert "Her iş için" in page and "Bu iş tipi için" in page and "Başka iş tipi" not in page


def test_admin_configures_checklists_and_standard_comments(staff_client):
    admin = UserFactory(chamber_admin=True, is_staff=True, is_superuser=True)
    client = staff_client(admin)
    for name in ("checklistitem", "standardcomment"):
        assert client.get(reverse(f"admin:review_{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:review_{name}_add")).status_code == 200


def test_reassignment_is_audited_with_the_previous_reviewer(review_app, clerk, reviewer):
    other = UserFactory(control_engineer=True)
    review_assign(actor=clerk, application=review_app, reviewer=other)
    event = AuditEvent.objects.filter(action="evize.review.assigned", object_id=str(review_app.pk)).last()
    assert event.actor_id == clerk.pk
    assert event.data["reviewer"] == other.pk and event.data["previous"] == reviewer.pk
    # the application now belongs to the new reviewer only
    assert (
        not Application.objects.get(pk=review_app.pk)
        .review_assignments.filter(active=True, reviewer=reviewer)
        .exists()
    )


def test_queue_shows_the_clock_and_filters_overdue_by_it(staff_client, review_app, clerk, settings):
    settings.EVIZE_REVIEW_WORKING_DAYS = 5
    client = staff_client(clerk)
    page = client.get(reverse("review:queue"), **EN).content.decode()
    assert "Office time (working days)" in page and "0.0 / 5" in page
    assert "2026/00042" not in client.get(reverse("review:queue"), {"overdue": "1"}, **EN).content.decode()
    AuditEvent.objects.filter(object_type="applications.application", object_id=str(review_app.pk)).update(
        created_at=timezone.now() - datetime.timedelta(days=14)
    )
    page = client.get(reverse("review:queue"), {"overdue": "1"}, **EN).content.decode()
    assert "2026/00042" in page and "overdue" in page
    # while the notes are with the engineers the clock is paused and it is not overdue
    from evize.applications.workflow import transition

    transition(review_app, to=Status.NOTES_SENT, actor=clerk, changes={"notation_count": 1})
    page = client.get(reverse("review:queue"), **EN).content.decode()
    assert "(paused)" in page
    assert "2026/00042" not in client.get(reverse("review:queue"), {"overdue": "1"}, **EN).content.decode()


def test_workspace_shows_the_clock(staff_client, review_app, reviewer):
    page = (
        staff_client(reviewer).get(reverse("review:workspace", args=[review_app.pk]), **EN).content.decode()
    )
    assert "Review clock" in page and "At the visa office" in page and 'aria-current="step"' in page


def test_queue_search_and_filters(staff_client, review_app, clerk, reviewer, engineer_user):
    from evize.catalog.models import District, WorkType

    client = staff_client(clerk)

    def shown(**params) -> bool:
        response = client.get(reverse("review:queue"), params, **EN)
        assert response.status_code == 200
        return "2026/00042" in response.content.decode()

    engineer_name = engineer_user.member.last_name
    assert shown(q="00042") and shown(q="345") and shown(q="Çelik") and shown(q=engineer_name)
    assert not shown(q="999") and not shown(q="Yok Böyle Biri")
    assert shown(work_type=str(review_app.work_type_id))
    other_type = WorkType.objects.exclude(pk=review_app.work_type_id).first()
    assert not shown(work_type=str(other_type.pk))
    district = review_app.building.district
    assert shown(district=str(district.pk))
    assert not shown(district=str(District.objects.exclude(pk=district.pk).first().pk))
    assert shown(reviewer=str(reviewer.pk)) and not shown(reviewer="none")
    assert shown(status="in_review") and not shown(status="notes_sent")
    # bad input is ignored, never an error
    assert shown(district="abc", work_type="'; drop", reviewer="x", status="")
    assert not shown(status="nonsense")
