"""API: observation and isolation rooms, who is placed in them, placing and releasing.

Scoped like the pages: the park's rooms are seen by every role that reads rooms, an
enterprise's rooms within the enterprise scope; anything else is 404. Placing a person in a
full room is ``409 room_full`` with nothing written.
"""

from datetime import datetime

from ninja import Router, Status
from pydantic import BaseModel, Field

from fugong.cases.selectors import case_get
from fugong.core.api import ERROR_RESPONSES, InputSchema
from fugong.core.roles import Action, require
from fugong.enterprises.selectors import enterprise_get
from fugong.gate.selectors import event_get

from . import selectors, services
from .models import RoomKind

router = Router(tags=["rooms"])


class RoomIn(InputSchema):
    enterprise_id: int | None = Field(None, description="null: the park's own room.")
    name: str = Field(max_length=100)
    kind: RoomKind
    capacity: int = Field(ge=1, le=500)


class RoomOut(BaseModel):
    id: int
    enterprise_id: int | None
    enterprise: str | None
    name: str
    kind: str
    capacity: int
    occupied: int
    active: bool


class PlacementIn(InputSchema):
    event_id: int | None = Field(None, description="An abnormal event whose person is placed.")
    case_id: int | None = Field(None, description="A case whose person is placed.")
    note: str = Field("", max_length=200)


class PlacementOut(BaseModel):
    id: int
    room_id: int
    full_name: str
    event_id: int | None
    case_id: int | None
    placed_at: datetime
    released_at: datetime | None
    note: str


class RoomDetailOut(RoomOut):
    placements: list[PlacementOut]


def _room_out(room) -> dict:
    return {
        "id": room.pk,
        "enterprise_id": room.enterprise_id,
        "enterprise": room.enterprise.name if room.enterprise_id else None,
        "name": room.name,
        "kind": room.kind,
        "capacity": room.capacity,
        "occupied": getattr(room, "occupied", 0),
        "active": room.active,
    }


def _placement_out(placement) -> dict:
    return {key: getattr(placement, key) for key in PlacementOut.model_fields if key != "id"} | {
        "id": placement.pk
    }


@router.get("/rooms", response={200: list[RoomOut], **ERROR_RESPONSES})
def room_list(request, enterprise_id: int | None = None):
    """Rooms in your scope with their occupancy (the park's rooms too)."""
    return [
        _room_out(room)
        for room in selectors.room_list(actor=request.auth, enterprise_id=enterprise_id)
    ]


@router.post("/rooms", response={201: RoomOut, **ERROR_RESPONSES})
def room_create(request, body: RoomIn):
    """Set up a room: the command post anywhere, an enterprise officer in their enterprise."""
    require(request.auth, Action.ROOMS_MANAGE)
    enterprise = (
        enterprise_get(actor=request.auth, enterprise_id=body.enterprise_id)
        if body.enterprise_id is not None
        else None
    )
    room = services.room_save(
        actor=request.auth,
        enterprise=enterprise,
        name=body.name,
        kind=body.kind,
        capacity=body.capacity,
    )
    return Status(201, _room_out(room))


@router.get("/rooms/{int:room_id}", response={200: RoomDetailOut, **ERROR_RESPONSES})
def room_detail(request, room_id: int):
    """A room and its placements, people in it first."""
    room = selectors.room_get(actor=request.auth, room_id=room_id)
    data = _room_out(room)
    data["placements"] = [_placement_out(p) for p in selectors.placement_list(room=room)]
    return data


@router.post("/rooms/{int:room_id}/placements", response={201: PlacementOut, **ERROR_RESPONSES})
def placement_create(request, room_id: int, body: PlacementIn):
    """Place the person of an abnormal event or of a case; ``409 room_full`` when the room
    is full, ``409 already_placed`` when the person is in a room already."""
    room = selectors.room_get(actor=request.auth, room_id=room_id)
    require(request.auth, Action.ROOMS_PLACE)
    event = event_get(actor=request.auth, event_id=body.event_id) if body.event_id else None
    case = case_get(actor=request.auth, case_id=body.case_id) if body.case_id else None
    placement = services.placement_create(
        actor=request.auth, room=room, event=event, case=case, note=body.note
    )
    return Status(201, _placement_out(placement))


@router.post(
    "/placements/{int:placement_id}/release", response={200: PlacementOut, **ERROR_RESPONSES}
)
def placement_release(request, placement_id: int):
    """Release a person from their room."""
    placement = selectors.placement_get(actor=request.auth, placement_id=placement_id)
    return _placement_out(services.placement_release(actor=request.auth, placement=placement))
