"""Writing applications: creation, every draft change, saving ("Kaydet" → "Evet") with the
registration number, discarding ("Vazgeç") and copying an earlier application.

Every change locks the application row, checks it may still be changed, and is audited in the
same transaction. Only `workflow.transition()` changes the status.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from evize.audit.services import audit_record

from .models import Application, ApplicationEngineer, RegistrationCounter, Round, Status
from .prechecks import Finding, run_prechecks
from .sections import SECTIONS, Section
from .selectors import EDITABLE_STATUSES, ApplicationLocked
from .snapshot import application_snapshot
from .workflow import TransitionNotAllowed, transition


class SubmitRefused(Exception):
    """Saving was refused; `message` is translated, `findings` are the pre-checks' results."""

    def __init__(self, message: str, findings: list[Finding] | None = None, *, needs_acknowledgement=False):
        super().__init__(message)
        self.message = message
        self.findings = findings or []
        self.needs_acknowledgement = needs_acknowledgement


def registration_number_take(*, year: int | None = None) -> tuple[int, int, str]:
    """Take the next number of the year: gapless and unique under concurrent saves (the counter
    row is locked until the caller's transaction ends, so a rollback gives the number back)."""
    year = year or timezone.localdate().year
    with transaction.atomic():
        RegistrationCounter.objects.get_or_create(year=year)
        counter = RegistrationCounter.objects.select_for_update().get(year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
    return year, counter.last, f"{year}/{counter.last:05d}"


def _lock_editable(application: Application | int) -> Application:
    """The application row, locked for this transaction; refused unless it may be changed."""
    pk = application.pk if isinstance(application, Application) else application
    locked = Application.objects.select_for_update().get(pk=pk)
    if locked.status not in EDITABLE_STATUSES:
        raise ApplicationLocked(ApplicationLocked.message)
    return locked


def _touch(application: Application) -> None:
    """Mark the draft as changed now (its "saved at" time)."""
    application.updated_at = timezone.now()
    Application.objects.filter(pk=application.pk).update(updated_at=application.updated_at)


def _member_of(actor):
    member = getattr(actor, "member", None)
    if member is None:
        raise PermissionDenied(_("Only engineers registered with the chamber can apply."))
    problem = member.standing_problem()
    if problem:
        raise PermissionDenied(problem)
    return member


def application_create(*, actor) -> Application:
    """A new draft owned by the engineer `actor`, who is its applicant engineer (their e-mail,
    national ID, phone and office come from the registry and can be changed on the form)."""
    member = _member_of(actor)
    with transaction.atomic():
        app = Application.objects.create(created_by=actor)
        ApplicationEngineer.objects.create(
            application=app,
            member=member,
            is_applicant=True,
            position=1,
            email=member.email,
            national_id=member.national_id,
            phone=member.phone,
            works_as_office=bool(member.office_name),
            office_tax_no=member.office_tax_no,
            office_name=member.office_name,
            office_registration_no=member.office_registration_no,
        )
        audit_record(actor=actor, action="evize.application.created", target=app)
    return app


# --- draft changes ---------------------------------------------------------------------------------


def section_save(*, actor, application: Application, section: Section, form) -> Any:
    """Write one dialog of a section (a validated form) into the draft, audited."""
    with transaction.atomic():
        locked = _lock_editable(application)
        form.application = locked
        created = getattr(form, "instance", None) is None or form.instance.pk is None
        if section.mode != "rows":
            created = not section.rows(locked) if section.mode == "single" else False
        row = section.write(locked, form)
        _touch(application)
        audit_record(
            actor=actor,
            action="evize.application.section_saved",
            target=locked,
            data={
                "section": section.key,
                "row": getattr(row, "pk", None),
                "created": created,
                "fields": sorted(form.changed_data),
            },
        )
    return row


def section_row_delete(*, actor, application: Application, section: Section, row) -> None:
    """Delete a row of a section (not the applicant engineer), audited."""
    if not section.can_delete(row):
        raise PermissionDenied(_("This record cannot be deleted."))
    with transaction.atomic():
        _lock_editable(application)
        row_pk = row.pk
        text = str(row)
        row.delete()
        _touch(application)
        audit_record(
            actor=actor,
            action="evize.application.section_row_deleted",
            target=application,
            data={"section": section.key, "row": row_pk, "text": text[:200]},
        )


def application_field_save(*, actor, application: Application, field: str, value: Any) -> bool:
    """Save one single value of the form (autosave). Returns whether it changed."""
    from .forms import AUTOSAVE_FIELDS

    if field not in AUTOSAVE_FIELDS:
        raise ValueError(field)
    attribute = f"{field}_id" if field in ("earthquake_code", "fee_type") else field
    new = getattr(value, "pk", value)
    if field == "note_to_office":
        new = new or ""
    with transaction.atomic():
        locked = _lock_editable(application)
        if getattr(locked, attribute) == new:
            return False
        setattr(locked, attribute, new)
        locked.save(update_fields=[attribute, "updated_at"])
        application.updated_at = locked.updated_at
        setattr(application, attribute, new)
        audit_record(
            actor=actor,
            action="evize.application.field_saved",
            target=locked,
            data={"field": field, "value": str(new if new is not None else "")[:200]},
        )
    return True


# --- "Kaydet" → "Evet" -----------------------------------------------------------------------------


def application_submit(*, actor, application: Application, acknowledge_warnings: bool = False) -> Application:
    """Save the form (guide step 19): run the pre-checks (errors refuse; warnings need
    `acknowledge_warnings`), then — for a draft — take the registration number (YYYY/NNNNN,
    gapless per year) and move to awaiting_signature; after the office's notes, move to
    awaiting_resignature. Each save freezes a new round (snapshot of the form). One transaction."""
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status not in EDITABLE_STATUSES:
            raise SubmitRefused(_("This application has already been saved."))
        findings = run_prechecks(locked)
        errors = [f for f in findings if f.is_error]
        warnings = [f for f in findings if not f.is_error]
        if errors:
            raise SubmitRefused(
                _("The form has errors that must be corrected before it can be saved."), findings
            )
        if warnings and not acknowledge_warnings:
            raise SubmitRefused(
                _("Please read the warnings and confirm that you want to save anyway."),
                findings,
                needs_acknowledgement=True,
            )
        warning_codes = sorted({f.code for f in warnings})
        round_number = locked.rounds.count() + 1
        if locked.status == Status.DRAFT:
            year, seq, number = registration_number_take()
            moved = transition(
                locked,
                to=Status.AWAITING_SIGNATURE,
                actor=actor,
                expected=Status.DRAFT,
                changes={
                    "registration_number": number,
                    "registration_year": year,
                    "registration_seq": seq,
                    "submitted_at": timezone.now(),
                },
                data={"registration_number": number, "round": round_number, "warnings": warning_codes},
            )
        else:
            moved = transition(
                locked,
                to=Status.AWAITING_RESIGNATURE,
                actor=actor,
                expected=Status.NOTES_SENT,
                data={"round": round_number, "warnings": warning_codes},
            )
        submission_round = Round.objects.create(
            application=moved, number=round_number, created_by=actor, snapshot=application_snapshot(moved)
        )
        _notify_saved(actor=actor, application=moved, first=round_number == 1)
        # Freeze the round's files and ask every engineer to sign (guide steps 20–21, 25).
        from evize.signatures.services import signing_round_open

        signing_round_open(actor=actor, round=submission_round)
    return moved


def _notify_saved(*, actor, application: Application, first: bool) -> None:
    """Step 21: the registration number and a link to the application; after a correction,
    the confirmation that it was received. Written in the same transaction as the save."""
    from evize.notifications.services import notification_queue_to_engineers

    context = {
        "registration_number": application.registration_number,
        "details_url": reverse("applications:detail", args=[application.pk]),
    }
    if first:
        building = getattr(application, "building", None)
        if building is not None and str(building):
            context["building"] = str(building)
    notification_queue_to_engineers(
        kind="application.received" if first else "application.correction_received",
        application=application,
        context=context,
        actor=actor,
    )


# --- withdrawing -----------------------------------------------------------------------------------

WITHDRAW_REASON_MAX = 300


def can_withdraw(user, application: Application) -> bool:
    """Whether `user` may withdraw the application now: only its applicant, only once it has been
    saved (a draft is discarded instead) and only before it is finished (visa'd or cancelled)."""
    return (
        getattr(user, "pk", None) is not None
        and user.pk == application.created_by_id
        and application.status != Status.DRAFT
        and not application.is_final
    )


def application_withdraw(*, actor, application: Application, reason_text: str) -> Application:
    """The applicant withdraws a saved application: it is cancelled ("withdrawn", with the
    applicant's explanation) and every engineer is told, in one transaction."""
    from evize.notifications.services import notification_queue_to_engineers

    reason_text = (reason_text or "").strip()
    if getattr(actor, "pk", None) != application.created_by_id:
        raise PermissionDenied(_("Only the applicant can withdraw the application."))
    if not reason_text:
        raise TransitionNotAllowed(_("Please write why the application is withdrawn."))
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status == Status.DRAFT:
            raise TransitionNotAllowed(
                _("A draft that has not been saved is not withdrawn: discard it with “Cancel” on the form.")
            )
        if locked.is_final:
            raise TransitionNotAllowed(_("This application is finished and can no longer be withdrawn."))
        cancel_reason = (_("Withdrawn by the applicant: %(reason)s") % {"reason": reason_text})[
            :WITHDRAW_REASON_MAX
        ]
        moved = transition(
            locked,
            to=Status.CANCELLED,
            actor=actor,
            expected=locked.status,
            changes={"cancel_reason": cancel_reason},
            data={"reason": "withdrawn", "explanation": reason_text[:1000]},
        )
        notification_queue_to_engineers(
            kind="application.cancelled",
            application=moved,
            context={
                "registration_number": moved.registration_number,
                "reason": "withdrawn",
                "details_url": reverse("applications:detail", args=[moved.pk]),
                "explanation": reason_text,
            },
            actor=actor,
        )
    return moved


# --- "Vazgeç" and copying --------------------------------------------------------------------------


def application_discard(*, actor, application: Application) -> None:
    """Throw away a draft and everything entered in it ("Vazgeç", after two confirmations).
    Only the applicant may, and only a draft that has never been saved (no registration number)."""
    if getattr(actor, "pk", None) != application.created_by_id:
        raise PermissionDenied(_("Only the applicant can discard the draft."))
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != Status.DRAFT or locked.registration_number:
            raise ApplicationLocked(_("Only a draft that has not been saved yet can be discarded."))
        audit_record(
            actor=actor,
            action="evize.application.discarded",
            target=locked,
            data={"sections": {s.key: len(s.rows(locked)) for s in SECTIONS if s.mode != "single"}},
        )
        _delete_documents_of(locked)
        locked.delete()


def _delete_documents_of(application: Application) -> None:
    """A draft's uploaded files go with it (newest versions first: older ones are protected)."""
    from evize.documents.models import Document

    documents = list(Document.objects.filter(application=application).order_by("-pk"))
    for document in documents:
        document.delete()


COPIED_SECTIONS = (
    "title_deeds",
    "project_records",
    "subjects",
    "materials",
    "existing_materials",
    "coefficients",
    "superstructures",
    "slabs",
    "foundations",
    "foundation_data",
    "feature_choices",
)


def _copy_rows(rows, application: Application) -> None:
    model = None
    copies = []
    for row in rows:
        model = type(row)
        row.pk = None
        row.id = None
        row._state.adding = True
        row.application = application
        copies.append(row)
    if model is not None:
        model.objects.bulk_create(copies)


def application_copy(*, actor, source: Application) -> Application:
    """A new draft pre-filled from `source` (one of the engineer's applications): every section is
    copied, the other engineers too; not the documents, the number, the status or the notes."""
    from .selectors import application_visible_to

    if not application_visible_to(actor).filter(pk=source.pk).exists():
        raise PermissionDenied
    with transaction.atomic():
        app = application_create(actor=actor)
        Application.objects.filter(pk=app.pk).update(
            work_type=source.work_type_id,
            earthquake_code=source.earthquake_code_id,
            construction_cost=source.construction_cost,
            fee_type=source.fee_type_id,
        )
        app.refresh_from_db()
        for single in ("building", "ductility"):
            row = (
                getattr(type(source), single).related.related_model.objects.filter(application=source).first()
            )
            if row is not None:
                _copy_rows([row], app)
        for related_name in COPIED_SECTIONS:
            _copy_rows(list(getattr(source, related_name).all().order_by("pk")), app)
        applicant_member = app.engineers.get().member_id
        others = source.engineers.exclude(member_id=applicant_member).order_by("position", "pk")
        for position, engineer in enumerate(others, start=2):
            engineer.pk = None
            engineer.id = None
            engineer._state.adding = True
            engineer.application = app
            engineer.is_applicant = False
            engineer.position = position
            engineer.save()
        audit_record(
            actor=actor,
            action="evize.application.copied",
            target=app,
            data={"source": source.pk, "source_number": source.registration_number or ""},
        )
    return app
