"""The cases API role by role (refused requests write nothing), its bodies and bad input."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from fugong.accounts.services import api_token_create
from fugong.audit.models import AuditAction, AuditEvent
from fugong.cases.models import Case, CaseSource, Classification
from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts
from fugong.gate.services import abnormal_event_step
from fugong.workforce.tests.factories import resident_id

from .pages_fixtures import *  # noqa: F403 (the fixtures)

pytestmark = pytest.mark.django_db

# A case of enterprise ``a``: who reads it (200), who may not see it (404), who may not read (403).
READ = {
    "command": 200,
    "liaison": 200,
    "officer": 200,
    "other_liaison": 404,
    "other_officer": 404,
    "inspector": 403,
    "gate": 403,
    "district": 403,
}


def auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(actor=user, name='test')[1]}"}


def send(client, method, url, headers, body=None):
    return getattr(client, method)(
        url, json.dumps(body or {}), content_type="application/json", **headers
    )


@pytest.mark.parametrize("role", PARK_ROLES)
def test_case_reads_by_role(client, park, case, contact, role):
    headers = auth(park.users()[role])
    expected = READ[role]
    listing = client.get("/api/v1/cases", **headers)
    assert listing.status_code == (403 if expected == 403 else 200)
    if expected != 403:
        assert [item["id"] for item in listing.json()["items"]] == (
            [case.pk] if expected == 200 else []
        )
    for url in (
        f"/api/v1/cases/{case.pk}",
        f"/api/v1/cases/{case.pk}/timeline",
        f"/api/v1/cases/{case.pk}/chain",
    ):
        assert client.get(url, **headers).status_code == expected, url
    before = database_counts()
    exported = client.get(f"/api/v1/cases/{case.pk}/export.xlsx", **headers)
    assert exported.status_code == expected
    if expected == 200:
        assert exported["Content-Type"].startswith("application/vnd.openxmlformats")
        assert AuditEvent.objects.filter(action=AuditAction.CASE_EXPORTED).exists()
    else:
        assert_nothing_written(before)


@pytest.mark.parametrize("role", PARK_ROLES)
def test_case_writes_by_role(client, park, worker, case, role, today):
    headers = auth(park.users()[role])
    allowed = role == "command"
    before = database_counts()
    created = send(
        client,
        "post",
        "/api/v1/cases",
        headers,
        {
            "classification": "suspected",
            "source": "district_notice",
            "external": {"full_name": "王五", "phone": "13912345678"},
            "sampling_on": today.isoformat(),
        },
    )
    patched = send(
        client, "patch", f"/api/v1/cases/{case.pk}", headers, {"isolated_on": today.isoformat()}
    )
    classified = send(
        client,
        "post",
        f"/api/v1/cases/{case.pk}/classification",
        headers,
        {"classification": "excluded", "note": "核酸阴性"},
    )
    if allowed:
        assert created.status_code == 201, created.content
        assert created.json()["phone_masked"].endswith("5678")
        assert "13912345678" not in created.content.decode()
        assert patched.status_code == 200 and patched.json()["isolated_on"] == today.isoformat()
        assert classified.status_code == 200
        assert classified.json()["classification"] == "excluded"
    else:
        expected = {403} if READ[role] in (200, 403) else {403, 404}
        assert created.status_code == 403
        assert patched.status_code in expected | {404}
        assert classified.status_code in expected | {404}
        assert_nothing_written(before)


def test_a_case_from_an_abnormal_event_takes_its_outcome(client, park, event, today):
    abnormal_event_step(actor=park.command, event=event, action="outcome", outcome="suspected")
    response = send(
        client,
        "post",
        "/api/v1/cases",
        auth(park.command),
        {"abnormal_event_id": event.pk, "onset_on": today.isoformat()},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["classification"] == "suspected" and body["source"] == CaseSource.GATE_EVENT
    assert body["abnormal_event_id"] == event.pk and body["full_name"] == "张三"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"classification": "suspected", "onset_on": "2999-01-01"}, 400, "onset_on"),
        ({"classification": "suspected"}, 400, "onset_on"),
        ({"classification": "nonsense"}, 422, "classification"),
        ({"classification": "suspected", "unknown": 1}, 422, "unknown"),
    ],
)
def test_bad_input_is_refused_with_the_field(client, park, worker, today, body, status, field):
    body = {"worker_id": worker.pk, **body}
    headers = auth(park.command)
    before = database_counts()
    response = send(client, "post", "/api/v1/cases", headers, body)
    assert response.status_code == status, response.content
    assert field in response.json()["error"]["fields"]
    assert_nothing_written(before)


def test_the_same_person_twice_is_a_conflict(client, park, case, worker, today):
    headers = auth(park.command)
    before = database_counts()
    response = send(
        client,
        "post",
        "/api/v1/cases",
        headers,
        {"worker_id": worker.pk, "classification": "confirmed", "onset_on": today.isoformat()},
    )
    assert response.status_code == 409 and response.json()["error"]["code"] == "case_exists"
    assert_nothing_written(before)


def test_a_worker_outside_the_scope_or_unknown_is_not_found(client, park, today):
    headers = auth(park.command)
    before = database_counts()
    response = send(
        client,
        "post",
        "/api/v1/cases",
        headers,
        {"worker_id": 999999, "classification": "suspected", "onset_on": today.isoformat()},
    )
    assert response.status_code == 404
    assert_nothing_written(before)


def test_classification_history_and_timeline(client, park, case, today):
    headers = auth(park.command)
    yesterday = today - timedelta(days=1)
    refused = send(
        client,
        "post",
        f"/api/v1/cases/{case.pk}/classification",
        headers,
        {"classification": "confirmed", "effective_on": yesterday.isoformat()},
    )
    assert refused.status_code == 400 and "effective_on" in refused.json()["error"]["fields"]
    send(
        client,
        "post",
        f"/api/v1/cases/{case.pk}/classification",
        headers,
        {"classification": "confirmed"},
    )
    again = send(
        client,
        "post",
        f"/api/v1/cases/{case.pk}/classification",
        headers,
        {"classification": "confirmed"},
    )
    assert again.status_code == 409
    timeline = client.get(f"/api/v1/cases/{case.pk}/timeline", **headers).json()
    assert [change["new_classification"] for change in timeline["classifications"]] == [
        "suspected",
        "confirmed",
    ]
    assert [entry["kind"] for entry in timeline["entries"]] == ["opened", "classified"]


def test_the_list_filters(client, park, case, colleague, today):
    headers = auth(park.command)
    send(
        client,
        "post",
        "/api/v1/cases",
        headers,
        {
            "worker_id": colleague.pk,
            "classification": "confirmed",
            "onset_on": today.isoformat(),
            "is_drill": True,
        },
    )
    drill = Case.objects.get(is_drill=True)

    def ids(**query):
        return [
            item["id"] for item in client.get("/api/v1/cases", query, **headers).json()["items"]
        ]

    assert ids(drill="true") == [drill.pk]
    assert ids(drill="false") == [case.pk]
    assert ids(classification="confirmed") == [drill.pk]
    assert client.get("/api/v1/cases", {"classification": "x"}, **headers).status_code == 422


def test_patch_clears_a_date_and_refuses_a_bad_one(client, park, case, today):
    headers = auth(park.command)
    Case.objects.filter(pk=case.pk).update(sampling_on=today)
    cleared = send(client, "patch", f"/api/v1/cases/{case.pk}", headers, {"sampling_on": None})
    assert cleared.status_code == 200 and cleared.json()["sampling_on"] is None
    before = database_counts()
    bad = send(
        client,
        "patch",
        f"/api/v1/cases/{case.pk}",
        headers,
        {"isolated_on": (today - timedelta(days=5)).isoformat()},
    )
    assert bad.status_code == 400 and "onset_on" in bad.json()["error"]["fields"]
    assert_nothing_written(before)


def test_an_external_person_with_a_document_number(client, park, today):
    number = resident_id(sequence=77)
    response = send(
        client,
        "post",
        "/api/v1/cases",
        auth(park.command),
        {
            "classification": Classification.CONFIRMED,
            "source": "cdc_notice",
            "external": {"full_name": "赵六", "document_number": number},
            "sampling_on": today.isoformat(),
        },
    )
    assert response.status_code == 201
    assert number not in response.content.decode()
    assert response.json()["document_masked"].endswith(number[-4:])
