"""Reads on rooms: the park's rooms are seen by every role that reads rooms, an enterprise's
rooms within the enterprise scope (command post all, liaison their enterprises, officer their
own); anything else is 404. Occupancy is counted from the open placements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from fugong.accounts.models import User
from fugong.core.errors import NotFoundError
from fugong.core.roles import Action, require
from fugong.core.scoping import enterprise_scope_q
from fugong.enterprises.models import Enterprise
from fugong.resumption.selectors import resumed_on_q

from .models import Placement, Room, RoomKind


def room_scope(actor: User) -> QuerySet[Room]:
    require(actor, Action.ROOMS_VIEW)
    return Room.objects.filter(
        Q(enterprise__isnull=True)
        | (Q(enterprise__isnull=False) & enterprise_scope_q(actor, "enterprise"))
    )


def room_list(*, actor: User, enterprise_id: int | None = None) -> QuerySet[Room]:
    """Rooms in scope with ``occupied`` (people in them now), the park's first."""
    rooms = room_scope(actor).select_related("enterprise")
    if enterprise_id:
        rooms = rooms.filter(enterprise_id=enterprise_id)
    return rooms.annotate(
        occupied=Count("placements", filter=Q(placements__released_at__isnull=True))
    ).order_by("-kind", "enterprise__name", "name")


def room_get(*, actor: User, room_id: int | str) -> Room:
    try:
        return room_list(actor=actor).get(pk=int(room_id))
    except (Room.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


def placement_list(*, room: Room) -> QuerySet[Placement]:
    """A room's placements (the room already found in scope), people in it first."""
    return room.placements.select_related("event", "case", "placed_by", "released_by").order_by(
        "-released_at", "-placed_at"
    )


def placement_get(*, actor: User, placement_id: int | str) -> Placement:
    try:
        return Placement.objects.select_related("room").get(
            pk=int(placement_id), room__in=room_scope(actor)
        )
    except (Placement.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


@dataclass(frozen=True)
class RoomAlerts:
    full: list[Room]
    without_room: list[Enterprise]


def room_alerts(*, actor: User, day: date | None = None) -> RoomAlerts:
    """Rooms that are full, and enterprises resumed on the day without an observation or
    isolation room in use."""
    day = day or timezone.localdate()
    rooms = room_list(actor=actor).filter(active=True)
    full = [room for room in rooms if getattr(room, "occupied", 0) >= room.capacity]
    without = (
        Enterprise.objects.filter(enterprise_scope_q(actor))
        .filter(resumed_on_q(day))
        .exclude(rooms__active=True)
        .order_by("name")
    )
    return RoomAlerts(full=full, without_room=list(without[:200]))


def occupied_observation_places(
    enterprises: QuerySet[Enterprise], *, at: datetime | None = None
) -> dict[str, int]:
    """People in observation rooms at a moment (now by default), and the places of the rooms
    in use, for the enterprises of a scoped queryset and the park's own rooms."""
    at = min(at or timezone.now(), timezone.now())
    rooms = Room.objects.filter(kind=RoomKind.OBSERVATION, created_at__lte=at).filter(
        Q(enterprise__isnull=True) | Q(enterprise__in=enterprises.values("pk"))
    )
    places = sum(rooms.filter(active=True).values_list("capacity", flat=True))
    occupied = (
        Placement.objects.filter(room__in=rooms, placed_at__lte=at)
        .filter(Q(released_at__isnull=True) | Q(released_at__gt=at))
        .count()
    )
    return {"occupied": occupied, "places": places}
