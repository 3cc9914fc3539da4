import datetime
import math

from django import template

register = template.Library()


@register.filter
def minutes(value) -> int:
    """A timedelta (or seconds) as whole minutes, rounded up, at least 1."""
    if isinstance(value, datetime.timedelta):
        seconds = value.total_seconds()
    else:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            return 1
    return max(1, math.ceil(seconds / 60))
