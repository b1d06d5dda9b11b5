"""Recording checks through the services: verdicts and their reasons, replays and conflicts,
bad readings, batches, visitors, park gates, races with a check's own repeat, and a gate that
knows only its own people."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from fugong.core.errors import ApplicationError, ConflictError
from fugong.core.testing import assert_nothing_written, database_counts
from fugong.gate import offline, rules, services
from fugong.gate.models import (
    AbnormalEvent,
    Attendance,
    AttendanceCount,
    Gate,
    GateCheck,
    Visitor,
)
from fugong.reports.selectors import daily_figures
from fugong.workforce.models import Clearance, Worker, WorkerPass
from fugong.workforce.services import (
    pass_issue,
    pass_revoke,
    pass_token,
    worker_leave,
    worker_move,
)
from fugong.workforce.tests.factories import resident_id

from .factories import check, make_gate, unknown_pass_token, unknown_worker_id
from .helpers import record

pytestmark = pytest.mark.django_db


def test_a_routine_admission_by_pass(park, gate, worker, token):
    (result,) = record(gate, check(pass_token=token), operator=park.gate)
    assert result.status == "created"
    stored = GateCheck.objects.get()
    assert (stored.verdict, stored.worker, stored.enterprise, stored.operator) == (
        "admitted",
        worker,
        park.a,
        park.gate,
    )
    assert stored.check_date == timezone.localdate()


def test_a_replay_writes_nothing_and_a_changed_payload_is_refused(park, gate, token):
    client_id = uuid.uuid4()
    record(gate, check(client_id, pass_token=token))
    before = database_counts()
    (replay,) = record(gate, check(client_id, pass_token=token))
    assert replay.status == "replayed" and replay.check.pk == GateCheck.objects.get().pk
    (changed,) = record(gate, check(client_id, pass_token=token, temperature=Decimal("36.9")))
    assert changed.status == "rejected" and changed.error.code == "idempotency_conflict"
    assert changed.error.status == 409
    assert_nothing_written(before)


def test_every_attempt_is_recorded_with_its_reasons(park, gate, worker, token):
    record(
        gate,
        check(pass_token=token, mask=False),
        check(pass_token="FG1.forged.x"),
        check(temperature=None),
    )
    reasons = list(GateCheck.objects.order_by("id").values_list("reasons", flat=True))
    assert reasons == [
        [rules.NO_MASK],
        [rules.PASS_UNKNOWN],
        [rules.NO_TEMPERATURE, rules.NO_REGISTRATION],
    ]
    assert set(GateCheck.objects.values_list("verdict", flat=True)) == {"denied"}


def test_revoked_and_expired_passes(park, gate, worker):
    issued = pass_issue(actor=park.officer, worker=worker)
    pass_revoke(actor=park.officer, worker_pass=issued, reason="丢失")
    record(gate, check(pass_token=pass_token(issued)))
    assert GateCheck.objects.get().reasons == [rules.PASS_REVOKED]
    renewed = pass_issue(actor=park.officer, worker=worker)
    WorkerPass.objects.filter(pk=renewed.pk).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    (expired,) = record(gate, check(pass_token=pass_token(renewed)))
    assert expired.check.reasons == [rules.PASS_EXPIRED] and expired.check.worker == worker


def test_not_cleared_workers_are_denied(park, gate, worker, token):
    Worker.objects.filter(pk=worker.pk).update(
        clearance=Clearance.OBSERVATION, observation_until=timezone.localdate()
    )
    record(gate, check(pass_token=token))
    assert GateCheck.objects.get().reasons == [rules.UNDER_OBSERVATION]


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"temperature": Decimal("50.0")}, "temperature"),
        ({"temperature": Decimal("20.0")}, "temperature"),
        ({"spo2": 120}, "spo2"),
        ({"spo2": 30}, "spo2"),
        ({"temperature": None, "temperature_recheck": Decimal("37")}, "temperature_recheck"),
        ({"occurred_at": timezone.now() + timedelta(hours=1)}, "occurred_at"),
        ({"occurred_at": timezone.now() - timedelta(days=40)}, "occurred_at"),
        ({"offline": True}, "offline_verdict"),
    ],
)
def test_absurd_readings_are_refused_and_nothing_is_written(park, gate, token, fields, field):
    before = database_counts()
    (result,) = record(gate, check(pass_token=token, **fields))
    assert result.status == "rejected" and field in result.error.fields
    assert result.error.status in (400, 422)
    assert_nothing_written(before)


def test_a_batch_is_judged_item_by_item(park, gate, token):
    good = [check(pass_token=token) for _ in range(3)]
    bad = check(pass_token=token, temperature=Decimal("99.9"))
    duplicate = check(good[0].client_id, pass_token=token)
    results = record(gate, *good, bad, duplicate)
    assert [result.status for result in results] == [
        "created",
        "created",
        "created",
        "rejected",
        "rejected",
    ]
    assert GateCheck.objects.count() == 3
    again = record(gate, *good)
    assert [result.status for result in again] == ["replayed"] * 3
    assert GateCheck.objects.count() == 3


def test_a_batch_over_the_limit_is_refused(park, gate):
    with pytest.raises(ApplicationError) as refused:
        record(gate, *[check() for _ in range(services.MAX_BATCH + 1)])
    assert refused.value.status == 413


def test_visitors_are_registered_and_checked(park, gate):
    visitor = services.VisitorInput(
        full_name="送货司机",
        document_type="resident_id",
        document_number=resident_id(sequence=83),
        phone="13600000001",
        origin="长沙市",
        employer="长沙某物流",
        purpose="送货",
        host="仓储部",
        contact_history="",
    )
    (result,) = record(gate, check(visitor=visitor))
    assert result.check.verdict == "admitted"
    stored = Visitor.objects.get()
    assert stored.origin_code == "430100" and stored.phone_masked == "136****0001"
    assert resident_id(sequence=83) not in stored.document_cipher
    risky = services.VisitorInput(
        **{**visitor.__dict__, "origin": "武汉市", "contact_history": "与确诊病例同车"}
    )
    from fugong.screening.services import risk_area_add

    risk_area_add(
        actor=park.command,
        division_code="420100",
        level="high",
        starts_on=timezone.localdate() - timedelta(days=3),
    )
    (result,) = record(gate, check(visitor=risky))
    assert result.check.reasons == [rules.CONTACT_HISTORY, rules.RISK_ORIGIN]
    # From a safe place, but declaring a journey through a risk area.
    declared = services.VisitorInput(**{**visitor.__dict__, "passed_risk_area": True})
    (result,) = record(gate, check(visitor=declared))
    assert result.check.reasons == [rules.RISK_ORIGIN] and result.check.visitor.passed_risk_area


def test_a_bad_visitor_is_rejected(park, gate):
    visitor = services.VisitorInput(
        full_name="",
        document_type="resident_id",
        document_number="123",
        phone="1",
        origin="火星",
        employer="",
        purpose="",
        host="",
        contact_history="",
    )
    before = database_counts()
    (result,) = record(gate, check(visitor=visitor))
    assert result.status == "rejected"
    assert {
        "visitor.full_name",
        "visitor.document_number",
        "visitor.phone",
        "visitor.origin",
        "visitor.purpose",
    } <= set(result.error.fields)
    assert_nothing_written(before)


def test_a_park_gate_admits_any_enterprises_worker(park, worker, token, stranger, stranger_token):
    wharf = Gate.objects.create(name="城陵矶码头入口", enterprise=None)
    results = record(
        wharf,
        check(pass_token=token),
        check(worker_id=worker.pk),
        check(pass_token=stranger_token),
        check(worker_id=stranger.pk),
    )
    assert [(result.check.verdict, result.check.worker) for result in results] == [
        ("admitted", worker),
        ("admitted", worker),
        ("admitted", stranger),
        ("admitted", stranger),
    ]
    assert [result.check.worker_enterprise for result in results] == [park.a] * 2 + [park.b] * 2
    assert {result.check.enterprise for result in results} == {None}


def test_a_park_gate_does_not_know_someone_who_left_every_enterprise(park, worker, token):
    WorkerPass.objects.filter(worker=worker).update(expires_on=timezone.localdate())
    Worker.objects.filter(pk=worker.pk).update(enterprise=None)  # left, the pass still live
    wharf = Gate.objects.create(name="城陵矶码头入口", enterprise=None)
    results = record(wharf, check(pass_token=token), check(worker_id=worker.pk))
    assert [(result.check.reasons, result.check.worker) for result in results] == [
        ([rules.PASS_UNKNOWN], None),
        ([rules.NO_REGISTRATION], None),
    ]


def test_an_inactive_gate_refuses(park, gate, token):
    gate.is_active = False
    with pytest.raises(ConflictError):
        record(gate, check(pass_token=token))


def test_a_client_id_reused_at_another_gate_is_a_conflict(park, gate, token):
    other = Gate.objects.create(name="西门", enterprise=park.a)
    sent = check(pass_token=token)
    record(gate, sent)
    (again,) = record(other, sent)
    assert again.status == "rejected" and again.error.code == "idempotency_conflict"


def test_times_are_stored_in_utc(park, gate, token):
    from datetime import UTC
    from zoneinfo import ZoneInfo

    local = timezone.now().astimezone(ZoneInfo("Asia/Shanghai")) - timedelta(minutes=3)
    (plain,) = record(gate, check(pass_token=token, occurred_at=local))
    (fever,) = record(gate, check(pass_token=token, occurred_at=local, spo2=90))
    assert plain.check.occurred_at.tzinfo == UTC and fever.check.occurred_at.tzinfo == UTC
    assert plain.check.occurred_at == local and fever.event_id == AbnormalEvent.objects.get().pk


def test_a_worker_who_left_is_not_registered(park, gate, worker):
    Worker.objects.filter(pk=worker.pk).update(enterprise=None)
    (result,) = record(gate, check(worker_id=worker.pk))
    assert result.check.reasons == [rules.NO_REGISTRATION]


def test_a_check_stored_by_another_request_meanwhile_becomes_a_replay(
    park, gate, token, monkeypatch
):
    """Judged outside the write transaction, a check can lose a race with its own repeat."""
    sent = check(pass_token=token)
    original = services.checks._judge

    def judge_then_race(*args, **kwargs):
        judged = original(*args, **kwargs)
        monkeypatch.setattr(services.checks, "_judge", original)
        services.gate_checks_record(gate=gate, items=[sent])  # the repeat gets in first
        return judged

    monkeypatch.setattr(services.checks, "_judge", judge_then_race)
    (result,) = record(gate, sent)
    assert result.status == "replayed"
    assert GateCheck.objects.count() == 1


def test_a_visitor_registered_for_a_lost_race_is_not_kept(park, gate, monkeypatch):
    visitor = services.VisitorInput(
        full_name="司机",
        document_type="resident_id",
        document_number=resident_id(sequence=94),
        phone="",
        origin="430602",
        employer="",
        purpose="送货",
        host="",
        contact_history="",
    )
    sent = check(visitor=visitor)
    original = services.checks._judge

    def judge_then_race(*args, **kwargs):
        judged = original(*args, **kwargs)
        monkeypatch.setattr(services.checks, "_judge", original)
        services.gate_checks_record(gate=gate, items=[sent])
        return judged

    monkeypatch.setattr(services.checks, "_judge", judge_then_race)
    (result,) = record(gate, sent)
    assert result.status == "replayed"
    assert Visitor.objects.count() == 1 and GateCheck.objects.count() == 1


# ----- a gate knows only its own people --------------------------------------------------------


def _answer(result) -> tuple:
    """What a recorded check says, leaving out what differs from one check to the next."""
    stored = result.check
    return (
        result.status,
        stored.verdict,
        stored.reasons,
        stored.worker_id,
        stored.worker_enterprise_id,
        stored.server_verdict,
        stored.server_reasons,
        stored.disputed,
        result.event_id is not None,
    )


def _recorded(gate, item) -> tuple[tuple, dict[str, int]]:
    """The answer for ``item`` and how many rows it added to each table."""
    before = database_counts()
    (result,) = record(gate, item)
    after = database_counts()
    return _answer(result), {label: after[label] - before[label] for label in before}


def _stranger_named(park, stranger, named_by) -> dict:
    if named_by == "worker_id":
        return {"worker_id": stranger.pk}
    issued = pass_issue(actor=park.other_officer, worker=stranger)
    if named_by == "revoked_pass":
        pass_revoke(actor=park.other_officer, worker_pass=issued, reason="丢失")
    if named_by == "expired_pass":
        WorkerPass.objects.filter(pk=issued.pk).update(
            expires_on=timezone.localdate() - timedelta(days=1)
        )
    return {"pass_token": pass_token(issued)}


def _as_sent(gate, sent) -> dict:
    """Online; offline with a fresh copy (its verdict stands); offline with no stamp (judged
    again). Low SpO2, and admitted offline: what would hold the worker and count them on duty."""
    if sent == "online":
        return {"spo2": 90}
    stamp = offline.stamp_make(gate.pk, timezone.now()) if sent == "offline_fresh" else ""
    return {
        "spo2": 90,
        "offline": True,
        "offline_verdict": "admitted",
        "offline_reasons": [],
        "snapshot_stamp": stamp,
    }


@pytest.mark.parametrize("sent", ["online", "offline_fresh", "offline_unstamped"])
@pytest.mark.parametrize("named_by", ["worker_id", "pass", "revoked_pass", "expired_pass"])
def test_another_enterprises_worker_is_nobody_at_the_gate(park, gate, stranger, named_by, sent):
    """Named by id or by a pass (live, revoked or expired), online or offline, another
    enterprise's worker gets the answer of someone who does not exist, and what is written is
    what is written for someone who does not exist: nothing about them."""
    named = _stranger_named(park, stranger, named_by)
    nobody = (
        {"worker_id": unknown_worker_id()}
        if named_by == "worker_id"
        else {"pass_token": unknown_pass_token()}
    )
    worker_before = Worker.objects.filter(pk=stranger.pk).values().get()
    answer, written = _recorded(gate, check(**named, **_as_sent(gate, sent)))
    assert (answer, written) == _recorded(gate, check(**nobody, **_as_sent(gate, sent)))
    reason = rules.NO_REGISTRATION if named_by == "worker_id" else rules.PASS_UNKNOWN
    if sent == "online":
        assert answer[1:3] == ("denied", [reason, rules.LOW_SPO2])
    # Nothing about the stranger: no check or event names them, no hold, no re-screening, not
    # on duty, no admission counted for their enterprise (nor an alert against it).
    assert Worker.objects.filter(pk=stranger.pk).values().get() == worker_before
    assert not GateCheck.objects.filter(worker=stranger).exists()
    assert not GateCheck.objects.filter(worker_enterprise=park.b).exists()
    assert not AbnormalEvent.objects.filter(worker=stranger).exists()
    assert not Attendance.objects.filter(enterprise=park.b).exists()
    assert not AttendanceCount.objects.filter(enterprise=park.b).exists()
    alerts = daily_figures(actor=park.command, day=timezone.localdate()).alerts
    assert park.b.pk not in [alert.enterprise.id for alert in alerts]


def test_a_worker_who_moved_away_is_no_longer_the_old_gates(park, gate, worker, token):
    """The worker's current enterprise counts, not the one they had when their pass was made."""
    worker_move(actor=park.command, worker=worker, enterprise=park.b)
    results = record(gate, check(pass_token=token), check(worker_id=worker.pk))
    assert [(result.check.reasons, result.check.worker) for result in results] == [
        ([rules.PASS_UNKNOWN], None),  # not "revoked": that is for the new employer's gates
        ([rules.NO_REGISTRATION], None),
    ]
    new_gate = make_gate(park.b, name="乙门")
    moved = record(new_gate, check(pass_token=token), check(worker_id=worker.pk))
    # The move started a clean employment: not cleared until the new employer screens them.
    assert [(result.check.reasons, result.check.worker) for result in moved] == [
        ([rules.PASS_REVOKED], worker),
        ([rules.NOT_CLEARED], worker),
    ]
    assert moved[1].check.worker_enterprise == park.b


def test_someone_who_left_is_unknown_by_pass_too(park, gate, worker, token):
    worker_leave(actor=park.officer, worker=worker)
    (result,) = record(gate, check(pass_token=token))
    assert (result.check.reasons, result.check.worker) == ([rules.PASS_UNKNOWN], None)


def test_a_visitors_name_is_stored_normalised(park, gate):
    visitor = services.VisitorInput(
        full_name="王　芳",
        document_type="resident_id",
        document_number=resident_id(sequence=84),
        phone="",
        origin="长沙市",
        employer="",
        purpose="送货",
        host="仓储部",
        contact_history="",
    )
    record(gate, check(visitor=visitor))
    assert Visitor.objects.get().full_name == "王芳"
