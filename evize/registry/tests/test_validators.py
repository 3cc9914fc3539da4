import pytest
from django.core.exceptions import ValidationError

from evize.registry.tests.factories import make_tckn
from evize.registry.validators import national_id_error, tckn_is_valid, validate_national_id


@pytest.mark.parametrize("value", ["10000000146", "12345678950", make_tckn(1), make_tckn(2026)])
def test_valid_tckn(value):
    assert tckn_is_valid(value)
    assert national_id_error(value) is None
    validate_national_id(value)


@pytest.mark.parametrize(
    "value",
    [
        "12345678951",  # last digit wrong
        "12345678940",  # tenth digit wrong
        "02345678950",  # starts with 0
        "1234567895",  # 10 digits are not a T.C. number (but see KKTC below)
    ],
)
def test_invalid_tckn(value):
    assert not tckn_is_valid(value)


@pytest.mark.parametrize("value", ["12345678951", "00000000000", "1234567890A", "", "  ", "12-345"])
def test_invalid_national_ids_are_refused_with_a_reason(value):
    assert national_id_error(value)
    with pytest.raises(ValidationError):
        validate_national_id(value)


@pytest.mark.parametrize("value", ["12345", "4251973", "1234567890"])
def test_kktc_format_accepted_by_default(value):
    assert national_id_error(value) is None


@pytest.mark.parametrize("value", ["1234", "01234567", "12345678901234"])
def test_kktc_format_must_have_5_to_10_digits(value):
    assert national_id_error(value)


def test_tckn_only_setting_refuses_kktc(settings):
    settings.EVIZE_NATIONAL_ID_FORMAT = "tckn"
    assert national_id_error("4251973")
    with pytest.raises(ValidationError):
        validate_national_id("4251973")
    assert national_id_error(make_tckn(7)) is None
