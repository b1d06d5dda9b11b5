"""API: the duty roster (command post staff and liaisons read it; the command post plans it)."""

from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from fugong.cases.selectors import case_get
from fugong.core.api import ERROR_RESPONSES, InputSchema
from fugong.core.errors import ApplicationError
from fugong.core.roles import Action, require
from fugong.enterprises.selectors import enterprise_get
from fugong.gate.selectors import event_get

from . import selectors, services
from .models import LogKind, ShiftKind

router = Router(tags=["duty"])


class DutyShiftIn(InputSchema):
    person_id: int
    day: date
    kind: ShiftKind
    starts: time | None = Field(None, description="A custom shift's start.")
    ends: time | None = Field(None, description="A custom shift's end (the next day if earlier).")
    note: str = Field("", max_length=200)


class DutyLogIn(InputSchema):
    kind: LogKind
    text: str = Field(min_length=1, max_length=5000)
    enterprise_id: int | None = None
    event_id: int | None = None
    case_id: int | None = None


class DutyHandoverIn(InputSchema):
    note: str = Field(min_length=1, max_length=10000)


class DutyShiftOut(Schema):
    id: int
    person_id: int
    person: str
    day: date
    kind: str
    starts_at: datetime
    ends_at: datetime
    note: str
    handover_note: str
    handover_written_at: datetime | None
    handover_acknowledged_by_id: int | None
    handover_acknowledged_at: datetime | None


class DutyLogOut(Schema):
    id: int
    shift_id: int
    kind: str
    at: datetime
    text: str
    enterprise_id: int | None
    event_id: int | None
    case_id: int | None
    author_id: int


def _shift_out(shift) -> dict:
    data = {key: getattr(shift, key) for key in DutyShiftOut.model_fields if key != "person"}
    data["person"] = shift.person.full_name or shift.person.username
    return data


@router.get("/duty/shifts", response={200: list[DutyShiftOut], **ERROR_RESPONSES})
def duty_shift_list(request, month: str | None = None):
    """The month's shifts (``month`` as 2026-12; this month when omitted)."""
    require(request.auth, Action.DUTY_VIEW)
    try:
        first = date.fromisoformat(f"{month}-01") if month else timezone.localdate().replace(day=1)
    except ValueError as error:
        raise ApplicationError(
            _("Give the month as YYYY-MM."), fields={"month": [_("Invalid.")]}
        ) from error
    first, last = selectors.month_bounds(first)
    return [
        _shift_out(shift)
        for shift in selectors.shift_list(actor=request.auth, first=first, last=last)
    ]


@router.post("/duty/shifts", response={201: DutyShiftOut, **ERROR_RESPONSES})
def duty_shift_create(request, payload: DutyShiftIn):
    """Plan a shift (command post). One that overlaps the person's other shift: ``409``
    ``overlap``, nothing written."""
    require(request.auth, Action.DUTY_MANAGE)
    person = selectors.roster_people().filter(pk=payload.person_id).first()
    if person is None:
        raise ApplicationError(
            _("Only command post staff and liaisons are on the duty roster."),
            fields={"person_id": [_("Not on the roster.")]},
        )
    shift = services.shift_create(
        actor=request.auth,
        person=person,
        day=payload.day,
        kind=payload.kind,
        starts=payload.starts,
        ends=payload.ends,
        note=payload.note,
    )
    return Status(201, _shift_out(shift))


@router.get("/duty/now", response={200: list[DutyShiftOut], **ERROR_RESPONSES})
def duty_now(request):
    """Who is on duty now."""
    require(request.auth, Action.DUTY_VIEW)
    return [_shift_out(shift) for shift in selectors.on_duty_now()]


@router.post("/duty/shifts/{int:shift_id}/log", response={201: DutyLogOut, **ERROR_RESPONSES})
def duty_log_add(request, shift_id: int, payload: DutyLogIn):
    """A call, incident or decision in the shift's log (the person on the shift, or the command
    post), linked to an enterprise, an abnormal event or a case (each in your scope, else 404)."""
    shift = selectors.shift_get(actor=request.auth, shift_id=shift_id)
    enterprise = (
        enterprise_get(actor=request.auth, enterprise_id=payload.enterprise_id)
        if payload.enterprise_id
        else None
    )
    event = event_get(actor=request.auth, event_id=payload.event_id) if payload.event_id else None
    case = case_get(actor=request.auth, case_id=payload.case_id) if payload.case_id else None
    entry = services.log_add(
        actor=request.auth,
        shift=shift,
        kind=payload.kind,
        text=payload.text,
        enterprise=enterprise,
        event=event,
        case=case,
    )
    return Status(201, {key: getattr(entry, key) for key in DutyLogOut.model_fields})


@router.post(
    "/duty/shifts/{int:shift_id}/handover", response={200: DutyShiftOut, **ERROR_RESPONSES}
)
def duty_handover(request, shift_id: int, payload: DutyHandoverIn):
    """The handover note to the next shift."""
    shift = selectors.shift_get(actor=request.auth, shift_id=shift_id)
    return _shift_out(services.handover_write(actor=request.auth, shift=shift, note=payload.note))


@router.post(
    "/duty/shifts/{int:shift_id}/acknowledge", response={200: DutyShiftOut, **ERROR_RESPONSES}
)
def duty_acknowledge(request, shift_id: int):
    """The next shift acknowledges the handover (the person of a shift starting around this
    one's end; anyone else: ``403``)."""
    shift = selectors.shift_get(actor=request.auth, shift_id=shift_id)
    return _shift_out(services.handover_acknowledge(actor=request.auth, shift=shift))
