"""How the events of an application read on its timeline, in words.

Every status change is audited as `evize.application.<code>` by `workflow.transition()`; documents
add `evize.document.*`; e-mails come from the notifications outbox. A code without a description
here still shows (by its code), so later features never disappear from the timeline.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from evize.audit.models import AuditEvent

from .models import Application

TITLES = {
    "evize.application.created": _("Draft started"),
    "evize.application.copied": _("Draft started as a copy of an earlier application"),
    "evize.application.submitted": _("Saved: registration number given, awaiting signature"),
    "evize.application.signed": _("Signed"),
    "evize.application.registration_fee_paid": _("Registration fee paid; registered at the visa office"),
    "evize.application.review_started": _("Review started"),
    "evize.application.notes_sent": _("Notes sent by the visa office"),
    "evize.application.corrected": _("Corrections saved, awaiting signature again"),
    "evize.application.resigned": _("Signed again"),
    "evize.application.approved": _("Approved"),
    "evize.application.visa_fee_requested": _("Visa fee requested"),
    "evize.application.visa_fee_paid": _("Visa fee paid"),
    "evize.application.visa_issued": _("Visa'd project delivered"),
    "evize.application.cancelled": _("Cancelled"),
    "evize.document.uploaded": _("Document uploaded"),
    "evize.document.deleted": _("Document deleted"),
    "evize.document.rejected": _("Document refused"),
    "evize.signature.round_opened": _("Files frozen for signing; engineers asked to sign"),
    "evize.signature.session_started": _("Signing started"),
    "evize.signature.prepared": _("Files prepared for the e-signature"),
    "evize.signature.signed": _("E-signature added"),
    "evize.signature.refused": _("E-signature refused"),
    "evize.signature.round_locked": _("Signed by every engineer; files locked"),
    "evize.review.assigned": _("Assigned to a control engineer"),
    "evize.review.note_added": _("Review note written"),
    "evize.review.note_updated": _("Review note changed"),
    "evize.review.note_deleted": _("Review note deleted"),
    "evize.review.note_resolved": _("Review note resolved"),
    "evize.review.note_answered": _("Review note answered by the engineer"),
    "evize.review.checklist_checked": _("Checklist point checked"),
    "evize.review.checklist_unchecked": _("Checklist point unchecked"),
    "evize.review.notation_sent": _("Notes (notation) sent to the engineers"),
}
EDITS = frozenset(
    {
        "evize.application.section_saved",
        "evize.application.section_row_deleted",
        "evize.application.field_saved",
    }
)
HIDDEN = frozenset({"evize.document.form_rendered"})


def _who(event: AuditEvent) -> str:
    actor = event.actor
    if actor is not None:
        return actor.get_full_name() or actor.get_username()
    return (
        event.actor_repr if event.actor_repr and event.actor_repr != "system" else str(_("e-Vize (system)"))
    )


def describe_event(event: AuditEvent):
    from .selectors import TimelineEntry

    if event.action in HIDDEN:
        return None
    data = event.data or {}
    if event.action in EDITS:
        return TimelineEntry(
            when=event.created_at, title=str(_("Draft updated")), who=_who(event), kind="edit"
        )
    title = str(TITLES.get(event.action, event.action))
    detail = ""
    if event.action == "evize.application.submitted":
        detail = str(_("Registration number %(number)s") % {"number": data.get("registration_number", "")})
    elif event.action == "evize.application.copied":
        detail = str(data.get("source_number") or "")
    elif event.action == "evize.application.cancelled":
        detail = str(data.get("reason") or "")
    elif event.action in ("evize.signature.refused", "evize.signature.signed"):
        detail = str(data.get("file") or "")
    elif event.action.startswith("evize.document."):
        detail = str(data.get("file_name") or data.get("reason") or "")
    return TimelineEntry(when=event.created_at, title=title, who=_who(event), detail=detail)


def email_entries(application: Application) -> list:
    """Every e-mail about the application (notifications outbox), as timeline entries."""
    from evize.notifications.selectors import notifications_for_target

    from .selectors import TimelineEntry

    entries = []
    for message in notifications_for_target(application):
        entries.append(
            TimelineEntry(
                when=message.created_at,
                title=str(_("E-mail: %(subject)s") % {"subject": message.title}),
                who=message.to_email,
                detail=message.get_status_display(),
                kind="email",
            )
        )
    return entries
