import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc

from fugong.core.validators import (
    normalize_credit_code,
    normalize_phone,
    validate_credit_code,
    validate_mobile_phone,
    validate_phone,
)

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
bodies = st.builds(
    lambda head, tail: head + tail,
    st.text(alphabet="0123456789", min_size=8, max_size=8),
    st.text(alphabet=ALPHABET, min_size=9, max_size=9),
)


@given(bodies)
def test_every_code_with_its_check_character_is_valid(body):
    validate_credit_code(body + uscc.calc_check_digit(body))


@given(bodies, st.sampled_from(ALPHABET))
def test_a_wrong_check_character_is_refused(body, wrong):
    right = uscc.calc_check_digit(body)
    if wrong == right:
        return
    with pytest.raises(ValidationError) as refused:
        validate_credit_code(body + wrong)
    assert refused.value.code in ("credit_code_checksum", "credit_code_format")


def test_full_width_and_spaces_and_lower_case_are_normalised():
    code = "91430600MA4L00001C"
    typed = " ９１４３０６００ma4l00001c "
    assert normalize_credit_code(typed) == code
    validate_credit_code(typed)


@pytest.mark.parametrize("value", ["9143060", "91430600MA4L00001CC", "91430600MA4L0000IC", ""])
def test_malformed_codes_are_refused(value):
    with pytest.raises(ValidationError):
        validate_credit_code(value)


@pytest.mark.parametrize(
    "value", ["13800138000", "+86 138 0013 8000", "0730-8888888", "０７３０８８８８８８８"]
)
def test_valid_phones(value):
    validate_phone(value)


@pytest.mark.parametrize("value", ["12345", "1380013800", "abc", "23800138000"])
def test_invalid_phones(value):
    with pytest.raises(ValidationError):
        validate_phone(value)


def test_a_landline_is_not_a_mobile():
    validate_mobile_phone("13800138000")
    with pytest.raises(ValidationError):
        validate_mobile_phone("0730-8888888")


def test_normalize_phone():
    assert normalize_phone("+86 138-0013-8000") == "13800138000"
