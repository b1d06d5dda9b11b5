"""The containment operations of the cases API (mounted in fugong.api): the closures in scope,
closing a department or enterprise over a case, and reopening it."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Status
from ninja.pagination import paginate
from pydantic import BaseModel, Field

from fugong.core.api import ERROR_RESPONSES, InputSchema, Pagination

from . import containment
from .selectors import case_get

router = Router(tags=["cases"])


class ClosureOut(BaseModel):
    id: int
    enterprise_id: int
    enterprise_name: str
    department: str = Field(description="Blank: the whole enterprise is closed.")
    reason: str
    case_id: int | None
    case_reference: str
    closed_at: datetime
    reopened_at: datetime | None
    is_open: bool


class ClosureIn(InputSchema):
    enterprise_id: int
    department: str = Field("", max_length=100, description="Blank: the whole enterprise.")
    suspend_enterprise: bool = Field(
        False, description="Also suspend the enterprise (the whole enterprise only)."
    )
    reason: str = Field(..., min_length=1, max_length=300)


def _closure_out(closure) -> dict:
    return {
        "id": closure.pk,
        "enterprise_id": closure.enterprise_id,
        "enterprise_name": closure.enterprise.name,
        "department": closure.department,
        "reason": closure.reason,
        "case_id": closure.case_number,
        "case_reference": closure.case_reference,
        "closed_at": closure.closed_at,
        "reopened_at": closure.reopened_at,
        "is_open": closure.is_open,
    }


@router.get("/closures", response={200: list[ClosureOut], **ERROR_RESPONSES})
@paginate(Pagination)
def closure_list(
    request,
    case_id: int | None = None,
    enterprise_id: int | None = None,
    open_only: bool = False,
):
    """Departments and enterprises closed over cases, in your scope (open ones first)."""
    return [
        _closure_out(closure)
        for closure in containment.closure_list(
            actor=request.auth, case_id=case_id, enterprise_id=enterprise_id, open_only=open_only
        )
    ]


@router.post("/cases/{int:case_id}/closures", response={201: ClosureOut, **ERROR_RESPONSES})
def closure_create(request, case_id: int, payload: ClosureIn):
    """Close a department or workshop (``department`` blank: the whole enterprise) over the
    case: its workers are re-screened at once and denied at the gate until it reopens. 409 when
    it is already closed, or (``suspend_enterprise``) when the enterprise cannot be suspended."""
    case = case_get(actor=request.auth, case_id=case_id)
    closure = containment.containment_close(
        actor=request.auth,
        case=case,
        enterprise_id=payload.enterprise_id,
        department=payload.department,
        suspend_enterprise=payload.suspend_enterprise,
        reason=payload.reason,
    )
    return Status(201, _closure_out(closure))


@router.post("/closures/{int:closure_id}/reopen", response={200: ClosureOut, **ERROR_RESPONSES})
def closure_reopen(request, closure_id: int):
    """Reopen a closed department or enterprise (409 when it is open already)."""
    closure = containment.containment_reopen(actor=request.auth, closure_id=closure_id)
    return _closure_out(closure)
