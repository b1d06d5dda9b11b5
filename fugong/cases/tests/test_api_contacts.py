"""The contacts API: finding, listing with the evidence, confirming, dropping, adding by hand,
the contact rules; every refusal a 4xx with nothing written; scoped and masked by role."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from fugong.cases import contact_services
from fugong.cases.models import ContactRules, ContactStatus
from fugong.core.testing import assert_nothing_written, database_counts

from .contact_data import outbreak

pytestmark = pytest.mark.django_db


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_the_whole_round_over_the_api(client, park, today):
    o = outbreak(park, today=today)
    client.force_login(park.command)
    found = post(client, f"/api/v1/cases/{o.case.pk}/contacts/find", {})
    assert found.status_code == 200, found.content
    body = found.json()
    assert (body["found"], body["new"], body["second_level"]) == (6, 6, False)
    assert body["window"] == {
        "start": (today - timedelta(days=3)).isoformat(),
        "end": today.isoformat(),
    }
    listed = client.get(f"/api/v1/cases/{o.case.pk}/contacts")
    assert listed.status_code == 200
    items = {item["full_name"]: item for item in listed.json()["items"]}
    colleague = items["同班乙"]
    (reason,) = colleague["reasons"]
    assert reason["rule"] == "department_shift" and reason["on"] == o.exposed_on.isoformat()
    assert reason["evidence"]["contact_checks"] == [{"gate": "东门", "at": "07:30"}]
    assert colleague["document_masked"] == o.colleague.document_masked
    confirmed = post(client, f"/api/v1/contacts/{colleague['id']}/confirm", {})
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    again = post(client, f"/api/v1/contacts/{colleague['id']}/confirm", {})
    assert again.status_code == 409
    rider = items["同车戊"]["id"]
    assert post(client, f"/api/v1/contacts/{rider}/drop", {"reason": ""}).status_code == 400
    dropped = post(client, f"/api/v1/contacts/{rider}/drop", {"reason": "未同车"})
    assert dropped.json()["drop_reason"] == "未同车"
    only = client.get(f"/api/v1/cases/{o.case.pk}/contacts?status=dropped").json()
    assert [item["id"] for item in only["items"]] == [rider]
    added = post(
        client,
        f"/api/v1/cases/{o.case.pk}/contacts",
        {"worker_id": o.late.pk, "last_contact_on": today.isoformat(), "note": "食堂同桌"},
    )
    assert added.status_code == 201 and added.json()["added_by_hand"] is True
    assert client.get(f"/api/v1/contacts/{added.json()['id']}").status_code == 200
    second = post(client, f"/api/v1/cases/{o.case.pk}/contacts/find", {"second_level": True})
    assert second.json()["second_level"] is True


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"worker_id": "self"}, 400),
        ({"worker_id": "colleague"}, 409),
        ({"worker_id": 10**9}, 404),
        ({"worker_id": "late", "last_contact_on": "tomorrow"}, 400),
        ({"worker_id": "late", "last_contact_on": "not a date"}, 422),
        ({"worker_id": "late", "unknown": 1}, 422),
        ({"external": {"full_name": "王五", "document_number": "123"}}, 400),
        ({}, 400),
    ],
)
def test_bad_additions_answer_4xx_and_write_nothing(client, park, today, data, status):
    o = outbreak(park, today=today)
    contact_services.contacts_find(actor=park.command, case=o.case)
    people = {"self": o.patient.pk, "colleague": o.colleague.pk, "late": o.late.pk}
    data = dict(data)
    if isinstance(data.get("worker_id"), str):
        data["worker_id"] = people[data["worker_id"]]
    day = data.get("last_contact_on", "today")
    data["last_contact_on"] = {
        "today": today.isoformat(),
        "tomorrow": (today + timedelta(days=1)).isoformat(),
    }.get(day, day)
    client.force_login(park.command)
    before = database_counts()
    response = post(client, f"/api/v1/cases/{o.case.pk}/contacts", data)
    assert response.status_code == status, response.content
    assert response.json()["error"]["message"]
    assert_nothing_written(before)


def test_contact_rules_over_the_api(client, park, today):
    client.force_login(park.command)
    rules = {
        "effective_from": today.isoformat(),
        "days_before_onset": 3,
        "same_gate_minutes": 20,
        "same_gate": False,
    }
    saved = post(client, "/api/v1/contact-rules", rules)
    assert saved.status_code == 201 and saved.json()["same_gate"] is False
    before = database_counts()
    assert post(client, "/api/v1/contact-rules", rules).status_code == 409
    for days in (0, -1):
        refused = post(client, "/api/v1/contact-rules", {**rules, "days_before_onset": days})
        assert refused.status_code == 400
        assert "days_before_onset" in refused.json()["error"]["fields"]
    assert_nothing_written(before)
    listed = client.get("/api/v1/contact-rules").json()
    assert [item["days_before_onset"] for item in listed] == [3]
    assert ContactRules.objects.count() == 1


READS = {
    "command": (200, 200, 200),
    "liaison": (200, 200, 200),
    "officer": (200, 200, 200),
    "other_liaison": (404, 404, 200),
    "other_officer": (404, 404, 200),
    "inspector": (403, 403, 403),
    "gate": (403, 403, 403),
    "district": (403, 403, 403),
}


@pytest.mark.parametrize("role", sorted(READS))
def test_reads_and_writes_by_role(client, park, today, role):
    o = outbreak(park, today=today)
    contact_services.contacts_find(actor=park.command, case=o.case)
    contact = o.case.contacts.get(worker=o.colleague)
    client.force_login(getattr(park, role))
    expected = READS[role]
    assert client.get(f"/api/v1/cases/{o.case.pk}/contacts").status_code == expected[0]
    assert client.get(f"/api/v1/contacts/{contact.pk}").status_code == expected[1]
    assert client.get("/api/v1/contact-rules").status_code == expected[2]
    if role == "command":
        return
    before = database_counts()
    writes = [
        post(client, f"/api/v1/cases/{o.case.pk}/contacts/find", {}),
        post(
            client,
            f"/api/v1/cases/{o.case.pk}/contacts",
            {"worker_id": o.late.pk, "last_contact_on": today.isoformat()},
        ),
        post(client, f"/api/v1/contacts/{contact.pk}/confirm", {}),
        post(client, f"/api/v1/contacts/{contact.pk}/drop", {"reason": "x"}),
        post(
            client,
            "/api/v1/contact-rules",
            {"effective_from": today.isoformat(), "days_before_onset": 2, "same_gate_minutes": 9},
        ),
    ]
    for response in writes:
        assert response.status_code in (403, 404), (role, response.content)
    assert_nothing_written(before)
    contact.refresh_from_db()
    assert contact.status == ContactStatus.CANDIDATE


def test_an_anonymous_caller_is_401(client, park, today):
    assert client.get("/api/v1/contact-rules").status_code == 401
