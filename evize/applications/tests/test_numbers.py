"""Turkish number input and display."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from evize.applications.forms.fields import TurkishDecimalField
from evize.applications.numbers import NumberError, format_decimal, parse_decimal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", "1234.56"),
        ("1234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("1.234", "1234"),
        ("12.345.678", "12345678"),
        ("1 234,5", "1234.5"),
        ("0,30", "0.30"),
        ("-3,5", "-3.5"),
        (",5", "0.5"),
        ("1,234.56", "1234.56"),
    ],
)
def test_turkish_input(text, expected):
    with translation.override("tr"):
        assert parse_decimal(text) == Decimal(expected)


def test_english_reads_a_lone_dot_as_decimal_point():
    with translation.override("en"):
        assert parse_decimal("1.234") == Decimal("1.234")
        assert parse_decimal("1,234") == Decimal("1234")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("abc", "letters"),
        ("12a", "letters"),
        ("1,2,3", "invalid"),
        ("1.23.4", "invalid"),
        ("", "invalid"),
        ("1 23", "invalid"),
    ],
)
def test_refused_input(text, code):
    with pytest.raises(NumberError) as error:
        parse_decimal(text, language="tr")
    assert error.value.code == code


def test_display():
    with translation.override("tr"):
        assert format_decimal(Decimal("1234567.5")) == "1.234.567,5"
        assert format_decimal(Decimal("0.3000")) == "0,3"
        assert format_decimal(Decimal("8.00")) == "8"
        assert format_decimal(Decimal("250"), 2) == "250,00"
    with translation.override("en"):
        assert format_decimal(Decimal("1234.5"), 2) == "1,234.50"


def test_field_limits_and_messages():
    field = TurkishDecimalField(
        max_digits=6, decimal_places=2, min_value=0, min_exclusive=True, max_value=1000, unit="m"
    )
    with translation.override("tr"):
        assert field.clean("12,5") == Decimal("12.5")
        for value, message in (
            ("0", "0\xa0m değerinden büyük bir değer girin."),
            ("1.001", "En fazla 1.000\xa0m olan bir değer girin."),
            ("1,005", "Virgülden sonra en fazla 2 basamak kullanın."),
            ("on iki", "Sayıyı yalnızca rakamlarla girin (örneğin 1.234,56); harf kullanılamaz."),
        ):
            with pytest.raises(ValidationError) as error:
                field.clean(value)
            assert error.value.messages == [message]
    assert field.widget.format_value(Decimal("12.50")) == "12,5"
