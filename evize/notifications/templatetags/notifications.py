"""Template helpers: money in TL, and the unread-notification count for the site menu.

In base.html (for a logged-in user):  {% load notifications %} … {% notifications_menu_item %}
or just the number:                   {% notifications_unread_count as unread %}
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

from evize.notifications.selectors import notifications_unread_count as _unread_count

register = template.Library()


@register.filter
def money(value) -> str:
    """1250 → "1.250,00 TL" in Turkish, "1,250.00 TL" in English (the active language)."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return f"{number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)} TL"


@register.simple_tag(takes_context=True)
def notifications_unread_count(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    return _unread_count(user) if user is not None else 0


@register.inclusion_tag("notifications/_menu_item.html", takes_context=True)
def notifications_menu_item(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"user": user, "unread": _unread_count(user) if user is not None else 0}
