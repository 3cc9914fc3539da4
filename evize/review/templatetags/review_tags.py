"""`{% review_engineer_notes application %}`: the office's notes for the application's engineers
(notes PDF, annotated project, an answer box per note), for the application page and form."""

from django import template

from evize.review.selectors import notes_for_engineer

register = template.Library()


@register.inclusion_tag("review/_engineer_notes.html", takes_context=True)
def review_engineer_notes(context, application):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return {
        "application": application,
        "review": notes_for_engineer(application, user),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
