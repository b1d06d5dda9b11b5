"""The supplies pages role by role (refused requests write nothing), the flow from a request to
the enterprise's stock, bad input on the forms, the count import page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts
from fugong.supplies.models import RequestStatus, SupplyEntry, SupplyRequest, SupplyStock

from .factories import count_upload, receive, request_for

pytestmark = pytest.mark.django_db

READERS = {"command", "liaison", "other_liaison", "officer", "other_officer"}
OF_A = {"command", "liaison", "officer"}


def expected(role, allowed, ok=200, scope=OF_A):
    if role not in READERS:
        return 403
    if role not in scope:
        return 404
    return ok if role in allowed else 403


@pytest.mark.parametrize("role", PARK_ROLES)
def test_supply_pages_by_role(client, park, masks, role):
    receive(park.command, masks, 100)
    receive(park.officer, masks, 40, park.a)
    supply_request = request_for(park, masks, 10)
    client.force_login(park.users()[role])
    reader = 200 if role in READERS else 403
    home = client.get(reverse("supplies:home"))
    assert home.status_code == (302 if role in ("officer", "other_officer") else reader)
    pages = {
        reverse("supplies:reserve"): 200 if role == "command" else 403,
        reverse("supplies:items"): reader,
        reverse("supplies:item_edit", args=[masks.pk]): reader,
        reverse("supplies:requests"): reader,
        reverse("supplies:low_on_masks"): reader,
        reverse("supplies:enterprise", args=[park.a.pk]): expected(role, READERS),
        reverse("supplies:import", args=[park.a.pk]): expected(role, {"command", "officer"}),
        reverse("supplies:import_template"): 200
        if role in ("command", "officer", "other_officer")
        else 403,
        reverse("supplies:allocate", args=[supply_request.pk]): expected(role, {"command"}),
    }
    for url, status in pages.items():
        before = database_counts()
        assert client.get(url).status_code == status, url
        assert_nothing_written(before)


@pytest.mark.parametrize("role", PARK_ROLES)
def test_supply_writes_by_role_write_nothing_when_refused(client, park, masks, role):
    receive(park.command, masks, 100)
    supply_request = request_for(park, masks, 10)
    declined = request_for(park, masks, 10)
    client.force_login(park.users()[role])
    a = park.a.pk
    posts = [
        (
            reverse("supplies:items"),
            {"name": "面屏", "unit": "个", "warning_days": 5, "sort_order": 0},
            302 if role == "command" else 403,
        ),
        (
            reverse("supplies:reserve"),
            {"item": masks.pk, "kind": "receipt", "quantity": "5"},
            302 if role == "command" else 403,
        ),
        (
            reverse("supplies:enterprise", args=[a]),
            {"item": masks.pk, "kind": "receipt", "quantity": "5"},
            expected(role, {"command", "officer"}, 302),
        ),
        (
            reverse("supplies:request_create", args=[a]),
            {"item": masks.pk, "quantity": "5"},
            expected(role, {"officer"}, 302),
        ),
        (
            reverse("supplies:open_from_application", args=[a]),
            {},
            expected(role, {"command", "officer"}, 302),
        ),
        (
            reverse("supplies:import", args=[a]),
            {"file": count_upload([(masks.name, 2, "")])},
            expected(role, {"command", "officer"}),
        ),
        (
            reverse("supplies:allocate", args=[supply_request.pk]),
            {"quantity": ""},
            expected(role, {"command"}, 302),
        ),
        (
            reverse("supplies:decline", args=[declined.pk]),
            {"note": "储备不足"},
            expected(role, {"command"}, 302),
        ),
    ]
    for url, data, status in posts:
        before = database_counts()
        response = client.post(url, data)
        assert response.status_code == status, (url, response.status_code)
        if status >= 400:
            assert_nothing_written(before)
    if role == "command":
        assert SupplyRequest.objects.get(pk=supply_request.pk).status == RequestStatus.ALLOCATED
        assert SupplyRequest.objects.get(pk=declined.pk).status == RequestStatus.DECLINED


def test_from_the_request_to_the_enterprises_stock(client, park, masks):
    receive(park.command, masks, 500)
    client.force_login(park.officer)
    response = client.post(
        reverse("supplies:request_create", args=[park.a.pk]),
        {"item": masks.pk, "quantity": "200", "reason": "复工人数增加"},
    )
    assert response.status_code == 302
    supply_request = SupplyRequest.objects.get()
    client.force_login(park.command)
    pending = client.get(reverse("supplies:requests"))
    assert "复工人数增加" in pending.content.decode()
    response = client.post(
        reverse("supplies:allocate", args=[supply_request.pk]), {"quantity": "150"}
    )
    assert response.status_code == 302
    client.force_login(park.officer)
    page = client.get(reverse("supplies:enterprise", args=[park.a.pk])).content.decode()
    assert 'data-item="医用外科口罩"' in page and "150" in page
    assert SupplyStock.objects.get(item=masks, enterprise=park.a).quantity == 150


def test_bad_input_on_the_forms_is_a_4xx_in_chinese(client, park, masks):
    receive(park.officer, masks, 10, park.a)
    client.force_login(park.officer)
    url = reverse("supplies:enterprise", args=[park.a.pk])
    for quantity, kind, status in (
        ("-1", "receipt", 400),
        ("1.5", "receipt", 400),
        ("11", "issue", 409),
    ):
        before = database_counts()
        response = client.post(url, {"item": masks.pk, "kind": kind, "quantity": quantity})
        assert response.status_code == status
        assert_nothing_written(before)
    refused = client.post(url, {"item": masks.pk, "kind": "receipt", "quantity": "1.5"})
    assert "whole" in refused.content.decode() or "整数" in refused.content.decode()
    supply_request = request_for(park, masks, 1000)
    client.force_login(park.command)
    before = database_counts()
    response = client.post(reverse("supplies:allocate", args=[supply_request.pk]), {})
    assert response.status_code == 409
    assert_nothing_written(before)


def test_the_import_page_refuses_a_bad_file_whole(client, park, items):
    client.force_login(park.officer)
    before = database_counts()
    response = client.post(
        reverse("supplies:import", args=[park.a.pk]),
        {"file": count_upload([("医用外科口罩", 5, ""), ("消毒液", "-2", "")])},
    )
    assert response.status_code == 400
    assert 'id="import-errors"' in response.content.decode()
    assert_nothing_written(before)
    response = client.post(
        reverse("supplies:import", args=[park.a.pk]),
        {"file": count_upload([("医用外科口罩", 5, ""), ("消毒液", "2", "")])},
    )
    assert response.status_code == 200
    assert SupplyEntry.objects.filter(enterprise=park.a).count() == 2


def test_the_low_on_masks_list_opens_its_records(client, park, masks, today):
    from fugong.supplies import services

    receive(park.officer, masks, 100, park.a)
    services.supply_record(
        actor=park.officer, enterprise=park.a, item=masks, kind="daily_use", quantity=70
    )
    client.force_login(park.command)
    page = client.get(reverse("supplies:low_on_masks")).content.decode()
    assert park.a.name in page and park.b.name not in page
    client.force_login(park.other_liaison)
    assert park.a.name not in client.get(reverse("supplies:low_on_masks")).content.decode()
