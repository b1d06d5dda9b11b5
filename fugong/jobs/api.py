"""API: a job's state (polled after an operation answered ``202``), the caller's jobs, and a
job's result file. Only the job's owner sees it: another's is ``404``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from django.urls import reverse
from ninja import Router, Schema
from ninja.pagination import paginate

from fugong.core.api import ERROR_RESPONSES, Pagination

from . import selectors
from .models import Job
from .views import job_result_response

router = Router(tags=["jobs"])


class JobErrorOut(Schema):
    code: str
    message: str


class JobResultFileOut(Schema):
    name: str
    content_type: str
    url: str


class JobOut(Schema):
    """A background job. Poll ``url`` (about once a second) until ``status`` is ``succeeded``
    or ``failed``: ``result`` holds its summary (an import's report, also when it was refused
    for bad rows), ``result_file`` its file, ``error`` why it failed."""

    id: uuid.UUID
    kind: str
    status: Literal["queued", "running", "succeeded", "failed"]
    stage: str
    done: int
    total: int | None
    percent: int | None
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    expires_at: datetime | None
    url: str
    page_url: str
    error: JobErrorOut | None
    result: dict[str, Any] | None
    result_file: JobResultFileOut | None


def job_out(job: Job) -> dict[str, Any]:
    """The job resource, as the job's own endpoint and a ``202`` answer return it."""
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "stage": job.stage,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "attempts": job.attempts,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "expires_at": job.expires_at,
        "url": reverse("api-v1:job_get", args=[job.pk]),
        "page_url": reverse("jobs:detail", args=[job.pk]),
        "error": (
            {"code": job.error_code, "message": job.error_message} if job.error_message else None
        ),
        "result": job.result if job.finished else None,
        "result_file": (
            {
                "name": job.result_file_name,
                "content_type": job.result_content_type,
                "url": reverse("api-v1:job_result", args=[job.pk]),
            }
            if job.result_file
            else None
        ),
    }


@router.get("/jobs", response={200: list[JobOut], **ERROR_RESPONSES})
@paginate(Pagination)
def job_list(request):
    """Your jobs, newest first (finished ones are kept for ``FUGONG_JOB_RESULT_DAYS`` days)."""
    return [job_out(job) for job in selectors.job_list(actor=request.auth)]


@router.get("/jobs/{uuid:job_id}", response={200: JobOut, **ERROR_RESPONSES}, url_name="job_get")
def job_get(request, job_id: uuid.UUID):
    """One of your jobs: its status and progress, and once finished its result."""
    return job_out(selectors.job_get(actor=request.auth, job_id=job_id))


@router.get(
    "/jobs/{uuid:job_id}/result",
    response={200: None, **ERROR_RESPONSES},
    url_name="job_result",
    openapi_extra={"responses": {200: {"description": "The file, with its content type."}}},
)
def job_result(request, job_id: uuid.UUID):
    """The file a finished job produced (404 if it produced none, or has expired)."""
    return job_result_response(selectors.job_get(actor=request.auth, job_id=job_id))
