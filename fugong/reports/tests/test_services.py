"""The kept attendance always equals a recount from the checks; declarations."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fugong.audit.models import AuditEvent
from fugong.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fugong.core.testing import assert_nothing_written, database_counts
from fugong.enterprises.models import Enterprise
from fugong.gate import services as gate_services
from fugong.gate.attendance import (
    attendance_from_checks,
    attendance_rebuild,
    attendance_stored,
)
from fugong.gate.models import Attendance
from fugong.gate.tests.factories import check, make_gate
from fugong.reports.models import HeadcountDeclaration
from fugong.reports.services import headcount_declare
from fugong.workforce.services import worker_leave, worker_register
from fugong.workforce.tests.factories import make_worker, resident_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(park):
    gate_a, gate_b = make_gate(park.a), make_gate(park.b, name="乙门")
    workers = [
        make_worker(actor=park.officer, enterprise=park.a, document_number=resident_id(sequence=n))
        for n in range(31, 39, 2)
    ] + [
        make_worker(
            actor=park.other_officer, enterprise=park.b, document_number=resident_id(sequence=n)
        )
        for n in range(41, 45, 2)
    ]
    return gate_a, gate_b, workers


def _moment(offset_days: int, minute: int):
    day = timezone.localdate() - timedelta(days=offset_days)
    return timezone.make_aware(datetime.combine(day, time(7, 0))) + timedelta(minutes=minute)


check_strategy = st.tuples(
    st.integers(min_value=0, max_value=5),  # which worker
    st.integers(min_value=0, max_value=3),  # days ago
    st.booleans(),  # mask worn (else denied)
    st.booleans(),  # at the worker's own gate (else the other enterprise's: denied)
    st.integers(min_value=0, max_value=300),  # minute
    st.booleans(),  # sent again (a replay)
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batches=st.lists(st.lists(check_strategy, min_size=1, max_size=6), min_size=1, max_size=5))
def test_kept_counts_always_equal_a_recount_from_the_checks(park, setup, batches):
    gate_a, gate_b, workers = setup
    sid = transaction.savepoint()
    try:
        sent = []
        for batch in batches:
            by_gate: dict = {gate_a: [], gate_b: []}
            for index, days_ago, mask, own_gate, minute, again in batch:
                worker = workers[index]
                home = gate_a if worker.enterprise_id == park.a.pk else gate_b
                gate = home if own_gate else (gate_b if home is gate_a else gate_a)
                item = check(worker_id=worker.pk, mask=mask, occurred_at=_moment(days_ago, minute))
                by_gate[gate].append(item)
                if again and sent:
                    by_gate[sent[-1][0]].append(sent[-1][1])  # the previous check, resent
                sent.append((gate, item))
            for gate, items in by_gate.items():
                if items:
                    gate_services.gate_checks_record(gate=gate, items=items, operator=park.command)
        first, last = timezone.localdate() - timedelta(days=3), timezone.localdate()
        kept = attendance_stored(first, last)
        assert kept == attendance_from_checks(first, last)
        attendance_rebuild(first, last)
        assert attendance_stored(first, last) == kept
    finally:
        transaction.savepoint_rollback(sid)


def test_a_worker_counts_for_the_enterprise_they_had_at_the_check(park, setup):
    gate_a, _gate_b, workers = setup
    worker = workers[0]
    gate_services.gate_checks_record(
        gate=gate_a, items=[check(worker_id=worker.pk, occurred_at=_moment(1, 0))]
    )
    worker_leave(actor=park.officer, worker=worker)
    worker_register(
        actor=park.other_officer,
        enterprise=park.b,
        full_name=worker.full_name,
        document_number=resident_id(sequence=31),
        phone="13800138000",
        residence_code="430603",
        holiday_location_code="430603",
    )
    day = timezone.localdate() - timedelta(days=1)
    assert attendance_stored(day, day) == {(day, park.a.pk): 1}
    attendance_rebuild(day, day)
    assert attendance_stored(day, day) == {(day, park.a.pk): 1}


def test_denied_visitors_and_repeats_are_not_on_duty(park, setup):
    gate_a, _gate_b, workers = setup
    first = check(worker_id=workers[0].pk)
    gate_services.gate_checks_record(gate=gate_a, items=[first, check(worker_id=workers[0].pk)])
    gate_services.gate_checks_record(gate=gate_a, items=[first])  # a replay
    gate_services.gate_checks_record(
        gate=gate_a, items=[check(worker_id=workers[1].pk, mask=False)]
    )
    assert Attendance.objects.count() == 1


def test_declaring_a_headcount(park):
    Enterprise.objects.filter(pk=park.a.pk).update(created_at=timezone.now() - timedelta(days=30))
    park.a.refresh_from_db()
    yesterday = timezone.localdate() - timedelta(days=1)
    declaration = headcount_declare(
        actor=park.officer, enterprise=park.a, day=yesterday, workers=12, note="无门岗"
    )
    again = headcount_declare(actor=park.officer, enterprise=park.a, day=yesterday, workers=15)
    assert again.pk == declaration.pk and again.workers == 15
    assert HeadcountDeclaration.objects.count() == 1
    assert AuditEvent.objects.filter(action="reports.headcount_declared").count() == 2
    # The same declaration again (a retry) writes nothing.
    before = database_counts()
    same = headcount_declare(actor=park.officer, enterprise=park.a, day=yesterday, workers=15)
    assert same.updated_at == again.updated_at
    assert_nothing_written(before)
    # Not before the enterprise was registered.
    with pytest.raises(ApplicationError):
        headcount_declare(
            actor=park.officer,
            enterprise=park.a,
            day=timezone.localdate(park.a.created_at) - timedelta(days=1),
            workers=1,
        )


@pytest.mark.parametrize(
    ("who", "enterprise", "error"),
    [
        ("officer", "b", NotFoundError),
        ("liaison", "a", PermissionDeniedError),
        ("inspector", "a", PermissionDeniedError),
        ("gate", "a", PermissionDeniedError),
    ],
)
def test_declaring_is_refused_outside_role_or_scope(park, who, enterprise, error):
    before = database_counts()
    with pytest.raises(error):
        headcount_declare(
            actor=getattr(park, who),
            enterprise=getattr(park, enterprise),
            day=timezone.localdate(),
            workers=3,
        )
    assert_nothing_written(before)


def test_declaring_the_future_or_a_day_with_gate_records_is_refused(park, setup):
    gate_a, _gate_b, workers = setup
    before = database_counts()
    with pytest.raises(ApplicationError) as error:
        headcount_declare(
            actor=park.officer,
            enterprise=park.a,
            day=timezone.localdate() + timedelta(days=1),
            workers=3,
        )
    assert "date" in error.value.fields
    with pytest.raises(ApplicationError):
        headcount_declare(
            actor=park.officer, enterprise=park.a, day=timezone.localdate(), workers=-1
        )
    assert_nothing_written(before)
    gate_services.gate_checks_record(gate=gate_a, items=[check(worker_id=workers[0].pk)])
    before = database_counts()
    with pytest.raises(ApplicationError) as error:
        headcount_declare(
            actor=park.officer, enterprise=park.a, day=timezone.localdate(), workers=3
        )
    assert error.value.code == "gate_records"
    assert_nothing_written(before)
