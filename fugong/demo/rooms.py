"""The demo park's observation and isolation rooms, through the services: an observation room
in nine of every ten working enterprises (the tenth shows the "no room" alert), an isolation
room in the larger ones, the park's own observation point at the wharf; the people of the
gates' abnormal events placed in their enterprise's room (or the park's), those of closed events
released two hours later, and this morning's open event's person still there."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q

from fugong.accounts.models import User
from fugong.core.errors import ConflictError
from fugong.gate.models import AbnormalEvent, EventStatus
from fugong.rooms import services
from fugong.rooms.models import Room, RoomKind

WORKING = ("resumed", "reinstated")


def make_rooms(*, command: User, plans, today) -> dict:
    rooms = 0
    working = [plan for plan in plans if plan.state in WORKING]
    for index, plan in enumerate(working):
        if index % 10 == 9:
            continue
        enterprise = plan.enterprise
        services.room_save(
            actor=command,
            enterprise=enterprise,
            name="临时留观室",
            kind=RoomKind.OBSERVATION,
            capacity=2 if enterprise.usual_headcount < 200 else 4,
        )
        rooms += 1
        if enterprise.usual_headcount >= 300:
            services.room_save(
                actor=command,
                enterprise=enterprise,
                name="隔离观察室",
                kind=RoomKind.ISOLATION,
                capacity=2,
            )
            rooms += 1
    park_room = services.room_save(
        actor=command,
        enterprise=None,
        name="城陵矶码头临时留观点",
        kind=RoomKind.OBSERVATION,
        capacity=4,
    )
    rooms += 1
    placed = 0
    refused: dict[str, int] = {}
    events = AbnormalEvent.objects.filter(Q(worker__isnull=False) | Q(visitor__isnull=False))
    for event in events.order_by("occurred_at"):
        room = (
            Room.objects.filter(enterprise=event.enterprise, kind=RoomKind.OBSERVATION).first()
            if event.enterprise_id
            else None
        ) or park_room
        try:
            placement = services.placement_create(
                actor=command,
                room=room,
                event=event,
                note="卡口体温/血氧异常，送留观",
                at=event.occurred_at + timedelta(minutes=10),
            )
        except ConflictError as error:
            refused[error.code] = refused.get(error.code, 0) + 1
            continue  # full, or the person is in a room already
        placed += 1
        if event.status == EventStatus.CLOSED:
            services.placement_release(
                actor=command,
                placement=placement,
                note="复测正常，解除留观",
                at=max(event.closed_at or placement.placed_at, placement.placed_at)
                + timedelta(hours=2),
            )
    return {"rooms": rooms, "placements": placed, "refused": refused}
