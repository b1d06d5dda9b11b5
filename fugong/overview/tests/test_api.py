import pytest

from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts
from fugong.enterprises.models import Enterprise
from fugong.enterprises.tests.factories import credit_code_for
from fugong.enterprises.tests.test_imports import good_rows, workbook_upload

pytestmark = pytest.mark.django_db
ROLES = PARK_ROLES


@pytest.mark.parametrize(
    "role, visible, detail",
    [
        ("command", 2, 200),
        ("liaison", 1, 200),
        ("other_liaison", 1, 404),
        ("inspector", 2, 200),
        ("officer", 1, 200),
        ("other_officer", 1, 404),
        ("gate", None, 403),
        ("district", None, 403),
    ],
)
def test_reads_are_scoped(client, park, role, visible, detail):
    client.force_login(park.users()[role])
    response = client.get("/api/v1/enterprises")
    if visible is None:
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
    else:
        assert response.status_code == 200
        assert response.json()["count"] == visible
    assert client.get(f"/api/v1/enterprises/{park.a.pk}").status_code == detail


def test_detail_has_the_derived_status(client, park):
    client.force_login(park.command)
    body = client.get(f"/api/v1/enterprises/{park.a.pk}").json()
    assert body["status"] == "not_applied"
    assert body["liaison"]["full_name"] == park.liaison.full_name


@pytest.mark.parametrize("role", ROLES)
def test_writes_are_for_the_command_post(client, park, role):
    client.force_login(park.users()[role])
    before = database_counts()
    created = client.post(
        "/api/v1/enterprises",
        {"name": "接口企业", "credit_code": credit_code_for(4242), "liaison_id": park.liaison.pk},
        content_type="application/json",
    )
    patched = client.patch(
        f"/api/v1/enterprises/{park.a.pk}", {"usual_headcount": 7}, content_type="application/json"
    )
    imported = client.post("/api/v1/enterprises/import", {"file": workbook_upload(good_rows())})
    if role == "command":
        assert created.status_code == 201, created.json()
        assert created.json()["liaison"]["id"] == park.liaison.pk
        assert patched.status_code == 200 and patched.json()["usual_headcount"] == 7
        assert imported.status_code == 200 and imported.json()["created"] == 3
    else:
        assert created.status_code == 403
        assert patched.status_code in (403, 404)
        assert imported.status_code == 403
        assert_nothing_written(before)


def test_retrying_a_create_creates_nothing_twice(client, park):
    client.force_login(park.command)
    payload = {"name": "重试企业", "credit_code": credit_code_for(4343)}
    assert (
        client.post("/api/v1/enterprises", payload, content_type="application/json").status_code
        == 201
    )
    before = database_counts()
    response = client.post("/api/v1/enterprises", payload, content_type="application/json")
    assert response.status_code == 400
    assert "credit_code" in response.json()["error"]["fields"]
    assert_nothing_written(before)
    assert Enterprise.objects.filter(credit_code=credit_code_for(4343)).count() == 1


def test_invalid_credit_code_and_unknown_liaison(client, park):
    client.force_login(park.command)
    before = database_counts()
    response = client.post(
        "/api/v1/enterprises",
        {"name": "x", "credit_code": "91430600MA4L00001D"},
        content_type="application/json",
    )
    assert response.status_code == 400
    response = client.post(
        "/api/v1/enterprises",
        {"name": "x", "credit_code": credit_code_for(1), "liaison_id": park.inspector.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "liaison_id" in response.json()["error"]["fields"]
    assert_nothing_written(before)


def test_import_with_bad_rows_returns_the_report(client, park):
    client.force_login(park.command)
    rows = good_rows() + [["坏", "123", "工业", "是", "否", 1, "", ""]]
    before = database_counts()
    response = client.post("/api/v1/enterprises/import", {"file": workbook_upload(rows)})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "import_rejected"
    assert response.json()["report"]["errors"][0]["row"] == 5
    assert_nothing_written(before)


def test_inspectors_get_masked_phones(client, park):
    Enterprise.objects.filter(pk=park.a.pk).update(contact_phone="13800138000")
    client.force_login(park.inspector)
    assert client.get(f"/api/v1/enterprises/{park.a.pk}").json()["contact_phone"] == "138****8000"


def test_filter_by_status_and_kind(client, park):
    client.force_login(park.command)
    assert client.get("/api/v1/enterprises?status=resumed").json()["count"] == 0
    assert client.get("/api/v1/enterprises?status=not_applied&kind=industrial").json()["count"] == 2
    assert client.get("/api/v1/enterprises?status=bogus").status_code == 422


def test_credit_code_can_be_corrected_over_the_api(client, park):
    client.force_login(park.command)
    response = client.patch(
        f"/api/v1/enterprises/{park.a.pk}",
        {"credit_code": credit_code_for(7777)},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["credit_code"] == credit_code_for(7777)
    response = client.patch(
        f"/api/v1/enterprises/{park.a.pk}",
        {"credit_code": park.b.credit_code},
        content_type="application/json",
    )
    assert response.status_code == 400
