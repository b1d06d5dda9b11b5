"""API: workers, roster imports, clearance, passes, and the screening rules."""

from datetime import date, datetime

from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from fugong.core.api import (
    ERROR_RESPONSES,
    ERROR_RESPONSES_BUT_400,
    ErrorDetail,
    ErrorOut,
    InputSchema,
    Pagination,
)
from fugong.core.errors import NotFoundError, error_body
from fugong.core.roles import Action, require
from fugong.enterprises.selectors import enterprise_get
from fugong.jobs.api import JobOut, job_out
from fugong.jobs.models import Job
from fugong.screening import selectors as screening_selectors
from fugong.screening import services as screening_services
from fugong.screening.display import reasons_text
from fugong.screening.models import RiskLevel

from . import selectors, services
from .imports import runs_as_job, worker_import, worker_import_enqueue
from .jobs import rejected_message
from .models import Clearance, DocumentType, HealthCode

router = Router(tags=["workers"])


class StayIn(InputSchema):
    division_code: str = Field(min_length=6, max_length=6)
    from_date: date | None = None
    to_date: date | None = None


class WorkerFieldsIn(InputSchema):
    full_name: str | None = Field(None, max_length=100)
    department: str | None = Field(None, max_length=100)
    shift: str | None = Field(None, max_length=50)
    dormitory_room: str | None = Field(None, max_length=50)
    shuttle_route: str | None = Field(None, max_length=50)
    residence_code: str | None = Field(None, max_length=6)
    holiday_location_code: str | None = Field(None, max_length=6)
    returned_on: date | None = None
    contact_on: date | None = None
    symptoms: str | None = Field(None, max_length=200)
    health_code: HealthCode | None = None
    health_code_on: date | None = None
    phone: str | None = Field(None, max_length=20)
    travel: list[StayIn] | None = Field(None, max_length=30)


class WorkerIn(WorkerFieldsIn):
    enterprise_id: int
    full_name: str = Field(max_length=100)
    residence_code: str = Field(max_length=6)
    document_type: DocumentType = DocumentType.RESIDENT_ID
    document_number: str = Field(max_length=40)
    # A resident ID ending in 000 may have been cut by a spreadsheet: it is refused unless this
    # says the number was checked against the ID card.
    confirm_suspicious_number: bool = False


class WorkerMoveIn(InputSchema):
    enterprise_id: int


class ClearanceReasonOut(Schema):
    code: str
    text: str


class ClearanceOut(Schema):
    worker_id: int
    clearance: Clearance
    clearance_today: Clearance
    observation_until: date | None
    reasons: list[ClearanceReasonOut]
    computed_at: datetime | None


class WorkerOut(Schema):
    id: int
    full_name: str
    document_type: DocumentType
    document_masked: str
    phone_masked: str
    birth_year: int | None
    sex: str
    enterprise_id: int | None
    department: str
    shift: str
    dormitory_room: str
    shuttle_route: str
    residence_code: str
    holiday_location_code: str
    returned_on: date | None
    contact_on: date | None
    symptoms: str
    health_code: str
    health_code_on: date | None
    clearance: Clearance
    observation_until: date | None


class RosterImportErrorOut(Schema):
    row: int
    column: str
    message: str


class WorkerImportOut(Schema):
    ok: bool
    total: int
    created: int
    updated: int
    moved: int
    unchanged: int
    clearance_changed: int
    errors: list[RosterImportErrorOut]
    checked_numbers: list[int] = Field(
        description="rows whose resident ID ends in 000, taken because numbers_checked was true"
    )


class WorkerImportRejectedOut(Schema):
    error: ErrorDetail
    report: WorkerImportOut


class PassOut(Schema):
    id: int
    worker_id: int
    token: str
    issued_at: datetime
    expires_on: date
    revoked_at: datetime | None


class PassIssueIn(InputSchema):
    valid_days: int = Field(30, ge=1, le=366)


class PassRevokeIn(InputSchema):
    reason: str = Field(min_length=1, max_length=200)


class PassCheckIn(InputSchema):
    token: str = Field(max_length=200)


class PassCheckOut(Schema):
    worker_id: int
    full_name: str
    enterprise_id: int | None
    enterprise_name: str
    clearance_today: Clearance
    observation_until: date | None
    expires_on: date


class RevealOut(Schema):
    value: str


class RiskAreaIn(InputSchema):
    division_code: str = Field(min_length=6, max_length=6)
    level: RiskLevel
    starts_on: date
    ends_on: date | None = None
    note: str = Field("", max_length=300)


class RiskAreaOut(Schema):
    id: int
    division_code: str
    level: RiskLevel
    starts_on: date
    ends_on: date | None
    note: str


class RunOut(Schema):
    id: int
    trigger: str
    description: str
    created_at: datetime
    examined: int
    changed: int
    duration_ms: int


class RiskAreaSavedOut(Schema):
    """The area saved, with the re-screening it caused (``201``), or the background job doing
    it when many workers were concerned (``202``: ``run`` is null; poll ``job.url``)."""

    area: RiskAreaOut
    run: RunOut | None
    job: JobOut | None = None


def _clearance(worker) -> dict:
    from django.utils import timezone

    return {
        "worker_id": worker.pk,
        "clearance": worker.clearance,
        "clearance_today": worker.clearance_on(timezone.localdate()),
        "observation_until": worker.observation_until,
        "reasons": [
            {"code": reason.get("code", ""), "text": text}
            for reason, text in zip(
                worker.clearance_reasons, reasons_text(worker.clearance_reasons), strict=True
            )
        ],
        "computed_at": worker.clearance_computed_at,
    }


def _travel(payload) -> list[tuple] | None:
    if payload.travel is None:
        return None
    return [(stay.division_code, stay.from_date, stay.to_date) for stay in payload.travel]


@router.get("/workers", response={200: list[WorkerOut], **ERROR_RESPONSES})
@paginate(Pagination)
def worker_list(
    request, q: str = "", clearance: Clearance | None = None, enterprise_id: int | None = None
):
    """Workers in your scope (masked numbers). To find someone by number, use
    ``POST /workers/search``: numbers never go in a URL."""
    return selectors.worker_list(
        actor=request.auth, query=q, clearance=clearance or "", enterprise_id=enterprise_id
    )


class WorkerSearchIn(InputSchema):
    number: str = Field(min_length=3, max_length=40)


@router.post("/workers/search", response={200: list[WorkerOut], **ERROR_RESPONSES})
def worker_search(request, payload: WorkerSearchIn):
    """Workers in your scope with this full ID, passport or phone number (matched by digest)."""
    return list(selectors.worker_list(actor=request.auth, number=payload.number)[:20])


@router.get("/workers/{int:worker_id}", response={200: WorkerOut, **ERROR_RESPONSES})
def worker_detail(request, worker_id: int):
    return selectors.worker_get(actor=request.auth, worker_id=worker_id)


@router.post("/workers", response={201: WorkerOut, **ERROR_RESPONSES})
def worker_create(request, payload: WorkerIn):
    """Register a worker with an enterprise in your scope. The same person twice on one roster
    is 409 ``conflict``; a person on another enterprise's roster is 409 ``on_another_roster``
    (their employer records the leave, or the command post moves them: ``POST
    /workers/{id}/move``); a person who has left is taken on again, starting clean."""
    require(request.auth, Action.WORKERS_MANAGE)
    enterprise = enterprise_get(actor=request.auth, enterprise_id=payload.enterprise_id)
    fields = payload.model_dump(
        exclude={
            "enterprise_id",
            "document_type",
            "document_number",
            "confirm_suspicious_number",
            "phone",
            "travel",
        },
        exclude_none=True,
    )
    worker = services.worker_register(
        actor=request.auth,
        enterprise=enterprise,
        document_type=payload.document_type,
        document_number=payload.document_number,
        confirm_suspicious_number=payload.confirm_suspicious_number,
        phone=payload.phone or "",
        travel=_travel(payload) or [],
        **fields,
    )
    return Status(201, worker)


@router.patch("/workers/{int:worker_id}", response={200: WorkerOut, **ERROR_RESPONSES})
def worker_update(request, worker_id: int, payload: WorkerFieldsIn):
    worker = selectors.worker_get(actor=request.auth, worker_id=worker_id)
    fields = payload.model_dump(exclude={"phone", "travel"}, exclude_unset=True)
    return services.worker_update(
        actor=request.auth, worker=worker, phone=payload.phone, travel=_travel(payload), **fields
    )


@router.post("/workers/{int:worker_id}/leave", response={200: WorkerOut, **ERROR_RESPONSES})
def worker_leave(request, worker_id: int):
    worker = selectors.worker_get(actor=request.auth, worker_id=worker_id)
    return services.worker_leave(actor=request.auth, worker=worker)


@router.post("/workers/{int:worker_id}/move", response={200: WorkerOut, **ERROR_RESPONSES})
def worker_move(request, worker_id: int, payload: WorkerMoveIn):
    """Command post only: move the worker to another enterprise. The old employment ends, the
    pass is revoked, and the new employment starts clean (contact, workplace, travel and
    screening data cleared; a medical hold kept)."""
    require(request.auth, Action.WORKERS_MOVE)
    worker = selectors.worker_get(actor=request.auth, worker_id=worker_id)
    enterprise = enterprise_get(actor=request.auth, enterprise_id=payload.enterprise_id)
    return services.worker_move(actor=request.auth, worker=worker, enterprise=enterprise)


@router.post(
    "/workers/{int:worker_id}/reveal/{field}",
    response={200: RevealOut, **ERROR_RESPONSES, 429: ErrorOut},
)
def worker_reveal(request, worker_id: int, field: str):
    """The full ID (``document``) or phone (``phone``) number, for roles that need it. Every
    call is written to the audit trail. Looks are limited per user (by default 30 in 10 minutes
    and 200 a day): over a limit, ``429 too_many_reveals`` with ``Retry-After`` (seconds)."""
    worker = selectors.worker_get(actor=request.auth, worker_id=worker_id)
    return {"value": services.worker_reveal(actor=request.auth, worker=worker, field=field)}


@router.get("/workers/{int:worker_id}/clearance", response={200: ClearanceOut, **ERROR_RESPONSES})
def worker_clearance(request, worker_id: int):
    return _clearance(selectors.worker_get(actor=request.auth, worker_id=worker_id))


@router.post(
    "/enterprises/{int:enterprise_id}/roster",
    response={
        200: WorkerImportOut,
        202: JobOut,
        400: WorkerImportRejectedOut | ErrorOut,
        **ERROR_RESPONSES_BUT_400,
    },
)
def roster_import(
    request, enterprise_id: int, file: File[UploadedFile], numbers_checked: bool = False
):
    """Import a roster (xlsx or csv). Every row is written, or none: then 400 with the error
    body and a ``report`` listing every bad row. A file larger than
    ``FUGONG_IMPORT_INLINE_MAX_BYTES`` (200 kB, about 2,000 rows) is imported by a background
    worker: ``202`` with the job, to poll at ``GET /api/v1/jobs/{id}`` until it has finished; its
    ``result`` is then this report (``status`` ``failed`` and ``error.code`` ``import_rejected``
    when rows have problems)."""
    enterprise = enterprise_get(actor=request.auth, enterprise_id=enterprise_id)
    if runs_as_job(file):
        job = worker_import_enqueue(
            actor=request.auth, enterprise=enterprise, upload=file, numbers_checked=numbers_checked
        )
        return Status(202, job_out(job))
    report = worker_import(
        actor=request.auth, enterprise=enterprise, upload=file, numbers_checked=numbers_checked
    )
    if report.ok:
        return report.as_dict()
    message = rejected_message(report)
    return Status(
        400,
        {**error_body("import_rejected", message), "report": report.as_dict()},
    )


def _pass_out(worker_pass) -> dict:
    return {
        "id": worker_pass.pk,
        "worker_id": worker_pass.worker_id,
        "token": services.pass_token(worker_pass),
        "issued_at": worker_pass.issued_at,
        "expires_on": worker_pass.expires_on,
        "revoked_at": worker_pass.revoked_at,
    }


@router.post("/workers/{int:worker_id}/pass", response={201: PassOut, **ERROR_RESPONSES})
def pass_issue(request, worker_id: int, payload: PassIssueIn):
    """Issue a pass (the previous one is revoked). ``token`` is what the QR code carries."""
    worker = selectors.worker_get(actor=request.auth, worker_id=worker_id)
    return Status(
        201,
        _pass_out(
            services.pass_issue(actor=request.auth, worker=worker, valid_days=payload.valid_days)
        ),
    )


@router.post(
    "/workers/{int:worker_id}/pass/{int:pass_id}/revoke", response={200: PassOut, **ERROR_RESPONSES}
)
def pass_revoke(request, worker_id: int, pass_id: int, payload: PassRevokeIn):
    worker = selectors.worker_get(actor=request.auth, worker_id=worker_id)
    worker_pass = worker.passes.filter(pk=pass_id).first()
    if worker_pass is None:
        raise NotFoundError()
    return _pass_out(
        services.pass_revoke(actor=request.auth, worker_pass=worker_pass, reason=payload.reason)
    )


@router.post("/passes/check", response={200: PassCheckOut, **ERROR_RESPONSES})
def pass_check(request, payload: PassCheckIn):
    """Who a scanned pass belongs to and their clearance today, within your scope. A revoked
    or expired pass is 409, a forged or unknown one 404."""
    from django.utils import timezone

    require(request.auth, Action.WORKERS_VIEW)
    worker_pass = services.pass_resolve(payload.token)
    worker = selectors.worker_get(actor=request.auth, worker_id=worker_pass.worker_id)
    return {
        "worker_id": worker.pk,
        "full_name": worker.full_name,
        "enterprise_id": worker.enterprise_id,
        "enterprise_name": worker.enterprise.name if worker.enterprise else "",
        "clearance_today": worker.clearance_on(timezone.localdate()),
        "observation_until": worker.observation_until,
        "expires_on": worker_pass.expires_on,
    }


# ----- screening rules -----------------------------------------------------------------------


@router.get("/risk-areas", response={200: list[RiskAreaOut], **ERROR_RESPONSES}, tags=["screening"])
def risk_area_list(request):
    return list(screening_selectors.risk_area_list(actor=request.auth))


@router.post(
    "/risk-areas",
    response={201: RiskAreaSavedOut, 202: RiskAreaSavedOut, **ERROR_RESPONSES},
    tags=["screening"],
)
def risk_area_add(request, payload: RiskAreaIn):
    """Declare a risk area; everyone who was there is re-screened at once (``201`` with the
    run), or, when they are many, in a background job (``202`` with the job to poll)."""
    area, run = screening_services.risk_area_add(actor=request.auth, **payload.model_dump())
    if isinstance(run, Job):
        return Status(202, {"area": area, "run": None, "job": job_out(run)})
    return Status(201, {"area": area, "run": run, "job": None})


@router.get("/rescreenings", response={200: list[RunOut], **ERROR_RESPONSES}, tags=["screening"])
@paginate(Pagination)
def run_list(request):
    return screening_selectors.run_list(actor=request.auth)
