"""Pages for enterprises: the list, one enterprise, registration, edits and import."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.core.errors import ApplicationError
from fugong.core.forms import add_application_error
from fugong.core.htmx import render_page_or_fragment
from fugong.core.roles import Action, require, user_can
from fugong.resumption.selectors import (
    STATUS_STYLE,
    EnterpriseStatus,
    application_for_enterprise,
    enterprise_timeline,
    open_suspension,
    suspension_list,
    with_status,
)

from . import selectors, services
from .forms import EnterpriseFilterForm, EnterpriseForm, ImportForm
from .imports import enterprise_import, enterprise_import_template


@login_required
def enterprise_list_view(request: HttpRequest) -> HttpResponse:
    form = EnterpriseFilterForm(request.GET or None, status_choices=EnterpriseStatus.choices)
    filters = form.cleaned_data if form.is_valid() else {}
    enterprises = selectors.enterprise_list(
        actor=request.user,
        query=(filters.get("q") or "").strip(),
        kind=filters.get("kind") or "",
        liaison_id=filters["liaison"].pk if filters.get("liaison") else None,
    )
    enterprises = with_status(enterprises)
    if filters.get("status"):
        enterprises = enterprises.filter(status=filters["status"])
    page = Paginator(enterprises.order_by("name", "id"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render_page_or_fragment(
        request,
        "enterprises/enterprise_list.html",
        "enterprises/_enterprise_table.html",
        {
            "form": form,
            "page": page,
            "query_string": query.urlencode(),
            "status_labels": dict(EnterpriseStatus.choices),
            "status_style": STATUS_STYLE,
            "can_manage": user_can(request.user, Action.ENTERPRISES_MANAGE),
        },
    )


@login_required
def enterprise_detail_view(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(actor=request.user, enterprise_id=enterprise_id)
    enterprise = with_status(type(enterprise).objects.filter(pk=enterprise.pk)).get()
    application = (
        application_for_enterprise(actor=request.user, enterprise=enterprise)
        if user_can(request.user, Action.APPLICATIONS_VIEW)
        else None
    )
    return render(
        request,
        "enterprises/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "status_label": EnterpriseStatus(enterprise.status).label,
            "status_style": STATUS_STYLE[enterprise.status],
            "application": application,
            "suspensions": suspension_list(enterprise),
            "open_suspension": open_suspension(enterprise),
            "timeline": enterprise_timeline(enterprise, actor=request.user)
            if user_can(request.user, Action.APPLICATIONS_VIEW)
            else [],
            "can_manage": user_can(request.user, Action.ENTERPRISES_MANAGE),
            "can_suspend": user_can(request.user, Action.ENTERPRISES_SUSPEND),
            "can_audit": user_can(request.user, Action.AUDIT_VIEW),
            "can_apply": user_can(request.user, Action.APPLICATIONS_APPLY),
            "workforce": _workforce_summary(request.user, enterprise),
            "supervision": _supervision_summary(request.user, enterprise),
        },
    )


def _supervision_summary(user, enterprise) -> dict:
    """The enterprise's inspections, open findings, bulletins and notices, as far as the user's
    role shows them (each list is read through its own app's scoped selector)."""
    from fugong.bulletins.selectors import enterprise_bulletins, enterprise_notices
    from fugong.inspections.selectors import enterprise_inspections, enterprise_open_findings

    summary: dict = {}
    if user_can(user, Action.INSPECTIONS_VIEW):
        summary["inspections"] = enterprise_inspections(actor=user, enterprise=enterprise)[:10]
        summary["findings"] = enterprise_open_findings(actor=user, enterprise=enterprise)[:20]
    if user_can(user, Action.BULLETINS_VIEW):
        summary["bulletins"] = enterprise_bulletins(actor=user, enterprise=enterprise)[:10]
    if user_can(user, Action.NOTICES_VIEW):
        summary["notices"] = enterprise_notices(actor=user, enterprise=enterprise)[:20]
    summary["today"] = timezone.localdate()
    return summary


def _workforce_summary(user, enterprise) -> dict | None:
    """The enterprise's roster at a glance, with the links to work on it."""
    if not user_can(user, Action.WORKERS_VIEW):
        return None
    from fugong.workforce.selectors import worker_scope

    workers = worker_scope(user).filter(enterprise=enterprise)
    today = timezone.localdate()
    return {
        "total": workers.count(),
        "observation": workers.filter(
            clearance="observation", observation_until__gte=today
        ).count(),
        "not_cleared": workers.filter(clearance="not_cleared").count(),
        "can_manage": user_can(user, Action.WORKERS_MANAGE),
        "can_pass": user_can(user, Action.PASSES_MANAGE),
    }


def _enterprise_fields(form: EnterpriseForm) -> dict:
    return {key: form.cleaned_data[key] for key in form.Meta.fields if key in form.cleaned_data}


@login_required
def enterprise_create_view(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.ENTERPRISES_MANAGE)
    form = EnterpriseForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                enterprise = services.enterprise_create(
                    actor=request.user, **_enterprise_fields(form)
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(
                    request, _("Enterprise “%(name)s” registered.") % {"name": enterprise.name}
                )
                return redirect("enterprises:detail", enterprise_id=enterprise.pk)
        return render(request, "enterprises/enterprise_form.html", {"form": form}, status=400)
    return render(request, "enterprises/enterprise_form.html", {"form": form})


@login_required
def enterprise_edit_view(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(actor=request.user, enterprise_id=enterprise_id)
    require(request.user, Action.ENTERPRISES_MANAGE)
    form = EnterpriseForm(request.POST or None, instance=enterprise)
    context = {"form": form, "enterprise": enterprise}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.enterprise_update(
                    actor=request.user,
                    enterprise=selectors.enterprise_get(
                        actor=request.user, enterprise_id=enterprise_id
                    ),
                    **_enterprise_fields(form),
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("Enterprise saved."))
                return redirect("enterprises:detail", enterprise_id=enterprise_id)
        return render(request, "enterprises/enterprise_form.html", context, status=400)
    return render(request, "enterprises/enterprise_form.html", context)


@login_required
def enterprise_import_view(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.ENTERPRISES_IMPORT)
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                report = enterprise_import(actor=request.user, upload=form.cleaned_data["file"])
            except ApplicationError as error:
                add_application_error(form, error)
                status = error.status
            else:
                context["report"] = report
                status = 200 if report.ok else 400
    return render(request, "enterprises/enterprise_import.html", context, status=status)


@login_required
def enterprise_import_template_view(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.ENTERPRISES_IMPORT)
    response = HttpResponse(
        enterprise_import_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="enterprises-template.xlsx"'
    return response
