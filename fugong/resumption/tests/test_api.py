"""The applications API, role by role, with the same services and errors as the pages."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fugong.core.testing import PARK_ROLES, assert_nothing_written, changed_tables, database_counts
from fugong.resumption.models import ApplicationStatus, ResumptionApplication

from .factories import make_application
from .test_views import PDF

pytestmark = pytest.mark.django_db
ROLES = PARK_ROLES


def today():
    return timezone.localdate()


def checks(application, met=True):
    return [
        {"item_id": item.pk, "met": met, "note": ""}
        for item in application.guide_version.items.all()
    ]


CASES = [
    (
        "detail",
        "submitted",
        "get",
        "/api/v1/applications/{id}",
        None,
        {
            "command": 200,
            "liaison": 200,
            "inspector": 200,
            "officer": 200,
            "other_liaison": 404,
            "other_officer": 404,
        },
    ),
    (
        "timeline",
        "submitted",
        "get",
        "/api/v1/applications/{id}/timeline",
        None,
        {
            "command": 200,
            "liaison": 200,
            "inspector": 200,
            "officer": 200,
            "other_liaison": 404,
            "other_officer": 404,
        },
    ),
    (
        "patch",
        "draft",
        "patch",
        "/api/v1/applications/{id}",
        lambda a: {"returning_local": 9},
        {"officer": 200, "other_officer": 404, "other_liaison": 404},
    ),
    (
        "submit",
        "complete",
        "post",
        "/api/v1/applications/{id}/submit",
        lambda a: {},
        {"officer": 200, "other_officer": 404, "other_liaison": 404},
    ),
    (
        "verify",
        "submitted",
        "post",
        "/api/v1/applications/{id}/verify",
        lambda a: {"checks": checks(a), "recommendation": "approve"},
        {"liaison": 200, "other_liaison": 404, "other_officer": 404},
    ),
    (
        "approve",
        "verified",
        "post",
        "/api/v1/applications/{id}/approve",
        lambda a: {"resumption_date": today().isoformat()},
        {"command": 200, "other_liaison": 404, "other_officer": 404},
    ),
    (
        "return",
        "verified",
        "post",
        "/api/v1/applications/{id}/return",
        lambda a: {"rectification_items": ["设置观察室"]},
        {"command": 200, "other_liaison": 404, "other_officer": 404},
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_permission_matrix(client, park, case, role):
    name, state, method, path, payload, allowed = case
    application = make_application(
        officer=park.officer, liaison=park.liaison, command=park.command, state=state
    )
    client.force_login(park.users()[role])
    before = database_counts()
    url = path.format(id=application.pk)
    if payload is None:
        response = getattr(client, method)(url)
    else:
        response = getattr(client, method)(
            url, payload(application), content_type="application/json"
        )
    expected = allowed.get(role, 403)
    assert response.status_code == expected, (name, role, response.content)
    if expected >= 400:
        assert "error" in response.json()
        assert_nothing_written(before)
    elif method != "get":
        assert changed_tables(before)


def test_the_whole_loop_over_the_api(client, park):
    client.force_login(park.officer)
    response = client.post(
        "/api/v1/applications",
        {
            "planned_date": (today() + timedelta(days=1)).isoformat(),
            "returning_local": 30,
            "prevention_plan": "方案",
            "emergency_plan": "预案",
            "responsible_person": "张三",
            "commitment_accepted": True,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert len(body["missing_for_submission"]) == 1  # only the self-check is left
    application_id = body["id"]
    self_check = [{"item_id": row["item_id"], "met": True} for row in body["self_check"]]
    response = client.patch(
        f"/api/v1/applications/{application_id}",
        {"self_check": self_check},
        content_type="application/json",
    )
    assert response.json()["missing_for_submission"] == []
    assert (
        client.post(f"/api/v1/applications/{application_id}/submit").json()["status"] == "submitted"
    )
    # Submitting twice is a conflict.
    response = client.post(f"/api/v1/applications/{application_id}/submit")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    # A retried create is refused: one application per enterprise.
    response = client.post(
        "/api/v1/applications",
        {"planned_date": today().isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 409

    client.force_login(park.liaison)
    application = ResumptionApplication.objects.get(pk=application_id)
    response = client.post(
        f"/api/v1/applications/{application_id}/verify",
        {"checks": checks(application), "recommendation": "approve", "summary": "好"},
        content_type="application/json",
    )
    assert response.json()["status"] == "verified"

    client.force_login(park.command)
    response = client.post(
        f"/api/v1/applications/{application_id}/approve",
        {"resumption_date": today().isoformat()},
        content_type="application/json",
    )
    assert response.json()["status"] == ApplicationStatus.APPROVED
    assert client.get(f"/api/v1/enterprises/{park.a.pk}").json()["status"] == "resumed"
    timeline = client.get(f"/api/v1/applications/{application_id}/timeline").json()
    assert [event["action"] for event in timeline][-1] == "application.approved"
    response = client.post(
        f"/api/v1/enterprises/{park.a.pk}/suspend",
        {"reason": "督查发现问题"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert client.get(f"/api/v1/enterprises/{park.a.pk}").json()["status"] == "suspended"
    response = client.post(
        f"/api/v1/enterprises/{park.a.pk}/reinstate",
        {"reason": "整改到位"},
        content_type="application/json",
    )
    assert response.status_code == 200


def test_approving_an_unverified_application_over_the_api(client, park):
    application = make_application(officer=park.officer, state="submitted")
    client.force_login(park.command)
    before = database_counts()
    response = client.post(
        f"/api/v1/applications/{application.pk}/approve",
        {"resumption_date": today().isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert_nothing_written(before)


def test_bad_dates_and_types(client, park):
    application = make_application(
        officer=park.officer, liaison=park.liaison, command=park.command, state="verified"
    )
    client.force_login(park.command)
    for payload in ({"resumption_date": "2020-02-30"}, {"resumption_date": 20200301}, {}):
        response = client.post(
            f"/api/v1/applications/{application.pk}/approve",
            payload,
            content_type="application/json",
        )
        assert response.status_code == 422
        assert "resumption_date" in response.json()["error"]["fields"]
    response = client.post(
        f"/api/v1/applications/{application.pk}/approve",
        {"resumption_date": (today() - timedelta(days=1)).isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 400


def test_attachments_over_the_api(client, park):
    application = make_application(officer=park.officer, state="draft")
    client.force_login(park.officer)
    response = client.post(
        f"/api/v1/applications/{application.pk}/attachments",
        {"purpose": "prevention_plan", "file": SimpleUploadedFile("方案.pdf", PDF)},
    )
    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == "application/pdf"
    download = client.get(
        f"/api/v1/applications/{application.pk}/attachments/{response.json()['id']}"
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    before = database_counts()
    response = client.post(
        f"/api/v1/applications/{application.pk}/attachments",
        {"purpose": "prevention_plan", "file": SimpleUploadedFile("方案.pdf", b"<html>")},
    )
    assert response.status_code == 400
    response = client.post(
        f"/api/v1/applications/{application.pk}/attachments",
        {"purpose": "graffiti", "file": SimpleUploadedFile("方案.pdf", PDF)},
    )
    assert response.status_code == 422
    assert_nothing_written(before)


def test_token_auth_acts_as_its_user(client, park):
    from fugong.accounts.services import api_token_create

    application = make_application(officer=park.officer, state="draft")
    _token, secret = api_token_create(actor=park.other_officer, name="ERP")
    response = client.get(
        f"/api/v1/applications/{application.pk}", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert response.status_code == 404


@pytest.mark.parametrize("role", PARK_ROLES)
def test_the_list_by_role(client, park, role):
    """Everyone who deals with applications lists them (scoped); the gate and the district
    liaison do not."""
    make_application(officer=park.officer, state="submitted")
    client.force_login(park.users()[role])
    response = client.get("/api/v1/applications")
    assert response.status_code == (403 if role in ("gate", "district") else 200)
    if response.status_code == 200:
        visible = response.json()["count"]
        assert visible == (0 if role in ("other_liaison", "other_officer") else 1)
