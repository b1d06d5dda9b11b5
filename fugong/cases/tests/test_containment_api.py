"""The containment API and pages, role by role: who reads which closures, who closes and
reopens, and that nothing is written when refused."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from fugong.cases import containment
from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts
from fugong.workforce.models import Clearance, DepartmentClosure, Worker
from fugong.workforce.tests.factories import make_worker

from .helpers import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(park):
    patient = make_worker(
        actor=park.command, enterprise=park.a, full_name="病例甲", department="一车间"
    )
    make_worker(actor=park.officer, enterprise=park.a, full_name="一车间乙", department="一车间")
    return make_case(park, patient)


@pytest.fixture
def closure(park, case):
    return containment.containment_close(
        actor=park.command,
        case=case,
        enterprise_id=park.a.pk,
        department="一车间",
        reason="病例所在车间",
    )


# Who reads enterprise a's closures (and case #'s containment page): the command post, a's
# liaison and a's officer; the other liaison and officer see none of them; the rest may not.
READ = {"command": 200, "liaison": 200, "officer": 200, "other_liaison": 404, "other_officer": 404}


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


@pytest.mark.parametrize("role", PARK_ROLES)
def test_closure_reads_by_role(client, park, closure, role):
    client.force_login(park.users()[role])
    expected = READ.get(role, 403)
    response = client.get("/api/v1/closures")
    if expected == 403:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    ids = [item["id"] for item in response.json()["items"]]
    assert ids == ([closure.pk] if expected == 200 else [])
    if expected == 200:
        (item,) = response.json()["items"]
        assert (
            item["department"] == "一车间"
            and item["is_open"]
            and item["case_id"] == closure.case_number
        )


@pytest.mark.parametrize("role", PARK_ROLES)
def test_closure_writes_by_role(client, park, case, closure, role):
    client.force_login(park.users()[role])
    before = database_counts()
    created = _post(
        client,
        f"/api/v1/cases/{case.pk}/closures",
        {"enterprise_id": park.a.pk, "department": "", "reason": "全厂停工"},
    )
    reopened = client.post(f"/api/v1/closures/{closure.pk}/reopen")
    if role == "command":
        assert created.status_code == 201, created.content
        assert created.json()["department"] == "" and created.json()["is_open"]
        assert reopened.status_code == 200 and not reopened.json()["is_open"]
        # The whole enterprise is still closed: its workers stay not cleared.
        assert set(
            Worker.objects.filter(enterprise=park.a).values_list("clearance", flat=True)
        ) == {Clearance.NOT_CLEARED}
    else:
        assert created.status_code in (403, 404)
        assert reopened.status_code in (403, 404)
        assert_nothing_written(before)


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"enterprise_id": 1, "department": "没有的车间", "reason": "x"}, 400, "department"),
        ({"enterprise_id": 1, "reason": ""}, 422, None),
        ({"enterprise_id": 1, "reason": "x", "extra": 1}, 422, None),
        ({"enterprise_id": 10**9, "reason": "x"}, 404, None),
        ({"enterprise_id": 1, "department": "一车间", "reason": "x"}, 409, None),
    ],
)
def test_bad_closures_are_refused_and_nothing_written(
    client, park, case, closure, body, status, field
):
    client.force_login(park.command)
    if body["enterprise_id"] == 1:
        body = {**body, "enterprise_id": park.a.pk}
    before = database_counts()
    response = _post(client, f"/api/v1/cases/{case.pk}/closures", body)
    assert response.status_code == status, response.content
    if field:
        assert field in response.json()["error"]["fields"]
    assert_nothing_written(before)


def test_reopening_twice_and_unknown_ids(client, park, case, closure):
    client.force_login(park.command)
    assert client.post(f"/api/v1/closures/{closure.pk}/reopen").status_code == 200
    before = database_counts()
    assert client.post(f"/api/v1/closures/{closure.pk}/reopen").status_code == 409
    assert client.post("/api/v1/closures/999999/reopen").status_code == 404
    assert (
        _post(
            client, "/api/v1/cases/999999/closures", {"enterprise_id": park.a.pk, "reason": "x"}
        ).status_code
        == 404
    )
    assert_nothing_written(before)


# ----- pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", PARK_ROLES)
def test_containment_pages_by_role(client, park, case, closure, role):
    client.force_login(park.users()[role])
    expected = READ.get(role, 403)
    page = client.get(reverse("cases:containment_page", args=[case.pk]))
    assert page.status_code == expected
    if expected == 200:
        text = page.content.decode()
        assert "一车间" in text
        # Only the command post is offered the form and the reopen button.
        assert ('id="containment-form"' in text) == (role == "command")


@pytest.mark.parametrize("role", PARK_ROLES)
def test_containment_writes_by_role(client, park, case, closure, role):
    client.force_login(park.users()[role])
    before = database_counts()
    closed = client.post(
        reverse("cases:containment_close", args=[case.pk]),
        {"enterprise_id": park.a.pk, "department": "", "reason": "全厂停工"},
    )
    reopened = client.post(reverse("cases:containment_reopen", args=[closure.pk]))
    if role == "command":
        assert closed.status_code == 302 and reopened.status_code == 302
        assert DepartmentClosure.objects.filter(reopened_at__isnull=True).count() == 1
    else:
        assert closed.status_code in (403, 404) and reopened.status_code in (403, 404)
        assert_nothing_written(before)


def test_the_section_with_htmx_answers_a_refusal_in_place(client, park, case, closure):
    client.force_login(park.command)
    before = database_counts()
    response = client.post(
        reverse("cases:containment_close", args=[case.pk]),
        {"enterprise_id": park.a.pk, "department": "一车间", "reason": "again"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    assert 'id="containment-error"' in response.content.decode()
    assert_nothing_written(before)
    done = client.post(
        reverse("cases:containment_reopen", args=[closure.pk]), HTTP_HX_REQUEST="true"
    )
    assert done.status_code == 200 and 'id="containment-section"' in done.content.decode()


def test_the_section_renders_inside_another_page(rf, park, case, closure):
    """The case page includes ``cases/containment/_section.html`` with ``case`` in context."""
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = park.command
    html = render_to_string("cases/containment/_section.html", {"case": case}, request=request)
    assert 'id="containment-section"' in html and "一车间" in html and "csrfmiddlewaretoken" in html


def test_the_enterprise_page_shows_open_closures(client, park, case, closure):
    client.force_login(park.officer)
    page = client.get(reverse("enterprises:detail", args=[park.a.pk]))
    assert page.status_code == 200
    assert f'data-closure="{closure.pk}"' in page.content.decode()
    containment.containment_reopen(actor=park.command, closure_id=closure.pk)
    page = client.get(reverse("enterprises:detail", args=[park.a.pk]))
    assert f'data-closure="{closure.pk}"' not in page.content.decode()
