"""The bulletins and notices endpoints: the same services and scope as the pages."""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Literal

from ninja import File, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import BaseModel, Field

from fugong.core.api import ERROR_RESPONSES, InputSchema, Pagination, fields_as_in_body
from fugong.core.roles import Role
from fugong.jobs.api import JobOut, job_out
from fugong.resumption.views import attachment_file_response

from . import jobs, selectors, services
from .models import NoticeRecipient
from .views import docx_response

router = Router(tags=["bulletins"])


# ----- bulletins -----------------------------------------------------------------------------


class BulletinSummaryOut(BaseModel):
    id: int
    year: int
    number: int | None
    title: str
    period_start: date
    period_end: date
    status: Literal["draft", "published"]
    published_at: datetime | None


class BulletinOut(BulletinSummaryOut):
    overview: str
    problems: str
    rectification: str
    good_practice: str
    requirements: str
    enterprise_ids: list[int]
    created_at: datetime
    updated_at: datetime


def _summary(bulletin) -> dict:
    return {
        "id": bulletin.pk,
        "year": bulletin.year,
        "number": bulletin.number,
        "title": bulletin.title,
        "period_start": bulletin.period_start,
        "period_end": bulletin.period_end,
        "status": bulletin.status,
        "published_at": bulletin.published_at,
    }


def _bulletin_out(bulletin) -> dict:
    return {
        **_summary(bulletin),
        **{name: getattr(bulletin, name) for name in services.BULLETIN_TEXT_FIELDS},
        "enterprise_ids": sorted(bulletin.enterprises.values_list("pk", flat=True)),
        "created_at": bulletin.created_at,
        "updated_at": bulletin.updated_at,
    }


class BulletinDraftIn(InputSchema):
    period_start: date
    period_end: date
    title: str = Field("", max_length=200)


class BulletinPatchIn(InputSchema):
    title: str | None = Field(None, min_length=1, max_length=200)
    period_start: date | None = None
    period_end: date | None = None
    overview: str | None = Field(None, max_length=20_000)
    problems: str | None = Field(None, max_length=20_000)
    rectification: str | None = Field(None, max_length=20_000)
    good_practice: str | None = Field(None, max_length=20_000)
    requirements: str | None = Field(None, max_length=20_000)
    enterprise_ids: list[int] | None = Field(None, max_length=10_000)


@router.get("/bulletins", response={200: list[BulletinSummaryOut], **ERROR_RESPONSES})
@paginate(Pagination)
def bulletin_list(
    request, year: int | None = None, status: Literal["draft", "published"] | None = None
):
    """Supervision bulletins you may read, newest first (drafts only for the command post)."""
    return [
        _summary(item)
        for item in selectors.bulletin_list(actor=request.auth, year=year, status=status)
    ]


@router.get("/bulletins/{int:bulletin_id}", response={200: BulletinOut, **ERROR_RESPONSES})
def bulletin_get(request, bulletin_id: int):
    """One bulletin with its sections and the enterprises it concerns."""
    return _bulletin_out(selectors.bulletin_get(actor=request.auth, bulletin_id=bulletin_id))


@router.post("/bulletins", response={201: BulletinOut, **ERROR_RESPONSES})
def bulletin_draft(request, payload: BulletinDraftIn):
    """Draft a bulletin for a period, filled in from the inspections completed in it."""
    bulletin = services.bulletin_draft(
        actor=request.auth,
        period_start=payload.period_start,
        period_end=payload.period_end,
        title=payload.title,
    )
    return Status(201, _bulletin_out(bulletin))


@router.patch("/bulletins/{int:bulletin_id}", response={200: BulletinOut, **ERROR_RESPONSES})
def bulletin_update(request, bulletin_id: int, payload: BulletinPatchIn):
    """Change a draft (only the fields sent). A published bulletin answers 409."""
    bulletin = selectors.bulletin_get(actor=request.auth, bulletin_id=bulletin_id)
    fields = payload.model_dump(exclude_unset=True)
    if "enterprise_ids" in fields:
        fields["enterprises"] = fields.pop("enterprise_ids")
    with fields_as_in_body({"enterprises": "enterprise_ids"}):
        bulletin = services.bulletin_update(actor=request.auth, bulletin=bulletin, **fields)
    return _bulletin_out(selectors.bulletin_get(actor=request.auth, bulletin_id=bulletin.pk))


@router.post("/bulletins/{int:bulletin_id}/publish", response={200: BulletinOut, **ERROR_RESPONSES})
def bulletin_publish(request, bulletin_id: int):
    """Publish a draft: it gets the next number of its year and can no longer change."""
    bulletin = selectors.bulletin_get(actor=request.auth, bulletin_id=bulletin_id)
    return _bulletin_out(services.bulletin_publish(actor=request.auth, bulletin=bulletin))


@router.get(
    "/bulletins/{int:bulletin_id}/docx",
    response={200: None, 202: JobOut, **ERROR_RESPONSES},
    openapi_extra={"responses": {200: {"description": "The bulletin as a Word document."}}},
)
def bulletin_docx(request, bulletin_id: int):
    """The bulletin in the official layout as a .docx (a draft is marked （草稿）). A long one
    (more paragraphs than the server's ``FUGONG_DOCX_INLINE_MAX_PARAGRAPHS``) is written by a
    background job: ``202`` with the job; poll its ``url``, then download
    ``result_file.url``."""
    bulletin = selectors.bulletin_get(actor=request.auth, bulletin_id=bulletin_id)
    if jobs.docx_runs_as_job(bulletin):
        return Status(202, job_out(jobs.docx_enqueue(actor=request.auth, bulletin=bulletin)))
    return docx_response(bulletin)


# ----- notices -------------------------------------------------------------------------------


class NoticeSummaryOut(BaseModel):
    id: int
    document_number: str
    title: str
    issued_on: date
    to_all: bool
    recipients: int
    acknowledged: int


class NoticeAttachmentOut(BaseModel):
    id: int
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class RecipientOut(BaseModel):
    enterprise_id: int
    enterprise: str
    acknowledged_at: datetime | None


class NoticeOut(NoticeSummaryOut):
    body: str
    created_at: datetime
    attachments: list[NoticeAttachmentOut]
    # The command post and liaisons: the recipients in their scope; officers: their own.
    recipient_list: list[RecipientOut]


class NoticeIn(InputSchema):
    document_number: str = Field(min_length=1, max_length=100)
    title: str = Field(min_length=1, max_length=200)
    issued_on: date
    body: str = Field(min_length=1, max_length=50_000)
    to_all: bool = False
    enterprise_ids: list[int] = Field(default_factory=list, max_length=100_000)


def _notice_summary(notice) -> dict:
    return {
        "id": notice.pk,
        "document_number": notice.document_number,
        "title": notice.title,
        "issued_on": notice.issued_on,
        "to_all": notice.to_all,
        "recipients": notice.recipient_count,
        "acknowledged": notice.acknowledged_count,
    }


def _attachment_out(attachment) -> dict:
    return {
        "id": attachment.pk,
        "original_name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "uploaded_at": attachment.uploaded_at,
    }


def _notice_out(request, notice) -> dict:
    recipients: Iterable[NoticeRecipient]
    if request.auth.role in (Role.COMMAND, Role.LIAISON, Role.ENTERPRISE_OFFICER):
        recipients = selectors.notice_recipients(notice, actor=request.auth)
    else:
        recipients = []
    return {
        **_notice_summary(notice),
        "body": notice.body,
        "created_at": notice.created_at,
        "attachments": [_attachment_out(item) for item in notice.attachments.all()],
        "recipient_list": [
            {
                "enterprise_id": item.enterprise_id,
                "enterprise": item.enterprise.name,
                "acknowledged_at": item.acknowledged_at,
            }
            for item in recipients
        ],
    }


@router.get("/notices", response={200: list[NoticeSummaryOut], **ERROR_RESPONSES})
@paginate(Pagination)
def notice_list(request):
    """Notices sent to the enterprises in your scope (all for the command post), newest first;
    ``recipients`` and ``acknowledged`` count the recipients in your scope."""
    return [_notice_summary(item) for item in selectors.notice_list(actor=request.auth)]


@router.get("/notices/{int:notice_id}", response={200: NoticeOut, **ERROR_RESPONSES})
def notice_get(request, notice_id: int):
    """One notice, its attachments and its recipients within your scope."""
    return _notice_out(request, selectors.notice_get(actor=request.auth, notice_id=notice_id))


@router.post("/notices", response={201: NoticeOut, **ERROR_RESPONSES})
def notice_issue(request, payload: NoticeIn):
    """Issue a notice to every enterprise (``to_all``) or to the chosen ones. Attach files
    afterwards with ``POST /notices/{id}/attachments``."""
    with fields_as_in_body({"enterprises": "enterprise_ids"}):
        notice = services.notice_issue(
            actor=request.auth,
            document_number=payload.document_number,
            title=payload.title,
            issued_on=payload.issued_on,
            body=payload.body,
            to_all=payload.to_all,
            enterprises=payload.enterprise_ids,
        )
    return Status(
        201, _notice_out(request, selectors.notice_get(actor=request.auth, notice_id=notice.pk))
    )


@router.post(
    "/notices/{int:notice_id}/attachments", response={201: NoticeAttachmentOut, **ERROR_RESPONSES}
)
def notice_attachment_add(request, notice_id: int, file: File[UploadedFile]):
    """Attach a PDF or image to a notice (multipart, checked by content, at most 10 MB)."""
    notice = selectors.notice_get(actor=request.auth, notice_id=notice_id)
    attachment = services.notice_attachment_add(actor=request.auth, notice=notice, upload=file)
    return Status(201, _attachment_out(attachment))


@router.get(
    "/notices/{int:notice_id}/attachments/{int:attachment_id}",
    response={200: None, **ERROR_RESPONSES},
    openapi_extra={"responses": {200: {"description": "The file, with its content type."}}},
)
def notice_attachment_download(request, notice_id: int, attachment_id: int):
    """An attached file itself (PDF or image)."""
    attachment = selectors.notice_attachment_get(
        actor=request.auth, notice_id=notice_id, attachment_id=attachment_id
    )
    return attachment_file_response(attachment, inline=True)


@router.post(
    "/notices/{int:notice_id}/acknowledge", response={200: RecipientOut, **ERROR_RESPONSES}
)
def notice_acknowledge(request, notice_id: int):
    """Acknowledge receipt for your enterprise (enterprise officers). Acknowledging again
    changes nothing and answers the same."""
    notice = selectors.notice_get(actor=request.auth, notice_id=notice_id)
    recipient = services.notice_acknowledge(actor=request.auth, notice=notice)
    return {
        "enterprise_id": recipient.enterprise_id,
        "enterprise": recipient.enterprise.name,
        "acknowledged_at": recipient.acknowledged_at,
    }
