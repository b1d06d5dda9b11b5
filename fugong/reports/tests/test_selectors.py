"""Each figure against the hand-built history in conftest.py, for every one of its days."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fugong.core.errors import ApplicationError, PermissionDeniedError
from fugong.enterprises.models import Enterprise
from fugong.reports import selectors
from fugong.resumption.selectors import resumed_on_q

pytestmark = pytest.mark.django_db

# Offset from today → the figures expected that day (command post: the whole park).
EXPECTED = {
    -9: {
        "in_scope": 3,
        "resumed": 0,
        "construction_sites_resumed": 0,
        "on_duty": 0,
        "abnormal_events": 0,
    },
    -7: {
        "in_scope": 3,
        "resumed": 1,
        "construction_sites_resumed": 0,
        "above_scale_in_scope": 1,
        "above_scale_resumed": 1,
        "on_duty": 2,
        "on_duty_declared": 0,
        "resumed_usual_headcount": 10,
        "abnormal_events": 0,
        "suspected": 0,
    },
    -6: {"in_scope": 3, "resumed": 1, "on_duty": 1, "abnormal_events": 1, "suspected": 0},
    -5: {
        "in_scope": 3,
        "resumed": 2,
        "construction_sites_resumed": 1,
        "on_duty": 40,
        "on_duty_from_gates": 0,
        "on_duty_declared": 40,
        "declaring_enterprises": 1,
        "resumed_usual_headcount": 60,
        "suspected": 1,
    },
    -4: {"resumed": 1, "above_scale_resumed": 0, "on_duty": 0, "suspected": 1},
    -3: {"resumed": 1, "on_duty": 0, "suspected": 0, "confirmed": 0},
    -2: {"resumed": 2, "above_scale_resumed": 1},
    -1: {"in_scope": 4, "resumed": 2},
    0: {"in_scope": 4, "resumed": 2, "on_duty": 0},
}


@pytest.mark.parametrize("offset", sorted(EXPECTED))
def test_each_figure_on_each_day(park, history, offset):
    figures = selectors.daily_figures(actor=park.command, day=history.day(offset))
    for name, value in EXPECTED[offset].items():
        assert getattr(figures, name) == value, (offset, name)


def test_rates_and_their_zero_denominators(park, history):
    figures = selectors.daily_figures(actor=park.command, day=history.day(-7))
    assert figures.resumption_rate == pytest.approx(1 / 3)
    assert figures.above_scale_rate == 1
    assert figures.return_to_post_rate == pytest.approx(2 / 10)
    before = selectors.daily_figures(actor=park.command, day=history.day(-9))
    assert before.return_to_post_rate is None  # nothing resumed: "—", not a division error
    assert before.as_dict()["return_to_post_rate"] is None


def test_unapproved_resumption_alerts_with_their_evidence(park, history):
    on_6 = selectors.daily_figures(actor=park.command, day=history.day(-6))
    assert [alert.enterprise.id for alert in on_6.alerts] == [history.b.pk]
    alert = on_6.alerts[0]
    assert alert.admitted_workers == 1 and not alert.suspended
    assert alert.gates == ["乙门"] and alert.first_admission is not None
    on_3 = selectors.daily_figures(actor=park.command, day=history.day(-3))
    assert [(alert.enterprise.id, alert.suspended) for alert in on_3.alerts] == [
        (history.a.pk, True)
    ]
    # Admissions of an enterprise not allowed to work are not counted as on duty.
    assert on_3.on_duty == 0


def test_applications_waiting_by_step_as_of_each_day(park, history):
    waiting = {
        offset: selectors.applications_waiting_counts(actor=park.command, day=history.day(offset))
        for offset in (-9, -7, -6, -5, 0)
    }
    assert waiting[-9] == {"awaiting_verification": 0, "awaiting_decision": 1, "returned": 0}
    assert waiting[-7] == {"awaiting_verification": 0, "awaiting_decision": 1, "returned": 0}
    assert waiting[-6] == {"awaiting_verification": 1, "awaiting_decision": 0, "returned": 0}
    assert waiting[-5] == {"awaiting_verification": 0, "awaiting_decision": 1, "returned": 0}
    assert waiting[0] == waiting[-5]


def test_scope_cuts_the_figures(park, history):
    day = history.day(-6)
    liaison = selectors.daily_figures(actor=park.liaison, day=day)  # a, c, d
    assert (liaison.in_scope, liaison.resumed, liaison.on_duty, liaison.alerts) == (2, 1, 1, [])
    assert liaison.abnormal_events == 1
    other = selectors.daily_figures(actor=park.other_liaison, day=day)  # b, e
    assert (other.in_scope, other.resumed, other.on_duty, other.abnormal_events) == (1, 0, 0, 0)
    assert [alert.enterprise.id for alert in other.alerts] == [history.b.pk]
    officer = selectors.daily_figures(actor=park.officer, day=day)
    assert {line.facts.id for line in officer.enterprises} == {history.a.pk}
    for user in (park.gate, park.district, park.inspector):
        with pytest.raises(PermissionDeniedError):
            selectors.daily_figures(actor=user, day=day)


def test_drill_downs_count_what_the_figures_say(park, history):
    for offset in EXPECTED:
        day = history.day(offset)
        figures = selectors.daily_figures(actor=park.command, day=day)
        for figure in selectors.ENTERPRISE_FIGURES:
            assert len(selectors.enterprise_lines(figures, figure)) == getattr(figures, figure)
        workers = selectors.on_duty_workers(actor=park.command, day=day, figures=figures)
        declared = sum(line.on_duty for line in selectors.declared_lines(figures))
        assert workers.count() + declared == figures.on_duty
        assert (
            selectors.abnormal_events(actor=park.command, day=day).count()
            == figures.abnormal_events
        )
        assert (
            selectors.observation_workers(actor=park.command, day=day).count()
            == figures.under_observation
        )
        for step, count in figures.applications_waiting.items():
            assert (
                selectors.applications_waiting(actor=park.command, day=day, step=step).count()
                == count
            )
    on_7 = selectors.daily_figures(actor=park.command, day=history.day(-7))
    names = {
        row.worker.full_name
        for row in selectors.on_duty_workers(actor=park.command, day=history.day(-7), figures=on_7)
    }
    assert names == {"甲一", "甲二"}


def test_trends_agree_with_each_day(park, history):
    facts = selectors.enterprise_facts(park.command)
    trend = selectors.trends(actor=park.command, day=history.today, facts=facts)
    assert trend.days[0] == history.day(-10)  # the park's records begin
    for index, day in enumerate(trend.days):
        figures = selectors.daily_figures(actor=park.command, day=day, facts=facts)
        assert trend.resumed[index] == figures.resumed
        assert trend.on_duty[index] == figures.on_duty
        assert trend.abnormal_events[index] == figures.abnormal_events
        assert trend.resumption_rate[index] == figures.resumption_rate


def test_breakdowns_add_up(park, history):
    figures = selectors.daily_figures(actor=park.command, day=history.day(-5))
    for breakdown in (
        selectors.breakdown_by_kind(figures),
        selectors.breakdown_by_liaison(figures),
    ):
        assert sum(row.in_scope for row in breakdown) == figures.in_scope
        assert sum(row.resumed for row in breakdown) == figures.resumed
        assert sum(row.on_duty for row in breakdown) == figures.on_duty


def test_a_confirmed_case_counts_from_the_day_its_classification_takes_effect(park, history):
    from fugong.cases import services as case_services
    from fugong.cases.models import Case

    case_services.case_classify(
        actor=park.command, case=Case.objects.get(), classification="confirmed"
    )
    assert selectors.daily_figures(actor=park.command, day=history.today).confirmed == 1
    assert selectors.daily_figures(actor=park.command, day=history.day(-1)).confirmed == 0
    # The days it was suspected keep their figure.
    assert selectors.daily_figures(actor=park.command, day=history.day(-4)).suspected == 1


def test_observation_today_and_not_before_registration(park, history):
    from fugong.screening.services import risk_area_add
    from fugong.workforce.tests.factories import make_worker, resident_id

    risk_area_add(
        actor=park.command, division_code="420100", level="high", starts_on=history.day(-20)
    )
    worker = make_worker(
        actor=park.officer,
        enterprise=history.a,
        document_number=resident_id(sequence=21),
        holiday_location_code="420102",
        returned_on=history.day(-2),
    )
    assert worker.clearance == "observation"
    assert selectors.daily_figures(actor=park.command, day=history.today).under_observation == 1
    assert selectors.daily_figures(actor=park.command, day=history.day(-1)).under_observation == 0
    assert (
        selectors.daily_figures(actor=park.other_officer, day=history.today).under_observation == 0
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-13-01", "YYYY-MM-DD"),
        ("yesterday", "YYYY-MM-DD"),
        ("2999-01-01", "future"),
        ("2000-01-01", "records begin"),
    ],
)
def test_bad_dates_are_clear_errors(park, history, value, message):
    with pytest.raises(ApplicationError) as error:
        selectors.report_date(value)
    assert message in str(error.value.message)
    assert error.value.status == 400


def test_no_date_is_today(park):
    assert selectors.report_date(None) == timezone.localdate()


def test_resumed_in_python_equals_resumed_in_sql(park, history):
    facts = selectors.enterprise_facts(park.command)
    for offset in range(-11, 1):
        day = history.day(offset)
        in_python = {key for key, fact in facts.items() if fact.resumed_on(day)}
        in_sql = set(Enterprise.objects.filter(resumed_on_q(day)).values_list("pk", flat=True))
        assert in_python == in_sql, offset


def test_report_matches_the_figures(park, history):
    from fugong.reports.exports import daily_report_text

    figures = selectors.daily_figures(actor=park.command, day=history.day(-5))
    text = daily_report_text(figures, "zh-hans")
    assert "2家" in text and "40" in text and "66.7%" in text
    english = daily_report_text(figures, "en")
    assert "2 enterprises" in english and "66.7%" in english
    assert timedelta(days=0) == history.day(0) - history.today


def test_observation_on_past_days_follows_the_clearance_history(park):
    """Two workers whose clearance changed: the figure for each day is what held that day."""
    from fugong.screening.models import ClearanceChange, ScreeningRun
    from fugong.workforce.models import Worker
    from fugong.workforce.tests.factories import make_worker, resident_id

    from .conftest import at

    today = timezone.localdate()

    def day(offset):
        return today + timedelta(days=offset)

    first = make_worker(
        actor=park.officer, enterprise=park.a, document_number=resident_id(sequence=51)
    )
    second = make_worker(
        actor=park.officer, enterprise=park.a, document_number=resident_id(sequence=53)
    )
    Worker.objects.filter(pk__in=[first.pk, second.pk]).update(created_at=at(day(-10)))

    def change(worker, when, old, old_until, new, new_until):
        run = ScreeningRun.objects.create(trigger="daily", created_at=at(when, 6))
        ClearanceChange.objects.create(
            run=run,
            worker=worker,
            enterprise=park.a,
            old_clearance=old,
            old_until=old_until,
            new_clearance=new,
            new_until=new_until,
        )

    # The first was under observation until T+2 from the start, cleared early at T-5.
    change(first, day(-5), "observation", day(2), "cleared", None)
    # The second was put under observation at T-8 until T-2, and cleared at T-1.
    change(second, day(-8), "cleared", None, "observation", day(-2))
    change(second, day(-1), "observation", day(-2), "cleared", None)
    expected = {-9: 1, -7: 2, -6: 2, -5: 1, -3: 1, -2: 1, -1: 0, 0: 0}
    for offset, count in expected.items():
        figure = selectors.daily_figures(actor=park.command, day=day(offset)).under_observation
        listed = selectors.observation_workers(actor=park.command, day=day(offset))
        assert (figure, listed.count()) == (count, count), offset
    assert selectors.daily_figures(actor=park.other_officer, day=day(-7)).under_observation == 0


def test_overdue_rectifications_and_unacknowledged_notices_as_of_each_day(park, history):
    from fugong.bulletins.services import notice_acknowledge, notice_issue
    from fugong.inspections import services as inspections

    from .conftest import at

    day = history.day
    inspection = inspections.inspection_create(
        actor=park.inspector,
        enterprise=history.a,
        kind="unannounced",
        inspected_on=day(-6),
        at=at(day(-6), 9),
    )
    finding = inspections.finding_add(
        actor=park.inspector,
        inspection=inspection,
        description="门岗未登记体温",
        severity="major",
        rectification_required="落实体温登记",
        deadline=day(-4),
        at=at(day(-6), 10),
    )
    inspections.inspection_update(
        actor=park.inspector, inspection=inspection, summary="检查门岗", at=at(day(-6), 11)
    )
    inspections.inspection_complete(actor=park.inspector, inspection=inspection, at=at(day(-6), 12))
    inspections.rectification_submit(
        actor=park.officer, finding=finding, response="已整改", at=at(day(-2), 9)
    )
    notice = notice_issue(
        actor=park.command,
        document_number="新港防指〔2026〕1号",
        title="关于加强门岗管控的通知",
        issued_on=day(-5),
        body="各企业：……",
        to_all=False,
        enterprises=[history.a, history.b],
        at=at(day(-5), 9),
    )
    notice_acknowledge(actor=park.officer, notice=notice, at=at(day(-3), 9))
    expected = {-6: (0, 0), -5: (0, 2), -4: (0, 2), -3: (1, 1), -2: (0, 1), 0: (0, 1)}
    for offset, (overdue, unacknowledged) in expected.items():
        figures = selectors.daily_figures(actor=park.command, day=day(offset))
        assert (figures.overdue_rectifications, figures.unacknowledged_notices) == (
            overdue,
            unacknowledged,
        ), offset
    liaison = selectors.daily_figures(actor=park.other_liaison, day=day(-4))
    assert (liaison.overdue_rectifications, liaison.unacknowledged_notices) == (0, 1)


def test_a_new_employer_does_not_count_the_events_of_an_earlier_employment(park):
    from fugong.gate import services as gate_services
    from fugong.gate.tests.factories import check, make_gate
    from fugong.workforce.services import pass_issue, pass_token, worker_move
    from fugong.workforce.tests.factories import make_worker, resident_id

    worker = make_worker(
        actor=park.officer, enterprise=park.a, document_number=resident_id(sequence=95)
    )
    token = pass_token(pass_issue(actor=park.officer, worker=worker))
    gate_services.gate_checks_record(
        gate=make_gate(park.a), items=[check(pass_token=token, spo2=85)]
    )
    worker_move(actor=park.command, worker=worker, enterprise=park.b)
    today = timezone.localdate()
    assert selectors.abnormal_events(actor=park.officer, day=today).count() == 1
    assert selectors.abnormal_events(actor=park.other_officer, day=today).count() == 0
