"""Pages for handover lists: the command post generates and follows them; a district liaison
reads, exports and acknowledges the lists for their district."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fugong.accounts.http import AuthenticatedRequest
from fugong.core.roles import Action, user_can

from . import jobs, selectors, services
from .services import handover_label


@login_required
def list_view(request: AuthenticatedRequest) -> HttpResponse:
    unacknowledged = request.GET.get("unacknowledged") == "1"
    lists = selectors.handover_list(actor=request.user, unacknowledged=unacknowledged)
    page = Paginator(lists, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "handover/list.html",
        {
            "page": page,
            "unacknowledged": unacknowledged,
            "unacknowledged_count": selectors.unacknowledged_count(actor=request.user),
            "can_generate": user_can(request.user, Action.HANDOVER_GENERATE),
        },
    )


@login_required
@require_POST
def generate_view(request: AuthenticatedRequest) -> HttpResponse:
    created = services.handover_generate(actor=request.user)
    messages.success(
        request, _("%(count)s lists generated and sent to the districts.") % {"count": len(created)}
    )
    return redirect("handover:list")


@login_required
def detail_view(request: AuthenticatedRequest, list_id: int) -> HttpResponse:
    handover_list = selectors.handover_get(actor=request.user, list_id=list_id)
    page = Paginator(handover_list.entries.order_by("full_name", "id"), 100).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "handover/detail.html",
        {
            "handover_list": handover_list,
            "page": page,
            "can_acknowledge": user_can(request.user, Action.HANDOVER_ACKNOWLEDGE)
            and handover_list.acknowledged_at is None,
        },
    )


@login_required
@require_POST
def acknowledge_view(request: AuthenticatedRequest, list_id: int) -> HttpResponse:
    handover_list = selectors.handover_get(actor=request.user, list_id=list_id)
    services.handover_acknowledge(actor=request.user, handover_list=handover_list)
    messages.success(request, _("Receipt acknowledged."))
    return redirect("handover:detail", list_id=handover_list.pk)


@login_required
def export_view(request: AuthenticatedRequest, list_id: int) -> HttpResponse:
    """The list as xlsx; a long one is offered as a background job (GET), started by POST,
    and the browser goes to the job's page."""
    handover_list = selectors.handover_get(actor=request.user, list_id=list_id)
    if jobs.export_runs_as_job(handover_list):
        if request.method == "POST":
            job = jobs.export_enqueue(actor=request.user, handover_list=handover_list)
            return redirect("jobs:detail", job.pk)
        return render(
            request,
            "core/export_job_offer.html",
            {
                "title": handover_label(handover_list),
                "size": handover_list.entry_count,
                "back_url": reverse("handover:detail", args=[handover_list.pk]),
            },
        )
    content, _full_phones = jobs.handover_export(actor=request.user, handover_list=handover_list)
    response = HttpResponse(content, content_type=jobs.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{jobs.export_name(handover_list)}"'
    response["Cache-Control"] = "private, no-store"
    return response
