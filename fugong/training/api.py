"""API: training sessions, their attendance and materials, who is trained.

Scoped like the pages: a session of an enterprise is seen by whoever sees the enterprise, a
park-wide session by every role that may view training; attendance rows by the scope of the
worker's enterprise. Anything else is 404.
"""

from datetime import date, datetime

from django.utils.translation import gettext as _
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
    fields_as_in_body,
)
from fugong.core.errors import error_body
from fugong.core.files import check_attachment
from fugong.core.roles import Action, require
from fugong.enterprises.selectors import enterprise_get
from fugong.resumption.views import attachment_file_response

from . import selectors, services

router = Router(tags=["training"])


class TrainingSessionIn(InputSchema):
    enterprise_id: int | None = Field(None, description="Empty for a park-wide session.")
    held_on: date
    topic: str = Field(max_length=200)
    trainer: str = Field(max_length=200)
    location: str = Field("", max_length=200)
    note: str = Field("", max_length=2000)


class TrainingAttendanceIn(InputSchema):
    worker_ids: list[int] = Field(min_length=1, max_length=1000)


class TrainingScanIn(InputSchema):
    token: str = Field(max_length=200, description="What the worker's pass QR code carries.")


class TrainingSessionSummaryOut(Schema):
    id: int
    enterprise_id: int | None
    enterprise: str | None
    held_on: date
    topic: str
    trainer: str
    location: str
    attendees: int


class TrainingAttendanceOut(Schema):
    worker_id: int
    name: str
    enterprise_id: int
    method: str
    recorded_at: datetime


class TrainingMaterialOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class TrainingSessionOut(TrainingSessionSummaryOut):
    note: str
    attendance: list[TrainingAttendanceOut]
    materials: list[TrainingMaterialOut]


class TrainingScanOut(Schema):
    worker_id: int
    name: str
    created: bool


class TrainingImportErrorOut(Schema):
    row: int
    column: str
    message: str


class TrainingImportOut(Schema):
    ok: bool
    total: int
    created: int
    unchanged: int
    errors: list[TrainingImportErrorOut]


class TrainingImportRejectedOut(Schema):
    error: ErrorDetail
    report: TrainingImportOut


class EnterpriseTrainingOut(Schema):
    enterprise_id: int
    enterprise: str
    workers: int
    trained: int
    untrained: int


class UntrainedWorkerOut(Schema):
    id: int
    name: str
    enterprise_id: int
    department: str


def _summary(session, attendees: int) -> dict:
    return {
        "id": session.pk,
        "enterprise_id": session.enterprise_id,
        "enterprise": session.enterprise.name if session.enterprise_id else None,
        "held_on": session.held_on,
        "topic": session.topic,
        "trainer": session.trainer,
        "location": session.location,
        "attendees": attendees,
    }


def _session_out(request, session_id: int) -> dict:
    session = selectors.session_get(actor=request.auth, session_id=session_id)
    attendance = [
        {
            "worker_id": row.worker_id,
            "name": row.worker.full_name,
            "enterprise_id": row.enterprise_id,
            "method": row.method,
            "recorded_at": row.recorded_at,
        }
        for row in selectors.session_attendances(actor=request.auth, session=session)
    ]
    return _summary(session, len(attendance)) | {
        "note": session.note,
        "attendance": attendance,
        "materials": [
            {key: getattr(material, key) for key in TrainingMaterialOut.model_fields if key != "id"}
            | {"id": material.pk}
            for material in session.materials.all()
        ],
    }


@router.get(
    "/training/sessions", response={200: list[TrainingSessionSummaryOut], **ERROR_RESPONSES}
)
@paginate(Pagination)
def training_session_list(request, enterprise_id: int | None = None, park_wide: bool = False):
    """Sessions in your scope, newest first; ``attendees`` counts those you may see."""
    sessions = selectors.session_list(
        actor=request.auth, enterprise_id=enterprise_id, park_wide=park_wide
    )
    return [_summary(session, getattr(session, "attendee_count", 0)) for session in sessions]


@router.post("/training/sessions", response={201: TrainingSessionOut, **ERROR_RESPONSES})
def training_session_create(request, payload: TrainingSessionIn):
    """Record a session: the command post of any enterprise or park-wide (no
    ``enterprise_id``), an enterprise's officer of their own enterprise. At most 90 days ahead."""
    require(request.auth, Action.TRAINING_MANAGE)
    enterprise = None
    if payload.enterprise_id is not None:
        enterprise = enterprise_get(actor=request.auth, enterprise_id=payload.enterprise_id)
    with fields_as_in_body({"enterprise": "enterprise_id"}):
        session = services.session_create(
            actor=request.auth,
            enterprise=enterprise,
            held_on=payload.held_on,
            topic=payload.topic,
            trainer=payload.trainer,
            location=payload.location,
            note=payload.note,
        )
    return Status(201, _session_out(request, session.pk))


@router.get(
    "/training/sessions/{int:session_id}", response={200: TrainingSessionOut, **ERROR_RESPONSES}
)
def training_session_detail(request, session_id: int):
    """The session with the attendance you may see and its materials."""
    return _session_out(request, session_id)


@router.post(
    "/training/sessions/{int:session_id}/attendance",
    response={200: TrainingSessionOut, **ERROR_RESPONSES},
)
def training_attendance_tick(request, session_id: int, payload: TrainingAttendanceIn):
    """Record workers as present (those recorded already stay). A worker you may not see: 404;
    a worker of another enterprise than the session's: 400 ``other_enterprise``; a session not
    held yet: 409 ``not_yet_held``. Refused: nothing is written."""
    session = selectors.session_get(actor=request.auth, session_id=session_id)
    services.attendance_tick(actor=request.auth, session=session, worker_ids=payload.worker_ids)
    return _session_out(request, session_id)


@router.delete(
    "/training/sessions/{int:session_id}/attendance/{int:worker_id}",
    response={204: None, **ERROR_RESPONSES},
)
def training_attendance_remove(request, session_id: int, worker_id: int):
    """Take a worker off the session's attendance."""
    session = selectors.session_get(actor=request.auth, session_id=session_id)
    services.attendance_remove(actor=request.auth, session=session, worker_id=worker_id)
    return Status(204, None)


@router.post(
    "/training/sessions/{int:session_id}/scan",
    response={200: TrainingScanOut, **ERROR_RESPONSES},
)
def training_attendance_scan(request, session_id: int, payload: TrainingScanIn):
    """A worker's pass scanned at the session: the worker is recorded as present (``created``
    false when they were already). An unknown, forged, or another scope's pass: 404; a revoked
    or expired one: 409."""
    session = selectors.session_get(actor=request.auth, session_id=session_id)
    worker, created = services.attendance_scan(
        actor=request.auth, session=session, token=payload.token
    )
    return {"worker_id": worker.pk, "name": worker.full_name, "created": created}


@router.post(
    "/training/sessions/{int:session_id}/attendance/import",
    response={
        200: TrainingImportOut,
        400: TrainingImportRejectedOut | ErrorOut,
        **ERROR_RESPONSES_BUT_400,
    },
)
def training_attendance_import(request, session_id: int, file: File[UploadedFile]):
    """Import the attendance (xlsx or csv: 证件号码, optionally 姓名). Every row is recorded, or
    none: then 400 ``import_rejected`` with a ``report`` listing every bad row."""
    session = selectors.session_get(actor=request.auth, session_id=session_id)
    report = services.attendance_import(actor=request.auth, session=session, upload=file)
    data = {key: value for key, value in report.as_dict().items() if key != "updated"}
    if report.ok:
        return data
    message = _("Nothing was imported: %(bad)s of %(total)s rows have problems.") % {
        "bad": report.bad_rows,
        "total": report.total,
    }
    return Status(400, {**error_body("import_rejected", message), "report": data})


@router.post(
    "/training/sessions/{int:session_id}/materials",
    response={201: TrainingMaterialOut, **ERROR_RESPONSES},
)
def training_material_add(request, session_id: int, file: File[UploadedFile]):
    """Attach a PDF or image (checked by its content) to the session."""
    session = selectors.session_get(actor=request.auth, session_id=session_id)
    services.require_manages(request.auth, session)
    material = services.material_add(
        actor=request.auth, session=session, upload=check_attachment(file)
    )
    return Status(
        201,
        {key: getattr(material, key) for key in TrainingMaterialOut.model_fields if key != "id"}
        | {"id": material.pk},
    )


@router.get(
    "/training/sessions/{int:session_id}/materials/{int:material_id}",
    response={200: None, **ERROR_RESPONSES},
)
def training_material_download(request, session_id: int, material_id: int):
    """The material's file."""
    material = selectors.material_get(
        actor=request.auth, session_id=session_id, material_id=material_id
    )
    return attachment_file_response(material, inline=False)


@router.get("/training/enterprises", response={200: list[EnterpriseTrainingOut], **ERROR_RESPONSES})
def training_counts(request, enterprise_id: int | None = None):
    """Per enterprise in your scope: its workers now, how many are trained, how many not."""
    return [
        {
            "enterprise_id": row.enterprise.pk,
            "enterprise": row.enterprise.name,
            "workers": row.workers,
            "trained": row.trained,
            "untrained": row.untrained,
        }
        for row in selectors.training_counts(actor=request.auth, enterprise_id=enterprise_id)
    ]


@router.get("/training/untrained", response={200: list[UntrainedWorkerOut], **ERROR_RESPONSES})
@paginate(Pagination)
def training_untrained(request, enterprise_id: int | None = None):
    """The workers in your scope who have attended no session yet."""
    return [
        {
            "id": worker.pk,
            "name": worker.full_name,
            "enterprise_id": worker.enterprise_id,
            "department": worker.department,
        }
        for worker in selectors.untrained_workers(actor=request.auth, enterprise_id=enterprise_id)
    ]
