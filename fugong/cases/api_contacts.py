"""The contacts operations of the cases API (mounted in fugong.api): a case's close contacts with
every reason and its evidence, finding them, confirming, dropping and adding by hand; the contact
rules. Scoped like the pages: the command post everything; a liaison the cases of their
enterprises; an enterprise officer their own enterprise's cases; numbers always masked."""

from datetime import date, datetime
from typing import Any

from ninja import Router, Status
from ninja.pagination import paginate
from pydantic import BaseModel, Field

from fugong.core.api import ERROR_RESPONSES, InputSchema, Pagination
from fugong.core.roles import Action, require

from . import contact_services
from .models import Contact, ContactRules, ContactStatus
from .selectors import case_get
from .selectors_contacts import RULE_LABELS, contact_get, contact_list, contact_rules_all

router = Router(tags=["cases"])

# ----- bodies --------------------------------------------------------------------------------


class ContactExternalIn(InputSchema):
    full_name: str = Field(max_length=100)
    document_type: str = Field("resident_id", max_length=16)
    document_number: str = Field("", max_length=40)
    phone: str = Field("", max_length=30)
    residence_code: str = Field("", max_length=6)


class ContactAddIn(InputSchema):
    worker_id: int | None = None
    visitor_id: int | None = None
    external: ContactExternalIn | None = None
    last_contact_on: date
    note: str = Field("", max_length=300)


class ContactFindIn(InputSchema):
    second_level: bool = Field(
        False, description="Also search the contacts of the case's confirmed contacts (密接的密接)."
    )


class ContactDropIn(InputSchema):
    reason: str = Field(max_length=300)


class ContactRulesIn(InputSchema):
    effective_from: date
    days_before_onset: int = Field(description="The window starts this many days before onset.")
    same_gate_minutes: int
    same_department_shift: bool = True
    same_dormitory_room: bool = True
    same_shuttle_route: bool = True
    same_gate: bool = True
    visitors_hosted: bool = True
    note: str = Field("", max_length=300)


# ----- answers -------------------------------------------------------------------------------


class ContactReasonOut(BaseModel):
    rule: str
    label: str
    on: date | None
    level: int
    via: int | None
    evidence: dict[str, Any] = Field(
        description="Gates and times, department and shift, room, route, minutes apart, host."
    )


class ContactOut(BaseModel):
    id: int
    case_id: int
    person_kind: str
    worker_id: int | None
    visitor_id: int | None
    full_name: str
    document_masked: str
    phone_masked: str
    residence_code: str
    enterprise_id: int | None
    department: str
    level: int
    via_id: int | None
    status: str
    reasons: list[ContactReasonOut]
    last_contact_on: date | None
    added_by_hand: bool
    decided_at: datetime | None
    drop_reason: str
    observation_until: date | None


class ContactWindowOut(BaseModel):
    start: date
    end: date


class ContactFindOut(BaseModel):
    case_id: int
    window: ContactWindowOut
    rules_from: date
    found: int
    new: int
    updated: int
    by_rule: dict[str, int]
    second_level: bool


class ContactRulesOut(BaseModel):
    id: int | None
    effective_from: date
    days_before_onset: int
    same_gate_minutes: int
    same_department_shift: bool
    same_dormitory_room: bool
    same_shuttle_route: bool
    same_gate: bool
    visitors_hosted: bool
    note: str


REASON_KEYS = ("rule", "on", "level", "via")


def _reason_out(reason: dict[str, Any]) -> dict[str, Any]:
    rule = str(reason.get("rule", ""))
    return {
        "rule": rule,
        "label": str(RULE_LABELS.get(rule, rule)),
        "on": reason.get("on") or None,
        "level": reason.get("level") or 1,
        "via": reason.get("via"),
        "evidence": {key: value for key, value in reason.items() if key not in REASON_KEYS},
    }


def _contact_out(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.pk,
        "case_id": contact.case_id,
        "person_kind": contact.person_kind,
        "worker_id": contact.worker_id,
        "visitor_id": contact.visitor_id,
        "full_name": contact.full_name,
        "document_masked": contact.document_masked,
        "phone_masked": contact.phone_masked,
        "residence_code": contact.residence_code,
        "enterprise_id": contact.enterprise_id,
        "department": contact.department,
        "level": contact.level,
        "via_id": contact.via_id,
        "status": contact.status,
        "reasons": [_reason_out(reason) for reason in contact.reasons],
        "last_contact_on": contact.last_contact_on,
        "added_by_hand": contact.added_by_hand,
        "decided_at": contact.decided_at,
        "drop_reason": contact.drop_reason,
        "observation_until": contact.observation_until,
    }


def _rules_out(rules: ContactRules) -> dict[str, Any]:
    return {
        "id": rules.pk,
        "effective_from": rules.effective_from,
        "days_before_onset": rules.days_before_onset,
        "same_gate_minutes": rules.same_gate_minutes,
        "same_department_shift": rules.same_department_shift,
        "same_dormitory_room": rules.same_dormitory_room,
        "same_shuttle_route": rules.same_shuttle_route,
        "same_gate": rules.same_gate,
        "visitors_hosted": rules.visitors_hosted,
        "note": rules.note,
    }


# ----- operations ----------------------------------------------------------------------------


@router.get("/cases/{int:case_id}/contacts", response={200: list[ContactOut], **ERROR_RESPONSES})
@paginate(Pagination)
def contact_list_api(request, case_id: int, status: ContactStatus | None = None):
    """The case's close contacts (level 1 first), each with every reason and its evidence."""
    case = case_get(actor=request.auth, case_id=case_id)
    return [
        _contact_out(contact)
        for contact in contact_list(actor=request.auth, case=case, status=status or "")
    ]


@router.post("/cases/{int:case_id}/contacts", response={201: ContactOut, **ERROR_RESPONSES})
def contact_add_api(request, case_id: int, payload: ContactAddIn):
    """Add a person by hand (a worker, a visitor, or someone from outside the park) as a
    candidate, with the day of the last contact. The case itself or a person who is a contact
    already is refused (400, 409)."""
    case = case_get(actor=request.auth, case_id=case_id)
    contact = contact_services.contact_add(
        actor=request.auth,
        case=case,
        worker_id=payload.worker_id,
        visitor_id=payload.visitor_id,
        external=payload.external.model_dump() if payload.external else None,
        last_contact_on=payload.last_contact_on,
        note=payload.note,
    )
    return Status(201, _contact_out(contact))


@router.post(
    "/cases/{int:case_id}/contacts/find", response={200: ContactFindOut, **ERROR_RESPONSES}
)
def contact_find_api(request, case_id: int, payload: ContactFindIn):
    """Search the park's records for the case's close contacts in the exposure window, with the
    rules in force today; merges into earlier searches (decisions stay)."""
    case = case_get(actor=request.auth, case_id=case_id)
    result = contact_services.contacts_find(
        actor=request.auth, case=case, second_level=payload.second_level
    )
    return {
        "case_id": case.pk,
        "window": {"start": result.window.start, "end": result.window.end},
        "rules_from": result.rules.effective_from,
        "found": result.found,
        "new": result.new,
        "updated": result.updated,
        "by_rule": result.by_rule,
        "second_level": result.second_level,
    }


@router.get("/contacts/{int:contact_id}", response={200: ContactOut, **ERROR_RESPONSES})
def contact_detail_api(request, contact_id: int):
    """One close contact of a case in scope."""
    return _contact_out(contact_get(actor=request.auth, contact_id=contact_id))


@router.post("/contacts/{int:contact_id}/confirm", response={200: ContactOut, **ERROR_RESPONSES})
def contact_confirm_api(request, contact_id: int):
    """Confirm a candidate as a close contact (their observation follows at once)."""
    contact = contact_get(actor=request.auth, contact_id=contact_id)
    return _contact_out(contact_services.contact_confirm(actor=request.auth, contact=contact))


@router.post("/contacts/{int:contact_id}/drop", response={200: ContactOut, **ERROR_RESPONSES})
def contact_drop_api(request, contact_id: int, payload: ContactDropIn):
    """Drop a candidate, with the reason (required)."""
    contact = contact_get(actor=request.auth, contact_id=contact_id)
    return _contact_out(
        contact_services.contact_drop(actor=request.auth, contact=contact, reason=payload.reason)
    )


@router.get("/contact-rules", response={200: list[ContactRulesOut], **ERROR_RESPONSES})
def contact_rules_list_api(request):
    """Every set of contact rules, newest first (the one in force is the newest effective
    today or before)."""
    return [_rules_out(rules) for rules in contact_rules_all(actor=request.auth)]


@router.post("/contact-rules", response={201: ContactRulesOut, **ERROR_RESPONSES})
def contact_rules_add_api(request, payload: ContactRulesIn):
    """Save contact rules from an effective date (a window of zero or negative days: 400; a
    date that has rules already: 409)."""
    require(request.auth, Action.CONTACT_RULES_MANAGE)
    values = payload.model_dump()
    rules = contact_services.contact_rules_save(actor=request.auth, **values)
    return Status(201, _rules_out(rules))
