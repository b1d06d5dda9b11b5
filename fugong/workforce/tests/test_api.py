import pytest
from django.utils import timezone

from fugong.core.crypto import decrypt
from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts
from fugong.workforce import services
from fugong.workforce.models import Worker

from .factories import make_worker, resident_id
from .test_imports import good_rows, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(park):
    return make_worker(
        actor=park.officer,
        enterprise=park.a,
        document_number=resident_id(sequence=41),
        phone="13711112222",
    )


READ = {"command": 200, "liaison": 200, "officer": 200, "other_liaison": 404, "other_officer": 404}


@pytest.mark.parametrize("role", PARK_ROLES)
def test_reads_by_role(client, park, worker, role):
    client.force_login(park.users()[role])
    expected = READ.get(role, 403)
    assert client.get(f"/api/v1/workers/{worker.pk}").status_code == expected
    assert client.get(f"/api/v1/workers/{worker.pk}/clearance").status_code == expected
    response = client.get("/api/v1/workers")
    assert response.status_code == (200 if expected in (200, 404) else 403)


@pytest.mark.parametrize("role", PARK_ROLES)
def test_writes_by_role(client, park, worker, role):
    client.force_login(park.users()[role])
    before = database_counts()
    created = client.post(
        "/api/v1/workers",
        {
            "enterprise_id": park.a.pk,
            "full_name": "接口工人",
            "document_number": resident_id(sequence=42),
            "residence_code": "430603",
            "holiday_location_code": "430603",
        },
        content_type="application/json",
    )
    patched = client.patch(
        f"/api/v1/workers/{worker.pk}", {"symptoms": "咳嗽"}, content_type="application/json"
    )
    imported = client.post(f"/api/v1/enterprises/{park.a.pk}/roster", {"file": upload(good_rows())})
    if role in ("command", "officer"):
        assert created.status_code == 201, created.content
        assert patched.status_code == 200 and patched.json()["clearance"] == "not_cleared"
        assert imported.status_code == 200 and imported.json()["created"] == 3
    else:
        assert created.status_code in (403, 404)
        assert patched.status_code in (403, 404)
        assert imported.status_code in (403, 404)
        assert_nothing_written(before)


def test_masked_by_default_full_on_audited_reveal(client, park, worker):
    client.force_login(park.liaison)
    body = client.get(f"/api/v1/workers/{worker.pk}").json()
    assert body["phone_masked"] == "137****2222" and "phone" not in body
    assert client.post(f"/api/v1/workers/{worker.pk}/reveal/phone").json() == {
        "value": "13711112222"
    }
    assert client.post(f"/api/v1/workers/{worker.pk}/reveal/document").status_code == 403


def test_search_by_number_is_a_post(client, park, worker):
    client.force_login(park.officer)
    number = decrypt(worker.document_cipher)
    response = client.post(
        "/api/v1/workers/search", {"number": number}, content_type="application/json"
    )
    assert [item["id"] for item in response.json()] == [worker.pk]


def test_bad_import_returns_the_report(client, park):
    client.force_login(park.officer)
    rows = good_rows()
    rows[1][2] = "12345"
    before = database_counts()
    response = client.post(f"/api/v1/enterprises/{park.a.pk}/roster", {"file": upload(rows)})
    assert response.status_code == 400
    assert response.json()["report"]["errors"][0]["row"] == 3
    assert_nothing_written(before)


def test_passes_over_the_api(client, park, worker):
    client.force_login(park.officer)
    issued = client.post(
        f"/api/v1/workers/{worker.pk}/pass", {"valid_days": 5}, content_type="application/json"
    )
    assert issued.status_code == 201
    token = issued.json()["token"]
    check = client.post("/api/v1/passes/check", {"token": token}, content_type="application/json")
    assert check.json()["full_name"] == worker.full_name
    assert check.json()["clearance_today"] == "cleared"
    client.force_login(park.other_officer)
    assert (
        client.post(
            "/api/v1/passes/check", {"token": token}, content_type="application/json"
        ).status_code
        == 404
    )
    client.force_login(park.officer)
    revoked = client.post(
        f"/api/v1/workers/{worker.pk}/pass/{issued.json()['id']}/revoke",
        {"reason": "丢失"},
        content_type="application/json",
    )
    assert revoked.status_code == 200
    check = client.post("/api/v1/passes/check", {"token": token}, content_type="application/json")
    assert check.status_code == 409 and check.json()["error"]["code"] == "pass_revoked"


def test_risk_areas_over_the_api(client, park, worker):
    Worker.objects.filter(pk=worker.pk).update(
        holiday_location_code="420102", returned_on=timezone.localdate()
    )
    client.force_login(park.command)
    response = client.post(
        "/api/v1/risk-areas",
        {"division_code": "420100", "level": "high", "starts_on": timezone.localdate().isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["run"]["changed"] == 1
    client.force_login(park.officer)
    assert client.get("/api/v1/risk-areas").status_code == 200
    assert (
        client.post(
            "/api/v1/risk-areas",
            {"division_code": "420100", "level": "high", "starts_on": "2020-01-01"},
            content_type="application/json",
        ).status_code
        == 403
    )


def test_pass_check_of_garbage(client, park):
    client.force_login(park.officer)
    response = client.post(
        "/api/v1/passes/check", {"token": "FG1.forged.token"}, content_type="application/json"
    )
    assert response.status_code == 404


def test_clearing_a_field_with_null(client, park, worker):
    client.force_login(park.officer)
    response = client.patch(
        f"/api/v1/workers/{worker.pk}",
        {"holiday_location_code": None, "department": None},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert (
        response.json()["clearance"] == "not_cleared"
    )  # where the holiday was spent is now missing


def test_gate_operators_cannot_probe_passes(client, park, worker):
    token = services.pass_token(services.pass_issue(actor=park.officer, worker=worker))
    client.force_login(park.gate)
    assert (
        client.post(
            "/api/v1/passes/check", {"token": token}, content_type="application/json"
        ).status_code
        == 403
    )


def test_a_post_to_an_unknown_path_is_json(client, park):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(park.officer)
    response = strict.post("/api/v1/nowhere", {}, content_type="application/json")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
