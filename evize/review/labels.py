"""The timeline labels of the review's audit codes. The application timeline
(evize/applications/timeline.py TITLES) shows the same English strings; they are listed here so
that their Turkish translation lives in this app's catalog."""

from django.utils.translation import gettext_lazy as _

AUDIT_TITLES = {
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
