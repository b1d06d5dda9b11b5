"""Rooms: capacity (a full room refuses, nothing written, also at once from two threads),
release, alerts, occupancy figures, pages and API role by role."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from fugong.accounts.services import api_token_create
from fugong.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts
from fugong.enterprises.models import Enterprise
from fugong.rooms import selectors, services
from fugong.rooms.models import Placement, RoomKind

from .conftest import fever

pytestmark = pytest.mark.django_db


def room(park, capacity=2, enterprise="a", kind=RoomKind.OBSERVATION, name="留观室"):
    place = {"a": park.a, "b": park.b, None: None}[enterprise]
    return services.room_save(
        actor=park.command, enterprise=place, name=name, kind=kind, capacity=capacity
    )


def test_a_full_room_refuses_and_writes_nothing(park, events):
    one = room(park, capacity=2)
    services.placement_create(actor=park.officer, room=one, event=events[0])
    services.placement_create(actor=park.officer, room=one, event=events[1])
    before = database_counts()
    with pytest.raises(ConflictError) as error:
        services.placement_create(actor=park.officer, room=one, event=events[2])
    assert error.value.code == "room_full" and error.value.status == 409
    assert_nothing_written(before)
    assert selectors.room_alerts(actor=park.command).full == [one]
    # A release frees the place.
    services.placement_release(actor=park.officer, placement=Placement.objects.first())
    services.placement_create(actor=park.officer, room=one, event=events[2])
    assert one.placements.filter(released_at__isnull=True).count() == 2


def test_a_person_is_in_one_room_at_a_time(park, events):
    one, two = room(park, name="一号"), room(park, name="二号")
    services.placement_create(actor=park.officer, room=one, event=events[0])
    with pytest.raises(ConflictError) as error:
        services.placement_create(actor=park.officer, room=two, event=events[0])
    assert error.value.code == "already_placed"
    placement = Placement.objects.get()
    services.placement_release(actor=park.officer, placement=placement)
    with pytest.raises(ConflictError):
        services.placement_release(actor=park.officer, placement=placement)
    services.placement_create(actor=park.officer, room=two, event=events[0])


def test_scope_and_roles(park, events):
    park_room = room(park, enterprise=None, name="园区集中留观点")
    b_room = room(park, enterprise="b", name="乙留观室")
    with pytest.raises(NotFoundError):  # the park's rooms are the command post's to fill
        services.placement_create(actor=park.officer, room=park_room, event=events[0])
    with pytest.raises(NotFoundError):
        services.placement_create(actor=park.officer, room=b_room, event=events[0])
    with pytest.raises(NotFoundError):  # b's officer does not follow a's events
        services.placement_create(actor=park.other_officer, room=b_room, event=events[0])
    with pytest.raises(PermissionDeniedError):
        services.placement_create(actor=park.liaison, room=b_room, event=events[0])
    with pytest.raises(NotFoundError):
        services.room_save(
            actor=park.officer, enterprise=park.b, name="x", kind="observation", capacity=1
        )
    services.placement_create(actor=park.command, room=park_room, event=events[0])


def test_bad_capacity_and_duplicate_names(park):
    from fugong.core.errors import ApplicationError

    room(park)
    with pytest.raises(ConflictError):
        room(park)
    for capacity in (0, 501):
        with pytest.raises(ApplicationError):
            room(park, capacity=capacity, name=f"r{capacity}")


def test_alerts_for_a_resumed_enterprise_without_a_room(park):
    from fugong.resumption.tests.factories import make_application

    make_application(
        officer=park.officer, liaison=park.liaison, command=park.command, state="approved"
    )
    alerts = selectors.room_alerts(actor=park.command)
    assert park.a in alerts.without_room
    room(park)
    assert park.a not in selectors.room_alerts(actor=park.command).without_room


def test_occupied_observation_places(park, events):
    one = room(park, capacity=3)
    room(park, capacity=5, kind=RoomKind.ISOLATION, name="隔离室")
    services.placement_create(actor=park.officer, room=one, event=events[0])
    figures = selectors.occupied_observation_places(Enterprise.objects.all())
    assert figures == {"occupied": 1, "places": 3}
    assert selectors.occupied_observation_places(Enterprise.objects.filter(pk=park.b.pk)) == {
        "occupied": 0,
        "places": 0,
    }


@pytest.mark.django_db(transaction=True)
def test_two_placements_at_once_never_overfill_a_room(park, gate):
    events = [fever(park, gate, sequence) for sequence in (71, 72)]
    one = room(park, capacity=1)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def place(event):
        try:
            barrier.wait(timeout=10)
            services.placement_create(actor=park.officer, room=one, event=event)
            outcomes.append("placed")
        except ConflictError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=place, args=(event,)) for event in events]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["placed", "room_full"]
    assert Placement.objects.filter(room=one, released_at__isnull=True).count() == 1


READERS = {"command", "liaison", "other_liaison", "officer", "other_officer"}
OF_A = {"command", "liaison", "officer"}


def expected(role, allowed, ok=200):
    if role not in READERS:
        return 403
    if role not in OF_A:
        return 404
    return ok if role in allowed else 403


@pytest.mark.parametrize("role", PARK_ROLES)
def test_room_pages_by_role(client, park, events, role):
    one = room(park, capacity=2)
    placed = services.placement_create(actor=park.command, room=one, event=events[0])
    client.force_login(park.users()[role])
    before = database_counts()
    assert client.get(reverse("rooms:list")).status_code == (200 if role in READERS else 403)
    assert client.get(reverse("rooms:detail", args=[one.pk])).status_code == expected(role, READERS)
    assert_nothing_written(before)
    before = database_counts()
    response = client.post(reverse("rooms:place", args=[one.pk]), {"event": events[1].pk})
    assert response.status_code == expected(role, {"command", "officer"}, 302)
    if response.status_code != 302:
        assert_nothing_written(before)
    before = database_counts()
    response = client.post(reverse("rooms:release", args=[placed.pk]))
    assert response.status_code == expected(role, {"command", "officer"}, 302)
    if response.status_code != 302:
        assert_nothing_written(before)
    before = database_counts()
    created = client.post(
        reverse("rooms:list"),
        {"enterprise": park.a.pk, "name": "二号", "kind": "isolation", "capacity": 2},
    )
    manage = {"command": 302, "officer": 302}
    assert created.status_code == manage.get(role, 403 if role not in ("other_officer",) else 400)
    if created.status_code != 302:
        assert_nothing_written(before)


@pytest.mark.parametrize("role", PARK_ROLES)
def test_room_api_by_role(client, park, events, role):
    one = room(park, capacity=1)
    placed = services.placement_create(actor=park.command, room=one, event=events[0])
    headers = {
        "HTTP_AUTHORIZATION": f"Bearer {api_token_create(actor=park.users()[role], name='t')[1]}"
    }
    before = database_counts()
    assert client.get("/api/v1/rooms", **headers).status_code == (200 if role in READERS else 403)
    assert client.get(f"/api/v1/rooms/{one.pk}", **headers).status_code == expected(role, READERS)
    assert_nothing_written(before)
    before = database_counts()
    full = client.post(
        f"/api/v1/rooms/{one.pk}/placements",
        {"event_id": events[1].pk},
        content_type="application/json",
        **headers,
    )
    assert full.status_code == expected(role, {"command", "officer"}, 409)
    assert_nothing_written(before)
    before = database_counts()
    released = client.post(f"/api/v1/placements/{placed.pk}/release", **headers)
    assert released.status_code == expected(role, {"command", "officer"})
    if released.status_code != 200:
        assert_nothing_written(before)
    before = database_counts()
    created = client.post(
        "/api/v1/rooms",
        {"enterprise_id": park.a.pk, "name": "二号", "kind": "observation", "capacity": 2},
        content_type="application/json",
        **headers,
    )
    assert created.status_code == {"command": 201, "officer": 201, "other_officer": 404}.get(
        role, 403
    )
    if created.status_code != 201:
        assert_nothing_written(before)
    assert timezone.now()


def test_the_dashboard_counts_occupied_observation_places_and_the_enterprise_page_shows_rooms(
    client, park, events
):
    one = room(park, capacity=3)
    services.placement_create(actor=park.officer, room=one, event=events[0])
    client.force_login(park.command)
    dashboard = client.get(reverse("reports:dashboard"))
    figures = dashboard.context["figures"]
    assert (figures.observation_occupied, figures.observation_places) == (1, 3)
    assert 'data-figure="observation_occupied"' in dashboard.content.decode()
    page = client.get(reverse("enterprises:detail", args=[park.a.pk])).content.decode()
    assert 'id="enterprise-rooms"' in page and "1 / 3" in page
    client.force_login(park.other_liaison)
    assert client.get(reverse("reports:dashboard")).context["figures"].observation_occupied == 0
