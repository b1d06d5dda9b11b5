import hashlib
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from fugong.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fugong.gate import offline, rules, selectors, services
from fugong.gate.models import Gate, GateCheck
from fugong.workforce.models import Clearance, Worker, WorkerPass
from fugong.workforce.services import pass_issue, pass_revoke, pass_token, worker_move
from fugong.workforce.tests.factories import make_worker, resident_id

from .factories import check, make_gate, unknown_pass_token, unknown_worker_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def gates(park, gate):
    return {
        "a": gate,
        "b": make_gate(park.b, name="乙门"),
        "park": Gate.objects.create(name="码头入口"),
    }


@pytest.mark.parametrize(
    "role, visible",
    [
        ("command", {"a", "b", "park"}),
        ("liaison", {"a"}),
        ("other_liaison", {"b"}),
        ("officer", {"a"}),
        ("other_officer", {"b"}),
    ],
)
def test_gate_scope_by_role(park, gates, role, visible):
    names = {key for key, gate in gates.items() if gate in selectors.gate_scope(park.users()[role])}
    assert names == visible


@pytest.mark.parametrize("role", ["inspector", "gate", "district"])
def test_gate_scope_denies_by_default(park, gates, role):
    with pytest.raises(PermissionDeniedError):
        selectors.gate_scope(park.users()[role])


def test_gate_get_outside_scope_is_not_found(park, gates):
    with pytest.raises(NotFoundError):
        selectors.gate_get(actor=park.officer, gate_id=gates["b"].pk)
    with pytest.raises(NotFoundError):
        selectors.gate_get(actor=park.officer, gate_id="x")


def test_the_operators_gate(park, gate):
    assert selectors.operator_gate(park.gate) == gate
    gate.is_active = False
    gate.save()
    with pytest.raises(ApplicationError) as refused:
        selectors.operator_gate(park.gate)
    assert refused.value.code == "no_gate"
    with pytest.raises(PermissionDeniedError):
        selectors.operator_gate(park.officer)


def test_search_stays_within_the_gates_enterprise(park, gate, worker):
    other = make_worker(
        actor=park.other_officer,
        enterprise=park.b,
        document_number=resident_id(sequence=86),
        full_name=worker.full_name,
    )
    found = selectors.gate_search(gate=gate, query=worker.full_name)
    assert found == [worker]
    wharf = Gate.objects.create(name="码头入口")
    assert set(selectors.gate_search(gate=wharf, query=worker.full_name)) == {worker, other}
    assert selectors.gate_search(gate=gate, query=resident_id(sequence=81)[-4:]) == [worker]
    assert selectors.gate_search(gate=gate, query="  ") == []


def test_the_snapshot_leaves_out_revoked_and_expired_passes(park, gate, worker, token):
    second = make_worker(
        actor=park.officer, enterprise=park.a, document_number=resident_id(sequence=87)
    )
    revoked = pass_issue(actor=park.officer, worker=second)
    pass_revoke(actor=park.officer, worker_pass=revoked, reason="丢失")
    third = make_worker(
        actor=park.officer, enterprise=park.a, document_number=resident_id(sequence=88)
    )
    expired = pass_issue(actor=park.officer, worker=third)
    WorkerPass.objects.filter(pk=expired.pk).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    snapshot = selectors.gate_snapshot(gate=gate)
    assert [entry["digest"] for entry in snapshot["passes"]] == [
        hashlib.sha256(token.encode()).hexdigest()
    ]
    assert snapshot["passes"][0]["worker"]["clearance"] == Clearance.CLEARED


def test_the_snapshot_carries_risk_areas_for_visitors(park, gate):
    from fugong.screening.services import risk_area_add

    risk_area_add(
        actor=park.command, division_code="420100", level="high", starts_on=timezone.localdate()
    )
    areas = selectors.gate_snapshot(gate=gate)["risk_areas"]
    assert areas == [{"prefix": "4201", "name": "湖北省 武汉市", "level": "high"}]


def test_identify_tells_what_would_stop_the_person(park, gate, worker, token):
    person, problems = selectors.gate_identify(gate=gate, pass_token=token)
    assert person["id"] == worker.pk and problems == []
    Worker.objects.filter(pk=worker.pk).update(clearance=Clearance.NOT_CLEARED)
    assert selectors.gate_identify(gate=gate, worker_id=worker.pk)[1] == [rules.NOT_CLEARED]


@pytest.mark.parametrize("revoked", [False, True])
def test_identify_knows_only_the_gates_people(park, gate, stranger, revoked):
    """Another enterprise's worker is identified exactly as someone who does not exist: by id
    not found, by pass an unknown pass (not even revoked), nothing about them."""
    with pytest.raises(NotFoundError):
        selectors.gate_identify(gate=gate, worker_id=unknown_worker_id())
    with pytest.raises(NotFoundError):
        selectors.gate_identify(gate=gate, worker_id=stranger.pk)
    issued = pass_issue(actor=park.other_officer, worker=stranger)
    if revoked:
        pass_revoke(actor=park.other_officer, worker_pass=issued, reason="丢失")
    nobody = selectors.gate_identify(gate=gate, pass_token=unknown_pass_token())
    assert nobody == (None, [rules.PASS_UNKNOWN])
    assert selectors.gate_identify(gate=gate, pass_token=pass_token(issued)) == nobody
    wharf = Gate.objects.create(name="码头入口")
    person, problems = selectors.gate_identify(gate=wharf, pass_token=pass_token(issued))
    assert person["name"] == "乙厂王五"
    assert problems == ([rules.PASS_REVOKED] if revoked else [])


def test_the_snapshot_is_stamped_for_its_gate(park, gate):
    snapshot = selectors.gate_snapshot(gate=gate)
    made = offline.stamp_time(snapshot["stamp"], gate.pk)
    assert abs((made - timezone.now()).total_seconds()) < 5
    assert offline.stamp_time(snapshot["stamp"], gate.pk + 1) is None
    assert snapshot["max_age"] == 12 * 60 * 60


@pytest.mark.parametrize("role, shown", [("command", True), ("liaison", False), ("officer", False)])
def test_a_gates_checks_name_only_its_own_people(park, gate, worker, token, stranger, role, shown):
    """A check of another enterprise's worker at ``a``'s gate (recorded before gates were limited
    to their own people) is listed without them, but for the command post; a worker's checks
    from before they moved away stay theirs."""
    now = timezone.now()
    GateCheck.objects.create(
        client_id=uuid.uuid4(),
        payload_digest="0" * 64,
        gate=gate,
        enterprise=park.a,
        worker=stranger,
        worker_enterprise=park.b,
        mask=True,
        disinfected=True,
        verdict="denied",
        reasons=[rules.OTHER_ENTERPRISE],
        occurred_at=now,
        check_date=timezone.localdate(now),
        received_at=now,
    )
    services.gate_checks_record(gate=gate, items=[check(pass_token=token)])
    worker_move(actor=park.command, worker=worker, enterprise=park.b)
    legacy, own = selectors.gate_checks(actor=park.users()[role], gate=gate).order_by("id")
    assert (legacy.person_name, legacy.person_kind) == (
        ("乙厂王五", "worker") if shown else ("", "unknown")
    )
    assert (legacy.person_document != "") == shown
    assert (own.person_name, own.person_kind) == (worker.full_name, "worker")


@pytest.mark.parametrize(
    "role, sees",
    [
        ("command", True),
        ("liaison", True),
        ("other_liaison", False),
        ("officer", True),
        ("other_officer", False),
    ],
)
def test_events_are_scoped(park, gate, token, role, sees):
    services.gate_checks_record(gate=gate, items=[check(pass_token=token, spo2=85)])
    assert selectors.event_list(actor=park.users()[role], open_only=True).exists() == sees


def test_a_new_employer_does_not_follow_the_events_of_an_earlier_employment(
    park, gate, worker, token
):
    from fugong.workforce.services import worker_move

    services.gate_checks_record(gate=gate, items=[check(pass_token=token, spo2=85)])
    worker_move(actor=park.command, worker=worker, enterprise=park.b)
    assert not selectors.event_list(actor=park.other_officer).exists()
    assert not selectors.event_list(actor=park.other_liaison).exists()
    (event,) = selectors.event_list(actor=park.officer)
    with pytest.raises(NotFoundError):
        selectors.event_get(actor=park.other_officer, event_id=event.pk)
    with pytest.raises(NotFoundError):
        services.abnormal_event_step(actor=park.other_officer, event=event, action="note")
    # The enterprise where it happened still follows it, and lifts the hold.
    services.abnormal_event_step(actor=park.officer, event=event, action="release", spo2=98)
    worker.refresh_from_db()
    assert worker.medical_hold == ""


def test_the_gate_list_counts_today(park, gate, token):
    yesterday = timezone.now() - timedelta(days=1)
    services.gate_checks_record(
        gate=gate,
        items=[
            check(pass_token=token),
            check(pass_token=token, mask=False),
            check(pass_token=token, occurred_at=yesterday),
        ],
    )
    (listed,) = selectors.gate_list(actor=park.officer)
    assert (listed.admitted, listed.denied) == (1, 1)
    assert selectors.gate_day_counts(gate=gate, day=timezone.localdate(yesterday)) == {
        "admitted": 1,
        "denied": 0,
        "disputed": 0,
    }


@pytest.mark.parametrize(
    "name, query",
    [
        ("王　芳", "王芳"),
        ("王芳", "王 芳"),
        ("ＳＭＩＴＨ　Ｊｏｈｎ", "smith"),
        ("Smith John", "ＳＭＩＴＨ　john"),
    ],
)
def test_the_gate_search_finds_names_however_wide_spaced_or_cased(park, gate, name, query):
    found = make_worker(
        actor=park.officer,
        enterprise=park.a,
        document_number=resident_id(sequence=91),
        full_name=name,
    )
    assert selectors.gate_search(gate=gate, query=query) == [found]
