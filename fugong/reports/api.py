"""The daily report and headcount declarations over the API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.http import HttpResponse
from ninja import Router, Status
from pydantic import BaseModel, Field

from fugong.core.api import ERROR_RESPONSES, InputSchema
from fugong.core.replica import replica_reads
from fugong.enterprises.selectors import enterprise_get
from fugong.jobs.api import JobOut, job_out

from . import exports, jobs, selectors, services

router = Router(tags=["reports"])


class WaitingOut(BaseModel):
    awaiting_verification: int
    awaiting_decision: int
    returned: int


class AlertOut(BaseModel):
    enterprise_id: int
    enterprise: str
    suspended: bool
    admitted_workers: int
    declared: int | None
    first_admission: datetime | None
    last_admission: datetime | None
    gates: list[str]


class EnterpriseLineOut(BaseModel):
    enterprise_id: int
    enterprise: str
    kind: str
    above_scale_industrial: bool
    in_scope: bool
    resumed: bool
    suspended: bool
    on_duty: int
    on_duty_source: Literal["gate", "declared", ""]
    usual_headcount: int
    return_to_post_rate: float | None
    abnormal_events: int


class DailyOut(BaseModel):
    date: date
    scope: Literal["park", "assigned"]
    in_scope: int
    resumed: int
    construction_sites_resumed: int
    resumption_rate: float | None
    above_scale_in_scope: int
    above_scale_resumed: int
    above_scale_rate: float | None
    on_duty: int
    on_duty_from_gates: int
    on_duty_declared: int
    declaring_enterprises: int
    resumed_usual_headcount: int
    return_to_post_rate: float | None
    abnormal_events: int
    under_observation: int
    confirmed: int
    suspected: int
    asymptomatic: int
    contacts_under_observation: int
    follow_ups_missed: int
    applications_waiting: WaitingOut
    overdue_rectifications: int
    unacknowledged_notices: int
    unapproved_resumptions: list[AlertOut]
    untrained_on_duty: int
    low_on_masks: int = Field(0, description="Enterprises under N days of masks (supplies).")
    observation_occupied: int = Field(0, description="People in observation rooms now.")
    observation_places: int = Field(0, description="Places in observation rooms in use.")
    text: str
    enterprises: list[EnterpriseLineOut] | None = None


@router.get("/reports/daily", response={200: DailyOut, 202: JobOut, **ERROR_RESPONSES})
def daily_report(
    request,
    date: str | None = None,
    format: Literal["json", "xlsx", "text"] = "json",
    language: Literal["zh-hans", "en"] = "zh-hans",
    enterprises: bool = False,
):
    """The day's figures in your scope (today when no date is given), named plainly; rates are
    fractions (0.485) or null with nothing to divide by. ``format=text`` gives the published
    text, ``format=xlsx`` the table by enterprise; ``enterprises=true`` adds that table to the
    JSON. A large xlsx (more enterprises in your scope than the server's
    ``FUGONG_EXPORT_INLINE_MAX_ROWS``) is written by a background job: ``202`` with the job; poll
    its ``url``, then download ``result_file.url``."""
    day = selectors.report_date(date)
    with replica_reads():
        as_job = format == "xlsx" and jobs.daily_xlsx_runs_as_job(actor=request.auth)
    if as_job:
        return Status(
            202, job_out(jobs.daily_xlsx_enqueue(actor=request.auth, day=day, language=language))
        )
    # From the replica, when there is one: the answer may lag by the replication delay.
    with replica_reads():
        figures = selectors.daily_figures(actor=request.auth, day=day)
        if format == "xlsx":
            content = exports.daily_report_xlsx(figures, language)
            response = HttpResponse(content, content_type=jobs.XLSX)
            response["Content-Disposition"] = f'attachment; filename="{jobs.daily_xlsx_name(day)}"'
            return response
        if format == "text":
            text = exports.daily_report_text(figures, language)
            return HttpResponse(text, content_type="text/plain; charset=utf-8")
        return exports.daily_report_json(figures, language, enterprises=enterprises)


class DeclarationIn(InputSchema):
    enterprise_id: int
    date: date
    workers: int = Field(ge=0, le=1_000_000)
    note: str = Field(default="", max_length=300)


class DeclarationOut(BaseModel):
    id: int
    enterprise_id: int
    date: date
    workers: int
    note: str
    declared_by: str
    declared_at: datetime


def _declaration_out(declaration) -> dict:
    return {
        "id": declaration.pk,
        "enterprise_id": declaration.enterprise_id,
        "date": declaration.day,
        "workers": declaration.workers,
        "note": declaration.note,
        "declared_by": declaration.declared_by.full_name or declaration.declared_by.username,
        "declared_at": declaration.updated_at,
    }


@router.post("/headcount-declarations", response={200: DeclarationOut, **ERROR_RESPONSES})
def declaration_create(request, payload: DeclarationIn):
    """Declare an enterprise's workers on duty for a day without gate records; the same
    enterprise and day again replaces the number (so a retry writes nothing new)."""
    enterprise = enterprise_get(actor=request.auth, enterprise_id=payload.enterprise_id)
    declaration = services.headcount_declare(
        actor=request.auth,
        enterprise=enterprise,
        day=payload.date,
        workers=payload.workers,
        note=payload.note,
    )
    return Status(200, _declaration_out(declaration))


@router.get("/headcount-declarations", response={200: list[DeclarationOut], **ERROR_RESPONSES})
def declaration_list(request, date: date | None = None):
    """The declarations in your scope, newest day first (the 500 most recent), or of one day."""
    declarations = selectors.declaration_list(actor=request.auth)
    if date is not None:
        declarations = declarations.filter(day=date)
    return [_declaration_out(declaration) for declaration in declarations[:500]]
