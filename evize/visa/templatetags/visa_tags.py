"""Visa parts for pages of other apps:

- `{% visa_delivery application %}`: on the application page, the application's visas (number,
  date, officer, state, verification link) and the visa'd files to download (guide step 27)."""

from django import template

from evize.visa.selectors import application_visas

register = template.Library()


@register.inclusion_tag("visa/_application_visas.html", takes_context=True)
def visa_delivery(context, application):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return {
        "application": application,
        "visas": list(application_visas(application)),
        "is_staff_viewer": bool(getattr(user, "is_office_staff", False)),
    }
