"""API: inspections, their findings, rectification and its review.

Scoped like the pages: command post staff and inspectors see every inspection, a liaison those
of their enterprises, an enterprise officer only the completed inspections of their own
enterprise and their findings; anything else is 404.
"""

from datetime import date, datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import BaseModel, Field

from fugong.core.api import ERROR_RESPONSES, InputSchema, Pagination, fields_as_in_body
from fugong.core.errors import ApplicationError
from fugong.core.files import check_attachment
from fugong.core.roles import Action, require
from fugong.enterprises.selectors import enterprise_get
from fugong.guide.models import GuideItem
from fugong.resumption.views import attachment_file_response

from . import selectors, services
from .models import (
    AttachmentPurpose,
    FindingSeverity,
    FindingStatus,
    InspectionKind,
    InspectionStatus,
)

router = Router(tags=["inspections"])


# ----- bodies --------------------------------------------------------------------------------


class InspectionIn(InputSchema):
    enterprise_id: int
    kind: InspectionKind
    inspected_on: date
    team: str = Field("", max_length=200)
    follows_id: int | None = Field(None, description="The inspection a re-inspection follows.")


class ItemResultIn(InputSchema):
    item_id: int
    met: bool | None = Field(description="true: met, false: not met, null: not checked.")
    note: str = Field("", max_length=500)


class InspectionPatch(InputSchema):
    item_results: list[ItemResultIn] = Field(default_factory=list, max_length=500)
    summary: str | None = Field(None, max_length=20000)
    good_practice: str | None = Field(None, max_length=20000)
    team: str | None = Field(None, max_length=200)


class FindingIn(InputSchema):
    description: str = Field(max_length=5000)
    severity: FindingSeverity
    rectification_required: str = Field(max_length=5000)
    deadline: date
    item_id: int | None = None


class RectificationIn(InputSchema):
    response: str = Field(max_length=10000)


class ReviewIn(InputSchema):
    accept: bool
    note: str = Field("", max_length=5000)
    new_deadline: date | None = None


# ----- answers -------------------------------------------------------------------------------


class InspectionSummaryOut(BaseModel):
    id: int
    enterprise_id: int
    enterprise: str
    kind: str
    inspected_on: date
    inspector_id: int
    inspector: str
    team: str
    status: str
    completed_at: datetime | None
    follows_id: int | None
    findings: int
    findings_not_accepted: int


class ItemResultOut(BaseModel):
    item_id: int
    code: str
    category: str
    text: str
    met: bool | None
    note: str


class FindingAttachmentOut(BaseModel):
    id: int
    purpose: str
    rectification_id: int | None
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class FindingRectificationOut(BaseModel):
    id: int
    round: int
    response: str
    submitted_at: datetime
    decision: str
    decision_note: str
    decided_at: datetime | None
    new_deadline: date | None


class FindingSummaryOut(BaseModel):
    id: int
    inspection_id: int
    enterprise_id: int
    enterprise: str
    item_id: int | None
    item_code: str | None
    description: str
    severity: str
    rectification_required: str
    deadline: date
    status: str
    round: int
    overdue: bool
    created_at: datetime
    accepted_at: datetime | None


class FindingOut(FindingSummaryOut):
    attachments: list[FindingAttachmentOut]
    rectifications: list[FindingRectificationOut]


class InspectionOut(InspectionSummaryOut):
    guide_version_id: int
    summary: str
    good_practice: str
    item_results: list[ItemResultOut]
    finding_list: list[FindingSummaryOut]


def _user_name(user) -> str:
    return user.full_name or user.username


def _inspection_summary(inspection, findings: int, unresolved: int) -> dict:
    return {
        "id": inspection.pk,
        "enterprise_id": inspection.enterprise_id,
        "enterprise": inspection.enterprise.name,
        "kind": inspection.kind,
        "inspected_on": inspection.inspected_on,
        "inspector_id": inspection.inspector_id,
        "inspector": _user_name(inspection.inspector),
        "team": inspection.team,
        "status": inspection.status,
        "completed_at": inspection.completed_at,
        "follows_id": inspection.follows_id,
        "findings": findings,
        "findings_not_accepted": unresolved,
    }


def _finding_summary(finding) -> dict:
    return {
        "id": finding.pk,
        "inspection_id": finding.inspection_id,
        "enterprise_id": finding.enterprise_id,
        "enterprise": finding.enterprise.name,
        "item_id": finding.item_id,
        "item_code": finding.item.code if finding.item_id else None,
        "description": finding.description,
        "severity": finding.severity,
        "rectification_required": finding.rectification_required,
        "deadline": finding.deadline,
        "status": finding.status,
        "round": finding.round,
        "overdue": bool(getattr(finding, "is_overdue", False)),
        "created_at": finding.created_at,
        "accepted_at": finding.accepted_at,
    }


def _attachment_out(attachment) -> dict:
    return {
        key: getattr(attachment, key) for key in FindingAttachmentOut.model_fields if key != "id"
    } | {"id": attachment.pk}


def _finding_out(request, finding_id: int) -> dict:
    finding = selectors.finding_get(actor=request.auth, finding_id=finding_id)
    data = _finding_summary(finding)
    data["attachments"] = [_attachment_out(a) for a in finding.attachments.all()]
    data["rectifications"] = [
        {key: getattr(r, key) for key in FindingRectificationOut.model_fields if key != "id"}
        | {"id": r.pk}
        for r in finding.rectifications.all()
    ]
    return data


def _inspection_out(request, inspection_id: int) -> dict:
    inspection = selectors.inspection_get(actor=request.auth, inspection_id=inspection_id)
    findings = selectors.inspection_findings(inspection)
    unresolved = sum(1 for f in findings if f.status != FindingStatus.ACCEPTED)
    data = _inspection_summary(inspection, len(findings), unresolved)
    data["guide_version_id"] = inspection.guide_version_id
    data["summary"] = inspection.summary
    data["good_practice"] = inspection.good_practice
    data["item_results"] = [
        {
            "item_id": row.item.pk,
            "code": row.item.code,
            "category": row.item.category,
            "text": row.item.text,
            "met": row.met,
            "note": row.note,
        }
        for group in selectors.inspection_checklist(inspection)
        for row in group.rows
    ]
    for finding in findings:
        finding.enterprise = inspection.enterprise
    data["finding_list"] = [_finding_summary(finding) for finding in findings]
    return data


# ----- inspections ---------------------------------------------------------------------------


@router.get("/inspections", response={200: list[InspectionSummaryOut], **ERROR_RESPONSES})
@paginate(Pagination)
def inspection_list(
    request,
    enterprise_id: int | None = None,
    kind: InspectionKind | None = None,
    status: InspectionStatus | None = None,
    overdue: bool = False,
):
    """Inspections in your scope, newest first; ``overdue=true``: only those with a finding
    overdue today."""
    inspections = selectors.inspection_list(
        actor=request.auth, enterprise_id=enterprise_id, kind=kind, status=status, overdue=overdue
    )
    return [
        _inspection_summary(inspection, inspection.finding_count, inspection.unresolved_count)
        for inspection in inspections
    ]


@router.post("/inspections", response={201: InspectionOut, **ERROR_RESPONSES})
def inspection_create(request, payload: InspectionIn):
    """Start recording an inspection (a draft) against the current guide. Command post staff
    and inspectors: any enterprise, any kind; a liaison: a ``follow_up`` of their own
    enterprises only."""
    require(request.auth, Action.INSPECTIONS_CONDUCT)
    enterprise = enterprise_get(actor=request.auth, enterprise_id=payload.enterprise_id)
    follows = None
    if payload.follows_id is not None:
        follows = selectors.inspection_get(actor=request.auth, inspection_id=payload.follows_id)
    with fields_as_in_body({"follows": "follows_id", "enterprise": "enterprise_id"}):
        inspection = services.inspection_create(
            actor=request.auth,
            enterprise=enterprise,
            kind=payload.kind,
            inspected_on=payload.inspected_on,
            team=payload.team,
            follows=follows,
        )
    return Status(201, _inspection_out(request, inspection.pk))


@router.get("/inspections/{int:inspection_id}", response={200: InspectionOut, **ERROR_RESPONSES})
def inspection_detail(request, inspection_id: int):
    """The inspection with every guide item's result and its findings."""
    return _inspection_out(request, inspection_id)


@router.patch("/inspections/{int:inspection_id}", response={200: InspectionOut, **ERROR_RESPONSES})
def inspection_update(request, inspection_id: int, payload: InspectionPatch):
    """Record item results, the summary, the good practice seen or the team, while the
    inspection is a draft (its inspector or the command post)."""
    inspection = selectors.inspection_get(actor=request.auth, inspection_id=inspection_id)
    services.inspection_update(
        actor=request.auth,
        inspection=inspection,
        item_results={
            result.item_id: services.ItemResult(result.met, result.note)
            for result in payload.item_results
        },
        summary=payload.summary,
        good_practice=payload.good_practice,
        team=payload.team,
    )
    return _inspection_out(request, inspection_id)


@router.post(
    "/inspections/{int:inspection_id}/complete", response={200: InspectionOut, **ERROR_RESPONSES}
)
def inspection_complete(request, inspection_id: int):
    """Complete the inspection: the enterprise sees it and its findings from now on."""
    inspection = selectors.inspection_get(actor=request.auth, inspection_id=inspection_id)
    services.inspection_complete(actor=request.auth, inspection=inspection)
    return _inspection_out(request, inspection_id)


@router.post(
    "/inspections/{int:inspection_id}/findings", response={201: FindingOut, **ERROR_RESPONSES}
)
def finding_add(request, inspection_id: int, payload: FindingIn):
    """Record a finding of a draft inspection. The deadline may not be before the inspection;
    ``item_id`` must be an item of the inspection's guide version. Photos:
    ``POST /findings/{id}/attachments`` with ``purpose=photo``."""
    inspection = selectors.inspection_get(actor=request.auth, inspection_id=inspection_id)
    item = None
    if payload.item_id is not None:
        item = GuideItem.objects.filter(pk=payload.item_id).first()
        if item is None:
            message = _("The item is not in this inspection's guide version.")
            raise ApplicationError(message, code="unknown_item", fields={"item_id": [message]})
    with fields_as_in_body({"item": "item_id"}):
        finding = services.finding_add(
            actor=request.auth,
            inspection=inspection,
            description=payload.description,
            severity=payload.severity,
            rectification_required=payload.rectification_required,
            deadline=payload.deadline,
            item=item,
        )
    return Status(201, _finding_out(request, finding.pk))


# ----- findings ------------------------------------------------------------------------------


@router.get("/findings", response={200: list[FindingSummaryOut], **ERROR_RESPONSES})
@paginate(Pagination)
def finding_list(
    request,
    status: FindingStatus | None = None,
    overdue: bool = False,
    enterprise_id: int | None = None,
    severity: FindingSeverity | None = None,
):
    """Findings in your scope, the nearest deadline first; ``overdue=true``: only those overdue
    today."""
    findings = selectors.finding_list(
        actor=request.auth,
        status=status,
        overdue=overdue,
        enterprise_id=enterprise_id,
        severity=severity,
    )
    return [_finding_summary(finding) for finding in findings]


@router.get("/findings/{int:finding_id}", response={200: FindingOut, **ERROR_RESPONSES})
def finding_detail(request, finding_id: int):
    """The finding with its photos and evidence, and its rounds of rectification."""
    return _finding_out(request, finding_id)


@router.post(
    "/findings/{int:finding_id}/rectifications", response={201: FindingOut, **ERROR_RESPONSES}
)
def rectification_submit(request, finding_id: int, payload: RectificationIn):
    """The enterprise officer answers an open finding (its current round). Evidence uploaded
    beforehand (``POST /findings/{id}/attachments``, ``purpose=evidence``) belongs to it."""
    finding = selectors.finding_get(actor=request.auth, finding_id=finding_id)
    services.rectification_submit(actor=request.auth, finding=finding, response=payload.response)
    return Status(201, _finding_out(request, finding_id))


@router.post("/findings/{int:finding_id}/review", response={200: FindingOut, **ERROR_RESPONSES})
def rectification_review(request, finding_id: int, payload: ReviewIn):
    """Accept the submitted rectification, or reopen the finding (``note`` required; an
    optional ``new_deadline``, today or later)."""
    finding = selectors.finding_get(actor=request.auth, finding_id=finding_id)
    services.rectification_review(
        actor=request.auth,
        finding=finding,
        accept=payload.accept,
        note=payload.note,
        new_deadline=payload.new_deadline,
    )
    return _finding_out(request, finding_id)


@router.post(
    "/findings/{int:finding_id}/attachments",
    response={201: FindingAttachmentOut, **ERROR_RESPONSES},
)
def finding_attachment_add(
    request,
    finding_id: int,
    file: File[UploadedFile],
    purpose: Form[Literal["photo", "evidence"]],
):
    """Attach a PDF or image (checked by content, at most 10 MB, 20 per finding): a ``photo``
    by the inspector while the inspection is a draft, ``evidence`` by the enterprise officer
    while the finding is open."""
    finding = selectors.finding_get(actor=request.auth, finding_id=finding_id)
    require(
        request.auth,
        Action.INSPECTIONS_CONDUCT
        if purpose == AttachmentPurpose.PHOTO.value
        else Action.FINDINGS_RECTIFY,
    )
    attachment = services.finding_attachment_add(
        actor=request.auth, finding=finding, upload=check_attachment(file), purpose=purpose
    )
    return Status(201, _attachment_out(attachment))


@router.get(
    "/findings/{int:finding_id}/attachments/{int:attachment_id}",
    response={200: None, **ERROR_RESPONSES},
    openapi_extra={"responses": {200: {"description": "The file, with its content type."}}},
)
def finding_attachment_download(request, finding_id: int, attachment_id: int):
    """The attached file itself (PDF or image)."""
    attachment = selectors.finding_attachment_get(
        actor=request.auth, finding_id=finding_id, attachment_id=attachment_id
    )
    return attachment_file_response(attachment, inline=True)
