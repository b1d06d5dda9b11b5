import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from fugong.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from fugong.core.testing import assert_nothing_written, database_counts
from fugong.gate import rules, services
from fugong.gate.models import AbnormalEvent, EventOutcome, EventStatus, GateCheck, Visitor
from fugong.workforce.models import Clearance, Worker
from fugong.workforce.services import pass_issue, pass_revoke, pass_token
from fugong.workforce.tests.factories import make_worker, resident_id

from .factories import check

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


def test_revoked_and_expired_passes_and_other_enterprises(park, gate, worker):
    issued = pass_issue(actor=park.officer, worker=worker)
    pass_revoke(actor=park.officer, worker_pass=issued, reason="丢失")
    record(gate, check(pass_token=pass_token(issued)))
    assert GateCheck.objects.get().reasons == [rules.PASS_REVOKED]
    other = make_worker(
        actor=park.other_officer, enterprise=park.b, document_number=resident_id(sequence=82)
    )
    record(gate, check(pass_token=pass_token(pass_issue(actor=park.other_officer, worker=other))))
    assert GateCheck.objects.order_by("id").last().reasons == [rules.OTHER_ENTERPRISE]


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


def test_a_park_gate_admits_any_enterprises_worker(park, worker, token):
    from fugong.gate.models import Gate

    wharf = Gate.objects.create(name="城陵矶码头入口", enterprise=None)
    (result,) = record(wharf, check(pass_token=token))
    assert result.check.verdict == "admitted" and result.check.enterprise is None


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
    from fugong.gate.models import Gate

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


def test_the_workers_own_enterprise_follows_an_event_at_another_gate(park, gate):
    other = make_worker(
        actor=park.other_officer, enterprise=park.b, document_number=resident_id(sequence=93)
    )
    record(gate, check(worker_id=other.pk, spo2=90))
    event = AbnormalEvent.objects.get()
    assert event.enterprise == park.a
    services.abnormal_event_step(
        actor=park.other_officer, event=event, action="note", note="已联系家属"
    )
    services.abnormal_event_step(actor=park.officer, event=event, action="note", note="已送观察室")
    services.abnormal_event_step(
        actor=park.other_liaison, event=event, action="note", note="已知悉"
    )
    assert event.steps.count() == 3
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
    original = services._judge

    def judge_then_race(*args, **kwargs):
        judged = original(*args, **kwargs)
        monkeypatch.setattr(services, "_judge", original)
        services.gate_checks_record(gate=gate, items=[sent])  # the repeat gets in first
        return judged

    monkeypatch.setattr(services, "_judge", judge_then_race)
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
    original = services._judge

    def judge_then_race(*args, **kwargs):
        judged = original(*args, **kwargs)
        monkeypatch.setattr(services, "_judge", original)
        services.gate_checks_record(gate=gate, items=[sent])
        return judged

    monkeypatch.setattr(services, "_judge", judge_then_race)
    (result,) = record(gate, sent)
    assert result.status == "replayed"
    assert Visitor.objects.count() == 1 and GateCheck.objects.count() == 1
