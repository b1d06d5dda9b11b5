"""Containment: closing a department or a whole enterprise over a case denies its workers at the
gate (through the clearance) until it reopens; suspending the enterprise; what is refused."""

from __future__ import annotations

import pytest

from fugong.audit.models import AuditAction, AuditEvent
from fugong.cases import containment
from fugong.cases.models import CaseEntryKind
from fugong.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from fugong.core.testing import assert_nothing_written, database_counts
from fugong.gate import rules
from fugong.gate.models import GateOperator
from fugong.gate.selectors import gate_snapshot
from fugong.gate.tests.factories import check, make_gate
from fugong.gate.tests.helpers import record
from fugong.resumption.models import Suspension
from fugong.resumption.tests.factories import make_application
from fugong.screening.display import reasons_text
from fugong.workforce.models import Clearance, DepartmentClosure, Worker
from fugong.workforce.services import pass_issue, pass_token, worker_update
from fugong.workforce.tests.factories import make_worker

from .helpers import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(park):
    patient = make_worker(
        actor=park.command, enterprise=park.a, full_name="病例甲", department="一车间"
    )
    return make_case(park, patient)


@pytest.fixture
def workshop_worker(park):
    return make_worker(
        actor=park.officer, enterprise=park.a, full_name="一车间乙", department="一车间"
    )


@pytest.fixture
def office_worker(park):
    return make_worker(
        actor=park.officer, enterprise=park.a, full_name="办公室丙", department="办公室"
    )


@pytest.fixture
def gate(park):
    gate = make_gate(park.a)
    GateOperator.objects.create(user=park.gate, gate=gate)
    return gate


def _token(park, worker):
    return pass_token(pass_issue(actor=park.officer, worker=worker))


def test_a_closed_workshop_is_denied_at_the_gate_until_it_reopens(
    park, case, gate, workshop_worker, office_worker
):
    workshop, office = _token(park, workshop_worker), _token(park, office_worker)
    closure = containment.containment_close(
        actor=park.command,
        case=case,
        enterprise_id=park.a.pk,
        department="一车间",
        reason="病例所在车间",
    )
    assert (closure.department, closure.case_number, closure.case_reference) == (
        "一车间",
        case.pk,
        f"#{case.pk}",
    )
    workshop_worker.refresh_from_db()
    assert workshop_worker.clearance == Clearance.NOT_CLEARED
    assert workshop_worker.clearance_reasons == [
        {"code": "closed", "department": "一车间", "case": f"#{case.pk}"}
    ]
    assert reasons_text(workshop_worker.clearance_reasons) == [
        f"Department or workshop 一车间 closed (case #{case.pk})."
    ]
    (denied,) = record(gate, check(pass_token=workshop), operator=park.gate)
    assert denied.check.verdict == "denied" and rules.NOT_CLEARED in denied.check.reasons
    (admitted,) = record(gate, check(pass_token=office), operator=park.gate)
    assert admitted.check.verdict == "admitted"
    cards = {entry["worker"]["id"]: entry["worker"] for entry in gate_snapshot(gate=gate)["passes"]}
    assert cards[workshop_worker.pk]["clearance"] == Clearance.NOT_CLEARED
    assert cards[office_worker.pk]["clearance"] == Clearance.CLEARED

    entry = case.entries.filter(kind=CaseEntryKind.CONTAINMENT).get()
    assert entry.data["closure"] == closure.pk
    assert AuditEvent.objects.filter(action=AuditAction.CONTAINMENT_STARTED).count() == 1

    containment.containment_reopen(actor=park.command, closure_id=closure.pk)
    (again,) = record(gate, check(pass_token=workshop), operator=park.gate)
    assert again.check.verdict == "admitted"
    assert AuditEvent.objects.filter(action=AuditAction.CONTAINMENT_LIFTED).count() == 1
    assert case.entries.filter(kind=CaseEntryKind.CONTAINMENT).count() == 2


def test_the_whole_enterprise(park, case, gate, workshop_worker, office_worker):
    closure = containment.containment_close(
        actor=park.command, case=case, enterprise_id=park.a.pk, reason="全厂停工"
    )
    assert closure.department == ""
    assert set(Worker.objects.filter(enterprise=park.a).values_list("clearance", flat=True)) == {
        Clearance.NOT_CLEARED
    }
    assert Worker.objects.get(pk=office_worker.pk).clearance_reasons[0]["code"] == "closed"
    # A department of a closed enterprise is closed already.
    with pytest.raises(ConflictError):
        containment.containment_close(
            actor=park.command, case=case, enterprise_id=park.a.pk, department="一车间", reason="x"
        )


def test_workers_who_join_or_move_into_a_closed_department_are_not_cleared(
    park, case, office_worker
):
    containment.containment_close(
        actor=park.command, case=case, enterprise_id=park.a.pk, department="一车间", reason="x"
    )
    newcomer = make_worker(actor=park.officer, enterprise=park.a, department="一车间")
    assert newcomer.clearance == Clearance.NOT_CLEARED
    moved = worker_update(actor=park.officer, worker=office_worker, department="一车间")
    assert moved.clearance == Clearance.NOT_CLEARED


def test_suspending_the_enterprise_names_the_case(park, case, workshop_worker):
    make_application(
        officer=park.officer, liaison=park.liaison, command=park.command, state="approved"
    )
    closure = containment.containment_close(
        actor=park.command,
        case=case,
        enterprise_id=park.a.pk,
        suspend_enterprise=True,
        reason="聚集性疫情",
    )
    suspension = Suspension.objects.get(enterprise=park.a)
    assert f"#{case.pk}" in suspension.reason and "聚集性疫情" in suspension.reason
    assert closure.department == "" and suspension.ends_on is None
    workshop_worker.refresh_from_db()
    assert workshop_worker.clearance == Clearance.NOT_CLEARED
    assert case.entries.get(kind=CaseEntryKind.CONTAINMENT).data["suspension"] == suspension.pk


def test_a_suspension_that_cannot_be_made_leaves_nothing(park, case, workshop_worker):
    before = database_counts()
    with pytest.raises(ConflictError):  # never approved to resume
        containment.containment_close(
            actor=park.command,
            case=case,
            enterprise_id=park.a.pk,
            suspend_enterprise=True,
            reason="x",
        )
    assert_nothing_written(before)
    workshop_worker.refresh_from_db()
    assert workshop_worker.clearance == Clearance.CLEARED


@pytest.mark.parametrize(
    ("fields", "error", "field"),
    [
        ({"department": "不存在的车间", "reason": "x"}, ApplicationError, "department"),
        ({"department": "", "reason": "  "}, ApplicationError, "reason"),
        (
            {"department": "一车间", "reason": "x", "suspend_enterprise": True},
            ApplicationError,
            "department",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_written(
    park, case, workshop_worker, fields, error, field
):
    before = database_counts()
    with pytest.raises(error) as raised:
        containment.containment_close(
            actor=park.command, case=case, enterprise_id=park.a.pk, **fields
        )
    assert field in raised.value.fields
    assert_nothing_written(before)


def test_closing_twice_and_reopening_twice_are_conflicts(park, case, workshop_worker):
    closure = containment.containment_close(
        actor=park.command, case=case, enterprise_id=park.a.pk, department="一车间", reason="x"
    )
    before = database_counts()
    with pytest.raises(ConflictError) as twice:
        containment.containment_close(
            actor=park.command, case=case, enterprise_id=park.a.pk, department="一车间", reason="y"
        )
    assert twice.value.status == 409
    assert_nothing_written(before)
    containment.containment_reopen(actor=park.command, closure_id=closure.pk)
    before = database_counts()
    with pytest.raises(ConflictError):
        containment.containment_reopen(actor=park.command, closure_id=closure.pk)
    assert_nothing_written(before)
    # Closed again later: a new closure.
    containment.containment_close(
        actor=park.command, case=case, enterprise_id=park.a.pk, department="一车间", reason="z"
    )
    assert DepartmentClosure.objects.count() == 2


@pytest.mark.parametrize("enterprise_id", [0, 10**9, "abc"])
def test_an_unknown_enterprise_is_not_found(park, case, enterprise_id):
    before = database_counts()
    with pytest.raises(NotFoundError):
        containment.containment_close(
            actor=park.command, case=case, enterprise_id=enterprise_id, reason="x"
        )
    assert_nothing_written(before)


@pytest.mark.parametrize("role", ["liaison", "officer", "inspector", "district", "gate"])
def test_only_the_command_post_closes_and_reopens(park, case, workshop_worker, role):
    closure = containment.containment_close(
        actor=park.command, case=case, enterprise_id=park.a.pk, department="一车间", reason="x"
    )
    before = database_counts()
    with pytest.raises((PermissionDeniedError, NotFoundError)):
        containment.containment_close(
            actor=park.users()[role], case=case, enterprise_id=park.a.pk, reason="x"
        )
    with pytest.raises((PermissionDeniedError, NotFoundError)):
        containment.containment_reopen(actor=park.users()[role], closure_id=closure.pk)
    assert_nothing_written(before)


def test_who_sees_which_closures(park, case, workshop_worker):
    make_worker(actor=park.other_officer, enterprise=park.b, department="包装")
    mine = containment.containment_close(
        actor=park.command, case=case, enterprise_id=park.a.pk, department="一车间", reason="x"
    )
    theirs = containment.containment_close(
        actor=park.command, case=case, enterprise_id=park.b.pk, department="包装", reason="x"
    )
    seen = {
        role: set(containment.closure_list(actor=park.users()[role]).values_list("pk", flat=True))
        for role in ("command", "liaison", "officer", "other_officer")
    }
    assert seen == {
        "command": {mine.pk, theirs.pk},
        "liaison": {mine.pk},
        "officer": {mine.pk},
        "other_officer": {theirs.pk},
    }
    with pytest.raises(NotFoundError):
        containment.closure_get(actor=park.officer, closure_id=theirs.pk)
    with pytest.raises(PermissionDeniedError):
        containment.closure_list(actor=park.district)


def test_the_daily_re_screening_keeps_a_closure(park, case, workshop_worker):
    from fugong.workforce.clearance import rescreen_for_rules

    containment.containment_close(
        actor=park.command, case=case, enterprise_id=park.a.pk, department="一车间", reason="x"
    )
    rescreen_for_rules(division_prefix=None, trigger="daily")
    workshop_worker.refresh_from_db()
    assert workshop_worker.clearance == Clearance.NOT_CLEARED


def test_a_drill_case_closes_nothing(park, workshop_worker):
    drill = make_case(park, make_worker(actor=park.command, enterprise=park.a), is_drill=True)
    before = database_counts()
    with pytest.raises(ApplicationError) as refused:
        containment.containment_close(
            actor=park.command, case=drill, enterprise_id=park.a.pk, department="一车间", reason="x"
        )
    assert refused.value.code == "drill" and refused.value.status == 400
    assert_nothing_written(before)


def test_a_roster_imported_into_a_closed_workshop_is_not_cleared(park, case, workshop_worker):
    from fugong.workforce.imports import worker_import
    from fugong.workforce.tests.test_imports import good_rows, upload

    containment.containment_close(
        actor=park.command, case=case, enterprise_id=park.a.pk, department="一车间", reason="x"
    )
    report = worker_import(actor=park.officer, enterprise=park.a, upload=upload(good_rows()))
    assert report.ok and report.total == 3
    imported = Worker.objects.filter(full_name__in=["张一", "李二", "王三"])
    assert {worker.clearance for worker in imported} == {Clearance.NOT_CLEARED}
    assert all(worker.clearance_reasons[0]["code"] == "closed" for worker in imported)
