"""Whom a gate knows over the API (its own people only, whichever way they are named), and
identifying, searching and the kiosk's offline snapshot."""

import hashlib
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from fugong.gate import services
from fugong.gate.models import Attendance, Gate, GateCheck
from fugong.workforce.models import Worker
from fugong.workforce.services import pass_issue, pass_revoke, pass_token
from fugong.workforce.tests.factories import make_worker, resident_id

from .factories import unknown_pass_token, unknown_worker_id
from .helpers import body, post

pytestmark = pytest.mark.django_db


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
        if isinstance(data.get("error"), dict):  # each request has its own id
            data["error"] = {k: v for k, v in data["error"].items() if k != "request_id"}
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
    assert data["thresholds"] == {"fever": "37.3", "spo2": 93, "training": "off"}
    assert data["passes"][0]["worker"]["trained"] is False
    assert data["passes"][0]["worker"]["first_admission"] is True
    assert resident_id(sequence=81) not in json.dumps(data)
