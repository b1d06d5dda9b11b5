"""API: resumption applications — create, edit, submit, verify, approve, return, attach."""

from datetime import date, datetime
from decimal import Decimal

from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from fugong.core.api import ERROR_RESPONSES, InputSchema, Pagination
from fugong.core.errors import NotFoundError
from fugong.core.files import check_attachment
from fugong.core.roles import Action, require
from fugong.enterprises.selectors import enterprise_get

from . import selectors, services
from .models import ApplicationStatus, AttachmentPurpose, Recommendation
from .views import attachment_file_response

router = Router(tags=["applications"])


class ItemAnswerIn(InputSchema):
    item_id: int
    met: bool | None = None
    note: str = Field("", max_length=500)


class VerificationCheckIn(InputSchema):
    item_id: int
    met: bool
    note: str = Field("", max_length=500)


class RectificationResponseIn(InputSchema):
    id: int
    response: str = Field(max_length=5000)


class ApplicationIn(InputSchema):
    planned_date: date
    returning_local: int = Field(0, ge=0, le=1_000_000)
    returning_outside: int = Field(0, ge=0, le=1_000_000)
    prevention_plan: str = Field("", max_length=20000)
    emergency_plan: str = Field("", max_length=20000)
    masks_on_hand: int = Field(0, ge=0, le=10_000_000)
    thermometers_on_hand: int = Field(0, ge=0, le=100_000)
    oximeters_on_hand: int = Field(0, ge=0, le=100_000)
    disinfectant_litres_on_hand: Decimal = Field(
        Decimal(0), ge=0, le=Decimal("99999999.9"), decimal_places=1
    )
    other_supplies: str = Field("", max_length=2000)
    responsible_person: str = Field("", max_length=100)
    commitment_accepted: bool = False


class ApplicationPatch(InputSchema):
    planned_date: date | None = None
    returning_local: int | None = Field(None, ge=0, le=1_000_000)
    returning_outside: int | None = Field(None, ge=0, le=1_000_000)
    prevention_plan: str | None = Field(None, max_length=20000)
    emergency_plan: str | None = Field(None, max_length=20000)
    masks_on_hand: int | None = Field(None, ge=0, le=10_000_000)
    thermometers_on_hand: int | None = Field(None, ge=0, le=100_000)
    oximeters_on_hand: int | None = Field(None, ge=0, le=100_000)
    disinfectant_litres_on_hand: Decimal | None = Field(
        None, ge=0, le=Decimal("99999999.9"), decimal_places=1
    )
    other_supplies: str | None = Field(None, max_length=2000)
    responsible_person: str | None = Field(None, max_length=100)
    commitment_accepted: bool | None = None
    self_check: list[ItemAnswerIn] = Field(default_factory=list, max_length=500)
    rectification_responses: list[RectificationResponseIn] = Field(
        default_factory=list, max_length=500
    )


class VerifyIn(InputSchema):
    checks: list[VerificationCheckIn] = Field(max_length=500)
    recommendation: Recommendation
    summary: str = Field("", max_length=5000)


class ApproveIn(InputSchema):
    resumption_date: date
    note: str = Field("", max_length=5000)


class ReturnIn(InputSchema):
    rectification_items: list[str] = Field(min_length=1, max_length=100)
    note: str = Field("", max_length=5000)


class EnterpriseRef(Schema):
    id: int
    name: str
    credit_code: str


class SelfCheckOut(Schema):
    item_id: int
    code: str
    text: str
    met: bool | None
    note: str


class VerificationCheckOut(Schema):
    round: int
    item_id: int
    code: str
    met: bool
    note: str


class ApplicationRectificationOut(Schema):
    id: int
    round: int
    text: str
    response: str


class ApplicationAttachmentOut(Schema):
    id: int
    purpose: AttachmentPurpose
    round: int
    item_id: int | None
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class ApplicationSummaryOut(Schema):
    id: int
    enterprise: EnterpriseRef
    status: ApplicationStatus
    round: int
    planned_date: date
    resumption_date: date | None
    submitted_at: datetime | None
    verified_at: datetime | None
    recommendation: str
    decided_at: datetime | None
    updated_at: datetime


class ApplicationOut(ApplicationSummaryOut):
    guide_version_id: int
    guide_version_number: int
    returning_local: int
    returning_outside: int
    prevention_plan: str
    emergency_plan: str
    masks_on_hand: int
    thermometers_on_hand: int
    oximeters_on_hand: int
    disinfectant_litres_on_hand: Decimal
    other_supplies: str
    responsible_person: str
    commitment_accepted: bool
    verification_summary: str
    decision_note: str
    missing_for_submission: list[str]
    self_check: list[SelfCheckOut]
    verification: list[VerificationCheckOut]
    rectification_items: list[ApplicationRectificationOut]
    attachments: list[ApplicationAttachmentOut]


class TimelineEventOut(Schema):
    time: datetime
    action: str
    label: str
    actor: str | None
    summary: str


def _out(application) -> dict:
    data = {
        key: getattr(application, key)
        for key in ApplicationOut.model_fields
        if hasattr(application, key)
    }
    data["enterprise"] = application.enterprise
    data["guide_version_number"] = application.guide_version.number
    data["missing_for_submission"] = (
        services.application_missing_for_submission(application) if application.is_editable else []
    )
    data["self_check"] = [
        {
            "item_id": answer.item_id,
            "code": answer.item.code,
            "text": answer.item.text,
            "met": answer.met,
            "note": answer.note,
        }
        for answer in selectors.application_self_check(application)
    ]
    data["verification"] = [
        {
            "round": check.round,
            "item_id": check.item_id,
            "code": check.item.code,
            "met": check.met,
            "note": check.note,
        }
        for checks in selectors.application_verification_rounds(application).values()
        for check in checks
    ]
    data["rectification_items"] = list(application.rectification_items.all())
    data["attachments"] = list(application.attachments.all())
    return data


def _get(request, application_id: int):
    return selectors.application_get(actor=request.auth, application_id=application_id)


@router.get("", response={200: list[ApplicationSummaryOut], **ERROR_RESPONSES})
@paginate(Pagination)
def application_list(request, status: ApplicationStatus | None = None, q: str = ""):
    """Applications in your scope, most recently changed first."""
    return selectors.application_list(actor=request.auth, status=status or "", query=q)


@router.get("/{int:application_id}", response={200: ApplicationOut, **ERROR_RESPONSES})
def application_detail(request, application_id: int):
    return _out(_get(request, application_id))


@router.get(
    "/{int:application_id}/timeline", response={200: list[TimelineEventOut], **ERROR_RESPONSES}
)
def application_timeline(request, application_id: int):
    """Every audited step about the application's enterprise, oldest first."""
    application = _get(request, application_id)
    return [
        {
            "time": event.created_at,
            "action": event.action,
            "label": event.get_action_display(),
            "actor": str(event.actor) if event.actor else None,
            "summary": event.summary,
        }
        for event in selectors.enterprise_timeline(application.enterprise)
    ]


@router.post("", response={201: ApplicationOut, **ERROR_RESPONSES})
def application_create(request, payload: ApplicationIn):
    """Start your enterprise's application (enterprise officer). An enterprise has one
    application, so a retried request is refused with 409 and creates nothing."""
    require(request.auth, Action.APPLICATIONS_APPLY)
    enterprise = enterprise_get(actor=request.auth, enterprise_id=request.auth.enterprise_id)
    application = services.application_create(
        actor=request.auth, enterprise=enterprise, **payload.model_dump()
    )
    return Status(201, _out(_get(request, application.pk)))


@router.patch("/{int:application_id}", response={200: ApplicationOut, **ERROR_RESPONSES})
def application_update(request, application_id: int, payload: ApplicationPatch):
    application = _get(request, application_id)
    fields = payload.model_dump(
        exclude_unset=True, exclude={"self_check", "rectification_responses"}
    )
    fields = {key: value for key, value in fields.items() if value is not None}
    services.application_update(
        actor=request.auth,
        application=application,
        self_check={
            answer.item_id: services.ItemAnswer(answer.met, answer.note)
            for answer in payload.self_check
        },
        rectification_responses={
            item.id: item.response for item in payload.rectification_responses
        },
        **fields,
    )
    return _out(_get(request, application_id))


@router.post("/{int:application_id}/submit", response={200: ApplicationOut, **ERROR_RESPONSES})
def application_submit(request, application_id: int):
    services.application_submit(actor=request.auth, application=_get(request, application_id))
    return _out(_get(request, application_id))


@router.post("/{int:application_id}/verify", response={200: ApplicationOut, **ERROR_RESPONSES})
def application_verify(request, application_id: int, payload: VerifyIn):
    services.application_verify(
        actor=request.auth,
        application=_get(request, application_id),
        checks={
            check.item_id: services.ItemAnswer(check.met, check.note) for check in payload.checks
        },
        recommendation=payload.recommendation,
        summary=payload.summary,
    )
    return _out(_get(request, application_id))


@router.post("/{int:application_id}/approve", response={200: ApplicationOut, **ERROR_RESPONSES})
def application_approve(request, application_id: int, payload: ApproveIn):
    services.application_approve(
        actor=request.auth,
        application=_get(request, application_id),
        resumption_date=payload.resumption_date,
        note=payload.note,
    )
    return _out(_get(request, application_id))


@router.post("/{int:application_id}/return", response={200: ApplicationOut, **ERROR_RESPONSES})
def application_return(request, application_id: int, payload: ReturnIn):
    services.application_return(
        actor=request.auth,
        application=_get(request, application_id),
        rectification_items=payload.rectification_items,
        note=payload.note,
    )
    return _out(_get(request, application_id))


@router.get(
    "/{int:application_id}/attachments/{int:attachment_id}",
    response={200: None, **ERROR_RESPONSES},
    openapi_extra={"responses": {200: {"description": "The file, with its content type."}}},
)
def application_attachment_download(request, application_id: int, attachment_id: int):
    """The attached file itself (PDF or image)."""
    attachment = selectors.application_attachment_get(
        actor=request.auth, application_id=application_id, attachment_id=attachment_id
    )
    return attachment_file_response(attachment, inline=True)


@router.post(
    "/{int:application_id}/attachments", response={201: ApplicationAttachmentOut, **ERROR_RESPONSES}
)
def application_attachment_add(
    request,
    application_id: int,
    file: File[UploadedFile],
    purpose: Form[AttachmentPurpose],
    item_id: Form[int | None] = None,
):
    """Attach a PDF or image (checked by content, at most 10 MB)."""
    application = _get(request, application_id)
    item = None
    if item_id is not None:
        item = application.guide_version.items.filter(pk=item_id).first()
        if item is None:
            raise NotFoundError()
    attachment = services.application_attachment_add(
        actor=request.auth,
        application=application,
        purpose=purpose,
        upload=check_attachment(file),
        item=item,
    )
    return Status(201, attachment)
