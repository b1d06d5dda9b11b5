import hashlib
import json
import uuid
from datetime import UTC, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts
from fugong.gate import offline, rules, services
from fugong.gate.models import AbnormalEvent, Attendance, EventStep, Gate, GateCheck, GateOperator
from fugong.workforce.models import Clearance, Worker
from fugong.workforce.services import pass_issue, pass_revoke, pass_token
from fugong.workforce.tests.factories import make_worker, resident_id

from .factories import check, make_gate, unknown_pass_token, unknown_worker_id

pytestmark = pytest.mark.django_db


def body(**fields) -> dict:
    values = {
        "client_id": str(uuid.uuid4()),
        "mask": True,
        "disinfected": True,
        "temperature": "36.5",
        "spo2": 98,
    }
    values.update(fields)
    return values


def post(client, url, data, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    payload = data if isinstance(data, str) else json.dumps(data)
    return client.post(url, payload, content_type="application/json", **headers)


@pytest.fixture
def device_token(park, gate):
    _device, secret = services.gate_device_create(actor=park.officer, gate=gate, name="东门一体机")
    return secret


# ----- who may record ------------------------------------------------------------------------


@pytest.mark.parametrize("role", PARK_ROLES)
def test_only_the_gates_operator_records_checks(client, park, gate, token, role):
    client.force_login(park.users()[role])
    before = database_counts()
    response = post(client, f"/api/v1/gates/{gate.pk}/checks", body(pass_token=token))
    batch = post(
        client, f"/api/v1/gates/{gate.pk}/checks/batch", {"checks": [body(pass_token=token)]}
    )
    snapshot = client.get(f"/api/v1/gates/{gate.pk}/snapshot")
    if role == "gate":
        assert response.status_code == 201, response.content
        assert batch.status_code == 200 and batch.json()["created"] == 1
        assert snapshot.status_code == 200
        assert GateCheck.objects.filter(operator=park.gate).count() == 2
    else:
        assert response.status_code == 403, role
        assert response.json()["error"]["code"] == "forbidden"
        assert batch.status_code == 403 and snapshot.status_code == 403
        assert_nothing_written(before)


def test_an_operator_without_a_gate_or_at_another_gate(client, park, token):
    client.force_login(park.gate)
    elsewhere = make_gate(park.a, name="西门")
    before = database_counts()
    response = post(client, f"/api/v1/gates/{elsewhere.pk}/checks", body(pass_token=token))
    assert response.status_code == 409 and response.json()["error"]["code"] == "no_gate"
    GateOperator.objects.create(user=park.gate, gate=make_gate(park.a, name="东门"))
    before = database_counts()
    response = post(client, f"/api/v1/gates/{elsewhere.pk}/checks", body(pass_token=token))
    assert response.status_code == 403 and response.json()["error"]["code"] == "wrong_gate"
    assert_nothing_written(before)


def test_a_device_token_is_good_for_its_own_gate_only(client, park, gate, token, device_token):
    response = post(client, f"/api/v1/gates/{gate.pk}/checks", body(pass_token=token), device_token)
    assert response.status_code == 201
    stored = GateCheck.objects.get()
    assert stored.device.name == "东门一体机" and stored.operator is None
    other = make_gate(park.b, name="乙企业大门")
    before = database_counts()
    response = post(
        client, f"/api/v1/gates/{other.pk}/checks", body(pass_token=token), device_token
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == "wrong_gate"
    assert (
        client.get(
            f"/api/v1/gates/{other.pk}/snapshot", HTTP_AUTHORIZATION=f"Bearer {device_token}"
        ).status_code
        == 403
    )
    assert_nothing_written(before)


def test_revoked_and_forged_device_tokens_are_refused(client, park, gate, token, device_token):
    device = gate.devices.get()
    services.gate_device_revoke(actor=park.officer, device=device)
    before = database_counts()
    for secret in (device_token, "fgd_00000000_forged", "nonsense"):
        response = post(client, f"/api/v1/gates/{gate.pk}/checks", body(pass_token=token), secret)
        assert response.status_code == 401, secret
    assert_nothing_written(before)


def test_a_device_token_reads_nothing_else(client, park, gate, device_token):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {device_token}"}
    assert client.get("/api/v1/me", **headers).status_code == 401
    assert client.get("/api/v1/abnormal-events", **headers).status_code == 401
    assert client.get(f"/api/v1/gates/{gate.pk}/checks", **headers).status_code == 401


# ----- the verdict ---------------------------------------------------------------------------


def test_the_response_carries_the_verdict_and_its_reasons(client, park, gate, token):
    client.force_login(park.gate)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = post(client, f"/api/v1/gates/{gate.pk}/checks", body(pass_token=token, mask=False))
    data = response.json()
    assert response.status_code == 201
    assert data["verdict"] == "denied"
    assert data["reasons"] == [{"code": "no_mask", "text": "No mask: no entry."}]
    assert data["abnormal_event_id"] is None and data["offline"] is False


def test_reasons_are_in_chinese_for_a_chinese_client(client, park, gate, token):
    client.force_login(park.gate)
    response = post(
        client,
        f"/api/v1/gates/{gate.pk}/checks",
        body(pass_token=token, mask=False, disinfected=False),
    )
    texts = [reason["text"] for reason in response.json()["reasons"]]
    assert texts == ["未戴口罩，不得进入。", "未消毒，不得进入。"]


def test_a_fever_over_the_api_raises_an_event(client, park, gate, token):
    client.force_login(park.gate)
    response = post(
        client,
        f"/api/v1/gates/{gate.pk}/checks",
        body(
            pass_token=token,
            temperature="37.8",
            temperature_recheck="37.7",
            recheck_method="axillary",
        ),
    )
    data = response.json()
    assert data["verdict"] == "denied" and [reason["code"] for reason in data["reasons"]] == [
        "fever"
    ]
    assert data["abnormal_event_id"] == AbnormalEvent.objects.get().pk


def test_without_a_recheck_a_high_reading_is_not_yet_a_fever(client, park, gate, token):
    client.force_login(park.gate)
    data = post(
        client, f"/api/v1/gates/{gate.pk}/checks", body(pass_token=token, temperature="37.5")
    ).json()
    assert [reason["code"] for reason in data["reasons"]] == ["recheck_required"]
    assert data["abnormal_event_id"] is None and not AbnormalEvent.objects.exists()


# ----- idempotency ---------------------------------------------------------------------------


def test_a_replay_returns_the_first_result_and_writes_nothing(client, park, gate, token):
    client.force_login(park.gate)
    sent = body(pass_token=token)
    first = post(client, f"/api/v1/gates/{gate.pk}/checks", sent)
    before = database_counts()
    again = post(client, f"/api/v1/gates/{gate.pk}/checks", sent)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["status"] == "replayed"
    changed = post(client, f"/api/v1/gates/{gate.pk}/checks", {**sent, "temperature": "36.6"})
    assert changed.status_code == 409 and changed.json()["error"]["code"] == "idempotency_conflict"
    assert_nothing_written(before)


def test_an_offline_copy_of_an_answered_check_is_a_replay(client, park, gate, token):
    """The kiosk sent a check, lost the answer, and queued it with its own verdict."""
    client.force_login(park.gate)
    sent = body(pass_token=token)
    first = post(client, f"/api/v1/gates/{gate.pk}/checks", sent)
    queued = {**sent, "offline": True, "offline_verdict": "admitted", "offline_reasons": []}
    batch = post(client, f"/api/v1/gates/{gate.pk}/checks/batch", {"checks": [queued]}).json()
    assert batch["replayed"] == 1 and batch["results"][0]["id"] == first.json()["id"]
    assert GateCheck.objects.count() == 1


# ----- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, status, field",
    [
        ({"temperature": "50.0"}, 422, "temperature"),
        ({"temperature": "20.0"}, 422, "temperature"),
        ({"spo2": 120}, 422, "spo2"),
        ({"spo2": 30}, 422, "spo2"),
        ({"temperature": "hot"}, 422, "temperature"),
        ({"temperature": "36.55"}, 422, "temperature"),
        ({"mask": "perhaps"}, 422, "mask"),
        ({"client_id": "not-a-uuid"}, 422, "client_id"),
        ({"client_id": None}, 422, "client_id"),
        ({"recheck_method": "toe"}, 422, "recheck_method"),
        ({"occurred_at": "2020-01-01T08:00:00+08:00"}, 400, "occurred_at"),
        ({"occurred_at": "2026-01-01T08:00:00"}, 400, "occurred_at"),
        ({"visitor": {"full_name": "x"}}, 422, "visitor"),
        ({"surprise": 1}, 422, "surprise"),
    ],
)
def test_bad_input_is_a_clear_4xx_and_writes_nothing(
    client, park, gate, token, fields, status, field
):
    client.force_login(park.gate)
    data = body(pass_token=token)
    data.update(fields)
    before = database_counts()
    response = post(client, f"/api/v1/gates/{gate.pk}/checks", data)
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["message"]
    assert any(key == field or key.startswith(f"{field}.") for key in error["fields"]), error
    assert_nothing_written(before)


def test_missing_fields_and_malformed_json(client, park, gate):
    client.force_login(park.gate)
    before = database_counts()
    missing = post(client, f"/api/v1/gates/{gate.pk}/checks", {"client_id": str(uuid.uuid4())})
    assert missing.status_code == 422
    assert {"mask", "disinfected"} <= set(missing.json()["error"]["fields"])
    malformed = post(client, f"/api/v1/gates/{gate.pk}/checks", '{"client_id": ')
    assert malformed.status_code in (400, 422) and malformed.json()["error"]["message"]
    not_an_object = post(client, f"/api/v1/gates/{gate.pk}/checks", "[1, 2]")
    assert not_an_object.status_code in (400, 422)
    assert_nothing_written(before)


def test_a_batch_over_the_limit_is_refused_whole(client, park, gate):
    client.force_login(park.gate)
    before = database_counts()
    checks = [body() for _ in range(services.MAX_BATCH + 1)]
    response = post(client, f"/api/v1/gates/{gate.pk}/checks/batch", {"checks": checks})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "batch_too_large"
    assert "1000" in response.json()["error"]["message"]
    assert post(client, f"/api/v1/gates/{gate.pk}/checks/batch", {"checks": []}).status_code == 422
    assert_nothing_written(before)


def test_a_batch_says_what_happened_to_each_item(client, park, gate, token):
    client.force_login(park.gate)
    good = body(pass_token=token)
    post(client, f"/api/v1/gates/{gate.pk}/checks", good)
    items = [
        good,  # a replay
        {**good, "temperature": "36.9"},  # same id, other payload
        body(pass_token=token, temperature="99.9"),  # a typo
        body(pass_token=token),  # new
        body(
            visitor={
                "full_name": "司机",
                "document_type": "resident_id",
                "document_number": "123",
                "origin": "火星",
                "purpose": "送货",
            }
        ),
    ]
    response = post(client, f"/api/v1/gates/{gate.pk}/checks/batch", {"checks": items})
    data = response.json()
    assert response.status_code == 200
    assert [item["status"] for item in data["results"]] == [
        "replayed",
        "rejected",
        "rejected",
        "created",
        "rejected",
    ]
    assert (data["created"], data["replayed"], data["rejected"]) == (1, 1, 3)
    assert data["results"][1]["error"]["code"] == "idempotency_conflict"
    assert "temperature" in data["results"][2]["error"]["fields"]
    assert "visitor.document_number" in data["results"][4]["error"]["fields"]
    assert GateCheck.objects.count() == 2


# ----- whom a gate knows ----------------------------------------------------------------------

# A gate knows its enterprise's current workers, a park gate every enterprise's; anyone else is
# answered, by every way of naming them, exactly as someone who does not exist.
KNOWS = {
    ("a", "a"): True,
    ("a", "b"): False,
    ("a", "leaver"): False,
    ("park", "a"): True,
    ("park", "b"): True,
    ("park", "leaver"): False,
}
WAYS = [
    "check_by_pass",
    "check_by_id",
    "offline_by_pass",
    "offline_by_id",
    "identify_by_pass",
    "identify_by_id",
    "search_by_name",
    "search_by_digits",
    "snapshot",
]


@pytest.fixture
def people(park, worker, token, stranger, stranger_token):
    leaver = make_worker(
        actor=park.officer,
        enterprise=park.a,
        full_name="离职李六",
        document_number=resident_id(sequence=96),
    )
    leaver_token = pass_token(pass_issue(actor=park.officer, worker=leaver))
    Worker.objects.filter(pk=leaver.pk).update(enterprise=None)  # left; the pass still live
    return {
        "a": (worker, token, resident_id(sequence=81)),
        "b": (stranger, stranger_token, resident_id(sequence=95)),
        "leaver": (leaver, leaver_token, resident_id(sequence=96)),
        "nobody": (None, unknown_pass_token(), "000000000000009999"),
    }


def _ask(client, gate, device_token, way, person) -> tuple[int, object]:
    """The status and the answer for ``person`` asked about ``way``, less what always differs."""
    worker, token, number = person
    worker_id = worker.pk if worker else unknown_worker_id()
    name = worker.full_name if worker else "查无此人"
    url = f"/api/v1/gates/{gate.pk}"
    if way == "snapshot":
        response = client.get(f"{url}/snapshot", HTTP_AUTHORIZATION=f"Bearer {device_token}")
        digest = hashlib.sha256(token.encode()).hexdigest()
        return 200, [entry for entry in response.json()["passes"] if entry["digest"] == digest]
    if way.startswith("check"):
        named = {"pass_token": token} if way.endswith("pass") else {"worker_id": worker_id}
        response = post(client, f"{url}/checks", body(**named), device_token)
    elif way.startswith("offline"):
        stamp = client.get(f"{url}/snapshot", HTTP_AUTHORIZATION=f"Bearer {device_token}").json()[
            "stamp"
        ]
        named = {"pass_token": token} if way.endswith("pass") else {"worker_id": worker_id}
        queued = body(
            **named,
            offline=True,
            offline_verdict="admitted",
            offline_reasons=[],
            snapshot_stamp=stamp,
            occurred_at=(timezone.now() - timedelta(minutes=5)).isoformat(),
        )
        response = post(client, f"{url}/checks/batch", {"checks": [queued]}, device_token)
        return response.status_code, {
            key: value
            for key, value in response.json()["results"][0].items()
            if key not in ("client_id", "id", "snapshot_at")
        }
    elif way.startswith("identify"):
        named = {"pass_token": token} if way.endswith("pass") else {"worker_id": worker_id}
        response = post(client, f"{url}/identify", named, device_token)
    else:
        query = name if way == "search_by_name" else number[-4:]
        response = post(client, f"{url}/search", {"q": query}, device_token)
    data = response.json()
    if isinstance(data, dict):
        data = {
            key: value
            for key, value in data.items()
            if key not in ("client_id", "id", "occurred_at")
        }
    return response.status_code, data


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("gate_key, person_key", list(KNOWS))
def test_whom_a_gate_knows(client, park, gate, people, gate_key, person_key, way):
    if gate_key == "park":
        gate = Gate.objects.create(name="城陵矶码头入口")
    _device, device_token = services.gate_device_create(
        actor=park.officer if gate.enterprise_id else park.command, gate=gate, name="一体机"
    )
    worker = people[person_key][0]
    status, answer = _ask(client, gate, device_token, way, people[person_key])
    if KNOWS[gate_key, person_key]:
        if way.startswith(("check", "offline")):
            assert answer["verdict"] == "admitted"
            assert GateCheck.objects.get(worker=worker).verdict == "admitted"
        elif way.startswith("identify"):
            assert answer["person"]["name"] == worker.full_name
        elif way.startswith("search"):
            assert worker.pk in [person["id"] for person in answer]
        else:
            assert [entry["worker"]["id"] for entry in answer] == [worker.pk]
        return
    nobody = _ask(client, gate, device_token, way, people["nobody"])
    assert (status, answer) == nobody
    assert worker.full_name not in json.dumps(answer, ensure_ascii=False)
    assert not GateCheck.objects.filter(worker=worker).exists()
    assert not Attendance.objects.filter(worker=worker).exists()


# ----- offline checks: how far the kiosk's verdict is trusted ----------------------------------


def test_an_offline_check_from_an_old_copy_is_flagged_for_all_to_see(
    client, park, gate, worker, token
):
    """The kiosk admitted, from a 13-hour-old copy, a worker since held: the record says admitted
    (they went in), the server's verdict is beside it, and the check is flagged in the answer,
    the gate's list and counts, and on the event it raised."""
    Worker.objects.filter(pk=worker.pk).update(clearance=Clearance.NOT_CLEARED)
    client.force_login(park.gate)
    now = timezone.now()
    queued = {
        "offline": True,
        "offline_verdict": "admitted",
        "offline_reasons": [],
        "occurred_at": (now - timedelta(hours=1)).isoformat(),
    }
    old = body(
        pass_token=token,
        spo2=92,
        snapshot_stamp=offline.stamp_make(gate.pk, now - timedelta(hours=13)),
        **queued,
    )
    fresh = body(
        pass_token=token,
        snapshot_stamp=offline.stamp_make(gate.pk, now - timedelta(hours=2)),
        **queued,
    )
    data = post(client, f"/api/v1/gates/{gate.pk}/checks/batch", {"checks": [old, fresh]}).json()
    flagged, trusted = data["results"]
    assert (flagged["verdict"], flagged["disputed"], flagged["server_verdict"]) == (
        "admitted",
        True,
        "denied",
    )
    assert [reason["code"] for reason in flagged["server_reasons"]] == [
        rules.LOW_SPO2,
        rules.NOT_CLEARED,
    ]
    assert flagged["snapshot_at"].startswith(
        (now - timedelta(hours=13)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M")
    )
    assert (trusted["verdict"], trusted["disputed"], trusted["server_verdict"]) == (
        "admitted",
        False,
        "",
    )
    client.force_login(park.command)
    rows = {row["client_id"]: row for row in client.get(f"/api/v1/gates/{gate.pk}/checks").json()}
    assert rows[old["client_id"]]["disputed"] and not rows[fresh["client_id"]]["disputed"]
    assert rows[old["client_id"]]["server_verdict"] == "denied"
    assert client.get("/api/v1/gates").json()[0]["disputed_today"] == 1
    (event,) = client.get("/api/v1/abnormal-events").json()
    assert event["id"] == flagged["abnormal_event_id"] and event["disputed"]


def test_an_online_check_is_never_disputed(client, park, gate, token):
    client.force_login(park.gate)
    data = post(client, f"/api/v1/gates/{gate.pk}/checks", body(pass_token=token)).json()
    assert (data["disputed"], data["server_verdict"], data["snapshot_at"]) == (False, "", None)


# ----- identify, search, snapshot ------------------------------------------------------------


def test_identify_shows_the_person_masked(client, park, gate, worker, token):
    client.force_login(park.gate)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    data = post(client, f"/api/v1/gates/{gate.pk}/identify", {"pass_token": token}).json()
    assert data["person"]["name"] == worker.full_name and data["problems"] == []
    assert "*" in data["person"]["document"]
    assert resident_id(sequence=81) not in json.dumps(data)
    unknown = post(client, f"/api/v1/gates/{gate.pk}/identify", {"pass_token": "FG1.x.y"}).json()
    assert unknown == {
        "person": None,
        "problems": [{"code": "pass_unknown", "text": "Unknown or forged pass."}],
    }
    revoked_pass = worker.passes.get()
    pass_revoke(actor=park.officer, worker_pass=revoked_pass, reason="丢失")
    revoked = post(client, f"/api/v1/gates/{gate.pk}/identify", {"pass_token": token}).json()
    assert [problem["code"] for problem in revoked["problems"]] == ["pass_revoked"]
    assert post(client, f"/api/v1/gates/{gate.pk}/identify", {}).status_code == 400


def test_search_by_name_or_last_digits(client, park, gate, worker):
    client.force_login(park.gate)
    last = resident_id(sequence=81)[-4:]
    by_digits = post(client, f"/api/v1/gates/{gate.pk}/search", {"q": last}).json()
    assert [person["id"] for person in by_digits] == [worker.pk]
    by_name = post(client, f"/api/v1/gates/{gate.pk}/search", {"q": worker.full_name[:2]}).json()
    assert worker.pk in [person["id"] for person in by_name]
    assert post(client, f"/api/v1/gates/{gate.pk}/search", {"q": ""}).status_code == 422


def test_the_snapshot_holds_this_gates_live_passes_only(client, park, gate, worker, token):
    other = make_worker(
        actor=park.other_officer, enterprise=park.b, document_number=resident_id(sequence=85)
    )
    pass_issue(actor=park.other_officer, worker=other)
    client.force_login(park.gate)
    data = client.get(f"/api/v1/gates/{gate.pk}/snapshot").json()
    assert [entry["digest"] for entry in data["passes"]] == [
        hashlib.sha256(token.encode()).hexdigest()
    ]
    assert token not in json.dumps(data)
    assert data["thresholds"] == {"fever": "37.3", "spo2": 93}
    assert resident_id(sequence=81) not in json.dumps(data)


# ----- reading gates and checks --------------------------------------------------------------

READ = {"command": 200, "liaison": 200, "officer": 200, "other_liaison": 404, "other_officer": 404}


@pytest.mark.parametrize("role", PARK_ROLES)
def test_gate_reads_by_role(client, park, gate, token, stranger, role):
    # A check of another enterprise's worker, as the gate recorded them before it was limited to
    # its own people: only the command post, who sees every enterprise's workers, sees who.
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
        occurred_at=now - timedelta(minutes=5),
        check_date=timezone.localdate(now),
        received_at=now,
    )
    services.gate_checks_record(gate=gate, items=[check(pass_token=token)])
    client.force_login(park.users()[role])
    listed = client.get("/api/v1/gates")
    checks = client.get(f"/api/v1/gates/{gate.pk}/checks")
    expected = READ.get(role, 403)
    assert checks.status_code == expected
    assert listed.status_code == (200 if expected != 403 else 403)
    if expected == 200:
        assert [item["id"] for item in listed.json()] == [gate.pk]
        assert listed.json()[0]["admitted_today"] == 1
        row, legacy = checks.json()
        assert row["verdict"] == "admitted" and "*" in row["document"]
        if role == "command":
            assert (legacy["person"], legacy["kind"]) == ("乙厂王五", "worker")
        else:
            assert (legacy["person"], legacy["document"], legacy["kind"]) == ("", "", "unknown")
    elif expected == 404:
        assert listed.json() == []


def test_checks_of_another_day(client, park, gate, token):
    yesterday = timezone.now() - timedelta(days=1)
    services.gate_checks_record(gate=gate, items=[check(pass_token=token, occurred_at=yesterday)])
    client.force_login(park.officer)
    day = timezone.localdate(yesterday).isoformat()
    assert len(client.get(f"/api/v1/gates/{gate.pk}/checks?day={day}").json()) == 1
    assert client.get(f"/api/v1/gates/{gate.pk}/checks").json() == []
    assert client.get(f"/api/v1/gates/{gate.pk}/checks?day=yesterday").status_code == 422


# ----- abnormal events -----------------------------------------------------------------------

FOLLOW = {
    "command": 200,
    "liaison": 200,
    "officer": 200,
    "other_liaison": 404,
    "other_officer": 404,
}


@pytest.fixture
def event(park, gate, token):
    services.gate_checks_record(gate=gate, items=[check(pass_token=token, spo2=90)])
    return AbnormalEvent.objects.get()


@pytest.mark.parametrize("role", PARK_ROLES)
def test_events_by_role(client, park, event, role):
    client.force_login(park.users()[role])
    expected = FOLLOW.get(role, 403)
    listed = client.get("/api/v1/abnormal-events?open_only=true")
    assert listed.status_code == (403 if expected == 403 else 200)
    if expected == 200:
        assert [item["id"] for item in listed.json()] == [event.pk]
    before = database_counts()
    step = post(
        client, f"/api/v1/abnormal-events/{event.pk}/steps", {"action": "recheck", "spo2": 96}
    )
    assert step.status_code == expected
    if expected == 200:
        assert step.json()["status"] == "rechecked"
        assert EventStep.objects.get().actor == park.users()[role]
    else:
        assert_nothing_written(before)


def test_event_steps_refuse_bad_input(client, park, event):
    client.force_login(park.liaison)
    before = database_counts()
    for data, status in [
        ({"action": "teleport"}, 422),
        ({"action": "recheck"}, 400),
        ({"action": "recheck", "temperature": "50"}, 422),
        ({"action": "recheck", "temperature": "37.0", "outcome": "cleared"}, 400),
        ({"action": "outcome"}, 400),
        ({"action": "outcome", "outcome": "fine"}, 422),
    ]:
        response = post(client, f"/api/v1/abnormal-events/{event.pk}/steps", data)
        assert response.status_code == status, (data, response.content)
    assert (
        post(client, "/api/v1/abnormal-events/999999/steps", {"action": "note"}).status_code == 404
    )
    assert_nothing_written(before)


def test_the_outcome_clears_the_worker_again(client, park, event, worker):
    client.force_login(park.officer)
    worker.refresh_from_db()
    assert worker.clearance == "not_cleared"
    response = post(
        client,
        f"/api/v1/abnormal-events/{event.pk}/steps",
        {"action": "outcome", "outcome": "cleared", "note": "复测正常"},
    )
    assert response.json()["status"] == "closed" and response.json()["outcome"] == "cleared"
    worker.refresh_from_db()
    assert worker.clearance == "cleared"


def test_the_schema_documents_the_gate(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/gates/{gate_id}/checks",
        "/api/v1/gates/{gate_id}/checks/batch",
        "/api/v1/gates/{gate_id}/snapshot",
        "/api/v1/abnormal-events/{event_id}/steps",
    ):
        assert path in paths, path
    assert Decimal("37.3") == Decimal(str(services.thresholds_on(timezone.localdate()).fever))
