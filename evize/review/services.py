"""Writing the review: assignment, notes, checklist, sending notes (notlama) and approval.
Every function is one transaction and audited; status changes go through workflow.transition()."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from evize.accounts.permissions import CHAMBER_ADMIN, CLERK, CONTROL_ENGINEER
from evize.applications.models import Application, Round, Status
from evize.applications.selectors import is_engineer_on
from evize.applications.workflow import TransitionNotAllowed, transition
from evize.audit.services import audit_record

from .models import AnnotatedUpload, Assignment, ChecklistCheck, ChecklistItem, Notation, Note
from .pdfs import annotated_pdf, count_annotations, notes_pdf, store_pdf, store_pdf_file

ASSIGNABLE_STATUSES = frozenset(
    {Status.REGISTERED, Status.IN_REVIEW, Status.NOTES_SENT, Status.AWAITING_RESIGNATURE}
)


class ReviewError(Exception):
    """A refused review operation; `message` is translated and safe to show."""

    def __init__(self, message: Any):
        super().__init__(str(message))
        self.message = str(message)


def notation_limit() -> int:
    return int(getattr(settings, "EVIZE_NOTATION_LIMIT", 3))


def current_round(application: Application) -> Round | None:
    return application.rounds.order_by("-number").first()


def active_assignment(application: Application) -> Assignment | None:
    return application.review_assignments.filter(active=True).select_related("reviewer").first()


def is_reviewer(user, application: Application) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and user.role == CONTROL_ENGINEER
        and application.review_assignments.filter(active=True, reviewer=user).exists()
    )


def _lock(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


def _require_reviewer(actor, app: Application) -> None:
    if not is_reviewer(actor, app):
        raise ReviewError(_("Only the control engineer assigned to this application may do this."))


def _require_in_review(app: Application) -> None:
    if app.status != Status.IN_REVIEW:
        raise ReviewError(_("This can be done only while the application is in review."))


# --- assignment -------------------------------------------------------------------------------------


def review_assign(*, actor, application: Application, reviewer) -> Assignment:
    """The clerk assigns a control engineer; the first assignment starts the review."""
    if getattr(actor, "role", None) not in (CLERK, CHAMBER_ADMIN):
        raise ReviewError(_("Only the visa office clerk may assign applications."))
    if getattr(reviewer, "role", None) != CONTROL_ENGINEER or not reviewer.is_active:
        raise ReviewError(_("Applications can be assigned only to an active control engineer."))
    with transaction.atomic():
        app = _lock(application)
        if app.status not in ASSIGNABLE_STATUSES:
            raise ReviewError(_("This application cannot be assigned in its present status."))
        previous = Assignment.objects.filter(application=app, active=True).first()
        if previous is not None and previous.reviewer_id == reviewer.pk:
            return previous
        Assignment.objects.filter(application=app, active=True).update(active=False)
        assignment = Assignment.objects.create(application=app, reviewer=reviewer, assigned_by=actor)
        audit_record(
            actor=actor,
            action="evize.review.assigned",
            target=app,
            data={
                "reviewer": reviewer.pk,
                "reviewer_name": reviewer.get_full_name() or reviewer.get_username(),
                "previous": previous.reviewer_id if previous else None,
            },
        )
        if app.status == Status.REGISTERED:
            transition(app, to=Status.IN_REVIEW, actor=actor, expected=Status.REGISTERED)
    return assignment


# --- notes ------------------------------------------------------------------------------------------


def _clean_location(application: Application, document, page, rect) -> tuple[Any, Any, Any]:
    if document is not None and document.application_id != application.pk:
        raise ReviewError(_("The document is not one of this application's files."))
    if page is not None:
        page = int(page)
        if page < 1 or (
            document is not None and document.blob.page_count and page > document.blob.page_count
        ):
            raise ReviewError(_("The page number is not in the document."))
    if rect:
        shape = rect.get("shape") or Note.Shape.RECTANGLE
        try:
            rect = {k: round(float(rect[k]), 2) for k in ("x", "y", "w", "h")}
        except (KeyError, TypeError, ValueError):
            raise ReviewError(_("The area on the page is not valid.")) from None
        if min(rect.values()) < 0 or shape not in Note.Shape.values:
            raise ReviewError(_("The area on the page is not valid."))
        if shape != Note.Shape.RECTANGLE and rect["w"] and rect["h"]:
            rect["shape"] = str(shape)
        if document is None or page is None:
            raise ReviewError(_("An area on a page needs a document and a page number."))
    return document, page, rect or None


def note_add(
    *,
    actor,
    application: Application,
    category: str,
    text: str,
    document=None,
    page: int | None = None,
    rect: dict | None = None,
) -> Note:
    text = (text or "").strip()
    if not text:
        raise ReviewError(_("Write the note."))
    if category not in Note.Category.values:
        raise ReviewError(_("Choose a category."))
    with transaction.atomic():
        app = _lock(application)
        _require_reviewer(actor, app)
        _require_in_review(app)
        document, page, rect = _clean_location(app, document, page, rect)
        note = Note.objects.create(
            application=app,
            round=current_round(app),
            category=category,
            document=document,
            page=page,
            rect=rect,
            text=text,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="evize.review.note_added",
            target=app,
            data={
                "note": note.pk,
                "category": category,
                "document": getattr(document, "pk", None),
                "page": page,
            },
        )
    return note


def _editable_note(actor, note: Note) -> Application:
    app = _lock(note.application)
    _require_reviewer(actor, app)
    _require_in_review(app)
    if note.notation_id is not None:
        raise ReviewError(_("A note that has been sent cannot be changed; mark it resolved instead."))
    return app


def note_update(*, actor, note: Note, category: str, text: str, document=None, page=None, rect=None) -> Note:
    text = (text or "").strip()
    if not text:
        raise ReviewError(_("Write the note."))
    if category not in Note.Category.values:
        raise ReviewError(_("Choose a category."))
    with transaction.atomic():
        app = _editable_note(actor, note)
        note.document, note.page, note.rect = _clean_location(app, document, page, rect)
        note.category, note.text = category, text
        note.save(update_fields=["document", "page", "rect", "category", "text"])
        audit_record(actor=actor, action="evize.review.note_updated", target=app, data={"note": note.pk})
    return note


def note_delete(*, actor, note: Note) -> None:
    with transaction.atomic():
        app = _editable_note(actor, note)
        pk = note.pk
        note.delete()
        audit_record(actor=actor, action="evize.review.note_deleted", target=app, data={"note": pk})


def note_resolve(*, actor, note: Note) -> Note:
    """The control engineer accepts the correction of a note."""
    with transaction.atomic():
        app = _lock(note.application)
        _require_reviewer(actor, app)
        _require_in_review(app)
        note = Note.objects.select_for_update().get(pk=note.pk)
        if note.status != Note.State.RESOLVED:
            note.status = Note.State.RESOLVED
            note.resolved_by, note.resolved_at = actor, timezone.now()
            note.save(update_fields=["status", "resolved_by", "resolved_at"])
            audit_record(actor=actor, action="evize.review.note_resolved", target=app, data={"note": note.pk})
    return note


def note_answer(*, actor, note: Note, text: str) -> Note:
    """An engineer of the application answers a sent note (while the notes are with them)."""
    text = (text or "").strip()
    if not text:
        raise ReviewError(_("Write your answer."))
    with transaction.atomic():
        app = _lock(note.application)
        if not is_engineer_on(actor, app):
            raise ReviewError(_("Only the application's engineers may answer its notes."))
        if app.status != Status.NOTES_SENT:
            raise ReviewError(
                _("Notes can be answered only while the application is back with you for corrections.")
            )
        note = Note.objects.select_for_update().get(pk=note.pk)
        if note.notation_id is None or note.status == Note.State.RESOLVED:
            raise ReviewError(_("This note cannot be answered."))
        note.answer, note.answered_by, note.answered_at = text, actor, timezone.now()
        note.status = Note.State.ANSWERED
        note.save(update_fields=["answer", "answered_by", "answered_at", "status"])
        audit_record(actor=actor, action="evize.review.note_answered", target=app, data={"note": note.pk})
    return note


# --- checklist --------------------------------------------------------------------------------------


def checklist_items(application: Application) -> list[ChecklistItem]:
    from django.db.models import Q

    return list(
        ChecklistItem.objects.filter(is_active=True).filter(
            Q(work_type__isnull=True) | Q(work_type_id=application.work_type_id)
        )
    )


def checklist_set(*, actor, application: Application, item: ChecklistItem, checked: bool) -> None:
    with transaction.atomic():
        app = _lock(application)
        _require_reviewer(actor, app)
        _require_in_review(app)
        round_ = current_round(app)
        if checked:
            ChecklistCheck.objects.get_or_create(
                application=app, round=round_, item=item, defaults={"checked_by": actor}
            )
        else:
            ChecklistCheck.objects.filter(application=app, round=round_, item=item).delete()
        audit_record(
            actor=actor,
            action="evize.review.checklist_checked" if checked else "evize.review.checklist_unchecked",
            target=app,
            data={"item": item.pk, "text": item.text},
        )


def checklist_save(*, actor, application: Application, checked_ids: set[int]) -> None:
    """The checklist form: tick exactly the items in `checked_ids` (each change audited)."""
    with transaction.atomic():
        app = _lock(application)
        _require_reviewer(actor, app)
        _require_in_review(app)
        current = set(
            ChecklistCheck.objects.filter(application=app, round=current_round(app)).values_list(
                "item_id", flat=True
            )
        )
        for item in checklist_items(app):
            if (item.pk in checked_ids) != (item.pk in current):
                checklist_set(actor=actor, application=app, item=item, checked=item.pk in checked_ids)


def checklist_missing(application: Application) -> list[ChecklistItem]:
    round_ = current_round(application)
    done = set(
        ChecklistCheck.objects.filter(application=application, round=round_).values_list("item_id", flat=True)
    )
    return [item for item in checklist_items(application) if item.pk not in done]


# --- an annotated copy made in a desktop PDF tool -----------------------------------------------------


def pending_annotated_upload(application: Application) -> AnnotatedUpload | None:
    return (
        AnnotatedUpload.objects.filter(application=application, notation__isnull=True)
        .select_related("blob")
        .first()
    )


def annotated_upload_add(*, actor, application: Application, path: Path, file_name: str) -> AnnotatedUpload:
    """The control engineer uploads the drawings annotated in a desktop PDF tool; the next "send
    notes" attaches this file as the annotated project instead of the one made from the notes. The
    file must be a readable PDF with at least one annotation; it replaces an earlier unsent upload.
    The file at `path` is consumed."""
    from evize.documents.filenames import sanitize_file_name
    from evize.documents.pdfcheck import DocumentRejected, check_pdf

    try:
        if not is_reviewer(actor, application):
            raise ReviewError(_("Only the control engineer assigned to this application may do this."))
        if path.stat().st_size > settings.EVIZE_UPLOAD_MAX_BYTES:
            raise ReviewError(_("The file is too large."))
        try:
            info = check_pdf(path)
        except DocumentRejected as exc:
            raise ReviewError(exc.message) from exc
        try:
            annotations = count_annotations(path)
        except Exception:  # noqa: BLE001 - pypdf raises many kinds on broken files
            annotations = 0
        if annotations == 0:
            raise ReviewError(
                _(
                    "This PDF has no annotations. Mark up the drawings in your PDF tool and save "
                    "them as annotations."
                )
            )
        with transaction.atomic():
            app = _lock(application)
            _require_reviewer(actor, app)
            _require_in_review(app)
            blob = store_pdf_file(path, page_count=info.page_count)
            replaced = list(
                AnnotatedUpload.objects.filter(application=app, notation__isnull=True).values_list(
                    "blob_id", flat=True
                )
            )
            AnnotatedUpload.objects.filter(application=app, notation__isnull=True).delete()
            upload = AnnotatedUpload.objects.create(
                application=app,
                blob=blob,
                file_name=sanitize_file_name(file_name),
                annotation_count=annotations,
                uploaded_by=actor,
            )
            audit_record(
                actor=actor,
                action="evize.review.annotated_uploaded",
                target=app,
                data={
                    "file_name": upload.file_name,
                    "sha256": blob.sha256,
                    "size": blob.size,
                    "annotations": annotations,
                    "replaces": replaced,
                },
            )
    finally:
        path.unlink(missing_ok=True)
    return upload


def annotated_upload_remove(*, actor, application: Application) -> None:
    """Take back an uploaded annotated copy that has not been sent yet."""
    with transaction.atomic():
        app = _lock(application)
        _require_reviewer(actor, app)
        _require_in_review(app)
        upload = AnnotatedUpload.objects.filter(application=app, notation__isnull=True).first()
        if upload is None:
            raise ReviewError(_("There is no uploaded annotated project to remove."))
        upload.delete()
        audit_record(
            actor=actor,
            action="evize.review.annotated_removed",
            target=app,
            data={"file_name": upload.file_name, "sha256": upload.blob_id},
        )


# --- notation ---------------------------------------------------------------------------------------


def _engineer_recipients(app: Application):
    for engineer in app.engineers.select_related("member"):
        user = getattr(engineer.member, "user", None)
        yield user, (engineer.email or None)


def notation_send(*, actor, application: Application, confirm_cancel: bool = False) -> Notation:
    """Send the unresolved notes to the engineers (notlama n of the limit): a notes PDF and an
    annotated project are made and attached, the application goes back to the engineers. The
    notation that reaches the limit cancels the application instead."""
    from evize.notifications.services import Attachment, notification_queue

    limit = notation_limit()
    with transaction.atomic():
        app = _lock(application)
        _require_reviewer(actor, app)
        _require_in_review(app)
        notes = list(
            Note.objects.filter(application=app)
            .exclude(status=Note.State.RESOLVED)
            .select_related("document__blob")
            .order_by("pk")
        )
        if not notes:
            raise ReviewError(_("There are no open notes to send."))
        number = app.notation_count + 1
        cancels = number >= limit
        if cancels and not confirm_cancel:
            raise ReviewError(
                _("This notation cancels the application: tick the confirmation box to send it.")
            )
        notation = Notation.objects.create(
            application=app, number=number, round=current_round(app), sent_by=actor, cancelled=cancels
        )
        notation.notes_blob = store_pdf(notes_pdf(application=app, notes=notes, number=number, limit=limit))
        uploaded = (
            AnnotatedUpload.objects.select_for_update()
            .filter(application=app, notation__isnull=True)
            .select_related("blob")
            .first()
        )
        if uploaded is not None:  # marked up in a desktop tool: sent as it is
            notation.annotated_blob = uploaded.blob
            uploaded.notation = notation
            uploaded.save(update_fields=["notation"])
        else:
            annotated = annotated_pdf(notes=notes)
            if annotated is not None:
                notation.annotated_blob = store_pdf(annotated)
        notation.save(update_fields=["notes_blob", "annotated_blob"])
        Note.objects.filter(pk__in=[n.pk for n in notes], notation__isnull=True).update(notation=notation)
        # A note sent again in a later notation is open again until the engineer answers it.
        Note.objects.filter(pk__in=[n.pk for n in notes]).update(status=Note.State.OPEN)
        audit_record(
            actor=actor,
            action="evize.review.notation_sent",
            target=app,
            data={
                "notation": number,
                "limit": limit,
                "notes": len(notes),
                "notes_sha256": notation.notes_blob_id,
                "annotated_sha256": notation.annotated_blob_id,
                "annotated_source": "uploaded" if uploaded is not None else "generated",
                "cancels": cancels,
            },
        )
        details_url = reverse("applications:detail", args=[app.pk])
        if cancels:
            reason = _("Cancelled at notation %(number)s of %(limit)s.") % {"number": number, "limit": limit}
            app = transition(
                app,
                to=Status.CANCELLED,
                actor=actor,
                expected=Status.IN_REVIEW,
                changes={"notation_count": number, "cancel_reason": reason},
                data={"reason": reason, "notation": number},
            )
            for user, email in _engineer_recipients(app):
                notification_queue(
                    kind="application.cancelled",
                    to_user=user,
                    to_email=email,
                    context={
                        "registration_number": app.registration_number,
                        "reason": "notation_limit",
                        "notation_limit": limit,
                        "details_url": details_url,
                    },
                    target=app,
                    actor=actor,
                )
            return notation
        app = transition(
            app,
            to=Status.NOTES_SENT,
            actor=actor,
            expected=Status.IN_REVIEW,
            changes={"notation_count": number},
            data={"notation": number, "limit": limit},
        )
        stem = notation.file_stem()
        attachments = [
            Attachment(
                f"notlar-{stem}.pdf",
                stored_name=notation.notes_blob.storage_key,
                content_type="application/pdf",
            )
        ]
        if notation.annotated_blob_id:
            attachments.append(
                Attachment(
                    f"notlanmis-proje-{stem}.pdf",
                    stored_name=notation.annotated_blob.storage_key,
                    content_type="application/pdf",
                )
            )
        summary = "\n".join(f"{i}. {note.text}" for i, note in enumerate(notes, start=1))
        for user, email in _engineer_recipients(app):
            notification_queue(
                kind="review.notes_sent",
                to_user=user,
                to_email=email,
                context={
                    "registration_number": app.registration_number,
                    "details_url": reverse("applications:form", args=[app.pk]) + "#notlama",
                    "notation_number": number,
                    "notation_limit": limit,
                    "notes_summary": summary,
                },
                target=app,
                attachments=attachments,
                actor=actor,
            )
    return notation


# --- approval ---------------------------------------------------------------------------------------


def review_approve(*, actor, application: Application) -> Application:
    """Approve: every checklist point checked and every note resolved; then the visa fee is opened
    (the application moves on to "awaiting visa fee" and the engineers get the payment link)."""
    from evize.payments.services import PaymentError, fee_visa_open

    with transaction.atomic():
        app = _lock(application)
        _require_reviewer(actor, app)
        _require_in_review(app)
        if checklist_missing(app):
            raise ReviewError(_("Check every point of the checklist before approving."))
        if Note.objects.filter(application=app).exclude(status=Note.State.RESOLVED).exists():
            raise ReviewError(_("Every note must be resolved before approving."))
        try:
            app = transition(app, to=Status.APPROVED, actor=actor, expected=Status.IN_REVIEW)
            fee_visa_open(actor=actor, application=app)
        except (TransitionNotAllowed, PaymentError) as exc:
            raise ReviewError(exc.message) from exc
    app.refresh_from_db()
    return app
