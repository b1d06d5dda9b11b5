"""The duty roster: planning (no overlap for one person), the month page and its xlsx, who is on
duty now in the header, the shift log, the handover and its acknowledgement by the next shift,
and every page and endpoint role by role."""

import io
import json
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from fugong.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts
from fugong.duty import selectors, services
from fugong.duty.models import DutyLogEntry, DutyShift

pytestmark = pytest.mark.django_db

# The roster is the command post's and the liaisons'; the others have no view of it.
READ = {
    role: 200 if role in ("command", "liaison", "other_liaison") else 403 for role in PARK_ROLES
}


def plan(park, person, day, kind="day", **fields):
    return services.shift_create(actor=park.command, person=person, day=day, kind=kind, **fields)


@pytest.fixture
def shifts(park, today):
    """Today: the liaison on the day shift, the other liaison on the night shift after it."""
    return plan(park, park.liaison, today), plan(park, park.other_liaison, today, "night")


def test_shift_times(today):
    start, end = services.shift_times(today, "night")
    assert (timezone.localtime(start).hour, timezone.localtime(end).hour) == (20, 8)
    assert end.date() == today + timedelta(days=1)
    start, end = services.shift_times(today, "custom", time(9), time(13))
    assert end - start == timedelta(hours=4)


def test_an_overlapping_shift_of_the_same_person_is_refused(park, today, shifts):
    before = database_counts()
    with pytest.raises(ConflictError) as caught:
        plan(park, park.liaison, today, "custom", starts=time(19), ends=time(23))
    assert caught.value.code == "overlap"
    assert caught.value.status == 409
    with pytest.raises(ConflictError):  # the same shift twice
        plan(park, park.liaison, today)
    assert_nothing_written(before)
    # Back to back is no overlap; another person at the same time neither.
    plan(park, park.liaison, today + timedelta(days=1))
    plan(park, park.command, today)


def test_who_may_be_planned_and_by_whom(park, today):
    before = database_counts()
    with pytest.raises(ApplicationError):
        plan(park, park.officer, today)  # not command post staff or a liaison
    with pytest.raises(ApplicationError):
        plan(park, park.liaison, today + timedelta(days=90))
    with pytest.raises(ApplicationError):
        plan(park, park.liaison, today, "custom")  # no times
    with pytest.raises(PermissionDeniedError):
        services.shift_create(actor=park.liaison, person=park.liaison, day=today, kind="day")
    assert_nothing_written(before)


def test_the_handover_is_acknowledged_by_the_next_shift(park, shifts):
    day_shift, _night_shift = shifts
    with pytest.raises(ConflictError):  # nothing written yet
        services.handover_acknowledge(actor=park.other_liaison, shift=day_shift)
    with pytest.raises(PermissionDeniedError):  # only the person on the shift writes it
        services.handover_write(actor=park.other_liaison, shift=day_shift, note="x")
    services.handover_write(
        actor=park.liaison, shift=day_shift, note="甲企业发热员工已送医，待复核"
    )
    before = database_counts()
    for user in (park.liaison, park.command):  # not the next shift
        with pytest.raises(PermissionDeniedError):
            services.handover_acknowledge(actor=user, shift=day_shift)
    assert_nothing_written(before)
    services.handover_acknowledge(actor=park.other_liaison, shift=day_shift)
    shift = DutyShift.objects.get(pk=day_shift.pk)
    assert shift.handover_acknowledged_by == park.other_liaison
    with pytest.raises(ConflictError):
        services.handover_acknowledge(actor=park.other_liaison, shift=shift)
    with pytest.raises(ConflictError):
        services.handover_write(actor=park.liaison, shift=shift, note="改")


def test_the_log_links_an_enterprise(park, shifts):
    day_shift, _night = shifts
    entry = services.log_add(
        actor=park.liaison, shift=day_shift, kind="call", text="乙企业来电询问", enterprise=park.b
    )
    assert entry.enterprise == park.b
    with pytest.raises(PermissionDeniedError):
        services.log_add(actor=park.other_liaison, shift=day_shift, kind="call", text="x")
    with pytest.raises(ApplicationError):
        services.log_add(actor=park.liaison, shift=day_shift, kind="gossip", text="x")


def test_on_duty_now_in_the_header(client, park, today):
    now = timezone.now()
    shift = services.shift_create(
        actor=park.command,
        person=park.liaison,
        day=timezone.localdate(now - timedelta(hours=1)),
        kind="custom",
        starts=timezone.localtime(now - timedelta(hours=1)).time().replace(microsecond=0),
        ends=timezone.localtime(now + timedelta(hours=2)).time().replace(microsecond=0),
    )
    assert selectors.on_duty_now(now) == [shift]
    client.force_login(park.command)
    body = client.get(reverse("overview:home")).content.decode()
    assert 'id="duty-now"' in body and (park.liaison.full_name or "liaison") in body
    client.force_login(park.officer)
    assert 'id="duty-now"' not in client.get(reverse("overview:home")).content.decode()


@pytest.mark.parametrize("role", PARK_ROLES)
def test_the_pages_by_role(client, park, today, shifts, role):
    day_shift, _night_shift = shifts
    services.handover_write(actor=park.liaison, shift=day_shift, note="交接")
    client.force_login(park.users()[role])
    roster = client.get(reverse("duty:roster"), {"month": f"{today:%Y-%m}"})
    assert roster.status_code == READ[role]
    if READ[role] == 200:
        assert f'data-shift-id="{day_shift.pk}"' in roster.content.decode()
        assert ('id="shift-create"' in roster.content.decode()) == (role == "command")
    assert client.get(reverse("duty:shift", args=[day_shift.pk])).status_code == READ[role]
    xlsx = client.get(reverse("duty:roster_xlsx"), {"month": f"{today:%Y-%m}"})
    assert xlsx.status_code == READ[role]
    if READ[role] == 200:
        rows = list(load_workbook(io.BytesIO(xlsx.content)).active.values)
        assert len(rows) == 3 and rows[1][0] == today.isoformat()


@pytest.mark.parametrize("role", PARK_ROLES)
def test_writes_by_role_write_nothing_when_refused(client, park, today, shifts, role):
    day_shift, night_shift = shifts
    client.force_login(park.users()[role])
    before = database_counts()
    created = client.post(
        reverse("duty:roster"),
        {"person": park.command.pk, "day": (today + timedelta(days=2)).isoformat(), "kind": "day"},
    )
    logged = client.post(
        reverse("duty:log_add", args=[day_shift.pk]), {"kind": "decision", "text": "启动预案"}
    )
    handed = client.post(reverse("duty:handover", args=[day_shift.pk]), {"note": "交接事项"})
    acknowledged = client.post(reverse("duty:acknowledge", args=[day_shift.pk]))
    deleted = client.post(reverse("duty:delete", args=[night_shift.pk]))
    if role == "command":
        assert created.status_code == logged.status_code == handed.status_code == 302
        assert acknowledged.status_code == 403  # not the next shift
        assert deleted.status_code == 302
        assert DutyLogEntry.objects.count() == 1
        return
    if role == "liaison":  # on the day shift: its log and handover
        assert logged.status_code == handed.status_code == 302
        assert created.status_code == acknowledged.status_code == deleted.status_code == 403
        return
    if role == "other_liaison":  # the next shift: acknowledges once the note is written
        assert logged.status_code == handed.status_code == created.status_code == 403
        assert acknowledged.status_code == 409  # no note yet
        assert deleted.status_code == 403
        assert_nothing_written(before)
        services.handover_write(actor=park.liaison, shift=day_shift, note="交接")
        assert client.post(reverse("duty:acknowledge", args=[day_shift.pk])).status_code == 302
        return
    for response in (created, logged, handed, acknowledged, deleted):
        assert response.status_code == 403
    assert_nothing_written(before)


def test_an_overlap_on_the_page_is_a_4xx_with_the_message(client, park, today, shifts):
    client.force_login(park.command)
    before = database_counts()
    response = client.post(
        reverse("duty:roster"),
        {"person": park.liaison.pk, "day": today.isoformat(), "kind": "day"},
    )
    assert response.status_code == 409
    assert_nothing_written(before)


@pytest.mark.parametrize("role", PARK_ROLES)
def test_the_api_by_role(client, park, today, shifts, role):
    day_shift, _night = shifts
    client.force_login(park.users()[role])
    listed = client.get(f"/api/v1/duty/shifts?month={today:%Y-%m}")
    now = client.get("/api/v1/duty/now")
    assert listed.status_code == now.status_code == READ[role]
    before = database_counts()
    created = client.post(
        "/api/v1/duty/shifts",
        json.dumps({"person_id": park.liaison.pk, "day": today.isoformat(), "kind": "day"}),
        content_type="application/json",
    )
    logged = client.post(
        f"/api/v1/duty/shifts/{day_shift.pk}/log",
        json.dumps({"kind": "incident", "text": "卡口排队", "enterprise_id": park.a.pk}),
        content_type="application/json",
    )
    handed = client.post(
        f"/api/v1/duty/shifts/{day_shift.pk}/handover",
        json.dumps({"note": "交接"}),
        content_type="application/json",
    )
    acknowledged = client.post(f"/api/v1/duty/shifts/{day_shift.pk}/acknowledge")
    if role == "command":
        assert created.status_code == 409  # the liaison is on duty then already
        assert created.json()["error"]["code"] == "overlap"
        assert logged.status_code == 201 and handed.status_code == 200
        assert acknowledged.status_code == 403
        return
    if role == "liaison":
        assert created.status_code == 403
        assert logged.status_code == 201 and handed.status_code == 200
        return
    if role == "other_liaison":
        assert created.status_code == 403
        assert logged.status_code == 404  # not an enterprise of theirs
        assert handed.status_code == 403
        assert acknowledged.status_code == 409
        assert_nothing_written(before)
        return
    for response in (created, logged, handed, acknowledged):
        assert response.status_code == 403
    assert_nothing_written(before)


def test_the_api_plans_and_lists(client, park, today):
    client.force_login(park.command)
    created = client.post(
        "/api/v1/duty/shifts",
        json.dumps(
            {
                "person_id": park.other_liaison.pk,
                "day": today.isoformat(),
                "kind": "custom",
                "starts": "22:00",
                "ends": "06:00",
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    starts = datetime.fromisoformat(body["starts_at"])
    assert datetime.fromisoformat(body["ends_at"]) - starts == timedelta(hours=8)
    listed = client.get(f"/api/v1/duty/shifts?month={today:%Y-%m}").json()
    assert [item["id"] for item in listed] == [body["id"]]
    assert client.get("/api/v1/duty/shifts?month=nope").status_code == 400


def test_a_log_entry_links_a_case_in_scope(client, park, today, shifts):
    from fugong.cases import services as cases
    from fugong.cases.models import Classification
    from fugong.workforce.tests.factories import make_worker, resident_id

    worker = make_worker(
        actor=park.officer, enterprise=park.a, document_number=resident_id(sequence=501)
    )
    case = cases.case_open(
        actor=park.command,
        classification=Classification.SUSPECTED,
        worker_id=worker.pk,
        onset_on=today,
    )
    day_shift, _night = shifts
    client.force_login(park.liaison)  # the liaison of ``a``, on the day shift
    response = client.post(
        reverse("duty:log_add", args=[day_shift.pk]),
        {"kind": "incident", "text": "疑似病例转运", "case": case.pk},
    )
    assert response.status_code == 302
    assert DutyLogEntry.objects.get().case == case
    page = client.get(reverse("duty:shift", args=[day_shift.pk])).content.decode()
    assert f'data-case-id="{case.pk}"' in page
    # A case outside the actor's scope is not found; nothing written.
    services.shift_create(
        actor=park.command, person=park.other_liaison, day=today + timedelta(days=1), kind="day"
    )
    night = DutyShift.objects.get(person=park.other_liaison, kind="night")
    client.force_login(park.other_liaison)
    before = database_counts()
    refused = client.post(
        f"/api/v1/duty/shifts/{night.pk}/log",
        json.dumps({"kind": "call", "text": "x", "case_id": case.pk}),
        content_type="application/json",
    )
    assert refused.status_code == 404
    assert_nothing_written(before)
