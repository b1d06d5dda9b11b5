"""The home page each role lands on: what needs the user's attention today, read from every
domain the role may see."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from fugong.audit.selectors import reveal_alert_list
from fugong.core.roles import Action, Role, user_can
from fugong.enterprises.selectors import enterprise_list
from fugong.gate.selectors import operator_gate_today
from fugong.handover.selectors import handover_list
from fugong.resumption.models import ApplicationStatus
from fugong.resumption.selectors import (
    EnterpriseStatus,
    application_counts,
    application_list,
    status_counts,
    with_status,
)


@login_required
def home(request: HttpRequest) -> HttpResponse:
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
        waiting_status = {
            Role.COMMAND: ApplicationStatus.VERIFIED,
            Role.LIAISON: ApplicationStatus.SUBMITTED,
        }.get(user.role)
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
