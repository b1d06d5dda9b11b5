"""Worker pages role by role; numbers never in URLs or logs; reveals audited."""

import logging

import pytest
from django.urls import reverse

from fugong.audit.models import AuditAction, AuditEvent
from fugong.core.crypto import decrypt
from fugong.core.testing import PARK_ROLES, assert_nothing_written, changed_tables, database_counts
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
        document_number=resident_id(sequence=11),
        phone="13911112222",
    )


DETAIL = {
    "command": 200,
    "liaison": 200,
    "other_liaison": 404,
    "inspector": 403,
    "officer": 200,
    "other_officer": 404,
    "gate": 403,
    "district": 403,
}


@pytest.mark.parametrize("role", PARK_ROLES)
def test_reading_workers_by_role(client, park, worker, role):
    client.force_login(park.users()[role])
    list_status = 200 if DETAIL[role] in (200, 404) else 403
    assert client.get(reverse("workforce:list")).status_code == list_status
    assert client.get(reverse("workforce:detail", args=[worker.pk])).status_code == DETAIL[role]


WRITES = [
    (
        "edit",
        lambda w: reverse("workforce:edit", args=[w.pk]),
        lambda w: {
            "full_name": "新名字",
            "residence_code": "430603",
            "holiday_location_code": "430603",
            "health_code": "",
        },
        {"command": 302, "officer": 302, "other_officer": 404, "other_liaison": 404},
    ),
    (
        "leave",
        lambda w: reverse("workforce:leave", args=[w.pk]),
        lambda w: {},
        {"command": 302, "officer": 302, "other_officer": 404, "other_liaison": 404},
    ),
    (
        "issue pass",
        lambda w: reverse("workforce:pass_issue", args=[w.pk]),
        lambda w: {"valid_days": 10},
        {"command": 302, "officer": 302, "other_officer": 404, "other_liaison": 404},
    ),
    (
        "reveal id",
        lambda w: reverse("workforce:reveal", args=[w.pk, "document"]),
        lambda w: {},
        {"command": 200, "officer": 200, "other_officer": 404, "other_liaison": 404},
    ),
    (
        "reveal phone",
        lambda w: reverse("workforce:reveal", args=[w.pk, "phone"]),
        lambda w: {},
        {
            "command": 200,
            "officer": 200,
            "liaison": 200,
            "other_officer": 404,
            "other_liaison": 404,
        },
    ),
]


@pytest.mark.parametrize("role", PARK_ROLES)
@pytest.mark.parametrize("case", WRITES, ids=[case[0] for case in WRITES])
def test_writes_by_role(client, park, worker, case, role):
    _name, url, data, allowed = case
    client.force_login(park.users()[role])
    before = database_counts()
    response = client.post(url(worker), data(worker))
    expected = allowed.get(role, 403)
    assert response.status_code == expected, response.content[:300]
    if expected >= 400:
        assert_nothing_written(before)
    else:
        assert changed_tables(before)


def test_registering_through_the_page(client, park):
    client.force_login(park.officer)
    assert client.get(reverse("workforce:create")).status_code == 200
    number = resident_id(sequence=12)
    response = client.post(
        reverse("workforce:create"),
        {
            "full_name": "赵六",
            "document_type": "resident_id",
            "document_number": number,
            "phone": "138 0013 8000",
            "residence_code": "430603",
            "holiday_location_code": "湖北省武汉市",
            "returned_on": "2026-11-20",
            "travel": "长沙市 2026-11-18~2026-11-19",
            "health_code": "green",
            "health_code_on": "2026-11-20",
        },
    )
    assert response.status_code == 302, response.content[:500]
    worker = Worker.objects.get(full_name="赵六")
    assert (
        worker.holiday_location_code == "420100" and worker.travel.get().division_code == "430100"
    )
    response = client.post(
        reverse("workforce:create"),
        {
            "full_name": "赵六",
            "document_type": "resident_id",
            "document_number": number[:-1] + "0" if number[-1] != "0" else number[:-1] + "1",
            "residence_code": "430603",
        },
    )
    assert response.status_code == 400
    assert "document_number" in response.context["form"].errors


def test_reveal_is_audited_and_never_logged(client, park, worker, caplog):
    number = decrypt(worker.document_cipher)
    client.force_login(park.officer)
    with caplog.at_level(logging.DEBUG):
        response = client.post(reverse("workforce:reveal", args=[worker.pk, "document"]))
        assert number in response.content.decode()
        assert response["Cache-Control"] == "no-store"
        page = client.get(reverse("workforce:detail", args=[worker.pk])).content.decode()
    assert number not in page
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.PERSONAL_DATA_VIEWED, actor=park.officer
        ).count()
        == 1
    )
    assert number not in caplog.text and "13911112222" not in caplog.text


def test_search_by_number_is_a_post(client, park, worker):
    number = decrypt(worker.document_cipher)
    client.force_login(park.liaison)
    response = client.post(reverse("workforce:list"), {"number": number})
    assert list(response.context["page"]) == [worker]
    assert number not in response.content.decode()
    client.force_login(park.other_liaison)
    assert list(client.post(reverse("workforce:list"), {"number": number}).context["page"]) == []


def test_liaison_sees_masked_numbers_only(client, park, worker):
    client.force_login(park.liaison)
    page = client.get(reverse("workforce:detail", args=[worker.pk])).content.decode()
    assert worker.document_masked in page and "139****2222" in page
    assert decrypt(worker.document_cipher) not in page and "13911112222" not in page


def test_roster_import_page(client, park):
    client.force_login(park.officer)
    assert client.get(reverse("workforce:import")).status_code == 200
    rows = good_rows()
    rows[0][2] = "430603198506150010"  # a wrong check character
    before = database_counts()
    response = client.post(
        reverse("workforce:import"), {"enterprise": park.a.pk, "file": upload(rows)}
    )
    assert response.status_code == 400
    assert response.context["report"].errors[0].row == 2
    assert_nothing_written(before)
    response = client.post(
        reverse("workforce:import"), {"enterprise": park.a.pk, "file": upload(good_rows())}
    )
    assert response.status_code == 200 and response.context["report"].created == 3
    # An officer cannot import into another enterprise, even by editing the form.
    response = client.post(
        reverse("workforce:import"), {"enterprise": park.b.pk, "file": upload(good_rows())}
    )
    assert response.status_code == 400
    assert not Worker.objects.filter(enterprise=park.b).exists()


def test_template_download(client, park):
    client.force_login(park.officer)
    response = client.get(reverse("workforce:import_template"))
    assert response.status_code == 200
    client.force_login(park.liaison)
    assert client.get(reverse("workforce:import_template")).status_code == 403


def test_pass_page_needs_no_login_and_refuses_revoked(client, park, worker):
    worker_pass = services.pass_issue(actor=park.officer, worker=worker)
    token = services.pass_token(worker_pass)
    response = client.get(reverse("pass_page", args=[token]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body and worker.full_name in body
    assert decrypt(worker.document_cipher) not in body and worker.document_masked not in body
    services.pass_revoke(actor=park.officer, worker_pass=worker_pass, reason="丢失")
    assert client.get(reverse("pass_page", args=[token])).status_code == 404
    assert client.get(reverse("pass_page", args=["garbage"])).status_code == 404


def test_badge_sheet(client, park, worker):
    make_worker(actor=park.officer, enterprise=park.a, document_number=resident_id(sequence=13))
    client.force_login(park.officer)
    response = client.get(reverse("workforce:badges"))
    assert response.status_code == 200 and response.context["without_pass"] == 2
    response = client.post(
        reverse("workforce:passes_issue_missing"), {"enterprise": park.a.pk, "valid_days": 30}
    )
    assert response.status_code == 302
    response = client.get(reverse("workforce:badges"))
    assert len(response.context["badges"]) == 2
    assert response.content.decode().count("<svg") == 2
    client.force_login(park.liaison)
    assert client.get(reverse("workforce:badges") + f"?enterprise={park.a.pk}").status_code == 403
