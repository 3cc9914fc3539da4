import hashlib
import io

import pytest
from django.core import mail
from django.core.files.storage import storages
from pypdf import PdfReader

from evize.accounts.tests.factories import UserFactory
from evize.applications.models import Application, Status
from evize.audit.models import AuditEvent
from evize.review.models import Assignment, ChecklistCheck, ChecklistItem, Notation, Note
from evize.review.services import (
    ReviewError,
    checklist_set,
    notation_send,
    note_add,
    note_answer,
    note_delete,
    note_resolve,
    note_update,
    review_approve,
    review_assign,
)

pytestmark = pytest.mark.django_db


def blob_bytes(blob) -> bytes:
    with storages["default"].open(blob.storage_key, "rb") as fh:
        return fh.read()


def test_first_assignment_starts_the_review(registered_app, clerk, reviewer):
    assignment = review_assign(actor=clerk, application=registered_app, reviewer=reviewer)
    registered_app.refresh_from_db()
    assert registered_app.status == Status.IN_REVIEW
    assert assignment.active and assignment.reviewer == reviewer
    actions = set(
        AuditEvent.objects.filter(object_id=str(registered_app.pk)).values_list("action", flat=True)
    )
    assert {"evize.review.assigned", "evize.application.review_started"} <= actions


def test_reassignment_keeps_one_active(review_app, clerk, reviewer):
    other = UserFactory(control_engineer=True)
    review_assign(actor=clerk, application=review_app, reviewer=other)
    assert list(
        Assignment.objects.filter(application=review_app, active=True).values_list("reviewer", flat=True)
    ) == [other.pk]
    assert Assignment.objects.filter(application=review_app).count() == 2


def test_only_clerks_assign_and_only_to_control_engineers(registered_app, reviewer, engineer_user, clerk):
    with pytest.raises(ReviewError):
        review_assign(actor=engineer_user, application=registered_app, reviewer=reviewer)
    with pytest.raises(ReviewError):
        review_assign(actor=reviewer, application=registered_app, reviewer=reviewer)
    with pytest.raises(ReviewError):
        review_assign(actor=clerk, application=registered_app, reviewer=engineer_user)
    assert not Assignment.objects.exists()


def test_notes_crud_by_the_assigned_reviewer_only(review_app, reviewer):
    drawing = review_app.drawing
    note = note_add(
        actor=reviewer,
        application=review_app,
        category="correction_needed",
        text="Kolon donatısı eksik",
        document=drawing,
        page=1,
        rect={"x": 100, "y": 100, "w": 50, "h": 40},
    )
    assert note.round.number == 1 and note.status == Note.State.OPEN and note.notation is None
    note_update(
        actor=reviewer, note=note, category="wrong_document", text="Yanlış pafta", document=drawing, page=2
    )
    note.refresh_from_db()
    assert (note.category, note.text, note.page, note.rect) == ("wrong_document", "Yanlış pafta", 2, None)
    other = UserFactory(control_engineer=True)
    with pytest.raises(ReviewError):
        note_add(actor=other, application=review_app, category="missing_document", text="x")
    with pytest.raises(ReviewError):
        note_add(
            actor=reviewer,
            application=review_app,
            category="correction_needed",
            text="x",
            document=drawing,
            page=99,
        )
    note_delete(actor=reviewer, note=note)
    assert not Note.objects.exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="evize.review.note_").values_list("action", flat=True)
    )
    assert actions == ["evize.review.note_added", "evize.review.note_updated", "evize.review.note_deleted"]


def test_notation_send_makes_both_pdfs_keeps_the_original_and_emails(
    review_app, reviewer, django_capture_on_commit_callbacks
):
    drawing = review_app.drawing
    original = hashlib.sha256(blob_bytes(drawing.blob)).hexdigest()
    note_add(
        actor=reviewer,
        application=review_app,
        category="correction_needed",
        text="Kiriş detayı",
        document=drawing,
        page=1,
        rect={"x": 100, "y": 120, "w": 80, "h": 40},
    )
    note_add(
        actor=reviewer,
        application=review_app,
        category="wrong_document",
        text="Pafta 2 pin",
        document=drawing,
        page=2,
        rect={"x": 200, "y": 200, "w": 0, "h": 0},
    )
    note_add(actor=reviewer, application=review_app, category="missing_document", text="Zemin etüdü eksik")
    with django_capture_on_commit_callbacks(execute=True):
        notation = notation_send(actor=reviewer, application=review_app)
    review_app.refresh_from_db()
    assert review_app.status == Status.NOTES_SENT and review_app.notation_count == 1
    assert notation.number == 1 and not notation.cancelled
    # the signed original is byte-identical
    drawing.blob.refresh_from_db()
    assert hashlib.sha256(blob_bytes(drawing.blob)).hexdigest() == original == drawing.blob.sha256
    assert notation.annotated_blob_id != drawing.blob_id
    # the notes PDF
    notes_text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(blob_bytes(notation.notes_blob))).pages
    )
    assert "Zemin etüdü eksik" in notes_text
    # the annotated project: real annotations
    reader = PdfReader(io.BytesIO(blob_bytes(notation.annotated_blob)))
    subtypes = [[a.get_object()["/Subtype"] for a in page.get("/Annots", [])] for page in reader.pages]
    assert "/Square" in subtypes[0] and "/FreeText" in subtypes[0]
    assert subtypes[1] == ["/Text"]
    square = next(
        a.get_object() for a in reader.pages[0]["/Annots"] if a.get_object()["/Subtype"] == "/Square"
    )
    assert [round(float(v)) for v in square["/Rect"]] == [100, 120, 180, 160]
    # every note is now part of the notation
    assert set(Note.objects.values_list("notation", flat=True)) == {notation.pk}
    # e-mail with both attachments and the correction link
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    names = sorted(a[0] if isinstance(a, tuple) else a.filename for a in message.attachments)
    assert names == ["notlanmis-proje-2026-00042-1.pdf", "notlar-2026-00042-1.pdf"]
    assert f"/basvuru/{review_app.pk}/" in message.body
    assert AuditEvent.objects.filter(
        action="evize.review.notation_sent", object_id=str(review_app.pk)
    ).exists()


def _resubmit(app):
    """Test set-up: the engineers corrected and signed again (done by other apps)."""
    Application.objects.filter(pk=app.pk).update(status=Status.IN_REVIEW)
    app.refresh_from_db()


def test_third_notation_cancels_and_emails_the_cancellation(
    review_app, reviewer, django_capture_on_commit_callbacks
):
    note_add(actor=reviewer, application=review_app, category="missing_document", text="Eksik belge")
    notation_send(actor=reviewer, application=review_app)
    _resubmit(review_app)
    notation_send(actor=reviewer, application=review_app)  # the unresolved note carries forward
    _resubmit(review_app)
    mail.outbox.clear()
    with pytest.raises(ReviewError), django_capture_on_commit_callbacks(execute=True):
        notation_send(actor=reviewer, application=review_app)  # not confirmed: refused, nothing sent
    review_app.refresh_from_db()
    assert review_app.status == Status.IN_REVIEW and review_app.notation_count == 2
    assert Notation.objects.filter(application=review_app).count() == 2 and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        third = notation_send(actor=reviewer, application=review_app, confirm_cancel=True)
    review_app.refresh_from_db()
    assert third.number == 3 and third.cancelled
    assert review_app.status == Status.CANCELLED and review_app.notation_count == 3
    assert review_app.cancel_reason
    assert len(mail.outbox) == 1
    assert not mail.outbox[0].attachments
    assert Notation.objects.filter(application=review_app).count() == 3


def test_approval_needs_checklist_and_resolved_notes(
    review_app, reviewer, django_capture_on_commit_callbacks
):
    from evize.notifications.models import OutboxMessage

    item = ChecklistItem.objects.create(text="Zemin etüdü uygun", work_type=review_app.work_type)
    note = note_add(actor=reviewer, application=review_app, category="correction_needed", text="Düzelt")
    with pytest.raises(ReviewError):
        review_approve(actor=reviewer, application=review_app)
    checklist_set(actor=reviewer, application=review_app, item=item, checked=True)
    assert ChecklistCheck.objects.filter(application=review_app).count() == 1
    with pytest.raises(ReviewError):
        review_approve(actor=reviewer, application=review_app)  # the note is open
    note_resolve(actor=reviewer, note=note)
    with django_capture_on_commit_callbacks(execute=True):
        app = review_approve(actor=reviewer, application=review_app)
    assert app.status == Status.AWAITING_VISA_FEE
    assert OutboxMessage.objects.filter(kind="fee.visa_due").exists()


def test_engineer_answers_a_sent_note(review_app, reviewer, engineer_user):
    note = note_add(actor=reviewer, application=review_app, category="correction_needed", text="Açıkla")
    with pytest.raises(ReviewError):
        note_answer(actor=engineer_user, note=note, text="Cevap")  # not sent yet
    notation_send(actor=reviewer, application=review_app)
    stranger = UserFactory()
    with pytest.raises(ReviewError):
        note_answer(actor=stranger, note=note, text="Cevap")
    note_answer(actor=engineer_user, note=note, text="Düzelttik")
    note.refresh_from_db()
    assert note.status == Note.State.ANSWERED and note.answer == "Düzelttik" and note.answered_at


def test_checklist_save_ticks_exactly_the_given_items(review_app, reviewer, clerk):
    from evize.review.services import checklist_save

    first = ChecklistItem.objects.create(text="Zemin etüdü uygun", work_type=review_app.work_type)
    second = ChecklistItem.objects.create(text="Statik hesap tam", work_type=review_app.work_type)
    checklist_save(actor=reviewer, application=review_app, checked_ids={first.pk, second.pk})
    checklist_save(actor=reviewer, application=review_app, checked_ids={second.pk, 999999})
    assert set(ChecklistCheck.objects.filter(application=review_app).values_list("item_id", flat=True)) == {
        second.pk
    }
    actions = list(
        AuditEvent.objects.filter(action__startswith="evize.review.checklist_").values_list(
            "action", flat=True
        )
    )
    assert actions.count("evize.review.checklist_checked") == 2
    assert actions.count("evize.review.checklist_unchecked") == 1
    with pytest.raises(ReviewError):  # only the assigned control engineer
        checklist_save(actor=clerk, application=review_app, checked_ids={first.pk})
