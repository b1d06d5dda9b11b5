"""The clearance rules as a pure function."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from fugong.screening.engine import CLEARED, NOT_CLEARED, OBSERVATION, Area, Facts, Policy, assess

TODAY = date(2020, 2, 16)
POLICY = Policy()
WUHAN_HIGH = Area("4201", "420100", "high", date(2020, 1, 23), None)
HUBEI_MEDIUM = Area("42", "420000", "medium", date(2020, 1, 24), None)
CHANGSHA_LOW = Area("4301", "430100", "low", date(2020, 1, 30), None)
ENDED = Area("431002", "431002", "high", date(2020, 1, 1), date(2020, 1, 10))


def outcome(facts, areas=(), policy=POLICY, today=TODAY):
    return assess(facts, policy=policy, areas=list(areas), today=today, city_prefix="4306")


def local(**fields) -> Facts:
    return Facts(residence_code="430603", holiday_location_code="430603", **fields)


def test_stayed_home_is_cleared():
    assert outcome(local()).clearance == CLEARED


def test_back_from_a_high_risk_county_is_observed_14_days_from_the_return():
    facts = Facts(
        residence_code="430603", holiday_location_code="420102", returned_on=date(2020, 2, 10)
    )
    result = outcome(facts, [WUHAN_HIGH])
    assert result.clearance == OBSERVATION
    assert result.until == date(2020, 2, 24)
    assert result.reasons[0]["code"] == "risk_area"


def test_a_province_covers_its_counties():
    facts = Facts(
        residence_code="430603", holiday_location_code="421002", returned_on=date(2020, 2, 12)
    )
    assert outcome(facts, [HUBEI_MEDIUM]).until == date(2020, 2, 26)


def test_low_risk_areas_need_no_observation_by_default():
    facts = Facts(
        residence_code="430603", holiday_location_code="430104", returned_on=date(2020, 2, 12)
    )
    assert outcome(facts, [CHANGSHA_LOW]).clearance == CLEARED
    stricter = Policy(observation_levels=("low", "medium", "high"))
    assert outcome(facts, [CHANGSHA_LOW], policy=stricter).clearance == OBSERVATION


def test_an_observation_that_has_ended_is_cleared():
    facts = Facts(
        residence_code="430603", holiday_location_code="420102", returned_on=date(2020, 1, 25)
    )
    assert outcome(facts, [WUHAN_HIGH]).clearance == CLEARED


def test_leaving_long_before_an_area_was_declared_is_no_exposure():
    facts = Facts(
        residence_code="430603", holiday_location_code="420102", returned_on=date(2020, 1, 2)
    )
    assert (
        outcome(facts, [Area("4201", "420100", "high", date(2020, 2, 1), None)]).clearance
        == CLEARED
    )


def test_passing_through_counts_from_the_last_day_there():
    facts = local(travel=(("420106", date(2020, 2, 3), date(2020, 2, 5)),))
    result = outcome(facts, [WUHAN_HIGH])
    assert (result.clearance, result.until) == (OBSERVATION, date(2020, 2, 19))


def test_an_area_that_ended_counts_up_to_its_end():
    facts = Facts(
        residence_code="430603", holiday_location_code="431002", returned_on=date(2020, 2, 1)
    )
    result = outcome(facts, [ENDED])
    assert result.clearance == CLEARED  # exposure capped at 10 January, + 14 days = 24 January


def test_contact_with_a_case():
    result = outcome(local(contact_on=date(2020, 2, 10)))
    assert (result.clearance, result.until) == (OBSERVATION, date(2020, 2, 24))


def test_health_codes():
    assert outcome(local(health_code="red", health_code_on=date(2020, 2, 10))).until == date(
        2020, 2, 24
    )
    assert outcome(local(health_code="yellow", health_code_on=date(2020, 2, 10))).until == date(
        2020, 2, 17
    )
    assert (
        outcome(local(health_code="green", health_code_on=date(2020, 2, 10))).clearance == CLEARED
    )


def test_symptoms_and_missing_information_block():
    assert outcome(local(symptoms="发热")).clearance == NOT_CLEARED
    assert outcome(Facts(residence_code="430603")).reasons[0]["code"] == "missing_holiday_location"
    away = Facts(residence_code="430603", holiday_location_code="430104")
    assert outcome(away).reasons[0]["code"] == "missing_return_date"
    # Within the city, no return date is needed.
    assert (
        outcome(Facts(residence_code="430603", holiday_location_code="430621")).clearance == CLEARED
    )


def test_a_medical_hold_from_the_gate_blocks():
    result = outcome(local(medical_hold="37.8 °C"))
    assert result.clearance == NOT_CLEARED
    assert result.reasons[0]["code"] == "medical_hold"


def test_the_longest_observation_wins():
    facts = Facts(
        residence_code="430603",
        holiday_location_code="420102",
        returned_on=date(2020, 2, 10),
        contact_on=date(2020, 2, 14),
    )
    result = outcome(facts, [WUHAN_HIGH])
    assert result.until == date(2020, 2, 28)
    assert {reason["code"] for reason in result.reasons} == {"risk_area", "contact"}


@given(
    st.dates(min_value=date(2020, 1, 1), max_value=TODAY),
    st.integers(min_value=1, max_value=30),
)
def test_observation_never_ends_before_today_and_lasts_the_policy_days(returned, days):
    facts = Facts(residence_code="430603", holiday_location_code="420102", returned_on=returned)
    result = outcome(facts, [WUHAN_HIGH], policy=Policy(observation_days=days))
    expected_until = returned + timedelta(days=days)
    if returned < WUHAN_HIGH.starts_on - timedelta(days=days) or expected_until < TODAY:
        assert result.clearance == CLEARED
    else:
        assert result.clearance == OBSERVATION
        assert result.until == expected_until >= TODAY


def test_a_closed_department_or_enterprise_is_not_cleared_and_keeps_an_observation():
    closed = outcome(local(closed=(("一车间", "#12"),)))
    assert closed.clearance == NOT_CLEARED and closed.until is None
    assert closed.reasons == ({"code": "closed", "department": "一车间", "case": "#12"},)
    both = outcome(local(closed=(("", "#12"),), contact_on=TODAY - timedelta(days=2)))
    assert both.clearance == NOT_CLEARED and both.until == TODAY + timedelta(days=12)
    assert [reason["code"] for reason in both.reasons] == ["closed", "contact"]
