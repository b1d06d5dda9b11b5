"""The owner's pages: "My jobs", one job's page (progress while it runs, its report once it has
finished), the progress fragment htmx polls, and the result file."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.files.storage import storages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import render

from fugong.accounts.http import AuthenticatedRequest
from fugong.core.errors import NotFoundError

from . import selectors
from .models import Job
from .registry import job_kind


def job_context(job: Job) -> dict:
    kind = job_kind(job.kind)
    return {
        "job": job,
        "kind_title": kind.title if kind else job.kind,
        "result_template": kind.result_template if kind else None,
        "report": job.result,
    }


@login_required
def job_list_view(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(selectors.job_list(actor=request.user), 50).get_page(request.GET.get("page"))
    rows = [job_context(job) for job in page.object_list]
    running = any(not row["job"].finished for row in rows)
    return render(request, "jobs/list.html", {"page": page, "rows": rows, "running": running})


@login_required
def job_detail_view(request: AuthenticatedRequest, job_id: str) -> HttpResponse:
    job = selectors.job_get(actor=request.user, job_id=job_id)
    template = "jobs/_status.html" if request.htmx else "jobs/detail.html"
    response = render(request, template, job_context(job))
    response.headers["Vary"] = "HX-Request"
    response.headers["Cache-Control"] = "no-store"
    return response


@login_required
def job_result_view(request: AuthenticatedRequest, job_id: str) -> FileResponse:
    job = selectors.job_get(actor=request.user, job_id=job_id)
    return job_result_response(job)


def job_result_response(job: Job) -> FileResponse:
    """The job's result file as a download (404 when it has none)."""
    if not job.result_file:
        raise NotFoundError()
    try:
        handle = storages["default"].open(job.result_file, "rb")
    except OSError:
        raise NotFoundError() from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=job.result_file_name or "result",
        content_type=job.result_content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "no-store"
    return response
