"""Pages: supervision bulletins (draft, edit, publish, download as .docx) and notices (issue,
read, acknowledge receipt, download attachments)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fugong.accounts.http import AuthenticatedRequest
from fugong.core.errors import ApplicationError
from fugong.core.forms import add_application_error
from fugong.core.roles import Action, Role, require, user_can
from fugong.resumption.views import attachment_file_response

from . import jobs, selectors, services
from .exports import bulletin_docx, bulletin_file_name, bulletin_paragraphs
from .forms import BulletinForm, DraftForm, NoticeForm
from .models import Bulletin, BulletinStatus

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# ----- bulletins -----------------------------------------------------------------------------


@login_required
def list_view(request: AuthenticatedRequest) -> HttpResponse:
    bulletins = selectors.bulletin_list(actor=request.user)
    can_manage = user_can(request.user, Action.BULLETINS_MANAGE)
    form = DraftForm(request.POST or None)
    status = 200
    if request.method == "POST":
        require(request.user, Action.BULLETINS_MANAGE)
        status = 400
        if form.is_valid():
            try:
                bulletin = services.bulletin_draft(
                    actor=request.user,
                    period_start=form.cleaned_data["period_start"],
                    period_end=form.cleaned_data["period_end"],
                    title=form.cleaned_data["title"],
                )
            except ApplicationError as error:
                add_application_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Bulletin drafted from the period's inspections."))
                return redirect("bulletins:detail", bulletin_id=bulletin.pk)
    page = Paginator(bulletins, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "bulletins/list.html",
        {
            "page": page,
            "form": form,
            "can_manage": can_manage,
            "can_read_notices": user_can(request.user, Action.NOTICES_VIEW),
        },
        status=status,
    )


def _bulletin_form(bulletin, data=None) -> BulletinForm:
    initial = {
        name: getattr(bulletin, name)
        for name in (*services.BULLETIN_TEXT_FIELDS, "period_start", "period_end")
    }
    initial["enterprises"] = list(bulletin.enterprises.values_list("pk", flat=True))
    return BulletinForm(data, initial=initial)


@login_required
def detail_view(request: AuthenticatedRequest, bulletin_id: int) -> HttpResponse:
    bulletin = selectors.bulletin_get(actor=request.user, bulletin_id=bulletin_id)
    form = _bulletin_form(bulletin, request.POST or None)
    status = 200
    if request.method == "POST":
        require(request.user, Action.BULLETINS_MANAGE)
        status = 400
        if form.is_valid():
            try:
                services.bulletin_update(actor=request.user, bulletin=bulletin, **form.cleaned_data)
            except ApplicationError as error:
                add_application_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Bulletin saved."))
                return redirect("bulletins:detail", bulletin_id=bulletin.pk)
    return _render_detail(request, bulletin, form, status=status)


def _render_detail(request, bulletin, form, *, status=200, error=None) -> HttpResponse:
    return render(
        request,
        "bulletins/detail.html",
        {
            "bulletin": bulletin,
            "form": form,
            "can_edit": user_can(request.user, Action.BULLETINS_MANAGE)
            and bulletin.status == BulletinStatus.DRAFT,
            "enterprises": bulletin.enterprises.order_by("name"),
            "error": error,
        },
        status=status,
    )


@login_required
@require_POST
def publish_view(request: AuthenticatedRequest, bulletin_id: int) -> HttpResponse:
    bulletin = selectors.bulletin_get(actor=request.user, bulletin_id=bulletin_id)
    try:
        bulletin = services.bulletin_publish(actor=request.user, bulletin=bulletin)
    except ApplicationError as error:
        if error.status in (401, 403, 404):
            raise
        bulletin.refresh_from_db()
        return _render_detail(
            request, bulletin, _bulletin_form(bulletin), status=error.status, error=error
        )
    messages.success(
        request, _("Bulletin published as issue %(number)s.") % {"number": bulletin.number}
    )
    return redirect("bulletins:detail", bulletin_id=bulletin.pk)


@login_required
def docx_view(request: AuthenticatedRequest, bulletin_id: int) -> HttpResponse:
    """The bulletin as .docx; a long one is offered as a background job (GET), started by
    POST, and the browser goes to the job's page."""
    bulletin = selectors.bulletin_get(actor=request.user, bulletin_id=bulletin_id)
    if jobs.docx_runs_as_job(bulletin):
        if request.method == "POST":
            job = jobs.docx_enqueue(actor=request.user, bulletin=bulletin)
            return redirect("jobs:detail", job.pk)
        return render(
            request,
            "core/export_job_offer.html",
            {
                "title": bulletin.title,
                "size": bulletin_paragraphs(bulletin),
                "back_url": reverse("bulletins:detail", args=[bulletin.pk]),
            },
        )
    return docx_response(bulletin)


def docx_response(bulletin: Bulletin) -> HttpResponse:
    response = HttpResponse(bulletin_docx(bulletin), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{bulletin_file_name(bulletin)}"'
    response["Cache-Control"] = "private, no-store"
    return response


# ----- notices -------------------------------------------------------------------------------


@login_required
def notice_list_view(request: AuthenticatedRequest) -> HttpResponse:
    notices = selectors.notice_list(actor=request.user)
    can_issue = user_can(request.user, Action.NOTICES_ISSUE)
    form = NoticeForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        require(request.user, Action.NOTICES_ISSUE)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                notice = services.notice_issue(
                    actor=request.user,
                    document_number=data["document_number"],
                    title=data["title"],
                    issued_on=data["issued_on"],
                    body=data["body"],
                    to_all=data["recipients"] == "all",
                    enterprises=data["enterprises"],
                    uploads=data["attachments"],
                )
            except ApplicationError as error:
                add_application_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Notice issued."))
                return redirect("bulletins:notice", notice_id=notice.pk)
    page = Paginator(notices, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "bulletins/notice_list.html",
        {
            "page": page,
            "form": form,
            "can_issue": can_issue,
            "is_officer": request.user.role == Role.ENTERPRISE_OFFICER,
        },
        status=status,
    )


@login_required
def notice_detail_view(request: AuthenticatedRequest, notice_id: int) -> HttpResponse:
    notice = selectors.notice_get(actor=request.user, notice_id=notice_id)
    own = selectors.notice_recipient_own(actor=request.user, notice=notice)
    show_recipients = request.user.role in (Role.COMMAND, Role.LIAISON)
    return render(
        request,
        "bulletins/notice_detail.html",
        {
            "notice": notice,
            "attachments": notice.attachments.all(),
            "recipients": selectors.notice_recipients(notice, actor=request.user)
            if show_recipients
            else None,
            "own": own,
            "can_acknowledge": own is not None
            and own.acknowledged_at is None
            and user_can(request.user, Action.NOTICES_ACKNOWLEDGE),
        },
    )


@login_required
@require_POST
def notice_acknowledge_view(request: AuthenticatedRequest, notice_id: int) -> HttpResponse:
    notice = selectors.notice_get(actor=request.user, notice_id=notice_id)
    services.notice_acknowledge(actor=request.user, notice=notice)
    messages.success(request, _("Receipt acknowledged."))
    return redirect("bulletins:notice", notice_id=notice.pk)


@login_required
def notice_attachment_view(
    request: AuthenticatedRequest, notice_id: int, attachment_id: int
) -> FileResponse:
    attachment = selectors.notice_attachment_get(
        actor=request.user, notice_id=notice_id, attachment_id=attachment_id
    )
    inline = attachment.content_type != "application/pdf" or request.GET.get("inline") == "1"
    return attachment_file_response(attachment, inline=inline)
