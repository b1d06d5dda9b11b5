"""The pages that read several domains: the home page each role lands on (what needs the user's
attention today); the audit trail, with the names of the enterprises, tokens and devices its rows
concern (the trail keeps their ids only); the enterprise list with each enterprise's resumption
status; and the enterprise's page (its status, application, suspensions, timeline, workers,
inspections, bulletins and notices)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from fugong.accounts.http import AuthenticatedRequest
from fugong.accounts.models import ApiToken
from fugong.audit.models import AuditAction
from fugong.audit.selectors import audit_event_list, reveal_alert_list
from fugong.bulletins.selectors import enterprise_bulletins, enterprise_notices
from fugong.core.htmx import render_page_or_fragment
from fugong.core.roles import Action, Role, user_can
from fugong.enterprises.forms import EnterpriseFilterForm
from fugong.enterprises.models import Enterprise
from fugong.enterprises.selectors import enterprise_get, enterprise_list
from fugong.gate.models import GateDevice
from fugong.gate.selectors import operator_gate_today
from fugong.handover.selectors import handover_list
from fugong.inspections.selectors import enterprise_inspections, enterprise_open_findings
from fugong.resumption.models import ApplicationStatus
from fugong.resumption.selectors import (
    STATUS_STYLE,
    EnterpriseStatus,
    application_counts,
    application_for_enterprise,
    application_list,
    enterprise_timeline,
    open_suspension,
    status_counts,
    suspension_list,
    with_status,
)
from fugong.workforce.selectors import worker_scope


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    """What needs the user's attention today, by role."""
    user = request.user
    context: dict = {"today": timezone.localdate()}
    if user_can(user, Action.ENTERPRISES_VIEW):
        enterprises = enterprise_list(actor=user)
        if user.role == Role.ENTERPRISE_OFFICER:
            context["own_enterprise"] = with_status(enterprises).first()
        else:
            counts = status_counts(enterprises.filter(in_scope=True))
            context["status_counts"] = [
                {"value": value, "label": label, "count": counts[value]}
                for value, label in EnterpriseStatus.choices
            ]
            context["in_scope"] = sum(counts.values())
        if user.role == Role.LIAISON:
            context["assigned"] = with_status(enterprises).order_by("name")[:50]
    if user_can(user, Action.APPLICATIONS_VIEW):
        context["application_counts"] = application_counts(actor=user)
        waiting_statuses: dict[str, ApplicationStatus] = {
            Role.COMMAND: ApplicationStatus.VERIFIED,
            Role.LIAISON: ApplicationStatus.SUBMITTED,
        }
        waiting_status = waiting_statuses.get(user.role)
        if waiting_status:
            context["waiting"] = application_list(actor=user, status=waiting_status)[:20]
            context["waiting_status"] = waiting_status
    if user_can(user, Action.AUDIT_VIEW):
        since = timezone.now() - timedelta(hours=24)
        context["reveal_alerts"] = list(reveal_alert_list(actor=user, since=since)[:20])
    if user_can(user, Action.HANDOVER_ACKNOWLEDGE):
        context["handover_lists"] = handover_list(actor=user)[:10]
    if user_can(user, Action.GATE_EVENTS_FOLLOW):
        context["follows_events"] = True
    if user.role == Role.GATE_OPERATOR:
        context["operator_gate"], context["operator_gate_today"] = operator_gate_today(actor=user)
    return render(request, "overview/home.html", context)


@login_required
def enterprise_list_view(request: AuthenticatedRequest) -> HttpResponse:
    form = EnterpriseFilterForm(request.GET or None, status_choices=EnterpriseStatus.choices)
    filters = form.cleaned_data if form.is_valid() else {}
    enterprises = enterprise_list(
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
        "overview/enterprise_list.html",
        "overview/_enterprise_table.html",
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
def enterprise_detail_view(request: AuthenticatedRequest, enterprise_id: int) -> HttpResponse:
    enterprise = enterprise_get(actor=request.user, enterprise_id=enterprise_id)
    enterprise = with_status(type(enterprise).objects.filter(pk=enterprise.pk)).get()
    application = (
        application_for_enterprise(actor=request.user, enterprise=enterprise)
        if user_can(request.user, Action.APPLICATIONS_VIEW)
        else None
    )
    return render(
        request,
        "overview/enterprise_detail.html",
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


@login_required
def audit_event_list_view(request: AuthenticatedRequest) -> HttpResponse:
    """The command post's audit trail, whole or one enterprise's, filtered by action."""
    action = request.GET.get("action", "")
    if action not in AuditAction.values:
        action = ""
    # One enterprise's trail (the link on its page): the rows that concern it.
    enterprise_text = request.GET.get("enterprise", "")
    enterprise_id = int(enterprise_text) if enterprise_text.isdigit() else None
    events = audit_event_list(actor=request.user, action=action, enterprise_id=enterprise_id)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    _name_references(page.object_list)
    return render(
        request,
        "overview/audit_event_list.html",
        {
            "page": page,
            "action": action,
            "actions": AuditAction.choices,
            "enterprise": Enterprise.objects.filter(pk=enterprise_id).first()
            if enterprise_id
            else None,
        },
    )


def _name_references(events) -> None:
    """Give each row of the page the enterprise, API token and gate device it names by id (three
    queries for the page, whatever its length)."""
    events = list(events)
    enterprises = Enterprise.objects.in_bulk({e.enterprise_id for e in events} - {None})
    tokens = ApiToken.objects.in_bulk({e.api_token_id for e in events} - {None})
    devices = GateDevice.objects.in_bulk({e.gate_device_id for e in events} - {None})
    for event in events:
        event.enterprise = enterprises.get(event.enterprise_id)
        event.api_token = tokens.get(event.api_token_id)
        event.gate_device = devices.get(event.gate_device_id)
