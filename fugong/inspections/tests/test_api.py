import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts
from fugong.inspections import services
from fugong.inspections.models import Finding, FindingAttachment, Inspection

from .factories import PDF, first_item, png_bytes

pytestmark = pytest.mark.django_db

READ = {
    "command": 200,
    "inspector": 200,
    "liaison": 200,
    "officer": 200,
    "other_liaison": 404,
    "other_officer": 404,
}
WRITE_DRAFT = {
    "command": 200,
    "inspector": 200,
    "liaison": 403,
    "other_liaison": 404,
    "officer": 404,
    "other_officer": 404,
    "gate": 403,
    "district": 403,
}
RECTIFY = {
    "command": 403,
    "inspector": 403,
    "liaison": 403,
    "other_liaison": 404,
    "officer": 201,
    "other_officer": 404,
    "gate": 403,
    "district": 403,
}
REVIEW = {
    "command": 200,
    "inspector": 200,
    "liaison": 403,
    "other_liaison": 404,
    "officer": 403,
    "other_officer": 404,
    "gate": 403,
    "district": 403,
}


def post(client, url, data):
    # English answers: the messages are compared as written.
    return client.post(
        url, json.dumps(data), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )


def patch(client, url, data):
    return client.patch(
        url, json.dumps(data), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )


@pytest.fixture
def submitted(park, finding):
    services.rectification_submit(actor=park.officer, finding=finding, response="已改")
    return Finding.objects.get(pk=finding.pk)


# ----- the whole life over the API -----------------------------------------------------------


def test_the_whole_life_over_the_api(client, park, today):
    client.force_login(park.inspector)
    created = post(
        client,
        "/api/v1/inspections",
        {"enterprise_id": park.a.pk, "kind": "unannounced", "inspected_on": today.isoformat()},
    )
    assert created.status_code == 201, created.content
    inspection = created.json()
    assert inspection["status"] == "draft" and len(inspection["item_results"]) > 10
    item = first_item()
    updated = patch(
        client,
        f"/api/v1/inspections/{inspection['id']}",
        {"item_results": [{"item_id": item.pk, "met": False, "note": "无人"}], "summary": "缺漏"},
    )
    assert updated.status_code == 200
    (result,) = [row for row in updated.json()["item_results"] if row["met"] is not None]
    assert result["item_id"] == item.pk and result["note"] == "无人"
    added = post(
        client,
        f"/api/v1/inspections/{inspection['id']}/findings",
        {
            "description": "无测温",
            "severity": "serious",
            "rectification_required": "设点",
            "deadline": (today + timedelta(days=1)).isoformat(),
            "item_id": item.pk,
        },
    )
    assert added.status_code == 201, added.content
    finding_id = added.json()["id"]
    photo = client.post(
        f"/api/v1/findings/{finding_id}/attachments",
        {"purpose": "photo", "file": SimpleUploadedFile("p.png", png_bytes())},
    )
    assert photo.status_code == 201 and photo.json()["purpose"] == "photo"
    completed = post(client, f"/api/v1/inspections/{inspection['id']}/complete", {})
    assert completed.status_code == 200 and completed.json()["status"] == "completed"
    assert [f["id"] for f in completed.json()["finding_list"]] == [finding_id]

    client.force_login(park.officer)
    assert [f["id"] for f in client.get("/api/v1/findings").json()["items"]] == [finding_id]
    evidence = client.post(
        f"/api/v1/findings/{finding_id}/attachments",
        {"purpose": "evidence", "file": SimpleUploadedFile("e.pdf", PDF)},
    )
    assert evidence.status_code == 201
    rectified = post(client, f"/api/v1/findings/{finding_id}/rectifications", {"response": "已设"})
    assert rectified.status_code == 201 and rectified.json()["status"] == "submitted"
    assert (
        rectified.json()["attachments"][1]["rectification_id"]
        == (rectified.json()["rectifications"][0]["id"])
    )

    client.force_login(park.inspector)
    new_deadline = (today + timedelta(days=3)).isoformat()
    reopened = post(
        client,
        f"/api/v1/findings/{finding_id}/review",
        {"accept": False, "note": "不够", "new_deadline": new_deadline},
    )
    assert reopened.status_code == 200
    assert reopened.json()["round"] == 2 and reopened.json()["deadline"] == new_deadline

    client.force_login(park.officer)
    again = post(client, f"/api/v1/findings/{finding_id}/rectifications", {"response": "再改"})
    assert again.status_code == 201
    client.force_login(park.inspector)
    accepted = post(client, f"/api/v1/findings/{finding_id}/review", {"accept": True})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert [r["decision"] for r in accepted.json()["rectifications"]] == ["reopened", "accepted"]


# ----- reads by role -------------------------------------------------------------------------


@pytest.mark.parametrize("role", PARK_ROLES)
def test_reads_by_role(client, park, finding, draft, role):
    client.force_login(park.users()[role])
    expected = READ.get(role, 403)
    listed = client.get("/api/v1/inspections")
    detail = client.get(f"/api/v1/inspections/{finding.inspection_id}")
    drafted = client.get(f"/api/v1/inspections/{draft.pk}")
    findings = client.get("/api/v1/findings?overdue=false")
    one = client.get(f"/api/v1/findings/{finding.pk}")
    assert detail.status_code == expected and one.status_code == expected
    assert drafted.status_code == (404 if role == "officer" else expected)
    assert listed.status_code == findings.status_code == (403 if expected == 403 else 200)
    if expected == 200:
        assert finding.inspection_id in [i["id"] for i in listed.json()["items"]]
        assert [f["id"] for f in findings.json()["items"]] == [finding.pk]
        assert detail.json()["finding_list"][0]["id"] == finding.pk
    elif expected == 404:
        assert findings.json()["items"] == []
    else:
        assert listed.json()["error"]["code"] == "forbidden"


def test_list_filters(client, park, finding, draft):
    client.force_login(park.command)
    drafts = client.get("/api/v1/inspections?status=draft").json()["items"]
    assert [i["id"] for i in drafts] == [draft.pk]
    assert client.get(f"/api/v1/inspections?enterprise_id={park.b.pk}").json()["items"] == []
    assert client.get("/api/v1/inspections?kind=routine").json()["items"] == []
    assert client.get("/api/v1/inspections?kind=nonsense").status_code == 422
    assert client.get("/api/v1/findings?status=accepted").json()["items"] == []
    assert client.get("/api/v1/findings?overdue=true").json()["items"] == []
    assert len(client.get(f"/api/v1/findings?enterprise_id={park.a.pk}").json()["items"]) == 1


# ----- writes by role ------------------------------------------------------------------------


@pytest.mark.parametrize("role", PARK_ROLES)
def test_creating_by_role(client, park, today, role):
    client.force_login(park.users()[role])
    before = database_counts()
    response = post(
        client,
        "/api/v1/inspections",
        {"enterprise_id": park.a.pk, "kind": "routine", "inspected_on": today.isoformat()},
    )
    expected = {"command": 201, "inspector": 201, "other_liaison": 404}.get(role, 403)
    assert response.status_code == expected, response.content
    if expected == 201:
        assert Inspection.objects.get().inspector == park.users()[role]
    else:
        assert_nothing_written(before)


def test_creating_refuses_bad_input(client, park, today, tomorrow):
    client.force_login(park.inspector)
    before = database_counts()
    future = post(
        client,
        "/api/v1/inspections",
        {"enterprise_id": park.a.pk, "kind": "routine", "inspected_on": tomorrow.isoformat()},
    )
    assert future.status_code == 400 and "inspected_on" in future.json()["error"]["fields"]
    unknown = post(
        client,
        "/api/v1/inspections",
        {"enterprise_id": park.a.pk, "kind": "routine", "inspected_on": today.isoformat(), "x": 1},
    )
    assert unknown.status_code == 422
    assert_nothing_written(before)


@pytest.mark.parametrize("role", PARK_ROLES)
def test_writing_a_draft_by_role(client, park, draft, today, role):
    client.force_login(park.users()[role])
    before = database_counts()
    updated = patch(client, f"/api/v1/inspections/{draft.pk}", {"summary": "记录"})
    added = post(
        client,
        f"/api/v1/inspections/{draft.pk}/findings",
        {
            "description": "无",
            "severity": "minor",
            "rectification_required": "改",
            "deadline": today.isoformat(),
        },
    )
    completed = post(client, f"/api/v1/inspections/{draft.pk}/complete", {})
    expected = WRITE_DRAFT[role]
    assert updated.status_code == expected, updated.content
    assert added.status_code == (201 if expected == 200 else expected)
    assert completed.status_code == expected
    if expected == 200:
        assert Inspection.objects.get().status == "completed"
    else:
        assert_nothing_written(before)


def test_a_deadline_before_the_inspection_and_an_unknown_item(client, park, today):
    inspection = services.inspection_create(
        actor=park.inspector, enterprise=park.a, kind="routine", inspected_on=today - timedelta(2)
    )
    client.force_login(park.inspector)
    before = database_counts()
    body = {
        "description": "无",
        "severity": "minor",
        "rectification_required": "改",
        "deadline": (today - timedelta(days=3)).isoformat(),
    }
    early = post(client, f"/api/v1/inspections/{inspection.pk}/findings", body)
    assert early.status_code == 400
    assert early.json()["error"]["fields"] == {
        "deadline": ["The deadline is before the inspection."]
    }
    body["deadline"] = today.isoformat()
    unknown = post(
        client, f"/api/v1/inspections/{inspection.pk}/findings", {**body, "item_id": 10**9}
    )
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "unknown_item"
    results = patch(
        client,
        f"/api/v1/inspections/{inspection.pk}",
        {"item_results": [{"item_id": 10**9, "met": True}]},
    )
    assert results.status_code == 400 and results.json()["error"]["code"] == "unknown_item"
    assert_nothing_written(before)


@pytest.mark.parametrize("role", PARK_ROLES)
def test_rectifying_by_role(client, park, finding, role):
    client.force_login(park.users()[role])
    before = database_counts()
    response = post(client, f"/api/v1/findings/{finding.pk}/rectifications", {"response": "已改"})
    evidence = client.post(
        f"/api/v1/findings/{finding.pk}/attachments",
        {"purpose": "evidence", "file": SimpleUploadedFile("e.pdf", PDF)},
    )
    assert response.status_code == RECTIFY[role], response.content
    if RECTIFY[role] == 201:
        assert Finding.objects.get().status == "submitted"
        assert evidence.status_code == 409  # no longer open
    else:
        assert evidence.status_code == RECTIFY[role]
        assert_nothing_written(before)


@pytest.mark.parametrize("role", PARK_ROLES)
def test_reviewing_by_role(client, park, submitted, role):
    client.force_login(park.users()[role])
    before = database_counts()
    response = post(client, f"/api/v1/findings/{submitted.pk}/review", {"accept": True})
    assert response.status_code == REVIEW[role], response.content
    if REVIEW[role] == 200:
        assert Finding.objects.get().status == "accepted"
    else:
        assert_nothing_written(before)


def test_evidence_that_is_not_what_it_claims(client, park, finding):
    client.force_login(park.officer)
    before = database_counts()
    fake = client.post(
        f"/api/v1/findings/{finding.pk}/attachments",
        {"purpose": "evidence", "file": SimpleUploadedFile("e.pdf", b"hello, I am text")},
    )
    assert fake.status_code == 400 and fake.json()["error"]["code"] == "unsupported_file"
    assert_nothing_written(before)


@override_settings(FUGONG_ATTACHMENT_MAX_BYTES=1024)
def test_oversize_evidence(client, park, finding):
    client.force_login(park.officer)
    before = database_counts()
    big = client.post(
        f"/api/v1/findings/{finding.pk}/attachments",
        {"purpose": "evidence", "file": SimpleUploadedFile("e.pdf", PDF + b" " * 4096)},
    )
    assert big.status_code == 413 and big.json()["error"]["code"] == "too_large"
    assert_nothing_written(before)


def test_rectifying_another_enterprises_finding_is_not_found(client, park, finding):
    client.force_login(park.other_officer)
    before = database_counts()
    response = post(client, f"/api/v1/findings/{finding.pk}/rectifications", {"response": "x"})
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert_nothing_written(before)


@pytest.mark.parametrize("role", PARK_ROLES)
def test_downloading_by_role(client, park, finding, role):
    client.force_login(park.officer)
    attachment_id = client.post(
        f"/api/v1/findings/{finding.pk}/attachments",
        {"purpose": "evidence", "file": SimpleUploadedFile("e.pdf", PDF)},
    ).json()["id"]
    client.force_login(park.users()[role])
    response = client.get(f"/api/v1/findings/{finding.pk}/attachments/{attachment_id}")
    assert response.status_code == READ.get(role, 403)
    if response.status_code == 200:
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == PDF
    assert FindingAttachment.objects.count() == 1


def test_refused_fields_are_named_as_in_the_body(client, park):
    from fugong.inspections.tests.factories import make_inspection

    client.force_login(park.inspector)
    inspection = make_inspection(actor=park.inspector, enterprise=park.a)
    other = make_inspection(actor=park.inspector, enterprise=park.b)
    response = post(
        client,
        "/api/v1/inspections",
        {
            "enterprise_id": park.a.pk,
            "kind": "reinspection",
            "inspected_on": str(inspection.inspected_on),
            "follows_id": other.pk,
        },
    )
    assert response.status_code == 400
    assert "follows_id" in response.json()["error"]["fields"]
