from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats

register = template.Library()


def tl_number(value) -> str:
    """ "1.250,00" in Turkish (two places, grouped), for form fields."""
    return formats.number_format(Decimal(str(value)), 2, use_l10n=True, force_grouping=True)


@register.filter
def tl(value) -> str:
    """An amount in Turkish lira in the active language's format: "1.250,00 TL"."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{formats.number_format(amount, 2, use_l10n=True, force_grouping=True)}\u00a0TL"


@register.filter
def decimal_text(value) -> str:
    """A number such as an area or a rate in the active language's format, without trailing zeros."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value)).normalize()
    except InvalidOperation:
        return str(value)
    exponent = number.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return formats.number_format(number, places, use_l10n=True, force_grouping=True)
