"""The API's shared behaviour: authentication, the error body, the OpenAPI schema."""

import pytest

from fugong.accounts.services import api_token_create
from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts

pytestmark = pytest.mark.django_db


def test_openapi_schema_lists_the_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/enterprises",
        "/api/v1/enterprises/{enterprise_id}",
        "/api/v1/enterprises/{enterprise_id}/suspend",
        "/api/v1/applications",
        "/api/v1/applications/{application_id}/submit",
        "/api/v1/applications/{application_id}/verify",
        "/api/v1/applications/{application_id}/approve",
        "/api/v1/applications/{application_id}/return",
    ):
        assert path in paths


def test_health_needs_no_login(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_anonymous_gets_401_in_the_error_shape(client):
    response = client.get("/api/v1/enterprises")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_bearer_token(client, park):
    _token, secret = api_token_create(actor=park.liaison, name="script")
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert response.json()["username"] == "liaison"
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer fg_nope").status_code == 401


def test_session_writes_need_the_csrf_token(park):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(park.command)
    response = client.post("/api/v1/enterprises", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"


def test_malformed_json(client, park):
    client.force_login(park.command)
    response = client.post("/api/v1/enterprises", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"


def test_wrong_types_are_named_field_by_field(client, park):
    client.force_login(park.command)
    response = client.post(
        "/api/v1/enterprises",
        {"name": 5, "credit_code": "x", "usual_headcount": "many", "is_key": "perhaps"},
        content_type="application/json",
    )
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert {"usual_headcount", "is_key"} <= set(fields)


def test_a_json_array_instead_of_an_object(client, park):
    client.force_login(park.command)
    response = client.post("/api/v1/enterprises", [1, 2], content_type="application/json")
    assert response.status_code == 422


def test_errors_are_translated(client, park):
    client.force_login(park.command)
    chinese = client.post("/api/v1/enterprises", "{", content_type="application/json")
    english = client.post(
        "/api/v1/enterprises", "{", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.json()["error"]["message"] == "The request body is not valid JSON."
    assert "JSON" in chinese.json()["error"]["message"]
    assert "请求" in chinese.json()["error"]["message"]


def test_unknown_api_paths_answer_in_json(client, park):
    client.force_login(park.command)
    for path in ("/api/v1/nothing-here", "/api/v1/enterprises/", "/api/v2/enterprises"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_unknown_fields_are_refused(client, park):
    client.force_login(park.command)
    response = client.patch(
        f"/api/v1/enterprises/{park.a.pk}", {"usual_headcont": 5}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "usual_headcont" in response.json()["error"]["fields"]


def test_too_short_lists_are_explained(client, park):
    from fugong.resumption.tests.factories import make_application

    application = make_application(officer=park.officer, state="submitted")
    client.force_login(park.command)
    response = client.post(
        f"/api/v1/applications/{application.pk}/return",
        {"rectification_items": []},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["rectification_items"] == [
        "Too few items (at least 1)."
    ]


def _subclasses(cls: type) -> set[type]:
    found = set()
    for subclass in cls.__subclasses__():
        found |= {subclass, *_subclasses(subclass)}
    return found


def test_no_two_api_models_share_a_component_name():
    """ninja names a model's OpenAPI component after its class: two models of one name would
    share one component, and a client generated from the schema would read one as the other."""
    from collections import Counter

    from pydantic import BaseModel

    import fugong.api  # noqa: F401 - every router, and so every model, is imported

    models = {
        model
        for model in _subclasses(BaseModel)
        if model.__module__.startswith("fugong.") and ".tests" not in model.__module__
    }
    shared = {
        name: count for name, count in Counter(m.__name__ for m in models).items() if count > 1
    }
    assert shared == {}, sorted(
        f"{model.__module__}.{model.__name__}" for model in models if model.__name__ in shared
    )


def test_the_schema_keeps_the_verification_items_and_the_gate_checks_apart(client):
    components = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "VerificationCheckOut" in components and "CheckOut" in components
    assert "verdict" in components["CheckOut"]["properties"]
    assert "met" in components["VerificationCheckOut"]["properties"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/enterprises/import",
        "/api/v1/enterprises/{a}/roster",
        "/api/v1/notices/1/attachments",
    ],
)
def test_a_multipart_body_without_a_boundary_is_a_json_400(client, park, path):
    # given a body Django cannot parse before any endpoint runs
    client.force_login(park.command)
    before = database_counts()
    # when it is posted
    response = client.generic(
        "POST", path.format(a=park.a.pk), b"--x\r\n", content_type="multipart/form-data"
    )
    # then the API's error body answers, not an HTML page, and nothing is written
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "bad_request"
    assert_nothing_written(before)


@pytest.mark.parametrize("path", ["/api/v1/gates/1%0A/checks", "/api/%0A", "/api/v1/no/such"])
def test_every_path_under_api_answers_json(client, path):
    response = client.get(path)
    assert response.status_code in (401, 404)
    assert response["Content-Type"].startswith("application/json")
    assert "error" in response.json()


def test_every_operation_declares_the_statuses_it_can_answer():
    """An operation that needs a signed-in caller can answer 401 and 403 (and 429 over a rate
    limit of its API token or gate device), one with parameters or
    a body 422, one with an id in its path 404: each is declared with the error body."""
    from fugong.api import api

    schema = api.get_openapi_schema()
    undeclared = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            declared = {str(status) for status in operation["responses"]}
            needed = set()
            if operation.get("security"):
                needed |= {"401", "403", "429"}
            if operation.get("parameters") or operation.get("requestBody"):
                needed.add("422")
            if "{" in path:
                needed.add("404")
            if needed - declared:
                undeclared.append(f"{method.upper()} {path}: {sorted(needed - declared)}")
    assert undeclared == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/enterprises",
        "/api/v1/applications",
        "/api/v1/workers",
        "/api/v1/inspections",
        "/api/v1/findings",
        "/api/v1/bulletins",
        "/api/v1/notices",
    ],
)
def test_an_offset_beyond_the_databases_integers_is_a_422_not_a_500(client, park, path):
    """Found by the fuzz run: ``offset=75231587167591396329643835392`` overflowed the SQL OFFSET."""
    client.force_login(park.command)
    response = client.get(path, {"offset": 75231587167591396329643835392})
    assert response.status_code == 422
    assert "offset" in response.json()["error"]["fields"]
    assert client.get(path, {"offset": 1_000_000_000}).status_code == 200


@pytest.mark.parametrize("role", PARK_ROLES)
def test_me_by_role(client, park, role):
    client.force_login(park.users()[role])
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["username"] == park.users()[role].username
