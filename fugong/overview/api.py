"""API: enterprises — list, read, register, edit, import, suspend and reinstate.

The enterprise resource carries its resumption status (derived where the applications live,
fugong.resumption) and suspension is the resumption app's, so the resource is composed here,
above both; the domain code is the enterprises' and the resumption's services and selectors."""

from datetime import date, datetime

from django.contrib.auth import get_user_model
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
)
from fugong.core.errors import ApplicationError, error_body
from fugong.core.privacy import mask_phone
from fugong.core.roles import Action, Role, require
from fugong.enterprises import selectors, services
from fugong.enterprises.imports import enterprise_import, enterprise_import_enqueue, runs_as_job
from fugong.enterprises.jobs import rejected_message
from fugong.enterprises.models import Enterprise, EnterpriseKind
from fugong.jobs.api import JobOut, job_out
from fugong.resumption import services as resumption_services
from fugong.resumption.selectors import EnterpriseStatus, with_status

router = Router(tags=["enterprises"])


class LiaisonOut(Schema):
    id: int
    full_name: str
    is_leader: bool


class EnterpriseOut(Schema):
    id: int
    name: str
    credit_code: str
    kind: EnterpriseKind
    is_above_scale: bool
    is_key: bool
    in_scope: bool
    usual_headcount: int
    address: str
    legal_representative: str
    contact_person: str
    contact_phone: str
    health_officer: str
    health_officer_phone: str
    has_observation_room: bool
    observation_room_details: str
    has_isolation_room: bool
    isolation_room_details: str
    has_waste_mask_bins: bool
    waste_mask_bins_details: str
    has_medical_room: bool
    medical_room_details: str
    liaison: LiaisonOut | None
    status: EnterpriseStatus
    created_at: datetime
    updated_at: datetime


class EnterpriseIn(InputSchema):
    name: str = Field(max_length=200)
    credit_code: str = Field(max_length=40)
    kind: EnterpriseKind = EnterpriseKind.INDUSTRIAL
    is_above_scale: bool = False
    is_key: bool = False
    in_scope: bool = True
    usual_headcount: int = Field(0, ge=0, le=10_000_000)
    address: str = Field("", max_length=300)
    legal_representative: str = Field("", max_length=100)
    contact_person: str = Field("", max_length=100)
    contact_phone: str = Field("", max_length=30)
    health_officer: str = Field("", max_length=100)
    health_officer_phone: str = Field("", max_length=30)
    has_observation_room: bool = False
    observation_room_details: str = Field("", max_length=300)
    has_isolation_room: bool = False
    isolation_room_details: str = Field("", max_length=300)
    has_waste_mask_bins: bool = False
    waste_mask_bins_details: str = Field("", max_length=300)
    has_medical_room: bool = False
    medical_room_details: str = Field("", max_length=300)
    liaison_id: int | None = None


class EnterprisePatch(InputSchema):
    name: str | None = Field(None, max_length=200)
    credit_code: str | None = Field(None, max_length=40)
    kind: EnterpriseKind | None = None
    is_above_scale: bool | None = None
    is_key: bool | None = None
    in_scope: bool | None = None
    usual_headcount: int | None = Field(None, ge=0, le=10_000_000)
    address: str | None = Field(None, max_length=300)
    legal_representative: str | None = Field(None, max_length=100)
    contact_person: str | None = Field(None, max_length=100)
    contact_phone: str | None = Field(None, max_length=30)
    health_officer: str | None = Field(None, max_length=100)
    health_officer_phone: str | None = Field(None, max_length=30)
    has_observation_room: bool | None = None
    observation_room_details: str | None = Field(None, max_length=300)
    has_isolation_room: bool | None = None
    isolation_room_details: str | None = Field(None, max_length=300)
    has_waste_mask_bins: bool | None = None
    waste_mask_bins_details: str | None = Field(None, max_length=300)
    has_medical_room: bool | None = None
    medical_room_details: str | None = Field(None, max_length=300)
    liaison_id: int | None = None


class SuspendIn(InputSchema):
    reason: str = Field(max_length=5000)
    starts_on: date | None = None


class ReinstateIn(InputSchema):
    reason: str = Field(max_length=5000)
    ends_on: date | None = None


class SuspensionOut(Schema):
    id: int
    enterprise_id: int
    starts_on: date
    ends_on: date | None
    reason: str
    reinstatement_reason: str


class EnterpriseImportErrorOut(Schema):
    row: int
    column: str
    message: str


class ImportReportOut(Schema):
    ok: bool
    total: int
    created: int
    updated: int
    unchanged: int
    errors: list[EnterpriseImportErrorOut]


class ImportRejectedOut(Schema):
    """The usual error body, with the report listing every bad row."""

    error: ErrorDetail
    report: ImportReportOut


def _out(actor, enterprise: Enterprise) -> dict:
    data = {
        key: getattr(enterprise, key)
        for key in EnterpriseOut.model_fields
        if hasattr(enterprise, key)
    }
    data["liaison"] = enterprise.liaison
    if actor.role == Role.INSPECTOR:
        # Inspectors arrive unannounced: they do not need the contacts' phone numbers.
        data["contact_phone"] = mask_phone(enterprise.contact_phone)
        data["health_officer_phone"] = mask_phone(enterprise.health_officer_phone)
    return data


def _liaison(liaison_id: int | None):
    if liaison_id is None:
        return None
    liaison = (
        get_user_model().objects.filter(pk=liaison_id, role=Role.LIAISON, is_active=True).first()
    )
    if liaison is None:
        message = _("No active liaison officer has this id.")
        raise ApplicationError(message, fields={"liaison_id": [message]})
    return liaison


def _annotated(actor, enterprise_id: int) -> Enterprise:
    enterprise = selectors.enterprise_get(actor=actor, enterprise_id=enterprise_id)
    return with_status(Enterprise.objects.filter(pk=enterprise.pk).select_related("liaison")).get()


@router.get("", response={200: list[EnterpriseOut], **ERROR_RESPONSES})
@paginate(Pagination)
def enterprise_list(
    request,
    q: str = "",
    kind: EnterpriseKind | None = None,
    status: EnterpriseStatus | None = None,
    in_scope: bool | None = None,
):
    """Enterprises in your scope, with their status today."""
    enterprises = with_status(
        selectors.enterprise_list(actor=request.auth, query=q, kind=kind or "", in_scope=in_scope)
    )
    if status:
        enterprises = enterprises.filter(status=status)
    return [_out(request.auth, enterprise) for enterprise in enterprises.order_by("id")]


@router.get("/{int:enterprise_id}", response={200: EnterpriseOut, **ERROR_RESPONSES})
def enterprise_detail(request, enterprise_id: int):
    return _out(request.auth, _annotated(request.auth, enterprise_id))


@router.post("", response={201: EnterpriseOut, **ERROR_RESPONSES})
def enterprise_create(request, payload: EnterpriseIn):
    """Register an enterprise (command post). The credit code is the key: a second request
    with the same code is refused with 400, so a retried request creates nothing twice."""
    require(request.auth, Action.ENTERPRISES_MANAGE)
    fields = payload.model_dump(exclude={"liaison_id"})
    enterprise = services.enterprise_create(
        actor=request.auth, liaison=_liaison(payload.liaison_id), **fields
    )
    return Status(201, _out(request.auth, _annotated(request.auth, enterprise.pk)))


@router.patch("/{int:enterprise_id}", response={200: EnterpriseOut, **ERROR_RESPONSES})
def enterprise_update(request, enterprise_id: int, payload: EnterprisePatch):
    enterprise = selectors.enterprise_get(actor=request.auth, enterprise_id=enterprise_id)
    require(request.auth, Action.ENTERPRISES_MANAGE)
    fields = payload.model_dump(exclude_unset=True)
    if "liaison_id" in fields:
        fields["liaison"] = _liaison(fields.pop("liaison_id"))
    fields = {key: value for key, value in fields.items() if value is not None or key == "liaison"}
    services.enterprise_update(actor=request.auth, enterprise=enterprise, **fields)
    return _out(request.auth, _annotated(request.auth, enterprise_id))


@router.post(
    "/import",
    response={
        200: ImportReportOut,
        202: JobOut,
        400: ImportRejectedOut | ErrorOut,
        **ERROR_RESPONSES_BUT_400,
    },
)
def enterprise_import_endpoint(request, file: File[UploadedFile]):
    """Import an xlsx or csv file. All rows are written, or none: then 400 with the error body
    and a ``report`` listing every bad row. A file larger than
    ``FUGONG_IMPORT_INLINE_MAX_BYTES`` (200 kB) is imported by a background worker: ``202``
    with the job, to poll at ``GET /api/v1/jobs/{id}``; its ``result`` is then this report."""
    if runs_as_job(file):
        return Status(202, job_out(enterprise_import_enqueue(actor=request.auth, upload=file)))
    report = enterprise_import(actor=request.auth, upload=file)
    if report.ok:
        return report.as_dict()
    message = rejected_message(report)
    return Status(
        400,
        {**error_body("import_rejected", message), "report": report.as_dict()},
    )


@router.post("/{int:enterprise_id}/suspend", response={201: SuspensionOut, **ERROR_RESPONSES})
def enterprise_suspend(request, enterprise_id: int, payload: SuspendIn):
    enterprise = selectors.enterprise_get(actor=request.auth, enterprise_id=enterprise_id)
    suspension = resumption_services.enterprise_suspend(
        actor=request.auth,
        enterprise=enterprise,
        reason=payload.reason,
        starts_on=payload.starts_on,
    )
    return Status(201, suspension)


@router.post("/{int:enterprise_id}/reinstate", response={200: SuspensionOut, **ERROR_RESPONSES})
def enterprise_reinstate(request, enterprise_id: int, payload: ReinstateIn):
    enterprise = selectors.enterprise_get(actor=request.auth, enterprise_id=enterprise_id)
    return resumption_services.enterprise_reinstate(
        actor=request.auth, enterprise=enterprise, reason=payload.reason, ends_on=payload.ends_on
    )
