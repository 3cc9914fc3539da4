"""Review parts for pages of other apps (the application page and form):

- `{% review_engineer_notes application %}`: the office's notes for the application's engineers
  (notes PDF, annotated project, "notation n of 3", an answer box per note);
- `{% review_progress application %}`: "where is my application" — the stage, who holds it and the
  review clock in working days (paused while the application waits on the engineers)."""

from django import template

from evize.review.selectors import notes_for_engineer, review_clock
from evize.review.services import notation_limit

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.inclusion_tag("review/_engineer_notes.html", takes_context=True)
def review_engineer_notes(context, application):
    return {
        "application": application,
        "review": notes_for_engineer(application, _user(context)),
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("review/_progress.html", takes_context=True)
def review_progress(context, application):
    user = _user(context)
    return {
        "application": application,
        "clock": review_clock(application),
        "notation_limit": notation_limit(),
        "is_staff_viewer": bool(getattr(user, "is_office_staff", False)),
    }


@register.filter
def get_item(mapping, key):
    """`mapping|get_item:key` (None when absent)."""
    return mapping.get(key) if hasattr(mapping, "get") else None
