"""The daily follow-up operations of the API (mounted at "/" in fugong.api): the officer's entry
of a declaration, the declarations of a day and who misses one, scoped like the pages (command
post: every worker; liaison: their enterprises'; enterprise officer: their own enterprise's)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.utils import timezone
from ninja import Router, Status
from pydantic import BaseModel, Field

from fugong.core.api import ERROR_RESPONSES, InputSchema

from . import followups
from .selectors_followups import AFTERNOON_DUE, follow_up_list, follow_ups_missing

router = Router(tags=["follow-ups"])


class FollowUpIn(InputSchema):
    worker_id: int
    day: date | None = Field(None, description="The day declared for; today by default.")
    period: Literal["morning", "afternoon"]
    temperature: Decimal = Field(description="°C, 30 to 45 (a reading outside is refused).")
    symptoms: list[str] = Field(
        default_factory=list,
        max_length=len(followups.SYMPTOMS),
        description="Codes: " + ", ".join(followups.SYMPTOMS),
    )
    note: str = Field("", max_length=300)


class FollowUpOut(BaseModel):
    id: int
    worker_id: int
    worker_name: str
    document: str = Field(description="The document number, masked.")
    enterprise_id: int | None
    day: date
    period: str
    temperature: Decimal
    symptoms: list[str]
    note: str
    abnormal: bool
    channel: str = Field(description="pass (the worker's own) or officer.")
    recorded_at: datetime
    abnormal_event_id: int | None


class MissingFollowUpOut(BaseModel):
    worker_id: int
    worker_name: str
    document: str
    enterprise_id: int | None
    department: str
    observation_until: date | None
    missing: list[str]


class FollowUpsMissingOut(BaseModel):
    day: date
    afternoon_due: str = Field(description="Local time from which the afternoon is due.")
    count: int
    workers: list[MissingFollowUpOut]


def _out(item) -> dict:  # type: ignore[no-untyped-def]
    return {
        "id": item.pk,
        "worker_id": item.worker_id,
        "worker_name": item.worker.full_name,
        "document": item.worker.document_masked,
        "enterprise_id": item.enterprise_id,
        "day": item.day,
        "period": item.period,
        "temperature": item.temperature,
        "symptoms": item.symptoms,
        "note": item.note,
        "abnormal": item.abnormal,
        "channel": item.channel,
        "recorded_at": item.recorded_at,
        "abnormal_event_id": item.abnormal_event_id,
    }


@router.post("/follow-ups", response={201: FollowUpOut, **ERROR_RESPONSES})
def follow_up_create(request, payload: FollowUpIn):  # type: ignore[no-untyped-def]
    """Enter a worker's daily health declaration (health officer: their own enterprise's
    workers; command post: any). A temperature outside 30–45 °C or a future day is refused
    (422/400); the same worker, day and period again is refused (409). A fever or a symptom
    raises an abnormal event (``abnormal_event_id``)."""
    item = followups.follow_up_record(
        actor=request.auth,
        worker_id=payload.worker_id,
        day=payload.day or timezone.localdate(),
        declaration=followups.Declaration(
            period=payload.period,
            temperature=payload.temperature,
            symptoms=payload.symptoms,
            note=payload.note,
        ),
    )
    return Status(201, _out(item))


@router.get("/follow-ups", response={200: list[FollowUpOut], **ERROR_RESPONSES})
def follow_up_list_api(request, day: date | None = None):  # type: ignore[no-untyped-def]
    """The declarations of a day (today by default) in your scope (at most 2,000)."""
    items = follow_up_list(actor=request.auth, day=day or timezone.localdate())
    return [_out(item) for item in items[:2000]]


@router.get("/follow-ups/missing", response={200: FollowUpsMissingOut, **ERROR_RESPONSES})
def follow_up_missing_api(request, day: date | None = None):  # type: ignore[no-untyped-def]
    """Workers under observation on a day (today by default) in your scope who miss a
    declaration that is due (the afternoon's from 15:00 local time on the day itself)."""
    when = day or timezone.localdate()
    rows = follow_ups_missing(actor=request.auth, day=when)
    return {
        "day": when,
        "afternoon_due": AFTERNOON_DUE.strftime("%H:%M"),
        "count": len(rows),
        "workers": [
            {
                "worker_id": row.worker.pk,
                "worker_name": row.worker.full_name,
                "document": row.worker.document_masked,
                "enterprise_id": row.worker.enterprise_id,
                "department": row.worker.department,
                "observation_until": row.worker.observation_until,
                "missing": row.missing,
            }
            for row in rows
        ],
    }
