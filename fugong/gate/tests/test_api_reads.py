"""Reading over the API: gates and checks by role, abnormal events and their steps, and the
schema's gate endpoints."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts
from fugong.gate import rules, services
from fugong.gate.models import AbnormalEvent, EventStep, GateCheck

from .factories import check
from .helpers import post

pytestmark = pytest.mark.django_db


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
