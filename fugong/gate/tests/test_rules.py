"""The gate's verdict as a pure function."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fugong.gate import rules

THRESHOLDS = rules.Thresholds(fever=Decimal("37.3"), spo2=93)
WORKER = rules.Person(registered=True, kind="worker", clearance="cleared", enterprise_id=1)


def decide(person=WORKER, gate=1, **readings):
    values = {"mask": True, "disinfected": True, "temperature": Decimal("36.6"), "spo2": 98}
    values.update(readings)
    return rules.decide(
        rules.Readings(**values), person, gate_enterprise_id=gate, thresholds=THRESHOLDS
    )


def test_a_routine_admission():
    decision = decide()
    assert decision.admitted and decision.reasons == () and decision.abnormal == ""


@pytest.mark.parametrize(
    "readings, reason",
    [
        ({"mask": False}, rules.NO_MASK),
        ({"disinfected": False}, rules.NO_DISINFECTION),
        ({"temperature": None}, rules.NO_TEMPERATURE),
    ],
)
def test_the_four_nos(readings, reason):
    decision = decide(**readings)
    assert not decision.admitted and decision.reasons == (reason,)


def test_no_registration():
    decision = decide(person=rules.Person(registered=False))
    assert decision.reasons == (rules.NO_REGISTRATION,)


@pytest.mark.parametrize("problem", [rules.PASS_REVOKED, rules.PASS_EXPIRED, rules.PASS_UNKNOWN])
def test_bad_passes(problem):
    assert decide(person=rules.Person(registered=False, pass_problem=problem)).reasons == (problem,)


def test_a_high_reading_asks_for_a_second_one():
    decision = decide(temperature=Decimal("37.5"))
    assert decision.reasons == (rules.RECHECK_REQUIRED,) and decision.abnormal == ""
    assert decide(temperature=Decimal("37.5"), temperature_recheck=Decimal("36.9")).admitted
    confirmed = decide(temperature=Decimal("37.5"), temperature_recheck=Decimal("37.8"))
    assert confirmed.reasons == (rules.FEVER,) and confirmed.abnormal == "fever"


def test_the_threshold_itself_is_a_fever():
    assert (
        decide(temperature=Decimal("37.3"), temperature_recheck=Decimal("37.3")).abnormal == "fever"
    )
    assert decide(temperature=Decimal("37.2")).admitted


def test_low_spo2_raises_an_event():
    decision = decide(spo2=93)
    assert decision.reasons == (rules.LOW_SPO2,) and decision.abnormal == "low_spo2"
    assert decide(spo2=94).admitted
    both = decide(spo2=90, temperature=Decimal("38"), temperature_recheck=Decimal("38.2"))
    assert both.abnormal == "fever_low_spo2"


@pytest.mark.parametrize(
    "clearance, reason",
    [("not_cleared", rules.NOT_CLEARED), ("observation", rules.UNDER_OBSERVATION)],
)
def test_clearance(clearance, reason):
    person = rules.Person(registered=True, kind="worker", clearance=clearance, enterprise_id=1)
    assert decide(person=person).reasons == (reason,)


def test_another_enterprise_and_park_gates():
    assert decide(gate=2).reasons == (rules.OTHER_ENTERPRISE,)
    assert decide(gate=None).admitted  # a park gate admits workers of any enterprise


def test_visitors():
    visitor = rules.Person(registered=True, kind="visitor")
    assert decide(person=visitor, gate=1).admitted
    assert decide(
        person=rules.Person(registered=True, kind="visitor", contact_history=True)
    ).reasons == (rules.CONTACT_HISTORY,)
    assert decide(
        person=rules.Person(registered=True, kind="visitor", risk_origin=True)
    ).reasons == (rules.RISK_ORIGIN,)


def test_every_reason_is_reported():
    decision = decide(
        mask=False, disinfected=False, temperature=None, person=rules.Person(registered=False)
    )
    assert decision.reasons == (
        rules.NO_MASK,
        rules.NO_DISINFECTION,
        rules.NO_TEMPERATURE,
        rules.NO_REGISTRATION,
    )


@given(
    st.booleans(),
    st.booleans(),
    st.decimals(min_value=Decimal("35.0"), max_value=Decimal("41.0"), places=1),
    st.one_of(
        st.none(), st.decimals(min_value=Decimal("35.0"), max_value=Decimal("41.0"), places=1)
    ),
    st.integers(min_value=80, max_value=100),
)
def test_admitted_exactly_when_nothing_is_wrong(mask, disinfected, temperature, recheck, spo2):
    decision = decide(
        mask=mask,
        disinfected=disinfected,
        temperature=temperature,
        temperature_recheck=recheck,
        spo2=spo2,
    )
    fever_ok = temperature < THRESHOLDS.fever or (
        recheck is not None and recheck < THRESHOLDS.fever
    )
    assert decision.admitted == (mask and disinfected and fever_ok and spo2 > THRESHOLDS.spo2)
    assert bool(decision.abnormal) == (
        (temperature >= THRESHOLDS.fever and recheck is not None and recheck >= THRESHOLDS.fever)
        or spo2 <= THRESHOLDS.spo2
    )
