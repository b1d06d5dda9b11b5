"""Pages for the screening rules (risk areas, the policy) and the record of re-screenings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fugong.accounts.http import AuthenticatedRequest
from fugong.core.errors import ApplicationError
from fugong.core.forms import add_application_error
from fugong.core.roles import Action, user_can
from fugong.jobs.models import FINISHED, Job
from fugong.jobs.selectors import job_list

from . import selectors, services
from .forms import PolicyForm, RiskAreaForm, RiskAreaUpdateForm


def _rules_context(request, **forms) -> dict:
    return {
        "areas": selectors.risk_area_list(actor=request.user),
        "policies": selectors.policy_list(actor=request.user)[:10],
        "current_policy": selectors.policy_current(),
        "runs": selectors.run_list(actor=request.user)[:10],
        # The user's re-screenings still running in the background, each linked to its page.
        "rescreen_jobs": job_list(actor=request.user)
        .filter(kind=services.RESCREEN_JOB)
        .exclude(status__in=FINISHED)[:5],
        "can_manage": user_can(request.user, Action.SCREENING_MANAGE),
        "area_form": forms.get("area_form") or RiskAreaForm(),
        "policy_form": forms.get("policy_form") or PolicyForm(),
    }


@login_required
def rules_view(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "screening/rules.html", _rules_context(request))


def _after_run(request, run) -> HttpResponse:
    if run is None:
        messages.success(request, _("Saved. It takes effect on its date."))
        return redirect("screening:rules")
    if isinstance(run, Job):
        messages.success(
            request,
            _("The workers are being re-screened in the background; this page shows how far."),
        )
        return redirect("jobs:detail", run.pk)
    messages.success(
        request,
        _("Saved. %(examined)s workers re-screened in %(ms)s ms; %(changed)s clearances changed.")
        % {"examined": run.examined, "ms": run.duration_ms, "changed": run.changed},
    )
    return redirect("screening:run", run_id=run.pk)


@login_required
@require_POST
def risk_area_add_view(request: AuthenticatedRequest) -> HttpResponse:
    form = RiskAreaForm(request.POST)
    if form.is_valid():
        try:
            _area, run = services.risk_area_add(actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
            return render(
                request,
                "screening/rules.html",
                _rules_context(request, area_form=form),
                status=error.status,
            )
        return _after_run(request, run)
    return render(
        request, "screening/rules.html", _rules_context(request, area_form=form), status=400
    )


@login_required
def risk_area_edit_view(request: AuthenticatedRequest, area_id: int) -> HttpResponse:
    area = selectors.risk_area_get(actor=request.user, area_id=area_id)
    form = RiskAreaUpdateForm(
        request.POST or None,
        initial={"level": area.level, "ends_on": area.ends_on, "note": area.note},
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                _area, run = services.risk_area_update(
                    actor=request.user, area=area, **form.cleaned_data
                )
            except ApplicationError as error:
                add_application_error(form, error)
                return render(
                    request,
                    "screening/risk_area_form.html",
                    {"form": form, "area": area},
                    status=error.status,
                )
            return _after_run(request, run)
        return render(
            request, "screening/risk_area_form.html", {"form": form, "area": area}, status=400
        )
    if not user_can(request.user, Action.SCREENING_MANAGE):
        raise ApplicationError(_("Your role may not do this."), status=403, code="forbidden")
    return render(request, "screening/risk_area_form.html", {"form": form, "area": area})


@login_required
@require_POST
def policy_add_view(request: AuthenticatedRequest) -> HttpResponse:
    form = PolicyForm(request.POST)
    if form.is_valid():
        try:
            _policy, run = services.policy_add(actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
            return render(
                request,
                "screening/rules.html",
                _rules_context(request, policy_form=form),
                status=error.status,
            )
        return _after_run(request, run)
    return render(
        request, "screening/rules.html", _rules_context(request, policy_form=form), status=400
    )


@login_required
@require_POST
def rescreen_view(request: AuthenticatedRequest) -> HttpResponse:
    return _after_run(request, services.rescreen_everyone(actor=request.user))


@login_required
def run_list_view(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(selectors.run_list(actor=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "screening/run_list.html", {"page": page})


@login_required
def run_detail_view(request: AuthenticatedRequest, run_id: int) -> HttpResponse:
    run = selectors.run_get(actor=request.user, run_id=run_id)
    page = Paginator(selectors.run_changes(actor=request.user, run=run), 100).get_page(
        request.GET.get("page")
    )
    return render(request, "screening/run_detail.html", {"run": run, "page": page})
