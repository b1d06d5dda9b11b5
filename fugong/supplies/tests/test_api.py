"""The supplies endpoints role by role; every refused request writes nothing."""

from __future__ import annotations

import json

import pytest

from fugong.accounts.services import api_token_create
from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts
from fugong.supplies.models import RequestStatus, SupplyRequest, SupplyStock

from .factories import count_upload, receive, request_for

pytestmark = pytest.mark.django_db

READERS = {"command", "liaison", "other_liaison", "officer", "other_officer"}
OF_A = {"command", "liaison", "officer"}  # who sees enterprise a's supplies


def auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(actor=user, name='test')[1]}"}


def expected(role, allowed: set[str], ok: int = 200, scope: set[str] = OF_A) -> int:
    """403 without the role's read, 404 outside the scope, then 403 without the action."""
    if role not in READERS:
        return 403
    if role not in scope:
        return 404
    return ok if role in allowed else 403


def checked(client, method, url, headers, status, body=None, **extra):
    """Send, compare the status, and for a refusal check that nothing was written."""
    before = database_counts()
    if method == "get":
        response = client.get(url, **headers)
    elif "data" in extra:
        response = client.post(url, extra["data"], **headers)
    else:
        response = getattr(client, method)(
            url, json.dumps(body or {}), content_type="application/json", **headers
        )
    assert response.status_code == status, (url, response.content)
    if status >= 400:
        assert_nothing_written(before)
    return response


@pytest.mark.parametrize("role", PARK_ROLES)
def test_supply_reads_by_role(client, park, masks, role):
    receive(park.command, masks, 100)
    receive(park.officer, masks, 50, park.a)
    request_for(park, masks, 10)
    headers = auth(park.users()[role])
    reader = 200 if role in READERS else 403
    command = 200 if role == "command" else 403
    checked(client, "get", "/api/v1/supplies/items", headers, reader)
    checked(client, "get", "/api/v1/supplies/requests", headers, reader)
    checked(client, "get", "/api/v1/supplies/reserve", headers, command)
    checked(client, "get", "/api/v1/supplies/reserve/entries", headers, command)
    everyone = READERS
    stock = checked(
        client,
        "get",
        f"/api/v1/supplies/enterprises/{park.a.pk}",
        headers,
        expected(role, everyone),
    )
    checked(
        client,
        "get",
        f"/api/v1/supplies/enterprises/{park.a.pk}/entries",
        headers,
        expected(role, everyone),
    )
    if stock.status_code == 200:
        masks_row = next(row for row in stock.json()["stock"] if row["item_id"] == masks.pk)
        assert masks_row["quantity"] == "50.0" or float(masks_row["quantity"]) == 50
        listing = client.get("/api/v1/supplies/requests", **headers).json()["items"]
        assert len(listing) == 1
    if role in ("other_liaison", "other_officer"):
        assert client.get("/api/v1/supplies/requests", **headers).json()["items"] == []


@pytest.mark.parametrize("role", PARK_ROLES)
def test_supply_writes_by_role(client, park, masks, role):
    receive(park.command, masks, 100)
    supply_request = request_for(park, masks, 10)
    other_request = request_for(park, masks, 10)
    headers = auth(park.users()[role])
    command = {"command"}
    checked(
        client,
        "post",
        "/api/v1/supplies/items",
        headers,
        201 if role == "command" else 403,
        {"name": "面屏", "unit": "个", "warning_days": 5},
    )
    item_body = {"name": masks.name, "unit": "只", "warning_days": 5, "is_mask": True}
    checked(
        client,
        "put",
        f"/api/v1/supplies/items/{masks.pk}",
        headers,
        200 if role == "command" else 403,
        item_body,
    )
    checked(
        client,
        "post",
        "/api/v1/supplies/reserve/entries",
        headers,
        201 if role == "command" else 403,
        {"item_id": masks.pk, "kind": "receipt", "quantity": "20"},
    )
    checked(
        client,
        "post",
        f"/api/v1/supplies/enterprises/{park.a.pk}/entries",
        headers,
        expected(role, {"command", "officer"}, 201),
        {"item_id": masks.pk, "kind": "receipt", "quantity": "5"},
    )
    checked(
        client,
        "post",
        f"/api/v1/supplies/enterprises/{park.a.pk}/requests",
        headers,
        expected(role, {"officer"}, 201),
        {"item_id": masks.pk, "quantity": "7", "reason": "返岗人员增加"},
    )
    checked(
        client,
        "post",
        f"/api/v1/supplies/enterprises/{park.a.pk}/import",
        headers,
        expected(role, {"command", "officer"}),
        data={"file": count_upload([(masks.name, 3, "")])},
    )
    checked(
        client,
        "post",
        f"/api/v1/supplies/requests/{supply_request.pk}/allocate",
        headers,
        expected(role, command),
        {"quantity": "10"},
    )
    checked(
        client,
        "post",
        f"/api/v1/supplies/requests/{other_request.pk}/decline",
        headers,
        expected(role, command),
        {"note": "储备不足"},
    )
    if role == "command":
        assert SupplyRequest.objects.get(pk=supply_request.pk).status == RequestStatus.ALLOCATED
        assert SupplyRequest.objects.get(pk=other_request.pk).status == RequestStatus.DECLINED


def test_bad_input_is_a_translated_4xx_and_writes_nothing(client, park, masks):
    receive(park.command, masks, 100)
    headers = auth(park.officer) | {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    url = f"/api/v1/supplies/enterprises/{park.a.pk}/entries"
    for quantity, status in (("-3", 400), ("2.5", 400), ("x", 400), ("1000", 409)):
        response = checked(
            client,
            "post",
            url,
            headers,
            status,
            {"item_id": masks.pk, "kind": "issue", "quantity": quantity},
        )
        assert response.json()["error"]["code"]
    supply_request = request_for(park, masks, 500)
    command = auth(park.command)
    response = checked(
        client,
        "post",
        f"/api/v1/supplies/requests/{supply_request.pk}/allocate",
        command,
        409,
        {},
    )
    assert response.json()["error"]["code"] == "not_enough_stock"
    bad = checked(
        client,
        "post",
        f"/api/v1/supplies/enterprises/{park.a.pk}/import",
        headers,
        400,
        data={"file": count_upload([(masks.name, "1.5", ""), ("no such item", 1, "")])},
    )
    assert bad.json()["error"]["code"] == "import_rejected"
    assert [error["row"] for error in bad.json()["report"]["errors"]] == [2, 3]
    assert not SupplyStock.objects.filter(enterprise=park.a).exists()
    checked(
        client, "post", url, headers, 404, {"item_id": 999999, "kind": "issue", "quantity": "1"}
    )
