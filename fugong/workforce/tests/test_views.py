"""Worker pages role by role; numbers never in URLs or logs; reveals audited."""

import logging

import pytest
from django.urls import reverse

from fugong.audit.models import AuditAction, AuditEvent
from fugong.core.crypto import decrypt
from fugong.core.testing import PARK_ROLES, assert_nothing_written, changed_tables, database_counts
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
    # Each badge: the pass, and the link to the daily health declaration.
    assert response.content.decode().count("<svg") == 4
    client.force_login(park.liaison)
    assert client.get(reverse("workforce:badges") + f"?enterprise={park.a.pk}").status_code == 403


# ----- moves ---------------------------------------------------------------------------------


@pytest.fixture
def theirs(park):
    """A worker of enterprise b with data b's officer collected, and a clearance history."""
    worker = make_worker(
        actor=park.other_officer,
        enterprise=park.b,
        full_name="王秘密",
        document_number=resident_id(sequence=13),
        phone="13900000013",
        dormitory_room="9号楼101",
        travel=[("430104", None, None)],
    )
    return services.worker_update(actor=park.other_officer, worker=worker, symptoms="咳嗽")


STORED_AT_B = ("乙企业", "139****0013", "9号楼101", "咳嗽", "岳麓区")


@pytest.mark.parametrize("role", PARK_ROLES)
def test_the_move_page_by_role(client, park, theirs, role):
    client.force_login(park.users()[role])
    url = reverse("workforce:move", args=[theirs.pk])
    before = database_counts()
    shown = client.get(url)
    moved = client.post(url, {"enterprise": park.a.pk})
    if role == "command":
        assert shown.status_code == 200
        assert park.b not in shown.context["form"].fields["enterprise"].queryset
        assert moved.status_code == 302, moved.content[:300]
        assert Worker.objects.get(pk=theirs.pk).enterprise == park.a
    else:
        assert (shown.status_code, moved.status_code) == (403, 403)
        assert_nothing_written(before)


def test_the_worker_page_offers_the_move_to_the_command_post_only(client, park, theirs):
    client.force_login(park.command)
    assert b'id="move-link"' in client.get(reverse("workforce:detail", args=[theirs.pk])).content
    client.force_login(park.other_officer)
    page = client.get(reverse("workforce:detail", args=[theirs.pk]))
    assert page.status_code == 200 and b'id="move-link"' not in page.content


def test_the_move_page_refuses_the_current_enterprise(client, park, theirs):
    client.force_login(park.command)
    before = database_counts()
    response = client.post(reverse("workforce:move", args=[theirs.pk]), {"enterprise": park.b.pk})
    assert response.status_code == 400 and "enterprise" in response.context["form"].errors
    assert_nothing_written(before)


def test_registering_someone_on_another_roster_through_the_page(client, park, theirs):
    client.force_login(park.officer)
    before = database_counts()
    response = client.post(
        reverse("workforce:create"),
        {
            "full_name": "赵六",
            "document_type": "resident_id",
            "document_number": decrypt(theirs.document_cipher),
            "residence_code": "430603",
        },
    )
    assert response.status_code == 409
    errors = response.context["form"].errors["document_number"]
    assert "指挥部" in errors[0]  # whom to ask: the old employer or the command post
    content = response.content.decode()
    # (Not the places: the form lists every district.)
    for stored in ("王秘密", *STORED_AT_B[:-1], theirs.document_masked):
        assert stored not in content
    assert_nothing_written(before)


def test_importing_someone_on_another_roster_through_the_page(client, park, theirs):
    from .test_imports import row

    client.force_login(park.officer)
    before = database_counts()
    response = client.post(
        reverse("workforce:import"),
        {"enterprise": park.a.pk, "file": upload([row(decrypt(theirs.document_cipher))])},
    )
    assert response.status_code == 400
    assert [error.row for error in response.context["report"].errors] == [2]
    assert "王秘密" not in response.content.decode()
    assert_nothing_written(before)


@pytest.mark.parametrize("path", ["leave", "move"])
def test_the_new_employer_sees_nothing_of_the_old_employment(client, park, theirs, path):
    if path == "leave":
        client.force_login(park.other_officer)
        client.post(reverse("workforce:leave", args=[theirs.pk]))
        client.force_login(park.officer)
        response = client.post(
            reverse("workforce:create"),
            {
                "full_name": "王秘密",
                "document_type": "resident_id",
                "document_number": decrypt(theirs.document_cipher),
                "residence_code": "430603",
            },
        )
        assert response.status_code == 302, response.content[:500]
    else:
        client.force_login(park.command)
        client.post(reverse("workforce:move", args=[theirs.pk]), {"enterprise": park.a.pk})
    client.force_login(park.officer)
    page = client.get(reverse("workforce:detail", args=[theirs.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    for stored in STORED_AT_B:
        assert stored not in content
    assert list(page.context["history"]) == []
    assert [e.enterprise for e in page.context["employments"]] == [park.a]
    # The command post still sees the whole history.
    client.force_login(park.command)
    page = client.get(reverse("workforce:detail", args=[theirs.pk]))
    assert {e.enterprise for e in page.context["employments"]} == {park.a, park.b}
    assert len(page.context["history"]) >= 1


def _third_enterprise():
    from fugong.accounts.tests.factories import UserFactory
    from fugong.core.roles import Role
    from fugong.enterprises.tests.factories import EnterpriseFactory

    c = EnterpriseFactory(name="丙企业有限公司")
    return c, UserFactory(username="officer3", role=Role.ENTERPRISE_OFFICER, enterprise=c)


def _timeline_actions(client, enterprise) -> list[str]:
    response = client.get(reverse("enterprises:detail", args=[enterprise.pk]))
    assert response.status_code == 200
    return [event.action for event in response.context["timeline"]]


@pytest.mark.parametrize("path", ["leave", "move"])
def test_both_enterprises_trails_record_it_and_a_third_does_not(client, park, theirs, path):
    c, third_officer = _third_enterprise()
    if path == "leave":
        services.worker_leave(actor=park.other_officer, worker=theirs)
        make_worker(
            actor=park.officer, enterprise=park.a, document_number=decrypt(theirs.document_cipher)
        )
        old_side, new_side = AuditAction.WORKER_LEFT, AuditAction.WORKER_REHIRED
    else:
        services.worker_move(actor=park.command, worker=theirs, enterprise=park.a)
        old_side, new_side = AuditAction.WORKER_MOVED, AuditAction.WORKER_MOVED_IN
    # Each officer in the timeline of their enterprise's page.
    client.force_login(park.other_officer)
    assert old_side in _timeline_actions(client, park.b)
    assert new_side not in _timeline_actions(client, park.b)
    client.force_login(park.officer)
    assert new_side in _timeline_actions(client, park.a)
    assert old_side not in _timeline_actions(client, park.a)
    client.force_login(third_officer)
    assert not {old_side, new_side} & set(_timeline_actions(client, c))
    for other in (park.a, park.b):
        assert client.get(reverse("enterprises:detail", args=[other.pk])).status_code == 404
    # Inspectors see the enterprises' timelines but not their workers.
    client.force_login(park.inspector)
    assert not {old_side, new_side} & set(_timeline_actions(client, park.a))
    # The command post's audit trail, one enterprise at a time.
    client.force_login(park.command)
    for enterprise, expected in ((park.b, old_side), (park.a, new_side), (c, None)):
        response = client.get(reverse("audit:event_list"), {"enterprise": enterprise.pk})
        actions = {event.action for event in response.context["page"]}
        worker_rows = actions & {old_side, new_side}
        assert worker_rows == ({expected} if expected else set())


def test_the_page_asks_to_confirm_a_number_ending_in_000(client, park):
    client.force_login(park.officer)
    data = {
        "full_name": "王　芳",
        "document_type": "resident_id",
        "document_number": suspicious_id(),
        "residence_code": "430603",
    }
    assert (
        "confirm_suspicious_number" not in client.get(reverse("workforce:create")).content.decode()
    )
    before = database_counts()
    refused = client.post(reverse("workforce:create"), data)
    assert refused.status_code == 400
    assert "document_number" in refused.context["form"].errors
    assert 'name="confirm_suspicious_number"' in refused.content.decode()
    assert_nothing_written(before)
    confirmed = client.post(
        reverse("workforce:create"), {**data, "confirm_suspicious_number": "on"}
    )
    assert confirmed.status_code == 302
    assert Worker.objects.get(full_name="王芳")


def test_the_import_page_takes_numbers_ending_in_000_when_the_box_is_ticked(client, park):
    client.force_login(park.officer)
    rows = [*good_rows(), row(suspicious_id(), name="零号")]
    before = database_counts()
    refused = client.post(
        reverse("workforce:import"), {"enterprise": park.a.pk, "file": upload(rows)}
    )
    assert not refused.context["report"].ok
    assert_nothing_written(before)
    taken = client.post(
        reverse("workforce:import"),
        {"enterprise": park.a.pk, "file": upload(rows), "numbers_checked": "on"},
    )
    assert taken.context["report"].created == 4
    assert 'id="roster-checked-numbers"' in taken.content.decode()


def test_the_pass_page_is_limited_per_client_address(client, park, worker, settings):
    settings.FUGONG_RATE_LIMITS = {**settings.FUGONG_RATE_LIMITS, "pass_page": (2, 60)}
    token = services.pass_token(services.pass_issue(actor=park.officer, worker=worker))
    url = reverse("pass_page", args=[token])
    assert client.get(url, REMOTE_ADDR="10.0.0.1").status_code == 200
    assert (
        client.get(reverse("pass_page", args=["garbage"]), REMOTE_ADDR="10.0.0.1").status_code
        == 404
    )
    before = database_counts()
    response = client.get(url, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    body = response.content.decode()
    assert "请求过于频繁" in body and worker.full_name not in body and "<svg" not in body
    assert_nothing_written(before)
    # Another address is not held back.
    assert client.get(url, REMOTE_ADDR="10.0.0.2").status_code == 200


# Registering and importing are the command post's and each enterprise's officer's; the badge
# sheet of enterprise ``a`` is outside the other officer's scope.
MANAGE_PAGES = {"command": 200, "officer": 200, "other_officer": 200}


@pytest.mark.parametrize("role", PARK_ROLES)
@pytest.mark.parametrize(
    "name", ["workforce:create", "workforce:import", "workforce:import_template"]
)
def test_registration_and_import_pages_by_role(client, park, role, name):
    client.force_login(park.users()[role])
    # The command post names the enterprise (without it, the page has none to register for).
    response = client.get(reverse(name), {"enterprise": park.a.pk})
    assert response.status_code == MANAGE_PAGES.get(role, 403)


@pytest.mark.parametrize("role", PARK_ROLES)
def test_the_badge_sheet_by_role(client, park, role):
    client.force_login(park.users()[role])
    response = client.get(reverse("workforce:badges"), {"enterprise": park.a.pk})
    assert response.status_code == {"command": 200, "officer": 200, "other_officer": 404}.get(
        role, 403
    )


# Out of scope (enterprise ``b``'s officer, the other liaison) is a 404, as for the worker.
PASS_WRITES = {"command": 302, "officer": 302, "other_officer": 404, "other_liaison": 404}


@pytest.mark.parametrize("role", PARK_ROLES)
def test_revoking_a_pass_by_role(client, park, worker, role):
    worker_pass = services.pass_issue(actor=park.officer, worker=worker)
    client.force_login(park.users()[role])
    before = database_counts()
    response = client.post(
        reverse("workforce:pass_revoke", args=[worker.pk, worker_pass.pk]), {"reason": "丢失"}
    )
    expected = PASS_WRITES.get(role, 403)
    assert response.status_code == expected
    if expected >= 400:
        assert_nothing_written(before)
    else:
        worker_pass.refresh_from_db()
        assert worker_pass.revoked_at is not None


@pytest.mark.parametrize("role", PARK_ROLES)
def test_issuing_the_missing_passes_by_role(client, park, worker, role):
    client.force_login(park.users()[role])
    before = database_counts()
    response = client.post(
        reverse("workforce:passes_issue_missing"), {"enterprise": park.a.pk, "valid_days": 10}
    )
    expected = PASS_WRITES.get(role, 403)
    assert response.status_code == expected
    if expected >= 400:
        assert_nothing_written(before)
    else:
        assert worker.passes.count() == 1
