"""API: the gate. Terminals authenticate with a device token (``Authorization: Bearer fgd_…``)
scoped to one gate; the kiosk page uses its gate operator's session."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.security import HttpBearer
from pydantic import BaseModel, Field

from fugong.audit.context import note_gate_device
from fugong.core.api import ERROR_RESPONSES, ActiveSessionAuth, InputSchema
from fugong.core.errors import PermissionDeniedError
from fugong.core.ratelimit import rate_limit_hit
from fugong.core.roles import Action, require

from . import selectors, services
from .display import reason_texts
from .models import GateDevice, StepAction

router = Router(tags=["gate"])

# Answers are built from dicts, so they are plain pydantic models: ninja's Schema runs a Python
# validator per object (to read Django objects), which a batch's thousand results would pay for.


class GateDeviceAuth(HttpBearer):
    """A gate terminal's token: good for its one gate only, at most
    ``FUGONG_RATE_LIMITS["gate_device"]`` requests a minute (a batch is one request)."""

    def authenticate(self, request: HttpRequest, token: str):
        device = services.gate_device_authenticate(token)
        if device is not None:
            rate_limit_hit("gate_device", str(device.pk))
            note_gate_device(device.pk)  # audit rows written by this request name the device
        return device


GATE_AUTH = [GateDeviceAuth(), ActiveSessionAuth()]


def gate_of(request, gate_id: int) -> tuple:
    """(gate, operator, device) for a request at gate ``gate_id``: a device's token is good for
    its own gate only, an operator works at their own gate only."""
    if isinstance(request.auth, GateDevice):
        device = request.auth
        if device.gate_id != gate_id:
            raise PermissionDeniedError(
                _("This device's token is for another gate."), code="wrong_gate"
            )
        return device.gate, None, device
    gate = selectors.operator_gate(request.auth)
    if gate.pk != gate_id:
        raise PermissionDeniedError(_("You work at another gate."), code="wrong_gate")
    return gate, request.auth, None


class VisitorIn(InputSchema):
    full_name: str = Field(max_length=100)
    document_type: Literal["resident_id", "passport", "other"] = "resident_id"
    document_number: str = Field(max_length=40)
    phone: str = Field("", max_length=20)
    origin: str = Field(
        max_length=40, description="Where the visitor comes from: a division code or name."
    )
    employer: str = Field("", max_length=200)
    purpose: str = Field(max_length=200)
    host: str = Field("", max_length=100)
    contact_history: str = Field("", max_length=300, description="Empty for none.")
    passed_risk_area: bool = Field(
        False, description="The visitor declares passing through a risk area in 14 days."
    )


class CheckIn(InputSchema):
    client_id: uuid.UUID = Field(
        description="Made by the client; a repeat with the same id is stored once."
    )
    occurred_at: datetime | None = Field(
        None, description="When the check happened (default: now)."
    )
    pass_token: str = Field("", max_length=200, description="The scanned pass.")
    worker_id: int | None = Field(
        None, description="A worker picked from the gate's roster search."
    )
    visitor: VisitorIn | None = None
    mask: bool
    disinfected: bool
    temperature: Decimal | None = Field(None, max_digits=3, decimal_places=1)
    temperature_recheck: Decimal | None = Field(None, max_digits=3, decimal_places=1)
    recheck_method: Literal["", "axillary", "ear", "forehead", "oral"] = ""
    spo2: int | None = None
    offline: bool = False
    offline_verdict: Literal["", "admitted", "denied"] = ""
    offline_reasons: list[str] = Field(default_factory=list, max_length=20)
    snapshot_stamp: str = Field(
        "",
        max_length=200,
        description="With an offline check: the `stamp` of the snapshot the verdict came from.",
    )


class BatchIn(InputSchema):
    # The limit (1,000) is the service's, answered with 413 and a clear message.
    checks: list[CheckIn] = Field(min_length=1)


class ReasonOut(BaseModel):
    code: str
    text: str


class CheckOut(BaseModel):
    client_id: uuid.UUID
    status: Literal["created", "replayed"]
    id: int
    verdict: Literal["admitted", "denied"]
    reasons: list[ReasonOut]
    offline: bool
    snapshot_at: datetime | None
    server_verdict: Literal["", "admitted", "denied"]
    server_reasons: list[ReasonOut]
    disputed: bool
    abnormal_event_id: int | None
    occurred_at: datetime


class ItemErrorOut(BaseModel):
    code: str
    message: str
    fields: dict[str, list[str]]


class BatchItemOut(BaseModel):
    client_id: uuid.UUID
    status: Literal["created", "replayed", "rejected"]
    id: int | None = None
    verdict: str | None = None
    reasons: list[ReasonOut] = []
    offline: bool | None = None
    snapshot_at: datetime | None = None
    server_verdict: str | None = None
    server_reasons: list[ReasonOut] = []
    disputed: bool | None = None
    abnormal_event_id: int | None = None
    error: ItemErrorOut | None = None


class BatchOut(BaseModel):
    created: int
    replayed: int
    rejected: int
    results: list[BatchItemOut]


def _to_input(check: CheckIn, raw: dict[str, Any] | None = None) -> services.CheckInput:
    """The service's input for a validated check; ``raw`` is its JSON form (the digest's
    source), given by a batch that dumped all its checks in one call."""
    visitor = services.VisitorInput(**check.visitor.model_dump()) if check.visitor else None
    return services.CheckInput(
        client_id=check.client_id,
        occurred_at=check.occurred_at,
        pass_token=check.pass_token,
        worker_id=check.worker_id,
        visitor=visitor,
        mask=check.mask,
        disinfected=check.disinfected,
        temperature=check.temperature,
        temperature_recheck=check.temperature_recheck,
        recheck_method=check.recheck_method,
        spo2=check.spo2,
        offline=check.offline,
        offline_verdict=check.offline_verdict,
        offline_reasons=tuple(check.offline_reasons),
        snapshot_stamp=check.snapshot_stamp,
        raw=check.model_dump(mode="json") if raw is None else raw,
    )


def _reasons_out(codes) -> list[dict]:
    return [
        {"code": code, "text": text} for code, text in zip(codes, reason_texts(codes), strict=True)
    ]


def _offline_out(check) -> dict:
    """How far the server trusted an offline verdict (see offline.py)."""
    return {
        "offline": check.offline,
        "snapshot_at": check.snapshot_at,
        "server_verdict": check.server_verdict,
        "server_reasons": _reasons_out(check.server_reasons),
        "disputed": check.disputed,
    }


def _result_out(result: services.CheckResult) -> dict:
    check = result.check
    if check is None:
        error = result.error
        assert error is not None  # a result without a check is a rejected one, with its error
        return {
            "client_id": result.client_id,
            "status": "rejected",
            "error": {"code": error.code, "message": error.message, "fields": error.fields},
        }
    return {
        "client_id": result.client_id,
        "status": result.status,
        "id": check.pk,
        "verdict": check.verdict,
        "reasons": _reasons_out(check.reasons),
        **_offline_out(check),
        "abnormal_event_id": result.event_id,
        "occurred_at": check.occurred_at,
    }


@router.post(
    "/gates/{int:gate_id}/checks",
    auth=GATE_AUTH,
    response={201: CheckOut, 200: CheckOut, **ERROR_RESPONSES},
)
def check_record(request, gate_id: int, payload: CheckIn):
    """Record one check. 201 with the verdict; 200 when the same ``client_id`` and payload were
    already stored (nothing is written); 409 for the same id with another payload."""
    gate, operator, device = gate_of(request, gate_id)
    (result,) = services.gate_checks_record(
        gate=gate, items=[_to_input(payload)], operator=operator, device=device
    )
    if result.status == "rejected":
        assert result.error is not None  # a rejected result carries its error
        raise result.error
    return Status(201 if result.status == "created" else 200, _result_out(result))


@router.post(
    "/gates/{int:gate_id}/checks/batch", auth=GATE_AUTH, response={200: BatchOut, **ERROR_RESPONSES}
)
def check_batch(request, gate_id: int, payload: BatchIn):
    """Record up to 1,000 checks. Each item is created, replayed or rejected on its own (with its
    error); nothing of a rejected item is written."""
    gate, operator, device = gate_of(request, gate_id)
    # One dump of the whole batch (pydantic-core's one call, not a thousand): each check's part
    # is what the check's own ``model_dump(mode="json")`` gives.
    raws = payload.model_dump(mode="json")["checks"]
    results = services.gate_checks_record(
        gate=gate,
        items=[_to_input(check, raw) for check, raw in zip(payload.checks, raws, strict=True)],
        operator=operator,
        device=device,
    )
    out = [_result_out(result) for result in results]
    return {
        "created": sum(1 for item in out if item["status"] == "created"),
        "replayed": sum(1 for item in out if item["status"] == "replayed"),
        "rejected": sum(1 for item in out if item["status"] == "rejected"),
        "results": out,
    }


class GateOut(BaseModel):
    id: int
    name: str
    enterprise_id: int | None
    location: str
    is_active: bool
    admitted_today: int
    denied_today: int
    disputed_today: int


@router.get("/gates", response={200: list[GateOut], **ERROR_RESPONSES})
def gate_list(request):
    """The gates in your scope, with today's admitted and denied counts."""
    return [
        {
            "id": gate.pk,
            "name": gate.name,
            "enterprise_id": gate.enterprise_id,
            "location": gate.location,
            "is_active": gate.is_active,
            "admitted_today": gate.admitted,
            "denied_today": gate.denied,
            "disputed_today": gate.disputed,
        }
        for gate in selectors.gate_list(actor=request.auth)
    ]


class CheckRowOut(BaseModel):
    id: int
    client_id: uuid.UUID
    occurred_at: datetime
    person: str
    document: str
    kind: Literal["worker", "visitor", "unknown"]
    verdict: str
    reasons: list[ReasonOut]
    mask: bool
    disinfected: bool
    temperature: Decimal | None
    temperature_recheck: Decimal | None
    spo2: int | None
    offline: bool
    snapshot_at: datetime | None
    server_verdict: Literal["", "admitted", "denied"]
    server_reasons: list[ReasonOut]
    disputed: bool


@router.get("/gates/{int:gate_id}/checks", response={200: list[CheckRowOut], **ERROR_RESPONSES})
def check_list(request, gate_id: int, day: date | None = None):
    """A day's checks at a gate in your scope (today by default), newest first; documents
    masked. ``disputed``: decided offline from an old or unverified copy, and the server's own
    verdict (``server_verdict``) differs."""
    gate = selectors.gate_get(actor=request.auth, gate_id=gate_id)
    return [
        {
            "id": check.pk,
            "client_id": check.client_id,
            "occurred_at": check.occurred_at,
            "person": check.person_name,
            "document": check.person_document,
            "kind": check.person_kind,
            "verdict": check.verdict,
            "reasons": _reasons_out(check.reasons),
            "mask": check.mask,
            "disinfected": check.disinfected,
            "temperature": check.temperature,
            "temperature_recheck": check.temperature_recheck,
            "spo2": check.spo2,
            **_offline_out(check),
        }
        for check in selectors.gate_checks(actor=request.auth, gate=gate, day=day)[:2000]
    ]


class IdentifyIn(InputSchema):
    pass_token: str = Field("", max_length=200)
    worker_id: int | None = None


class HealthDeclarationStatusOut(BaseModel):
    state: Literal["missing", "abnormal"]
    message: str


class PersonOut(BaseModel):
    id: int
    name: str
    document: str
    department: str
    enterprise_id: int | None
    clearance: str
    observation_until: str | None
    declaration: HealthDeclarationStatusOut | None = Field(
        None,
        description="The worker's daily health declaration today, when missing or abnormal "
        "(informational: never a reason to deny).",
    )


class IdentifyOut(BaseModel):
    person: PersonOut | None
    problems: list[ReasonOut]


@router.post(
    "/gates/{int:gate_id}/identify", auth=GATE_AUTH, response={200: IdentifyOut, **ERROR_RESPONSES}
)
def identify(request, gate_id: int, payload: IdentifyIn):
    """Who a scanned pass (or a picked worker) is, and what would stop them, before the readings.
    Records nothing: the check does."""
    gate, _operator, _device = gate_of(request, gate_id)
    person, problems = selectors.gate_identify(
        gate=gate, pass_token=payload.pass_token, worker_id=payload.worker_id
    )
    return {"person": person, "problems": _reasons_out(problems)}


class SearchIn(InputSchema):
    q: str = Field(min_length=1, max_length=40)


@router.post(
    "/gates/{int:gate_id}/search",
    auth=GATE_AUTH,
    response={200: list[PersonOut], **ERROR_RESPONSES},
)
def search(request, gate_id: int, payload: SearchIn):
    """The gate's workers by name, or by the last (up to four) characters of the document number."""
    gate, _operator, _device = gate_of(request, gate_id)
    return [
        selectors.person_card(worker)
        for worker in selectors.gate_search(gate=gate, query=payload.q)
    ]


@router.get(
    "/gates/{int:gate_id}/snapshot",
    auth=GATE_AUTH,
    response={200: dict[str, Any], **ERROR_RESPONSES},
)
def snapshot(request, gate_id: int):
    """Everything the kiosk needs to keep working offline at this gate."""
    gate, _operator, _device = gate_of(request, gate_id)
    return selectors.gate_snapshot(gate=gate)


class EventOut(BaseModel):
    id: int
    kind: str
    status: str
    outcome: str
    source: str = Field(description="gate_check, or follow_up (a daily health declaration).")
    gate: str = Field(description="The gate's name, or the source's label without a gate.")
    enterprise_id: int | None
    person: str
    temperature: Decimal | None
    spo2: int | None
    occurred_at: datetime
    disputed: bool


class StepIn(InputSchema):
    action: StepAction
    temperature: Decimal | None = Field(None, max_digits=3, decimal_places=1)
    spo2: int | None = None
    outcome: Literal["", "cleared", "home_observation", "suspected", "confirmed"] = ""
    note: str = Field("", max_length=500)


def _event_out(event) -> dict:
    return {
        "id": event.pk,
        "kind": event.kind,
        "status": event.status,
        "outcome": event.outcome,
        "source": event.source,
        "gate": event.place,
        "enterprise_id": event.enterprise_id,
        "person": event.person_name,
        "temperature": event.temperature,
        "spo2": event.spo2,
        "occurred_at": event.occurred_at,
        # Raised by a check decided offline whose verdict the server disputes.
        "disputed": event.disputed,
    }


@router.get("/abnormal-events", response={200: list[EventOut], **ERROR_RESPONSES})
def event_list(request, open_only: bool = False):
    """Abnormal events in your scope, newest first (the 200 most recent)."""
    return [
        _event_out(event)
        for event in selectors.event_list(actor=request.auth, open_only=open_only)[:200]
    ]


@router.post("/abnormal-events/{int:event_id}/steps", response={200: EventOut, **ERROR_RESPONSES})
def event_step(request, event_id: int, payload: StepIn):
    """Record the next step of an abnormal event (re-check, release, fever clinic, outcome)."""
    event = selectors.event_get(actor=request.auth, event_id=event_id)
    require(request.auth, Action.GATE_EVENTS_FOLLOW)
    event = services.abnormal_event_step(actor=request.auth, event=event, **payload.model_dump())
    return _event_out(event)
