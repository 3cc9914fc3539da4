from django import template
from django.conf import settings

from ..numbers import format_decimal

register = template.Library()


@register.filter
def money(value) -> str:
    """An amount in Turkish lira in the active language's format: "2.450.000,00 TL"."""
    if value is None or value == "":
        return ""
    return f"{format_decimal(value, 2)}\u00a0TL"


@register.filter
def number(value) -> str:
    return format_decimal(value)


@register.simple_tag
def notation_limit() -> int:
    """The notation (notlama) that cancels an application: "notation n of {limit}"."""
    return settings.EVIZE_NOTATION_LIMIT
