"""Pages for rosters: the worker list and search, one worker, registration and edits, the
roster import, passes (the QR page a worker shows on a phone, badge sheets to print)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fugong.accounts.http import AuthenticatedRequest
from fugong.core.addresses import client_address
from fugong.core.errors import ApplicationError, NotFoundError, RateLimitedError
from fugong.core.forms import add_application_error
from fugong.core.htmx import render_page_or_fragment
from fugong.core.ratelimit import rate_limit_hit
from fugong.core.roles import Action, Role, require, user_can
from fugong.enterprises.selectors import enterprise_get, enterprise_list

from . import selectors, services
from .forms import (
    NumberSearchForm,
    PassIssueForm,
    PassRevokeForm,
    RosterImportForm,
    WorkerFilterForm,
    WorkerForm,
    WorkerMoveForm,
    travel_text,
)
from .imports import runs_as_job, worker_import, worker_import_enqueue, worker_import_template
from .models import Clearance, WorkerPass
from .services.fields import WORKER_FIELDS


def _enterprises_for(user):
    if user.role == Role.ENTERPRISE_OFFICER:
        return None
    return enterprise_list(actor=user).order_by("name")


@login_required
def worker_list_view(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, Action.WORKERS_VIEW)
    enterprises = _enterprises_for(request.user)
    form = WorkerFilterForm(request.GET or None, enterprises=enterprises)
    filters = form.cleaned_data if form.is_valid() else {}
    number_form = NumberSearchForm(request.POST or None)
    number = (
        number_form.cleaned_data["number"]
        if request.method == "POST" and number_form.is_valid()
        else ""
    )
    workers = selectors.worker_list(
        actor=request.user,
        query=(filters.get("q") or "").strip(),
        clearance=filters.get("clearance") or "",
        enterprise_id=filters["enterprise"].pk if filters.get("enterprise") else None,
        number=number,
    )
    page = Paginator(workers, 50).get_page(request.GET.get("page"))
    return render_page_or_fragment(
        request,
        "workforce/worker_list.html",
        "workforce/_worker_table.html",
        {
            "form": form,
            "number_form": number_form,
            "searched_number": bool(number),
            "page": page,
            "counts": selectors.clearance_counts(actor=request.user),
            "clearances": Clearance.choices,
            "today": timezone.localdate(),
            "can_manage": user_can(request.user, Action.WORKERS_MANAGE),
        },
    )


@login_required
def worker_detail_view(request: AuthenticatedRequest, worker_id: int) -> HttpResponse:
    worker = selectors.worker_get(actor=request.user, worker_id=worker_id)
    live = selectors.live_pass(worker)
    return render(
        request,
        "workforce/worker_detail.html",
        {
            "worker": worker,
            "live_pass_token": services.pass_token(live) if live else "",
            "clearance_today": worker.clearance_on(timezone.localdate()),
            "employments": selectors.worker_employments(actor=request.user, worker=worker),
            "travel": worker.travel.all(),
            "live_pass": live,
            "history": selectors.clearance_history(actor=request.user, worker=worker)[:20],
            "can_manage": user_can(request.user, Action.WORKERS_MANAGE),
            "can_move": user_can(request.user, Action.WORKERS_MOVE),
            "can_pass": user_can(request.user, Action.PASSES_MANAGE),
            "can_reveal_identity": user_can(request.user, Action.WORKERS_REVEAL_IDENTITY),
            "can_reveal_phone": user_can(request.user, Action.WORKERS_REVEAL_PHONE)
            and worker.phone_cipher,
            "pass_form": PassIssueForm(),
            "revoke_form": PassRevokeForm(),
        },
    )


def _travel_from(worker):
    return list(worker.travel.values_list("division_code", "from_date", "to_date"))


@login_required
def worker_create_view(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, Action.WORKERS_MANAGE)
    if request.user.role == Role.ENTERPRISE_OFFICER:
        enterprise = enterprise_get(actor=request.user, enterprise_id=request.user.enterprise_id)
    else:
        enterprise = enterprise_get(
            actor=request.user,
            enterprise_id=request.GET.get("enterprise") or request.POST.get("enterprise"),
        )
    form = WorkerForm(request.POST or None)
    context = {"form": form, "enterprise": enterprise}
    if request.method == "POST":
        if form.is_valid():
            try:
                worker = services.worker_register(
                    actor=request.user,
                    enterprise=enterprise,
                    document_type=form.cleaned_data["document_type"],
                    document_number=form.cleaned_data["document_number"],
                    confirm_suspicious_number=form.cleaned_data["confirm_suspicious_number"],
                    phone=form.cleaned_data["phone"],
                    travel=form.cleaned_data["travel"],
                    **form.worker_fields(),
                )
            except ApplicationError as error:
                add_application_error(form, error)
                return render(request, "workforce/worker_form.html", context, status=error.status)
            messages.success(
                request, _("Worker “%(name)s” registered.") % {"name": worker.full_name}
            )
            return redirect("workforce:detail", worker_id=worker.pk)
        return render(request, "workforce/worker_form.html", context, status=400)
    return render(request, "workforce/worker_form.html", context)


@login_required
def worker_edit_view(request: AuthenticatedRequest, worker_id: int) -> HttpResponse:
    worker = selectors.worker_get(actor=request.user, worker_id=worker_id)
    require(request.user, Action.WORKERS_MANAGE)
    initial = {key: getattr(worker, key) for key in WORKER_FIELDS}
    initial["travel"] = travel_text(_travel_from(worker))
    form = WorkerForm(request.POST or None, initial=initial, editing=True)
    context = {"form": form, "worker": worker, "enterprise": worker.enterprise}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.worker_update(
                    actor=request.user,
                    worker=worker,
                    phone=form.cleaned_data["phone"] or None,
                    travel=form.cleaned_data["travel"],
                    **form.worker_fields(),
                )
            except ApplicationError as error:
                add_application_error(form, error)
                return render(request, "workforce/worker_form.html", context, status=error.status)
            messages.success(request, _("Worker saved; clearance recomputed."))
            return redirect("workforce:detail", worker_id=worker.pk)
        return render(request, "workforce/worker_form.html", context, status=400)
    return render(request, "workforce/worker_form.html", context)


@login_required
@require_POST
def worker_leave_view(request: AuthenticatedRequest, worker_id: int) -> HttpResponse:
    worker = selectors.worker_get(actor=request.user, worker_id=worker_id)
    services.worker_leave(actor=request.user, worker=worker)
    messages.success(
        request,
        _("%(name)s has left the enterprise; the pass is revoked.") % {"name": worker.full_name},
    )
    return redirect("workforce:list")


@login_required
def worker_move_view(request: AuthenticatedRequest, worker_id: int) -> HttpResponse:
    """The command post moves a worker to another enterprise (no leave recorded first)."""
    require(request.user, Action.WORKERS_MOVE)
    worker = selectors.worker_get(actor=request.user, worker_id=worker_id)
    enterprises = enterprise_list(actor=request.user).order_by("name")
    if worker.enterprise_id is not None:  # one who has left may go to any enterprise
        enterprises = enterprises.exclude(pk=worker.enterprise_id)
    form = WorkerMoveForm(request.POST or None, enterprises=enterprises)
    context = {"form": form, "worker": worker}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.worker_move(
                    actor=request.user, worker=worker, enterprise=form.cleaned_data["enterprise"]
                )
            except ApplicationError as error:
                add_application_error(form, error)
                return render(request, "workforce/worker_move.html", context, status=error.status)
            messages.success(
                request,
                _(
                    "%(name)s now works for %(enterprise)s. The old pass is revoked; the new "
                    "employer fills in the screening data."
                )
                % {"name": worker.full_name, "enterprise": form.cleaned_data["enterprise"].name},
            )
            return redirect("workforce:detail", worker_id=worker.pk)
        return render(request, "workforce/worker_move.html", context, status=400)
    return render(request, "workforce/worker_move.html", context)


@login_required
@require_POST
def worker_reveal_view(request: AuthenticatedRequest, worker_id: int, field: str) -> HttpResponse:
    """The full number, for this one look (audited); htmx swaps it in place of the mask."""
    worker = selectors.worker_get(actor=request.user, worker_id=worker_id)
    value = services.worker_reveal(actor=request.user, worker=worker, field=field)
    response = render(request, "workforce/_revealed.html", {"value": value})
    response["Cache-Control"] = "no-store"
    return response


@login_required
def roster_import_view(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, Action.WORKERS_MANAGE)
    fixed = None
    if request.user.role == Role.ENTERPRISE_OFFICER:
        fixed = enterprise_get(actor=request.user, enterprise_id=request.user.enterprise_id)
    form = RosterImportForm(
        request.POST or None,
        request.FILES or None,
        enterprises=_enterprises_for(request.user),
        fixed_enterprise=fixed,
    )
    context: dict = {"form": form, "fixed_enterprise": fixed}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            enterprise = enterprise_get(
                actor=request.user, enterprise_id=form.cleaned_data["enterprise"].pk
            )
            upload = form.cleaned_data["file"]
            if runs_as_job(upload):
                # A large file: checked and written by a worker; its page shows the progress.
                job = worker_import_enqueue(
                    actor=request.user,
                    enterprise=enterprise,
                    upload=upload,
                    numbers_checked=form.cleaned_data["numbers_checked"],
                )
                return redirect("jobs:detail", job_id=job.pk)
            try:
                report = worker_import(
                    actor=request.user,
                    enterprise=enterprise,
                    upload=upload,
                    numbers_checked=form.cleaned_data["numbers_checked"],
                )
            except ApplicationError as error:
                add_application_error(form, error)
                status = error.status
            else:
                context["report"] = report
                context["enterprise"] = enterprise
                status = 200 if report.ok else 400
    return render(request, "workforce/roster_import.html", context, status=status)


@login_required
def roster_template_view(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, Action.WORKERS_MANAGE)
    response = HttpResponse(
        worker_import_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="roster-template.xlsx"'
    return response


# ----- passes --------------------------------------------------------------------------------


@login_required
@require_POST
def pass_issue_view(request: AuthenticatedRequest, worker_id: int) -> HttpResponse:
    worker = selectors.worker_get(actor=request.user, worker_id=worker_id)
    form = PassIssueForm(request.POST)
    if not form.is_valid():
        raise ApplicationError(_("A pass is valid for 1 to 366 days."))
    services.pass_issue(
        actor=request.user, worker=worker, valid_days=form.cleaned_data["valid_days"]
    )
    messages.success(request, _("Pass issued."))
    return redirect("workforce:detail", worker_id=worker.pk)


@login_required
@require_POST
def pass_revoke_view(request: AuthenticatedRequest, worker_id: int, pass_id: int) -> HttpResponse:
    worker = selectors.worker_get(actor=request.user, worker_id=worker_id)
    worker_pass = worker.passes.filter(pk=pass_id).first()
    if worker_pass is None:
        raise NotFoundError()
    form = PassRevokeForm(request.POST)
    services.pass_revoke(
        actor=request.user, worker_pass=worker_pass, reason=form.data.get("reason", "")
    )
    messages.success(request, _("Pass revoked: the gate will refuse it."))
    return redirect("workforce:detail", worker_id=worker.pk)


@login_required
@require_POST
def passes_issue_missing_view(request: AuthenticatedRequest) -> HttpResponse:
    enterprise = enterprise_get(actor=request.user, enterprise_id=request.POST.get("enterprise"))
    form = PassIssueForm(request.POST)
    if not form.is_valid():
        raise ApplicationError(_("A pass is valid for 1 to 366 days."))
    count = services.passes_issue_missing(
        actor=request.user, enterprise=enterprise, valid_days=form.cleaned_data["valid_days"]
    )
    messages.success(request, _("%(count)s passes issued.") % {"count": count})
    return redirect(f"{reverse('workforce:badges')}?enterprise={enterprise.pk}")


@login_required
def badge_sheet_view(request: AuthenticatedRequest) -> HttpResponse:
    """Badges to print, many per A4 page: QR code, name and enterprise under it."""
    require(request.user, Action.PASSES_MANAGE)
    enterprise_id = request.GET.get("enterprise") or request.user.enterprise_id
    enterprise = enterprise_get(actor=request.user, enterprise_id=enterprise_id)
    workers = list(selectors.badge_workers(actor=request.user, enterprise_id=enterprise.pk)[:2000])
    passes = {
        worker_pass.worker_id: services.pass_token(worker_pass)
        for worker_pass in WorkerPass.objects.filter(
            worker__in=workers, revoked_at__isnull=True, expires_on__gte=timezone.localdate()
        )
    }
    # Each badge carries the pass (scanned at the gate) and, smaller, the link to the daily
    # health declaration (健康打卡) that a phone's camera opens.
    badges = [
        (
            worker,
            passes[worker.pk],
            request.build_absolute_uri(reverse("follow_up_pass", args=[passes[worker.pk]])),
        )
        for worker in workers
        if worker.pk in passes
    ]
    return render(
        request,
        "workforce/badge_sheet.html",
        {
            "enterprise": enterprise,
            "badges": badges,
            "without_pass": selectors.worker_scope(request.user)
            .filter(enterprise=enterprise)
            .count()
            - len(badges),
            "pass_form": PassIssueForm(),
        },
    )


def pass_page_view(request: HttpRequest, token: str) -> HttpResponse:
    """The pass as a worker shows it on a phone. The link is the pass itself (it is what the QR
    code carries), so it needs no login; it shows the name, enterprise and validity only.
    Looks from one client address are limited (``FUGONG_RATE_LIMITS["pass_page"]``), so that
    nobody can try tokens in bulk: over the limit, ``429`` with ``Retry-After``."""
    error: ApplicationError | None = None
    worker_pass = None
    status = 404
    try:
        rate_limit_hit("pass_page", client_address(request) or "unknown")
        worker_pass = services.pass_resolve(token)
        status = 200
    except ApplicationError as refused:
        error = refused
        status = refused.status if isinstance(refused, RateLimitedError) else 404
    response = render(
        request,
        "workforce/pass_page.html",
        {
            "worker_pass": worker_pass,
            "token": token,
            "error": error,
            "follow_up_url": reverse("follow_up_pass", args=[token]) if worker_pass else "",
        },
        status=status,
    )
    if isinstance(error, RateLimitedError):
        response["Retry-After"] = str(error.retry_after)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
