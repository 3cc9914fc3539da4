"""Form fields of the application form: Turkish decimal numbers and catalog choices."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..numbers import NumberError, format_decimal, parse_decimal


class DecimalInput(forms.TextInput):
    """A text box for a number, shown in the active language's format ("1.234,56"); with `places`
    always with that many decimals (money, areas), else without trailing zeros."""

    def __init__(self, attrs=None, places: int | None = None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})
        self.places = places

    def format_value(self, value):
        if isinstance(value, Decimal | int | float):
            return format_decimal(value, self.places)
        return super().format_value(value)


class TurkishDecimalField(forms.Field):
    """A decimal number typed as "1.234,56", "1234,56" or "1234.56"; letters are refused with a
    translated message. `unit` (m², m, kN/m², kN/m³, TL …) is shown in range messages."""

    widget = DecimalInput
    default_error_messages = {
        "letters": _("Enter the number with digits only (for example 1.234,56); letters are not allowed."),
        "invalid": _("Enter a valid number (for example 1.234,56)."),
        "max_places": _("Use at most %(places)s digits after the decimal comma."),
        "max_digits": _("The number is too large."),
        "min_value": _("Enter a value of at least %(limit)s%(unit)s."),
        "min_exclusive": _("Enter a value greater than %(limit)s%(unit)s."),
        "max_value": _("Enter a value of at most %(limit)s%(unit)s."),
    }

    def __init__(
        self,
        *,
        max_digits: int,
        decimal_places: int,
        min_value: Decimal | int | None = None,
        max_value: Decimal | int | None = None,
        min_exclusive: bool = False,
        unit: str = "",
        display_places: int | None = None,
        **kwargs,
    ):
        self.max_digits, self.decimal_places = max_digits, decimal_places
        self.min_value = None if min_value is None else Decimal(min_value)
        self.max_value = None if max_value is None else Decimal(max_value)
        self.min_exclusive, self.unit = min_exclusive, unit
        kwargs.setdefault("widget", DecimalInput(places=display_places))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            number = parse_decimal(str(value))
        except NumberError as exc:
            raise ValidationError(self.error_messages[exc.code], code=exc.code) from None
        if not number.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        exponent = value.normalize().as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        if places > self.decimal_places:
            raise ValidationError(
                self.error_messages["max_places"], code="max_places", params={"places": self.decimal_places}
            )
        whole_digits = len(str(abs(int(value))))
        if whole_digits > self.max_digits - self.decimal_places:
            raise ValidationError(self.error_messages["max_digits"], code="max_digits")
        unit = f"\u00a0{self.unit}" if self.unit else ""
        if self.min_value is not None:
            if self.min_exclusive and value <= self.min_value:
                raise ValidationError(
                    self.error_messages["min_exclusive"],
                    code="min_exclusive",
                    params={"limit": format_decimal(self.min_value), "unit": unit},
                )
            if not self.min_exclusive and value < self.min_value:
                raise ValidationError(
                    self.error_messages["min_value"],
                    code="min_value",
                    params={"limit": format_decimal(self.min_value), "unit": unit},
                )
        if self.max_value is not None and value > self.max_value:
            raise ValidationError(
                self.error_messages["max_value"],
                code="max_value",
                params={"limit": format_decimal(self.max_value), "unit": unit},
            )

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != (Decimal(initial) if initial not in self.empty_values else None)
        except (ValidationError, ArithmeticError, TypeError, ValueError):
            return True


class CatalogChoiceField(forms.ModelChoiceField):
    """A reference-list choice labelled with the item's name in the active language."""

    def label_from_instance(self, obj):
        return obj.name
