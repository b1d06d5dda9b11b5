"""Recording checks over the API: who may record (operators, device tokens), the verdict in the
answer, replays, bad input, batches, and offline checks."""

import time
import uuid
from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts
from fugong.gate import offline, rules, services
from fugong.gate.models import AbnormalEvent, GateCheck, GateOperator
from fugong.workforce.models import Clearance, Worker

from .factories import make_gate
from .helpers import body, post

pytestmark = pytest.mark.django_db


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
    # The check is a moment ago, so that it is today's whatever the hour (an hour ago was
    # yesterday between midnight and one in the morning, and the gate's list shows today's).
    while timezone.localdate(now - timedelta(seconds=1)) != timezone.localdate(now):
        time.sleep(1)
        now = timezone.now()
    queued = {
        "offline": True,
        "offline_verdict": "admitted",
        "offline_reasons": [],
        "occurred_at": (now - timedelta(seconds=1)).isoformat(),
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


# ----- rate limit per device -------------------------------------------------------------------


def test_a_device_over_its_limit_is_refused_and_a_batch_counts_once(
    client, park, gate, token, device_token, settings
):
    settings.FUGONG_RATE_LIMITS = {**settings.FUGONG_RATE_LIMITS, "gate_device": (2, 60)}
    batch = {"checks": [body(pass_token=token) for _ in range(3)]}
    assert (
        post(client, f"/api/v1/gates/{gate.pk}/checks/batch", batch, device_token).json()["created"]
        == 3
    )
    response = post(client, f"/api/v1/gates/{gate.pk}/checks", body(pass_token=token), device_token)
    assert response.status_code == 201
    before = database_counts()
    refused = post(client, f"/api/v1/gates/{gate.pk}/checks", body(pass_token=token), device_token)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["error"]["code"] == "rate_limited"
    assert_nothing_written(before)
    assert GateCheck.objects.count() == 4
    # The gate's operator, signed in at the kiosk, is not held back by the device's count.
    client.force_login(park.gate)
    response = post(client, f"/api/v1/gates/{gate.pk}/checks", body(pass_token=token))
    assert response.status_code == 201
