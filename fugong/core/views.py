"""The home page each role lands on, and the error pages."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .roles import Action, Role, user_can


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What needs the user's attention today, by role."""
    from fugong.enterprises.selectors import enterprise_list
    from fugong.resumption.models import ApplicationStatus
    from fugong.resumption.selectors import (
        EnterpriseStatus,
        application_counts,
        application_list,
        status_counts,
        with_status,
    )

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
        from fugong.audit.selectors import reveal_alert_list

        since = timezone.now() - timedelta(hours=24)
        context["reveal_alerts"] = list(reveal_alert_list(actor=user, since=since)[:20])
    if user_can(user, Action.HANDOVER_ACKNOWLEDGE):
        from fugong.handover.selectors import handover_list

        context["handover_lists"] = handover_list(actor=user)[:10]
    if user_can(user, Action.GATE_EVENTS_FOLLOW):
        context["follows_events"] = True
    if user.role == Role.GATE_OPERATOR:
        from fugong.gate.selectors import operator_gate_today

        context["operator_gate"], context["operator_gate_today"] = operator_gate_today(actor=user)
    return render(request, "core/home.html", context)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "core/http_error.html", {"status": 400}, status=400)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "core/http_error.html", {"status": 403}, status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "core/http_error.html", {"status": 404}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "core/http_error.html", {"status": 500}, status=500)
