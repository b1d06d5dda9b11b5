"""The cases operations of the API (mounted in fugong.api); contacts, containment and follow-ups
have their own routers (api_contacts, api_containment, api_followups).

Scoped like the pages: the command post sees every case, a liaison the cases of their
enterprises, an enterprise officer their own enterprise's (numbers masked everywhere here; the
``export.xlsx`` has them in full for the roles that may see them); anyone else 403, a case
outside the scope 404. Only the command post opens, classifies and edits cases.
"""

from datetime import date, datetime
from typing import Literal

from django.http import HttpResponse
from ninja import Router, Status
from ninja.pagination import paginate
from pydantic import BaseModel, Field

from fugong.core.api import ERROR_RESPONSES, InputSchema, Pagination, fields_as_in_body
from fugong.core.roles import Action, require

from . import selectors, services
from .chain import case_chain
from .exports import XLSX, case_export, export_name
from .models import Case, CaseSource, Classification, IsolationKind, PersonKind

router = Router(tags=["cases"])


# ----- bodies --------------------------------------------------------------------------------


class CaseExternalPersonIn(InputSchema):
    """Someone outside the park: a name, and where known a valid document and mobile number."""

    full_name: str = Field(max_length=100)
    document_type: Literal["resident_id", "passport", "other"] = "resident_id"
    document_number: str = Field("", max_length=40)
    phone: str = Field("", max_length=20)
    residence_code: str = Field("", max_length=6, description="The district of residence.")


class CaseIn(InputSchema):
    """Exactly one person: ``worker_id``, ``visitor_id``, ``external``, or ``abnormal_event_id``
    (the event's person; its outcome proposes the classification when none is given)."""

    classification: Classification | None = None
    source: CaseSource = CaseSource.OTHER
    worker_id: int | None = None
    visitor_id: int | None = None
    external: CaseExternalPersonIn | None = None
    abnormal_event_id: int | None = None
    onset_on: date | None = None
    sampling_on: date | None = None
    isolated_on: date | None = None
    isolation_kind: IsolationKind | Literal[""] = ""
    isolation_place: str = Field("", max_length=200)
    source_detail: str = Field("", max_length=300)
    is_drill: bool = Field(False, description="A drill case (演练) is never counted.")
    notes: str = Field("", max_length=5000)


class CasePatch(InputSchema):
    """The fields to change; a date set to null is cleared."""

    onset_on: date | None = None
    sampling_on: date | None = None
    isolated_on: date | None = None
    isolation_kind: IsolationKind | Literal[""] | None = None
    isolation_place: str | None = Field(None, max_length=200)
    source_detail: str | None = Field(None, max_length=300)
    notes: str | None = Field(None, max_length=5000)


class CaseClassifyIn(InputSchema):
    classification: Classification
    effective_on: date | None = Field(
        None, description="Today when left out; not in the future, not before the last change."
    )
    note: str = Field("", max_length=500)


# ----- answers -------------------------------------------------------------------------------


class CaseOut(BaseModel):
    id: int
    classification: Classification
    classification_label: str
    classified_on: date
    is_drill: bool
    person_kind: PersonKind
    full_name: str
    document_masked: str
    phone_masked: str
    residence_code: str
    worker_id: int | None
    visitor_id: int | None
    enterprise_id: int | None
    enterprise_name: str
    department: str
    onset_on: date | None
    sampling_on: date | None
    source: CaseSource
    source_detail: str
    abnormal_event_id: int | None
    source_contact_id: int | None
    isolated_on: date | None
    isolation_kind: str
    isolation_place: str
    notes: str
    opened_by: str
    created_at: datetime


class CaseTimelineEntryOut(BaseModel):
    kind: str
    kind_label: str
    summary: str
    actor: str
    at: datetime


class CaseClassificationChangeOut(BaseModel):
    old_classification: str
    new_classification: Classification
    effective_on: date
    note: str
    actor: str
    at: datetime


class CaseTimelineOut(BaseModel):
    entries: list[CaseTimelineEntryOut]
    classifications: list[CaseClassificationChangeOut]


class CaseChainNodeOut(BaseModel):
    id: str
    name: str
    category: int
    case_id: int | None = None
    contact_id: int | None = None
    classification: str | None = None
    drill: bool | None = None
    root: bool | None = None


class CaseChainLinkOut(BaseModel):
    source: str
    target: str


class CaseChainCategoryOut(BaseModel):
    name: str


class CaseChainOut(BaseModel):
    nodes: list[CaseChainNodeOut]
    links: list[CaseChainLinkOut]
    categories: list[CaseChainCategoryOut]
    truncated: bool


def _user_name(user) -> str:
    return (user.full_name or user.username) if user is not None else ""


def case_out(case: Case) -> dict:
    return {
        "id": case.pk,
        "classification": case.classification,
        "classification_label": str(case.get_classification_display()),
        "classified_on": case.classified_on,
        "is_drill": case.is_drill,
        "person_kind": case.person_kind,
        "full_name": case.full_name,
        "document_masked": case.document_masked,
        "phone_masked": case.phone_masked,
        "residence_code": case.residence_code,
        "worker_id": case.worker_id,
        "visitor_id": case.visitor_id,
        "enterprise_id": case.enterprise_id,
        "enterprise_name": case.enterprise.name if case.enterprise else "",
        "department": case.department,
        "onset_on": case.onset_on,
        "sampling_on": case.sampling_on,
        "source": case.source,
        "source_detail": case.source_detail,
        "abnormal_event_id": case.abnormal_event_id,
        "source_contact_id": case.source_contact_id,
        "isolated_on": case.isolated_on,
        "isolation_kind": case.isolation_kind,
        "isolation_place": case.isolation_place,
        "notes": case.notes,
        "opened_by": _user_name(case.opened_by),
        "created_at": case.created_at,
    }


def _case(request, case_id: int) -> Case:
    return selectors.case_get(actor=request.auth, case_id=case_id)


# ----- operations ----------------------------------------------------------------------------


@router.get("/cases", response={200: list[CaseOut], **ERROR_RESPONSES})
@paginate(Pagination)
def case_list(request, classification: Classification | None = None, drill: bool | None = None):
    """Cases in your scope, newest first; ``drill=false`` for real cases only, ``true`` for
    drills only."""
    cases = selectors.case_list(
        actor=request.auth, classification=classification or "", drills=drill
    ).select_related("opened_by")
    return [case_out(case) for case in cases]


@router.post("/cases", response={201: CaseOut, **ERROR_RESPONSES})
def case_create(request, payload: CaseIn):
    """Open a case (command post). A person with an open case (not excluded) already is 409
    ``case_exists``, so a repeated request opens nothing twice; bad dates (in the future, after
    isolation, neither onset nor sampling) are 400 with the field."""
    require(request.auth, Action.CASES_MANAGE)
    fields = payload.model_dump(exclude={"external", "classification"})
    with fields_as_in_body({"person": "worker_id"}):
        case = services.case_open(
            actor=request.auth,
            classification=payload.classification or "",
            external=payload.external.model_dump() if payload.external else None,
            **fields,
        )
    return Status(201, case_out(selectors.case_get(actor=request.auth, case_id=case.pk)))


@router.get("/cases/{int:case_id}", response={200: CaseOut, **ERROR_RESPONSES})
def case_detail(request, case_id: int):
    return case_out(_case(request, case_id))


@router.patch("/cases/{int:case_id}", response={200: CaseOut, **ERROR_RESPONSES})
def case_update(request, case_id: int, payload: CasePatch):
    """Change the dates, the isolation, the source details or the notes (command post)."""
    case = _case(request, case_id)
    changes = payload.model_dump(exclude_unset=True)
    for field in ("isolation_kind", "isolation_place", "source_detail", "notes"):
        if field in changes and changes[field] is None:
            changes[field] = ""
    services.case_update(actor=request.auth, case=case, **changes)
    return case_out(_case(request, case_id))


@router.post("/cases/{int:case_id}/classification", response={200: CaseOut, **ERROR_RESPONSES})
def case_classify(request, case_id: int, payload: CaseClassifyIn):
    """Change the classification, effective on a day (kept as history: the figures of earlier
    days keep the classification of their day). The same classification again is 409."""
    case = _case(request, case_id)
    services.case_classify(
        actor=request.auth,
        case=case,
        classification=payload.classification,
        effective_on=payload.effective_on,
        note=payload.note,
    )
    return case_out(_case(request, case_id))


@router.get("/cases/{int:case_id}/timeline", response={200: CaseTimelineOut, **ERROR_RESPONSES})
def case_timeline(request, case_id: int):
    """What happened to the case, oldest first, and its classification history."""
    case = _case(request, case_id)
    return {
        "entries": [
            {
                "kind": entry.kind,
                "kind_label": str(entry.get_kind_display()),
                "summary": entry.summary,
                "actor": _user_name(entry.actor),
                "at": entry.at,
            }
            for entry in case.entries.select_related("actor").order_by("at", "id")
        ],
        "classifications": [
            {
                "old_classification": change.old_classification,
                "new_classification": change.new_classification,
                "effective_on": change.effective_on,
                "note": change.note,
                "actor": _user_name(change.actor),
                "at": change.at,
            }
            for change in selectors.classification_history(case=case)
        ],
    }


@router.get("/cases/{int:case_id}/chain", response={200: CaseChainOut, **ERROR_RESPONSES})
def case_chain_graph(request, case_id: int):
    """The chain around the case: its contacts, their contacts, the cases opened from a contact
    (and the case this one came from), as a graph's nodes and links. Names only, no numbers."""
    case = _case(request, case_id)
    return case_chain(actor=request.auth, case=case)


@router.get(
    "/cases/{int:case_id}/export.xlsx",
    response={200: None, **ERROR_RESPONSES},
    openapi_extra={
        "responses": {
            200: {
                "description": "The epidemiological investigation form (流调表) as xlsx.",
                "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def case_export_xlsx(request, case_id: int):
    """The case with its contacts in the layout of a CDC investigation form. ID and phone
    numbers are in full only for roles that may see them (the command post; a liaison's
    phones), masked for the others; the export is recorded in the audit trail."""
    case = _case(request, case_id)
    response = HttpResponse(case_export(actor=request.auth, case=case), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{export_name(case)}"'
    response["Cache-Control"] = "no-store"
    return response
