"""The pages that read several domains: the home page each role lands on (what needs the user's
attention today); the audit trail, with the names of the enterprises, tokens and devices its rows
concern (the trail keeps their ids only); the enterprise list with each enterprise's resumption
status; and the enterprise's page (its status, application, suspensions, timeline, workers,
inspections, bulletins and notices)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.http import AuthenticatedRequest
from fugong.accounts.models import ApiToken
from fugong.audit.models import AuditAction, AuditEvent
from fugong.audit.selectors import PERSONAL_DATA_ACTIONS, audit_event_list, reveal_alert_list
from fugong.audit.services import audit_trail_exported
from fugong.bulletins.selectors import enterprise_bulletins, enterprise_notices
from fugong.cases.containment import open_closures_of
from fugong.core.htmx import render_page_or_fragment
from fugong.core.roles import Action, Role, require, user_can
from fugong.core.tabular import xlsx_bytes
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
from fugong.workforce.selectors import audited_worker_ids, worker_scope

from .forms import PERSONAL_DATA, AuditFilterForm

# How the trail names a worker its row is about (``target_type``; ``target_id`` is the id).
WORKER_TARGET = "workforce.worker"


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
            "closures": open_closures_of(enterprise),
            "can_view_cases": user_can(request.user, Action.CASES_VIEW),
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


# An export stops at this many rows (the newest), and says so.
AUDIT_EXPORT_MAX_ROWS = 50_000


@dataclass
class _AuditQuery:
    form: AuditFilterForm
    events: QuerySet[AuditEvent]
    filters: dict[str, str]  # the filters applied, as given (for the export's own audit row)
    enterprise: Enterprise | None


def _audit_query(request: AuthenticatedRequest) -> _AuditQuery:
    """The trail under the page's filters. Every filter combines with the others; one that does
    not validate is shown with its error on the form and left out."""
    require(request.user, Action.AUDIT_VIEW)  # before anything is looked up
    form = AuditFilterForm(request.GET)
    form.is_valid()
    cleaned = form.cleaned_data
    filters: dict[str, str] = {}
    # One enterprise's trail (the link on its page): the rows that concern it.
    enterprise_text = request.GET.get("enterprise", "")
    enterprise_id = int(enterprise_text) if enterprise_text.isdigit() else None
    enterprise = Enterprise.objects.filter(pk=enterprise_id).first() if enterprise_id else None
    if enterprise_id:
        filters["enterprise"] = str(enterprise_id)
    arguments: dict[str, Any] = {"enterprise_id": enterprise_id}
    action = cleaned.get("action") or ""
    if action == PERSONAL_DATA:
        arguments["actions"] = PERSONAL_DATA_ACTIONS
    elif action:
        arguments["action"] = action
    person = (cleaned.get("person") or "").strip()
    if person:
        arguments["target_type"] = WORKER_TARGET
        arguments["target_ids"] = audited_worker_ids(actor=request.user, query=person)
    actor_query = (cleaned.get("actor") or "").strip()
    if actor_query:
        arguments["actor_query"] = actor_query
    zone = timezone.get_default_timezone()  # Asia/Shanghai: the dates are the park's
    since, until = cleaned.get("since"), cleaned.get("until")
    if since and until and until < since:
        since = until = None  # refused by the form
    if since:
        arguments["since"] = datetime.combine(since, time.min, tzinfo=zone)
    if until:
        arguments["until"] = datetime.combine(until + timedelta(days=1), time.min, tzinfo=zone)
    for key in ("action", "person", "actor"):
        if cleaned.get(key):
            filters[key] = str(cleaned[key]).strip()
    for key, day in (("since", since), ("until", until)):
        if day:
            filters[key] = day.isoformat()
    events = audit_event_list(actor=request.user, **arguments)
    return _AuditQuery(form=form, events=events, filters=filters, enterprise=enterprise)


@login_required
def audit_event_list_view(request: AuthenticatedRequest) -> HttpResponse:
    """The command post's audit trail, whole or one enterprise's, filtered by the person
    concerned, the actor, the action and the dates; and the link to export it."""
    query = _audit_query(request)
    page = Paginator(query.events, 100).get_page(request.GET.get("page"))
    _name_references(page.object_list)
    export_parameters = request.GET.copy()
    export_parameters.pop("page", None)
    return render(
        request,
        "overview/audit_event_list.html",
        {
            "page": page,
            "form": query.form,
            "enterprise": query.enterprise,
            "export_query": export_parameters.urlencode(),
            "export_limit": AUDIT_EXPORT_MAX_ROWS,
            "export_cut": page.paginator.count > AUDIT_EXPORT_MAX_ROWS,
        },
    )


@login_required
def audit_event_export_view(request: AuthenticatedRequest) -> HttpResponse:
    """The rows the page's filters select, as xlsx, newest first, at most
    ``AUDIT_EXPORT_MAX_ROWS`` of them (the file then says it was cut). The export is itself a
    row of the trail, with the filters it used."""
    query = _audit_query(request)
    events = list(query.events[: AUDIT_EXPORT_MAX_ROWS + 1])
    cut = len(events) > AUDIT_EXPORT_MAX_ROWS
    events = events[:AUDIT_EXPORT_MAX_ROWS]
    _name_references(events)
    labels = dict(AuditAction.choices)
    rows: list[list[object]] = [
        [
            timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            str(event.actor) if event.actor else str(_("system")),
            str(labels.get(event.action, event.action)),
            event.action,
            event.target_type,
            event.target_id,
            str(getattr(event, "enterprise", None) or ""),  # named by _name_references
            event.summary,
            json.dumps(event.data, ensure_ascii=False, sort_keys=True) if event.data else "",
            event.client_address or "",
            event.api_token_id or "",
            event.gate_device_id or "",
        ]
        for event in events
    ]
    if cut:
        rows.append(
            [
                _(
                    "Only the newest %(count)s rows are exported: narrow the filters "
                    "(dates, person, action) to export the others."
                )
                % {"count": f"{AUDIT_EXPORT_MAX_ROWS:,}"}
            ]
        )
    content = xlsx_bytes(
        str(_("Audit trail")),
        [
            _("Time"),
            _("Who"),
            _("What"),
            _("Action code"),
            _("Object type"),
            _("Object id"),
            _("Enterprise"),
            _("Summary"),
            _("Recorded details"),
            _("Client address"),
            _("API token"),
            _("Gate device"),
        ],
        rows,
    )
    audit_trail_exported(actor=request.user, filters=query.filters, rows=len(events), cut=cut)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


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
