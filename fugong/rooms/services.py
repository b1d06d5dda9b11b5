"""Every write on rooms: setting up a room, placing a person in it and releasing them.

Placing locks the room's row (``select_for_update``) and counts who is in it, so two placements
at once cannot both take its last place (the second waits for the first and then finds it full).
A full room, an inactive one, a person already placed, an event or case outside the actor's
scope: refused with nothing written.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.cases.models import Case
from fugong.cases.selectors import case_get
from fugong.core.errors import ApplicationError, ConflictError, NotFoundError, full_clean_or_raise
from fugong.core.roles import Action, Role, require
from fugong.core.scoping import enterprise_scope_q
from fugong.enterprises.models import Enterprise
from fugong.gate.models import AbnormalEvent, Visitor
from fugong.gate.selectors import event_get
from fugong.workforce.models import Worker

from .models import Placement, Room


def _check_room_place(actor: User, enterprise: Enterprise | None) -> None:
    """The park's rooms are the command post's; an enterprise's, its officer's too."""
    require(actor, Action.ROOMS_MANAGE)
    if enterprise is None:
        if actor.role != Role.COMMAND:
            raise NotFoundError()
        return
    if not Enterprise.objects.filter(enterprise_scope_q(actor), pk=enterprise.pk).exists():
        raise NotFoundError()


@transaction.atomic
def room_save(
    *,
    actor: User,
    room: Room | None = None,
    enterprise: Enterprise | None = None,
    name: str,
    kind: str,
    capacity: int,
    active: bool = True,
    at: datetime | None = None,
) -> Room:
    """Set up a room (of an enterprise, or the park's), or change one."""
    if room is not None:
        room = Room.objects.select_for_update().get(pk=room.pk)
        enterprise = room.enterprise
    _check_room_place(actor, enterprise)
    room = room or Room(enterprise=enterprise, created_at=at or timezone.now())
    room.name = name.strip()
    room.kind = kind
    room.capacity = capacity
    room.active = active
    if capacity is None or not 1 <= capacity <= 500:
        message = _("A room holds from 1 to 500 people.")
        raise ApplicationError(message, code="invalid_capacity", fields={"capacity": [message]})
    taken = Room.objects.filter(enterprise=enterprise, name=room.name).exclude(pk=room.pk)
    if taken.exists():
        message = _("A room of this name already exists here.")
        raise ConflictError(message, code="duplicate_room", fields={"name": [message]})
    if room.pk and capacity < room.placements.filter(released_at__isnull=True).count():
        message = _("More people are in the room than this capacity.")
        raise ConflictError(
            message, code="capacity_below_occupancy", fields={"capacity": [message]}
        )
    full_clean_or_raise(room)
    room.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.ROOM_SAVED,
        target=room,
        enterprise=enterprise,
        summary=room.name,
        at=at,
    )
    return room


def _person_of(
    event: AbnormalEvent | None, case: Case | None
) -> tuple[Worker | None, Visitor | None, str]:
    """The worker or visitor of the event (or case), and their name as it reads now."""
    source: AbnormalEvent | Case | None = event if event is not None else case
    if source is None:
        raise NotFoundError()
    worker, visitor = source.worker, source.visitor
    if worker is not None:
        return worker, visitor, worker.full_name
    if visitor is not None:
        return worker, visitor, visitor.full_name
    return None, None, str(getattr(source, "full_name", ""))


@transaction.atomic
def placement_create(
    *,
    actor: User,
    room: Room,
    event: AbnormalEvent | None = None,
    case: Case | None = None,
    note: str = "",
    at: datetime | None = None,
) -> Placement:
    """Place the person of an abnormal event (or of a case) in a room."""
    require(actor, Action.ROOMS_PLACE)
    room = Room.objects.select_for_update().get(pk=room.pk)  # the room's places, one at a time
    _check_room_place_for_placing(actor, room)
    if (event is None) == (case is None):
        message = _("Place the person of one abnormal event or of one case.")
        raise ApplicationError(message, code="source_required")
    # Found again through the scoped selectors: an event or case outside the scope is 404.
    if event is not None:
        event = event_get(actor=actor, event_id=event.pk)
    if case is not None:
        case = case_get(actor=actor, case_id=case.pk)
    if not room.active:
        raise ConflictError(_("This room is not in use."), code="room_inactive")
    occupied = room.placements.filter(released_at__isnull=True).count()
    if occupied >= room.capacity:
        raise ConflictError(
            _("%(room)s is full: %(capacity)s of %(capacity)s places are taken.")
            % {"room": room.name, "capacity": room.capacity},
            code="room_full",
        )
    worker, visitor, name = _person_of(event, case)
    placement = Placement(
        room=room,
        worker=worker,
        visitor=visitor,
        full_name=name,
        event=event,
        case=case,
        placed_at=at or timezone.now(),
        placed_by=actor,
        note=note.strip()[:200],
    )
    full_clean_or_raise(placement, exclude=["worker", "visitor", "event", "case", "placed_by"])
    try:
        with transaction.atomic():
            placement.save()
    except IntegrityError as error:
        raise ConflictError(
            _("This person is already placed in a room; release them first."),
            code="already_placed",
        ) from error
    audit_event_record(
        actor=actor,
        action=AuditAction.PERSON_PLACED,
        target=placement,
        enterprise=room.enterprise,
        summary=room.name,
        data={
            "room": room.pk,
            "event": getattr(event, "pk", None),
            "case": getattr(case, "pk", None),
        },
        at=at,
    )
    return placement


def _check_room_place_for_placing(actor: User, room: Room) -> None:
    if room.enterprise_id is None:
        if actor.role != Role.COMMAND:
            raise NotFoundError()
        return
    if not Enterprise.objects.filter(enterprise_scope_q(actor), pk=room.enterprise_id).exists():
        raise NotFoundError()


@transaction.atomic
def placement_release(
    *, actor: User, placement: Placement, note: str = "", at: datetime | None = None
) -> Placement:
    """Release a person from their room."""
    require(actor, Action.ROOMS_PLACE)
    placement = Placement.objects.select_for_update().select_related("room").get(pk=placement.pk)
    _check_room_place_for_placing(actor, placement.room)
    if placement.released_at is not None:
        raise ConflictError(_("This person has already been released."), code="already_released")
    placement.released_at = at or timezone.now()
    if placement.released_at < placement.placed_at:
        message = _("The release cannot be before the placement.")
        raise ApplicationError(message, code="release_before_placement")
    placement.released_by = actor
    if note.strip():
        placement.note = note.strip()[:200]
    placement.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.PERSON_RELEASED,
        target=placement,
        enterprise=placement.room.enterprise,
        summary=placement.room.name,
        at=at,
    )
    return placement
