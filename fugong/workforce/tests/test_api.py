import pytest
from django.utils import timezone

from fugong.core.crypto import decrypt
from fugong.core.testing import (
    PARK_ROLES,
    assert_nothing_written,
    changed_tables,
    database_counts,
)
from fugong.workforce import services
from fugong.workforce.models import Worker

from .factories import make_worker, resident_id, suspicious_id
from .test_imports import good_rows, row, upload

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


# ----- moves ---------------------------------------------------------------------------------


@pytest.fixture
def theirs(park):
    """A worker of enterprise b, with data the b's officer collected."""
    return make_worker(
        actor=park.other_officer,
        enterprise=park.b,
        full_name="王秘密",
        document_number=resident_id(sequence=43),
        phone="13900000043",
        symptoms="咳嗽",
    )


@pytest.mark.parametrize("role", PARK_ROLES)
def test_moving_a_worker_over_the_api_by_role(client, park, theirs, role):
    client.force_login(park.users()[role])
    before = database_counts()
    response = client.post(
        f"/api/v1/workers/{theirs.pk}/move",
        {"enterprise_id": park.a.pk},
        content_type="application/json",
    )
    if role == "command":
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["enterprise_id"] == park.a.pk
        assert (body["phone_masked"], body["symptoms"], body["clearance"]) == (
            "",
            "",
            "not_cleared",
        )
    else:
        assert response.status_code == 403
        assert_nothing_written(before)


def test_moving_over_the_api_refusals(client, park, theirs):
    client.force_login(park.command)
    before = database_counts()
    url = f"/api/v1/workers/{theirs.pk}/move"
    same = client.post(url, {"enterprise_id": park.b.pk}, content_type="application/json")
    assert same.status_code == 409
    unknown = client.post(url, {"enterprise_id": 999999}, content_type="application/json")
    assert unknown.status_code == 404
    nobody = client.post(
        "/api/v1/workers/999999/move", {"enterprise_id": park.a.pk}, content_type="application/json"
    )
    assert nobody.status_code == 404
    assert_nothing_written(before)


def test_registering_someone_on_another_roster_over_the_api(client, park, theirs):
    client.force_login(park.officer)
    before = database_counts()
    response = client.post(
        "/api/v1/workers",
        {
            "enterprise_id": park.a.pk,
            "full_name": "接口工人",
            "document_number": decrypt(theirs.document_cipher),
            "residence_code": "430603",
        },
        content_type="application/json",
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "on_another_roster" and "document_number" in error["fields"]
    for stored in ("王秘密", "乙企业", "139****0043", "咳嗽", theirs.document_masked):
        assert stored not in response.content.decode()
    assert_nothing_written(before)


def test_importing_someone_on_another_roster_over_the_api(client, park, theirs):
    from .test_imports import row

    client.force_login(park.officer)
    before = database_counts()
    response = client.post(
        f"/api/v1/enterprises/{park.a.pk}/roster",
        {"file": upload([*good_rows(), row(decrypt(theirs.document_cipher))])},
    )
    assert response.status_code == 400
    assert [(error["row"], error["column"]) for error in response.json()["report"]["errors"]] == [
        (5, "证件号码")
    ]
    assert "王秘密" not in response.content.decode()
    assert_nothing_written(before)


def test_the_new_employer_reads_none_of_the_old_data_over_the_api(client, park, theirs):
    services.worker_leave(actor=park.other_officer, worker=theirs)
    client.force_login(park.officer)
    created = client.post(
        "/api/v1/workers",
        {
            "enterprise_id": park.a.pk,
            "full_name": "王秘密",
            "document_number": decrypt(theirs.document_cipher),
            "residence_code": "430603",
            "holiday_location_code": "430603",
        },
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["id"] == theirs.pk
    detail = client.get(f"/api/v1/workers/{theirs.pk}").json()
    assert (detail["phone_masked"], detail["symptoms"], detail["enterprise_id"]) == (
        "",
        "",
        park.a.pk,
    )
    clearance = client.get(f"/api/v1/workers/{theirs.pk}/clearance").json()
    assert clearance["clearance"] == "cleared" and clearance["reasons"] == []
    assert client.post(f"/api/v1/workers/{theirs.pk}/reveal/phone").json() == {"value": ""}


def test_a_number_ending_in_000_is_registered_over_the_api_only_when_confirmed(client, park):
    client.force_login(park.officer)
    body = {
        "enterprise_id": park.a.pk,
        "full_name": "接口工人",
        "document_number": suspicious_id(),
        "residence_code": "430603",
    }
    before = database_counts()
    refused = client.post("/api/v1/workers", body, content_type="application/json")
    assert refused.status_code == 400
    assert "document_number" in refused.json()["error"]["fields"]
    assert_nothing_written(before)
    body["confirm_suspicious_number"] = True
    created = client.post("/api/v1/workers", body, content_type="application/json")
    assert created.status_code == 201, created.content


def test_roster_rows_ending_in_000_need_the_files_confirmation_over_the_api(client, park):
    client.force_login(park.officer)
    rows = [*good_rows(), row(suspicious_id(), name="零号")]
    before = database_counts()
    refused = client.post(f"/api/v1/enterprises/{park.a.pk}/roster", {"file": upload(rows)})
    assert refused.status_code == 400
    assert [error["row"] for error in refused.json()["report"]["errors"]] == [5]
    assert_nothing_written(before)
    taken = client.post(
        f"/api/v1/enterprises/{park.a.pk}/roster?numbers_checked=true", {"file": upload(rows)}
    )
    assert taken.status_code == 200, taken.content
    assert taken.json()["created"] == 4 and taken.json()["checked_numbers"] == [5]


# Out of scope (enterprise ``b``'s officer, the other liaison) is a 404; a role without the
# action a 403. Each case runs on a fresh worker with a valid pass.
WORKER_ACTIONS = [
    (
        "reveal document",
        lambda w, p: f"/api/v1/workers/{w.pk}/reveal/document",
        {},
        {"command": 200, "officer": 200, "other_liaison": 404, "other_officer": 404},
    ),
    (
        "reveal phone",
        lambda w, p: f"/api/v1/workers/{w.pk}/reveal/phone",
        {},
        {
            "command": 200,
            "liaison": 200,
            "officer": 200,
            "other_liaison": 404,
            "other_officer": 404,
        },
    ),
    (
        "issue pass",
        lambda w, p: f"/api/v1/workers/{w.pk}/pass",
        {"valid_days": 5},
        {"command": 201, "officer": 201, "other_liaison": 404, "other_officer": 404},
    ),
    (
        "revoke pass",
        lambda w, p: f"/api/v1/workers/{w.pk}/pass/{p.pk}/revoke",
        {"reason": "丢失"},
        {"command": 200, "officer": 200, "other_liaison": 404, "other_officer": 404},
    ),
    (
        "leave",
        lambda w, p: f"/api/v1/workers/{w.pk}/leave",
        {},
        {"command": 200, "officer": 200, "other_liaison": 404, "other_officer": 404},
    ),
]


@pytest.mark.parametrize("role", PARK_ROLES)
@pytest.mark.parametrize("case", WORKER_ACTIONS, ids=[case[0] for case in WORKER_ACTIONS])
def test_worker_actions_by_role(client, park, worker, case, role):
    _name, path, body, allowed = case
    worker_pass = services.pass_issue(actor=park.officer, worker=worker)
    client.force_login(park.users()[role])
    before = database_counts()
    response = client.post(path(worker, worker_pass), body, content_type="application/json")
    expected = allowed.get(role, 403)
    assert response.status_code == expected, response.content[:200]
    if expected >= 400:
        assert_nothing_written(before)
    else:
        assert changed_tables(before)


# The screening rules and the re-screenings are read by the command post, the liaisons and the
# enterprises' officers (each within their scope); the others get a 403.
SCREENING_READS = {
    "command": 200,
    "liaison": 200,
    "other_liaison": 200,
    "officer": 200,
    "other_officer": 200,
}


@pytest.mark.parametrize("role", PARK_ROLES)
def test_screening_reads_by_role(client, park, role):
    client.force_login(park.users()[role])
    expected = SCREENING_READS.get(role, 403)
    assert client.get("/api/v1/risk-areas").status_code == expected
    assert client.get("/api/v1/rescreenings").status_code == expected


@pytest.mark.parametrize("role", PARK_ROLES)
def test_declaring_a_risk_area_by_role(client, park, role):
    """Only the command post declares risk areas; anyone else writes nothing."""
    client.force_login(park.users()[role])
    before = database_counts()
    response = client.post(
        "/api/v1/risk-areas",
        {"division_code": "420100", "level": "high", "starts_on": timezone.localdate().isoformat()},
        content_type="application/json",
    )
    if role == "command":
        assert response.status_code == 201
        assert changed_tables(before)
    else:
        assert response.status_code == 403
        assert_nothing_written(before)
