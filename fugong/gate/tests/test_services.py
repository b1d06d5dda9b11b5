import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from fugong.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from fugong.core.testing import assert_nothing_written, database_counts
from fugong.gate import offline, rules, services
from fugong.gate.models import (
    AbnormalEvent,
    Attendance,
    AttendanceCount,
    EventOutcome,
    EventStatus,
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

pytestmark = pytest.mark.django_db


def record(gate, *items, operator=None):
    return services.gate_checks_record(gate=gate, items=list(items), operator=operator)


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


def test_a_confirmed_fever_raises_an_event_and_holds_the_worker(park, gate, worker, token):
    (result,) = record(
        gate,
        check(
            pass_token=token,
            temperature=Decimal("38.0"),
            temperature_recheck=Decimal("37.9"),
            recheck_method="axillary",
        ),
    )
    event = AbnormalEvent.objects.get()
    assert (
        result.check.abnormal_event == event
        and event.kind == "fever"
        and event.temperature == Decimal("37.9")
    )
    worker.refresh_from_db()
    assert worker.clearance == Clearance.NOT_CLEARED and "37.9" in worker.medical_hold
    # Released after a normal re-check in the observation room: cleared again.
    services.abnormal_event_step(
        actor=park.officer, event=event, action="recheck", temperature=Decimal("37.6")
    )
    services.abnormal_event_step(
        actor=park.officer, event=event, action="release", temperature=Decimal("36.8")
    )
    event.refresh_from_db()
    worker.refresh_from_db()
    assert (event.status, event.outcome) == (EventStatus.CLOSED, EventOutcome.CLEARED)
    assert worker.clearance == Clearance.CLEARED and worker.medical_hold == ""
    assert list(event.steps.values_list("action", flat=True)) == ["recheck", "release"]


def test_a_suspected_case_keeps_the_hold(park, gate, worker, token):
    record(gate, check(pass_token=token, spo2=90))
    event = AbnormalEvent.objects.get()
    services.abnormal_event_step(
        actor=park.liaison, event=event, action="fever_clinic", note="送市一医院发热门诊"
    )
    services.abnormal_event_step(
        actor=park.liaison, event=event, action="outcome", outcome="suspected"
    )
    worker.refresh_from_db()
    assert worker.clearance == Clearance.NOT_CLEARED
    with pytest.raises(ConflictError):
        services.abnormal_event_step(
            actor=park.liaison, event=event, action="recheck", temperature=Decimal("37")
        )
    # The outcome can still change: ruled out later.
    services.abnormal_event_step(
        actor=park.liaison, event=event, action="outcome", outcome="cleared"
    )
    worker.refresh_from_db()
    assert worker.clearance == Clearance.CLEARED


def test_event_steps_are_scoped(park, gate, worker, token):
    record(gate, check(pass_token=token, spo2=90))
    event = AbnormalEvent.objects.get()
    with pytest.raises(NotFoundError):
        services.abnormal_event_step(actor=park.other_officer, event=event, action="note", note="x")
    with pytest.raises(PermissionDeniedError):
        services.abnormal_event_step(actor=park.inspector, event=event, action="note", note="x")
    with pytest.raises(ApplicationError):
        services.abnormal_event_step(
            actor=park.officer, event=event, action="recheck", temperature=Decimal("50")
        )


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


def test_offline_checks_keep_the_kiosks_verdict(park, gate, worker, token):
    earlier = timezone.now() - timedelta(hours=2)
    (result,) = record(
        gate,
        check(pass_token=token, offline=True, offline_verdict="admitted", occurred_at=earlier),
    )
    assert (result.check.verdict, result.check.offline, result.check.occurred_at) == (
        "admitted",
        True,
        earlier,
    )


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


def test_devices_are_scoped_to_their_gate(park, gate):
    device, secret = services.gate_device_create(
        actor=park.officer, gate=gate, name="东门测温一体机"
    )
    assert services.gate_device_authenticate(secret).gate == gate
    services.gate_device_revoke(actor=park.officer, device=device)
    assert services.gate_device_authenticate(secret) is None
    with pytest.raises(PermissionDeniedError):
        services.gate_device_create(actor=park.liaison, gate=gate, name="x")


def test_gates_are_created_within_scope(park):
    with pytest.raises(NotFoundError):
        services.gate_create(actor=park.officer, name="西门", enterprise=park.b)
    with pytest.raises(ApplicationError):
        services.gate_create(actor=park.officer, name="码头", enterprise=None)
    assert services.gate_create(actor=park.command, name="码头", enterprise=None).enterprise is None


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


def test_an_event_stays_with_the_enterprise_of_the_check_after_a_move(park, gate, worker, token):
    """The event of a worker who has since moved to ``b`` stays ``a``'s: ``a`` and the command
    post follow it; ``b``, the new employer, does not see the old employment's event."""
    record(gate, check(pass_token=token, spo2=90))
    event = AbnormalEvent.objects.get()
    assert event.enterprise == park.a
    worker_move(actor=park.command, worker=worker, enterprise=park.b)
    services.abnormal_event_step(actor=park.officer, event=event, action="note", note="已送观察室")
    services.abnormal_event_step(actor=park.command, event=event, action="note", note="已知悉")
    before = database_counts()
    for role in ("other_officer", "other_liaison"):
        with pytest.raises(NotFoundError):
            services.abnormal_event_step(
                actor=park.users()[role], event=event, action="note", note="已联系家属"
            )
    assert_nothing_written(before)
    assert event.steps.count() == 2
    with pytest.raises(PermissionDeniedError):
        services.abnormal_event_step(
            actor=park.users()["district"], event=event, action="note", note="x"
        )


def test_clearing_one_event_keeps_the_hold_of_another_open_one(park, gate, worker, token):
    record(gate, check(pass_token=token, spo2=90))
    record(
        gate,
        check(pass_token=token, temperature=Decimal("38.0"), temperature_recheck=Decimal("38.1")),
    )
    first, second = AbnormalEvent.objects.order_by("id")
    services.abnormal_event_step(
        actor=park.officer, event=first, action="outcome", outcome="cleared"
    )
    worker.refresh_from_db()
    assert worker.clearance == Clearance.NOT_CLEARED and worker.medical_hold
    services.abnormal_event_step(
        actor=park.officer, event=second, action="release", temperature=Decimal("36.8")
    )
    worker.refresh_from_db()
    assert worker.clearance == Clearance.CLEARED and worker.medical_hold == ""


def test_an_outcome_goes_with_its_own_step(park, gate, token):
    record(gate, check(pass_token=token, spo2=90))
    event = AbnormalEvent.objects.get()
    before = database_counts()
    with pytest.raises(ApplicationError) as refused:
        services.abnormal_event_step(
            actor=park.officer, event=event, action="recheck", spo2=97, outcome="cleared"
        )
    assert "outcome" in refused.value.fields
    assert_nothing_written(before)


def test_gates_are_edited_and_taken_out_of_use_within_scope(park, gate):
    with pytest.raises(NotFoundError):
        services.gate_update(actor=park.other_officer, gate=gate, name="x")
    with pytest.raises(NotFoundError):
        services.gate_device_create(actor=park.other_officer, gate=gate, name="x")
    updated = services.gate_update(
        actor=park.officer, gate=gate, name="南门", location="南侧", is_active=False
    )
    assert (updated.name, updated.location, updated.is_active) == ("南门", "南侧", False)
    from fugong.core.errors import ApplicationError as Refused

    with pytest.raises(Refused):
        services.gate_update(actor=park.officer, gate=gate, name="")


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


# ----- offline verdicts and the age of the kiosk's copy -----------------------------------------


def offline_check(*, stamp: str, occurred_at=None, verdict="admitted", **fields):
    return check(
        offline=True,
        offline_verdict=verdict,
        offline_reasons=[],
        snapshot_stamp=stamp,
        occurred_at=occurred_at or timezone.now() - timedelta(minutes=10),
        **fields,
    )


@pytest.fixture
def not_cleared_now(worker):
    """The kiosk's copy said cleared; since then the worker was found not cleared."""
    Worker.objects.filter(pk=worker.pk).update(clearance=Clearance.NOT_CLEARED)
    return worker


def test_an_offline_verdict_from_a_fresh_copy_stands(park, gate, not_cleared_now, token):
    made = timezone.now().replace(microsecond=0) - timedelta(hours=11)
    (result,) = record(
        gate, offline_check(stamp=offline.stamp_make(gate.pk, made), pass_token=token)
    )
    stored = result.check
    assert (stored.verdict, stored.reasons, stored.snapshot_at) == ("admitted", [], made)
    assert (stored.server_verdict, stored.server_reasons, stored.disputed) == ("", [], False)
    assert Attendance.objects.filter(worker=not_cleared_now).exists()


def _stamp(kind: str, gate, park) -> str:
    now = timezone.now()
    if kind == "stale":
        return offline.stamp_make(gate.pk, now - timedelta(hours=13))
    if kind == "forged":
        from django.core import signing

        return signing.Signer(key="not-the-servers-key", salt=offline.SALT).sign_object(
            {"gate": gate.pk, "at": int(now.timestamp())}
        )
    if kind == "damaged":
        good = offline.stamp_make(gate.pk, now - timedelta(hours=1))
        return good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")
    if kind == "another_gates":
        return offline.stamp_make(make_gate(park.b, name="乙门").pk, now)
    if kind == "after_the_check":
        return offline.stamp_make(gate.pk, now)  # the check is 10 minutes older than its copy
    return ""  # missing


@pytest.mark.parametrize(
    "kind", ["stale", "missing", "forged", "damaged", "another_gates", "after_the_check"]
)
def test_an_offline_verdict_from_an_old_or_unverified_copy_is_judged_again(
    park, gate, not_cleared_now, token, kind
):
    """The kiosk admitted them, so they went in: the record says so, and counts them on duty,
    but the server's own verdict is kept beside it and the check is flagged."""
    (result,) = record(gate, offline_check(stamp=_stamp(kind, gate, park), pass_token=token))
    stored = GateCheck.objects.get(pk=result.check.pk)
    assert (stored.verdict, stored.reasons, stored.worker) == ("admitted", [], not_cleared_now)
    assert (stored.server_verdict, stored.server_reasons) == ("denied", [rules.NOT_CLEARED])
    assert stored.disputed
    assert (stored.snapshot_at is not None) == (kind in ("stale", "after_the_check"))
    assert Attendance.objects.filter(worker=not_cleared_now).exists()


def test_a_judged_again_verdict_the_server_shares_is_not_disputed(park, gate, worker, token):
    (admitted,) = record(gate, offline_check(stamp="", pass_token=token))
    (denied,) = record(
        gate, offline_check(stamp="", verdict="denied", pass_token=token, mask=False)
    )
    assert (admitted.check.server_verdict, admitted.check.disputed) == ("admitted", False)
    assert (denied.check.server_verdict, denied.check.server_reasons) == ("denied", [rules.NO_MASK])
    assert not denied.check.disputed
    # Denied by the kiosk, admitted by the server: turned away, recorded so, and flagged.
    (turned_away,) = record(gate, offline_check(stamp="", verdict="denied", pass_token=token))
    assert (turned_away.check.verdict, turned_away.check.disputed) == ("denied", True)


def test_the_age_an_offline_copy_may_have_is_a_setting(park, gate, worker, token, settings):
    stamp = offline.stamp_make(gate.pk, timezone.now() - timedelta(hours=2))
    (trusted,) = record(gate, offline_check(stamp=stamp, pass_token=token))
    settings.FUGONG_GATE_OFFLINE_MAX_AGE = 60 * 60
    (judged,) = record(gate, offline_check(stamp=stamp, pass_token=token))
    assert (trusted.check.server_verdict, judged.check.server_verdict) == ("", "admitted")


def test_the_stamp_is_not_part_of_what_makes_a_check_the_same(park, gate, token):
    """Queued again with the copy's stamp after its online answer was lost: still a replay."""
    occurred = timezone.now() - timedelta(minutes=1)
    sent = check(pass_token=token, occurred_at=occurred)
    record(gate, sent)
    again = offline_check(
        stamp=offline.stamp_make(gate.pk, timezone.now()),
        client_id=sent.client_id,
        pass_token=token,
        occurred_at=occurred,
    )
    again.raw = {**sent.raw, "offline": True, "snapshot_stamp": again.snapshot_stamp}
    (result,) = record(gate, again)
    assert result.status == "replayed" and not result.check.offline
