import pytest
from django.urls import reverse

from fugong.audit.models import AuditAction
from fugong.enterprises.services import enterprise_update

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "role, status",
    [
        ("command", 200),
        ("liaison", 403),
        ("inspector", 403),
        ("officer", 403),
        ("gate", 403),
        ("district", 403),
    ],
)
def test_only_the_command_post_reads_the_audit_trail(client, park, role, status):
    client.force_login(park.users()[role])
    assert client.get(reverse("audit:event_list")).status_code == status


def test_the_trail_lists_events_with_their_actor(client, park):
    enterprise_update(actor=park.command, enterprise=park.a, usual_headcount=5)
    client.force_login(park.command)
    response = client.get(reverse("audit:event_list"), {"action": AuditAction.ENTERPRISE_UPDATED})
    events = list(response.context["page"])
    assert len(events) == 1
    assert events[0].actor == park.command
    assert client.get(reverse("audit:event_list"), {"action": "<bogus>"}).status_code == 200


def test_the_trail_of_one_enterprise(client, park):
    enterprise_update(actor=park.command, enterprise=park.a, usual_headcount=5)
    enterprise_update(actor=park.command, enterprise=park.b, usual_headcount=6)
    client.force_login(park.command)
    response = client.get(reverse("audit:event_list"), {"enterprise": park.b.pk})
    assert {event.enterprise for event in response.context["page"]} == {park.b}
    assert response.context["enterprise"] == park.b
    everything = client.get(reverse("audit:event_list"), {"enterprise": "b"})
    assert {event.enterprise for event in everything.context["page"]} >= {park.a, park.b}
    client.force_login(park.officer)
    assert client.get(reverse("audit:event_list"), {"enterprise": park.a.pk}).status_code == 403


def test_the_enterprise_page_links_to_its_trail_for_the_command_post_only(client, park):
    enterprise_update(actor=park.command, enterprise=park.a, usual_headcount=5)  # a timeline
    link = f'href="{reverse("audit:event_list")}?enterprise={park.a.pk}"'
    client.force_login(park.command)
    assert link in client.get(reverse("enterprises:detail", args=[park.a.pk])).content.decode()
    client.force_login(park.officer)
    assert link not in client.get(reverse("enterprises:detail", args=[park.a.pk])).content.decode()


# ----- filters and export (issue 13) ----------------------------------------------------------

import io  # noqa: E402
from datetime import datetime, time, timedelta  # noqa: E402

from django.utils import timezone  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from fugong.audit.models import AuditEvent  # noqa: E402
from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts  # noqa: E402
from fugong.workforce.services import worker_reveal  # noqa: E402
from fugong.workforce.tests.factories import make_worker, resident_id  # noqa: E402


@pytest.fixture
def trail(park):
    """Two workers registered by the officer; the liaison looks at the first one's phone."""
    wang = make_worker(
        actor=park.officer,
        enterprise=park.a,
        full_name="王　芳",
        document_number=resident_id(sequence=301),
    )
    smith = make_worker(
        actor=park.officer,
        enterprise=park.a,
        full_name="ＳＭＩＴＨ John",
        document_number=resident_id(sequence=302),
    )
    worker_reveal(actor=park.liaison, worker=wang, field="phone")
    return wang, smith


def rows(client, **filters):
    response = client.get(reverse("audit:event_list"), filters)
    assert response.status_code == 200
    return response, [(event.action, event.target_id) for event in response.context["page"]]


def test_the_trail_by_person_concerned(client, park, trail):
    wang, smith = trail
    client.force_login(park.command)
    for query in ("王 芳", "王芳", wang.document_masked[-4:]):
        _response, found = rows(client, person=query)
        assert found == [
            (AuditAction.PERSONAL_DATA_VIEWED, str(wang.pk)),
            (AuditAction.WORKER_CREATED, str(wang.pk)),
        ], query
    _response, found = rows(client, person="smith")
    assert found == [(AuditAction.WORKER_CREATED, str(smith.pk))]
    _response, found = rows(client, person="nobody-like-this")
    assert found == []


def test_the_trail_by_actor_and_action_and_the_personal_data_quick_filter(client, park, trail):
    wang, _smith = trail
    client.force_login(park.command)
    _response, found = rows(client, actor=park.liaison.username)
    assert found == [(AuditAction.PERSONAL_DATA_VIEWED, str(wang.pk))]
    _response, found = rows(client, action="personal_data")
    assert found == [(AuditAction.PERSONAL_DATA_VIEWED, str(wang.pk))]
    _response, found = rows(client, action=AuditAction.WORKER_CREATED, actor=park.officer.username)
    assert len(found) == 2
    # Combined: the officer never looked at personal data.
    _response, found = rows(client, action="personal_data", actor=park.officer.username)
    assert found == []
    _response, found = rows(client, action=AuditAction.WORKER_CREATED, person="smith")
    assert len(found) == 1


def test_the_trail_by_local_dates(client, park, trail):
    wang, _smith = trail
    client.force_login(park.command)
    zone = timezone.get_default_timezone()
    today = timezone.localdate()
    # A row at 23:30 Shanghai time yesterday (15:30 UTC): yesterday's, not today's.
    late = datetime.combine(today - timedelta(days=1), time(23, 30), tzinfo=zone)
    AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_VIEWED).update(created_at=late)
    yesterday = (today - timedelta(days=1)).isoformat()
    _response, found = rows(client, since=yesterday, until=yesterday)
    assert found == [(AuditAction.PERSONAL_DATA_VIEWED, str(wang.pk))]
    _response, found = rows(client, since=today.isoformat(), person="王芳")
    assert found == [(AuditAction.WORKER_CREATED, str(wang.pk))]
    _response, found = rows(client, until=yesterday, action="personal_data", person="王芳")
    assert len(found) == 1


@pytest.mark.parametrize(
    "filters, field",
    [
        ({"since": "2026-13-45"}, "since"),
        ({"until": "yesterday"}, "until"),
        ({"since": "2026-12-02", "until": "2026-12-01"}, "until"),
        ({"action": "<bogus>"}, "action"),
    ],
)
def test_bad_filters_are_shown_as_errors_and_ignored(client, park, trail, filters, field):
    client.force_login(park.command)
    everything = rows(client)[1]
    response, found = rows(client, **filters)
    assert field in response.context["form"].errors
    assert found == everything
    export = client.get(reverse("audit:export"), filters)
    assert export.status_code == 200


def test_the_export_holds_the_filtered_rows_and_is_itself_audited(client, park, trail):
    wang, _smith = trail
    AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_VIEWED).update(
        summary='=HYPERLINK("http://evil")'
    )
    client.force_login(park.command)
    response = client.get(reverse("audit:export"), {"person": "王芳", "action": "personal_data"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    table = list(sheet.iter_rows(values_only=True))
    assert len(table) == 2  # the header and the one look
    (look,) = table[1:]
    # Time, who, what, action code, object type, object id, enterprise, summary, details…
    assert look[3] == AuditAction.PERSONAL_DATA_VIEWED
    assert (look[4], look[5]) == ("workforce.worker", str(wang.pk))
    assert look[6] == park.a.name
    assert look[7].startswith("'=")  # a formula is escaped, never run
    exported = AuditEvent.objects.get(action=AuditAction.AUDIT_TRAIL_EXPORTED)
    assert exported.actor == park.command
    assert exported.data == {
        "filters": {"person": "王芳", "action": "personal_data"},
        "rows": 1,
        "cut": False,
    }


def test_the_export_is_cut_at_its_limit_and_says_so(client, park, trail, monkeypatch):
    from fugong.overview import views

    monkeypatch.setattr(views, "AUDIT_EXPORT_MAX_ROWS", 2)
    client.force_login(park.command)
    assert 'id="audit-export-cut"' in client.get(reverse("audit:event_list")).content.decode()
    response = client.get(reverse("audit:export"))
    table = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(table) == 1 + 2 + 1  # the header, two rows, the note
    assert "请缩小筛选范围" in table[-1][0]
    exported = AuditEvent.objects.get(action=AuditAction.AUDIT_TRAIL_EXPORTED)
    assert exported.data["rows"] == 2 and exported.data["cut"] is True


@pytest.mark.parametrize("role", PARK_ROLES)
def test_only_the_command_post_filters_and_exports_the_trail(client, park, trail, role):
    client.force_login(park.users()[role])
    before = database_counts()
    listed = client.get(reverse("audit:event_list"), {"person": "王芳", "action": "personal_data"})
    exported = client.get(reverse("audit:export"), {"person": "王芳"})
    if role == "command":
        assert listed.status_code == 200 and exported.status_code == 200
    else:
        assert listed.status_code == 403 and exported.status_code == 403
        assert_nothing_written(before)


def test_signed_out_the_export_sends_to_the_login_page(client, park, trail):
    before = database_counts()
    response = client.get(reverse("audit:export"))
    assert response.status_code == 302 and "login" in response["Location"]
    assert_nothing_written(before)
