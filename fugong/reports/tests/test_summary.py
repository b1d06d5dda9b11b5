"""The kept per-day summary (the enterprises' attribute history, their resumption periods, the
gate's attendance counts) always equals its recomputation from the records, a past day is
counted with that day's attributes, and ``manage.py summary_rebuild [--check]``."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fugong.core.errors import ApplicationError, ConflictError
from fugong.enterprises.history import enterprise_history_differences
from fugong.enterprises.models import Enterprise, EnterpriseHistory, EnterpriseKind
from fugong.enterprises.services import enterprise_update
from fugong.gate import services as gate_services
from fugong.gate.attendance import attendance_from_checks, attendance_stored
from fugong.gate.tests.factories import check, make_gate
from fugong.reports import selectors
from fugong.resumption import services as resumption
from fugong.resumption.models import ResumptionApplication, ResumptionPeriod
from fugong.resumption.periods import kept_periods, recomputed_periods
from fugong.resumption.selectors import resumed_on_q, suspended_q
from fugong.resumption.tests.factories import make_application
from fugong.workforce.tests.factories import make_worker, resident_id

pytestmark = pytest.mark.django_db

DAYS_BACK = 10


def _moment(days_ago: int, hour: int = 9) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _registered_long_ago() -> None:
    """Registered ten days ago, with the history starting then (as the services would have
    written it then): today's edits close a row and open one."""
    Enterprise.objects.update(created_at=_moment(DAYS_BACK, 8))
    EnterpriseHistory.objects.update(valid_from=timezone.localdate() - timedelta(days=DAYS_BACK))


@pytest.fixture
def setup(park):
    _registered_long_ago()
    officers = {park.a.pk: park.officer, park.b.pk: park.other_officer}
    gates = {park.a.pk: make_gate(park.a), park.b.pk: make_gate(park.b, name="乙门")}
    workers = {
        park.a.pk: make_worker(
            actor=park.officer, enterprise=park.a, document_number=resident_id(sequence=51)
        ),
        park.b.pk: make_worker(
            actor=park.other_officer, enterprise=park.b, document_number=resident_id(sequence=53)
        ),
    }
    return officers, gates, workers


def _approve(park, officer, decided_days_ago: int, delay: int) -> None:
    if ResumptionApplication.objects.filter(enterprise=officer.enterprise).exists():
        return
    enterprise = Enterprise.objects.get(pk=officer.enterprise_id)
    application = make_application(
        officer=officer, liaison=enterprise.liaison, command=park.command, state="verified"
    )
    decided = _moment(decided_days_ago, 11)
    resumption.application_approve(
        actor=park.command,
        application=application,
        resumption_date=timezone.localdate(decided) + timedelta(days=delay),
        at=decided,
    )


def _assert_kept_equals_recomputed(park) -> None:
    assert kept_periods() == recomputed_periods()
    assert enterprise_history_differences() == []
    today = timezone.localdate()
    facts = selectors.enterprise_facts(park.command)
    for offset in range(-4, 5):
        day = today + timedelta(days=offset)
        resumed = set(Enterprise.objects.filter(resumed_on_q(day)).values_list("pk", flat=True))
        suspended = set(Enterprise.objects.filter(suspended_q(day)).values_list("pk", flat=True))
        for enterprise in facts.values():
            assert enterprise.resumed_on(day) == (enterprise.id in resumed), (enterprise.id, day)
            assert enterprise.suspended_on(day) == (enterprise.id in suspended), (
                enterprise.id,
                day,
            )
    # Today the figures use the current attributes.
    figures = selectors.daily_figures(actor=park.command, day=today, facts=facts)
    assert figures.in_scope == Enterprise.objects.filter(in_scope=True).count()
    assert figures.resumed == Enterprise.objects.filter(resumed_on_q(today), in_scope=True).count()
    first = today - timedelta(days=3)
    assert attendance_stored(first, today) == attendance_from_checks(first, today)


operation = st.one_of(
    st.tuples(
        st.just("approve"),
        st.booleans(),
        st.integers(min_value=0, max_value=3),  # decided days ago
        st.integers(min_value=0, max_value=3),  # resumption this many days after the decision
    ),
    st.tuples(st.just("suspend"), st.booleans(), st.integers(min_value=0, max_value=3)),
    st.tuples(st.just("reinstate"), st.booleans(), st.integers(min_value=0, max_value=3)),
    st.tuples(
        st.just("edit"),
        st.booleans(),
        st.sampled_from(["kind", "in_scope", "is_above_scale", "liaison"]),
        st.booleans(),
    ),
    st.tuples(st.just("check"), st.booleans(), st.integers(min_value=0, max_value=3)),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    # Most examples start with one or both enterprises approved (at random days), so that the
    # suspensions and reinstatements that follow are not all refused.
    approved_first=st.lists(
        st.tuples(
            st.booleans(),
            st.integers(min_value=0, max_value=3),
            st.integers(min_value=0, max_value=3),
        ),
        max_size=2,
    ),
    operations=st.lists(operation, min_size=1, max_size=10),
)
def test_the_kept_summary_always_equals_its_recomputation(park, setup, approved_first, operations):
    officers, gates, workers = setup
    today = timezone.localdate()
    sid = transaction.savepoint()
    try:
        for first, decided_days_ago, delay in approved_first:
            _approve(park, officers[(park.a if first else park.b).pk], decided_days_ago, delay)
        for name, first, *rest in operations:
            enterprise = Enterprise.objects.get(pk=(park.a if first else park.b).pk)
            try:
                if name == "approve":
                    _approve(park, officers[enterprise.pk], *rest)
                elif name == "suspend":
                    resumption.enterprise_suspend(
                        actor=park.command,
                        enterprise=enterprise,
                        reason="未落实测温",
                        starts_on=today + timedelta(days=rest[0]),
                    )
                elif name == "reinstate":
                    resumption.enterprise_reinstate(
                        actor=park.command,
                        enterprise=enterprise,
                        reason="整改到位",
                        ends_on=today + timedelta(days=rest[0]),
                    )
                elif name == "edit":
                    field, flag = rest
                    value = {
                        "kind": EnterpriseKind.INDUSTRIAL
                        if flag
                        else EnterpriseKind.CONSTRUCTION_SITE,
                        "in_scope": flag,
                        "is_above_scale": flag,
                        "liaison": park.liaison if flag else park.other_liaison,
                    }[field]
                    enterprise_update(actor=park.command, enterprise=enterprise, **{field: value})
                else:
                    gate_services.gate_checks_record(
                        gate=gates[enterprise.pk],
                        items=[
                            check(
                                worker_id=workers[enterprise.pk].pk,
                                occurred_at=_moment(rest[0], 8),
                            )
                        ],
                        operator=park.command,
                    )
            except (ApplicationError, ConflictError):
                pass  # refused (not approved, already suspended …): nothing may have changed
            _assert_kept_equals_recomputed(park)
    finally:
        transaction.savepoint_rollback(sid)


def test_a_past_day_is_counted_with_that_days_kind_and_scope(park):
    _registered_long_ago()
    yesterday = timezone.localdate() - timedelta(days=1)
    today = timezone.localdate()

    def by_kind(day):
        figures = selectors.daily_figures(actor=park.command, day=day)
        return (
            figures.in_scope,
            figures.above_scale_in_scope,
            {row.key: row.in_scope for row in selectors.breakdown_by_kind(figures)},
        )

    before = by_kind(yesterday)
    assert before == (2, 1, {EnterpriseKind.INDUSTRIAL: 2})
    enterprise_update(actor=park.command, enterprise=park.a, kind=EnterpriseKind.CONSTRUCTION_SITE)
    enterprise_update(actor=park.command, enterprise=park.b, in_scope=False)
    assert by_kind(yesterday) == before
    assert by_kind(today) == (1, 0, {EnterpriseKind.CONSTRUCTION_SITE: 1})
    # Two rows for each: the closed one (until today) and the current one (from today).
    rows = EnterpriseHistory.objects.filter(enterprise=park.a).order_by("valid_from")
    assert [(row.valid_until, row.kind) for row in rows] == [
        (today, EnterpriseKind.INDUSTRIAL),
        (None, EnterpriseKind.CONSTRUCTION_SITE),
    ]
    # Changed back the same day: today's row changes in place, yesterday's stays.
    enterprise_update(actor=park.command, enterprise=park.a, kind=EnterpriseKind.INDUSTRIAL)
    assert EnterpriseHistory.objects.filter(enterprise=park.a).count() == 2
    assert by_kind(yesterday) == before


def test_a_past_day_is_grouped_by_that_days_liaison(park):
    _registered_long_ago()
    yesterday = timezone.localdate() - timedelta(days=1)

    def by_liaison(day):
        figures = selectors.daily_figures(actor=park.command, day=day)
        return {row.key: row.in_scope for row in selectors.breakdown_by_liaison(figures)}

    assert by_liaison(yesterday) == {park.liaison.pk: 1, park.other_liaison.pk: 1}
    enterprise_update(actor=park.command, enterprise=park.b, liaison=park.liaison)
    assert by_liaison(yesterday) == {park.liaison.pk: 1, park.other_liaison.pk: 1}
    assert by_liaison(timezone.localdate()) == {park.liaison.pk: 2}


def test_summary_rebuild_check_passes_on_kept_data(park, capsys):
    make_application(
        officer=park.officer, liaison=park.liaison, command=park.command, state="approved"
    )
    call_command("summary_rebuild", "--check")
    assert "0 difference" in capsys.readouterr().out


def test_summary_rebuild_check_reports_differences_and_rebuild_repairs_them(park, capsys):
    make_application(
        officer=park.officer, liaison=park.liaison, command=park.command, state="approved"
    )
    resumption.enterprise_suspend(actor=park.command, enterprise=park.a, reason="未落实测温")
    ResumptionPeriod.objects.filter(enterprise=park.a).delete()  # written behind the services
    Enterprise.objects.filter(pk=park.b.pk).update(kind=EnterpriseKind.OTHER)
    with pytest.raises(CommandError, match="differs in 2 places"):
        call_command("summary_rebuild", "--check")
    out = capsys.readouterr().out
    assert f"enterprise {park.a.pk}: kept [] != recomputed" in out
    assert f"enterprise {park.b.pk}: history" in out
    assert not ResumptionPeriod.objects.filter(enterprise=park.a).exists()  # --check writes nothing

    call_command("summary_rebuild")
    call_command("summary_rebuild", "--check")
    assert kept_periods() == recomputed_periods()
    assert EnterpriseHistory.objects.get(enterprise=park.b, valid_until=None).kind == "other"


def test_the_kept_periods_follow_the_briefs_resumed_on(park):
    """Approved today to resume in two days, suspended from tomorrow, reinstated from the day
    after: each day's status as ``resumed_on_q`` says."""
    today = timezone.localdate()
    application = make_application(
        officer=park.officer, liaison=park.liaison, command=park.command, state="verified"
    )
    resumption.application_approve(
        actor=park.command, application=application, resumption_date=today + timedelta(days=2)
    )
    resumption.enterprise_suspend(
        actor=park.command,
        enterprise=park.a,
        reason="未落实测温",
        starts_on=today + timedelta(days=1),
    )
    resumption.enterprise_reinstate(
        actor=park.command, enterprise=park.a, reason="整改到位", ends_on=today + timedelta(days=3)
    )
    assert kept_periods()[park.a.pk] == [
        (today + timedelta(days=1), today + timedelta(days=3), False, True),
        (today + timedelta(days=3), None, True, False),
    ]
    facts = selectors.enterprise_facts(park.command)[park.a.pk]
    for offset in range(-1, 6):
        day = today + timedelta(days=offset)
        assert (
            facts.resumed_on(day)
            == Enterprise.objects.filter(resumed_on_q(day), pk=park.a.pk).exists()
        )
