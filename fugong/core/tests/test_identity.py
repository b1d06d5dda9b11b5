from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from fugong.core.divisions import all_divisions
from fugong.core.identity import birth_date_of, parse_resident_id, spreadsheet_mangled

COUNTY_CODES = sorted(
    code for code, division in all_divisions().items() if division.is_county_level
)


def with_check(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


ids = st.builds(
    lambda county, birth, sequence: with_check(f"{county}{birth:%Y%m%d}{sequence:03d}"),
    st.sampled_from(COUNTY_CODES),
    st.dates(min_value=date(1930, 1, 1), max_value=date(2010, 12, 31)),
    st.integers(min_value=0, max_value=999),
)


@given(ids)
def test_every_well_formed_number_is_accepted(number):
    parsed = parse_resident_id(number, today=date(2026, 1, 1))
    assert parsed.number == number
    assert parsed.birth_date == ric.get_birth_date(number)
    assert parsed.sex == ("M" if int(number[16]) % 2 else "F")


@given(ids)
def test_birth_date_matches_stdnum(number):
    assert birth_date_of(number) == ric.get_birth_date(number)


@given(ids, st.sampled_from("0123456789X"))
@settings(max_examples=200)
def test_a_wrong_check_character_is_refused(number, wrong):
    if wrong == number[-1]:
        return
    with pytest.raises(ValidationError) as refused:
        parse_resident_id(number[:-1] + wrong)
    assert refused.value.code == "id_checksum"


def test_a_recoded_county_is_still_a_real_number():
    # 430602 (Yueyanglou District) exists only from 1984; people born before keep the code.
    number = with_check("43060219700101001")
    assert not ric.is_valid(number)  # python-stdnum's own validate refuses it (its issue #442)
    assert parse_resident_id(number).county_code == "430602"
    # A county merged away in 2010 (崇文区) is still accepted.
    assert parse_resident_id(with_check("11010319650101002")).birth_date == date(1965, 1, 1)


@pytest.mark.parametrize(
    "value, code",
    [
        (with_check("43060219800230001"), "id_birth_date"),  # 30 February
        (with_check("43060230000101001"), "id_birth_date"),  # born in the future
        (with_check("99999919800101001"), "id_county"),
        ("43060219800101001", "id_length"),
        ("4306021980010100A1", "id_format"),
        ("430602800101001", "id_first_generation"),
        (4.30602e17, "id_mangled"),
        (430602198001011000, "id_mangled"),
        ("4.30602E+17", "id_mangled"),
    ],
)
def test_bad_numbers_say_why(value, code):
    with pytest.raises(ValidationError) as refused:
        parse_resident_id(value)
    assert refused.value.code == code


def test_full_width_digits_spaces_and_lower_case_x():
    number = next(
        candidate
        for candidate in (with_check(f"43060319850615{sequence:03d}") for sequence in range(1000))
        if candidate.endswith("X")
    )
    typed = " " + number[:-1].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + " x "
    assert parse_resident_id(typed).number == number


def test_spreadsheet_mangled():
    assert spreadsheet_mangled(4.30602e17)
    assert spreadsheet_mangled("4.30602E+17")
    assert not spreadsheet_mangled("430602198001011234")
    assert not spreadsheet_mangled(True)


def test_a_number_ending_in_000_is_flagged_as_possibly_cut_by_a_spreadsheet():
    from fugong.core.identity import parse_resident_id, possibly_truncated

    number = "430603198001154000"  # a valid number: check character 0, real county and date
    assert parse_resident_id(number).number == number
    assert possibly_truncated(number)
    assert not possibly_truncated("430603198001154001")
    assert not possibly_truncated("E1234000")
