"""The dashboard, the records behind each figure, the daily report and headcount declarations."""

from __future__ import annotations

import heapq
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong.accounts.http import AuthenticatedRequest
from fugong.bulletins.selectors import notices_unacknowledged
from fugong.cases.figures import cases_on, contacts_under_observation, follow_ups_missed
from fugong.core.errors import ApplicationError, NotFoundError
from fugong.core.forms import add_application_error
from fugong.core.replica import reads_from_replica, replica_reads
from fugong.core.roles import Action, require, user_can
from fugong.enterprises.selectors import enterprise_list
from fugong.inspections.selectors import findings_overdue

from . import exports, jobs, selectors, services
from .exports import percent_number
from .forms import DeclarationForm

PAGE_SIZE = 50

FIGURE_LABELS = {
    "in_scope": gettext_lazy("Enterprises in scope"),
    "resumed": gettext_lazy("Enterprises resumed"),
    "construction_sites_resumed": gettext_lazy("Construction sites resumed"),
    "above_scale_in_scope": gettext_lazy("Above-scale industrial enterprises in scope"),
    "above_scale_resumed": gettext_lazy("Above-scale industrial enterprises resumed"),
    "on_duty": gettext_lazy("Workers on duty"),
    "abnormal_events": gettext_lazy("Abnormal events of the day"),
    "under_observation": gettext_lazy("People under medical observation"),
    "confirmed": gettext_lazy("Confirmed cases"),
    "suspected": gettext_lazy("Suspected cases"),
    "asymptomatic": gettext_lazy("Asymptomatic infections"),
    "contacts_under_observation": gettext_lazy("Close contacts under medical observation"),
    "follow_ups_missed": gettext_lazy("Follow-ups missed today"),
    "unapproved": gettext_lazy("Unapproved resumption"),
    "overdue_rectifications": gettext_lazy("Overdue rectifications"),
    "unacknowledged_notices": gettext_lazy("Notice receipts not yet acknowledged"),
    "untrained_on_duty": gettext_lazy("Untrained workers on duty"),
    **selectors.WAITING_LABELS,
}


def _day(request: AuthenticatedRequest) -> date:
    return selectors.report_date(request.GET.get("date"))


@login_required
@reads_from_replica
def dashboard_view(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, Action.REPORTS_VIEW)
    day = _day(request)
    facts = selectors.enterprise_facts(request.user)
    figures = selectors.daily_figures(actor=request.user, day=day, facts=facts)
    trend = selectors.trends(actor=request.user, day=day, facts=facts)
    chart = {
        "days": [when.isoformat() for when in trend.days],
        "resumption_rate": [percent_number(value) for value in trend.resumption_rate],
        "on_duty": trend.on_duty,
        "abnormal_events": trend.abnormal_events,
        "labels": {
            "resumption_rate": _("Resumption rate (%)"),
            "on_duty": _("Workers on duty"),
            "abnormal_events": _("Abnormal events"),
        },
    }
    return render(
        request,
        "reports/dashboard.html",
        {
            "day": day,
            "begin": selectors.records_begin(),
            "figures": figures,
            "chart": chart,
            "by_kind": selectors.breakdown_by_kind(figures),
            "by_liaison": selectors.breakdown_by_liaison(figures)
            if figures.whole_park or request.user.role != "enterprise_officer"
            else [],
            # nsmallest: sorted(…)[:10] without sorting 10,000 lines (same order, ties kept).
            "top_enterprises": heapq.nsmallest(
                10,
                (line for line in figures.enterprises if line.counted and line.resumed),
                key=lambda line: -line.on_duty,
            ),
            "waiting_labels": selectors.WAITING_LABELS,
            "can_declare": user_can(request.user, Action.HEADCOUNT_DECLARE),
            "report_text": exports.daily_report_text(
                figures, language=request.LANGUAGE_CODE or "zh-hans"
            ),
        },
    )


@login_required
@reads_from_replica
def enterprise_table_view(request: AuthenticatedRequest) -> HttpResponse:
    """Every enterprise in the scope with its figures of the day, pages of 50."""
    require(request.user, Action.REPORTS_VIEW)
    day = _day(request)
    figures = selectors.daily_figures(actor=request.user, day=day)
    lines = sorted(figures.enterprises, key=lambda line: (not line.resumed, line.facts.name))
    page = Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/enterprises.html",
        {"day": day, "figures": figures, "page": page},
    )


@login_required
@reads_from_replica
def records_view(request: AuthenticatedRequest, figure: str) -> HttpResponse:
    """The records behind one figure of the day; their number is the figure."""
    require(request.user, Action.REPORTS_VIEW)
    if figure not in FIGURE_LABELS:
        raise NotFoundError()
    day = _day(request)
    actor = request.user
    context = {"day": day, "figure": figure, "label": FIGURE_LABELS[figure]}
    rows: list[selectors.Alert] | list[selectors.EnterpriseDay] | QuerySet[Model]
    if figure in selectors.ENTERPRISE_FIGURES or figure == "unapproved":
        figures = selectors.daily_figures(actor=actor, day=day)
        if figure == "unapproved":
            context["alerts"] = figures.alerts
            context["total"] = len(figures.alerts)
            rows = figures.alerts
        else:
            rows = selectors.enterprise_lines(figures, figure)
            context["total"] = len(rows)
        context["kind"] = "alerts" if figure == "unapproved" else "enterprises"
    elif figure == "on_duty":
        figures = selectors.daily_figures(actor=actor, day=day)
        rows = selectors.on_duty_workers(actor=actor, day=day, figures=figures)
        declared = selectors.declared_lines(figures)
        context.update(
            kind="workers",
            declared=declared,
            gate_total=rows.count(),
            declared_total=sum(line.on_duty for line in declared),
            total=figures.on_duty,
        )
    elif figure == "untrained_on_duty":
        figures = selectors.daily_figures(actor=actor, day=day)
        rows = selectors.untrained_on_duty(lines=figures.enterprises, day=day)
        context.update(kind="untrained", total=rows.count())
    elif figure == "abnormal_events":
        rows = selectors.abnormal_events(actor=actor, day=day).order_by("occurred_at")
        context.update(kind="events", total=rows.count())
    elif figure in ("confirmed", "suspected", "asymptomatic"):
        # Cases in that classification on the day (drills never count), from the cases app.
        rows = cases_on(actor=actor, day=day, classification=figure).order_by("pk")
        context.update(kind="cases", total=rows.count())
    elif figure == "contacts_under_observation":
        rows = contacts_under_observation(actor=actor, day=day).order_by(
            "observation_until", "full_name", "pk"
        )
        context.update(kind="contacts", total=rows.count())
    elif figure == "follow_ups_missed":
        scope = list(selectors.report_scope(actor).values_list("pk", flat=True))
        rows = follow_ups_missed(actor=actor, day=day, enterprise_ids=scope).order_by(
            "enterprise__name", "full_name", "pk"
        )
        context.update(kind="follow_ups_missed", total=rows.count())
    elif figure == "overdue_rectifications":
        rows = (
            findings_overdue(actor=actor, day=day)
            .select_related("enterprise")
            .order_by("deadline", "enterprise__name", "pk")
        )
        context.update(kind="findings", total=rows.count())
    elif figure == "unacknowledged_notices":
        rows = (
            notices_unacknowledged(actor=actor, day=day)
            .select_related("notice", "enterprise")
            .order_by("-notice__issued_on", "enterprise__name", "pk")
        )
        context.update(kind="receipts", total=rows.count())
    elif figure == "under_observation":
        rows = selectors.observation_workers(actor=actor, day=day).order_by(
            "enterprise__name", "full_name", "pk"
        )
        context.update(kind="observation", total=rows.count())
    else:
        rows = selectors.applications_waiting(actor=actor, day=day, step=figure).order_by(
            "enterprise__name"
        )
        context.update(kind="applications", total=rows.count())
    context["page"] = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reports/records.html", context)


@login_required
@reads_from_replica
def daily_report_view(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, Action.REPORTS_VIEW)
    day = _day(request)
    figures = selectors.daily_figures(actor=request.user, day=day)
    return render(
        request,
        "reports/daily.html",
        {
            "day": day,
            "figures": figures,
            "text_zh": exports.daily_report_text(figures, "zh-hans"),
            "text_en": exports.daily_report_text(figures, "en"),
        },
    )


@login_required
def daily_report_xlsx_view(request: AuthenticatedRequest) -> HttpResponse:
    """The daily report's table as xlsx; a large one (see ``jobs.daily_xlsx_runs_as_job``) is
    offered as a background job (GET), started by POST, and the browser goes to its page."""
    require(request.user, Action.REPORTS_VIEW)
    day = _day(request)
    language = request.LANGUAGE_CODE or "zh-hans"
    with replica_reads():
        as_job = jobs.daily_xlsx_runs_as_job(actor=request.user)
    if as_job:
        if request.method == "POST":
            job = jobs.daily_xlsx_enqueue(actor=request.user, day=day, language=language)
            return redirect("jobs:detail", job.pk)
        return render(
            request,
            "core/export_job_offer.html",
            {
                "title": _("Daily report (xlsx)"),
                "back_url": f"{reverse('reports:daily')}?date={day.isoformat()}",
            },
        )
    with replica_reads():
        figures = selectors.daily_figures(actor=request.user, day=day)
        content = exports.daily_report_xlsx(figures, language)
    response = HttpResponse(content, content_type=jobs.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{jobs.daily_xlsx_name(day)}"'
    return response


@login_required
def declaration_view(request: AuthenticatedRequest) -> HttpResponse:
    """Declare workers on duty for a day without gate records; the recent declarations."""
    require(request.user, Action.HEADCOUNT_DECLARE)
    enterprises = enterprise_list(actor=request.user).order_by("name")
    form = DeclarationForm(request.POST or None, enterprises=enterprises)
    if request.method == "POST" and form.is_valid():
        try:
            services.headcount_declare(
                actor=request.user,
                enterprise=form.cleaned_data["enterprise"],
                day=form.cleaned_data["date"],
                workers=form.cleaned_data["workers"],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Workers on duty declared."))
            return redirect(reverse("reports:declarations"))
    declarations = selectors.declaration_list(actor=request.user)
    page = Paginator(declarations, PAGE_SIZE).get_page(request.GET.get("page"))
    status = 400 if request.method == "POST" else 200
    return render(request, "reports/declarations.html", {"form": form, "page": page}, status=status)
