"""The daily follow-up pages (健康打卡).

- ``follow_up_pass_view`` (``/passes/<token>/follow-up/``, no login): the worker's own phone page.
  The token is the pass's signed token; it grants this one page. The path is under ``/passes/``,
  whose token the access log already masks (fugong.core.requestlog), answers are ``no-store``
  and send no referrer to another site, so the token ends up in no log, cache or other site.
- the officer's pages under /cases/follow-ups/: the day's declarations, the missing ones, entry.
"""

from __future__ import annotations

import contextlib
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from fugong.accounts.http import AuthenticatedRequest
from fugong.core.addresses import client_address
from fugong.core.errors import ApplicationError, RateLimitedError
from fugong.core.forms import add_application_error
from fugong.core.roles import Action, require, user_can
from fugong.core.scoping import enterprise_scope_q
from fugong.workforce.models import Worker

from . import followups
from .forms_followups import DeclarationForm, OfficerDeclarationForm
from .models import FollowUpPeriod
from .selectors_followups import (
    AFTERNOON_DUE,
    follow_up_list,
    follow_ups_missing,
    observed_workers,
)


def _day(value: str | None) -> date:
    if not value:
        return timezone.localdate()
    try:
        day = parse_date(value)
    except ValueError:
        day = None
    if day is None:
        raise ApplicationError(_("Enter a valid date."), fields={"day": [_("Enter a valid date.")]})
    return day


def _default_period() -> str:
    now = timezone.localtime()
    return FollowUpPeriod.AFTERNOON if now.hour >= 12 else FollowUpPeriod.MORNING


def follow_up_pass_view(request: HttpRequest, token: str) -> HttpResponse:
    """The worker declares today's temperature and symptoms on their phone, through the link on
    their pass. A refused pass (forged, unknown: 404; revoked, expired: 409) or too many tries
    (429) answer a page that says why, and nothing is written."""
    status = 200
    error: ApplicationError | None = None
    worker = None
    done = None
    form = DeclarationForm()
    try:
        worker = followups.follow_up_pass_worker(token=token, client=client_address(request) or "")
        if request.method == "POST":
            form = DeclarationForm(request.POST)
            if form.is_valid():
                try:
                    # The look above counted once; the declaration is not counted again.
                    done = followups.follow_up_self_report_for(
                        worker=worker, declaration=form.declaration()
                    )
                except ApplicationError as refused:
                    add_application_error(form, refused)
                    status = refused.status
            else:
                status = 400
    except ApplicationError as refused:
        error = refused
        status = refused.status
    today = timezone.localdate()
    declared = {item.period: item for item in worker_follow_ups(worker, today)} if worker else {}
    if done is not None or request.method != "POST":
        # A fresh form on the period still to declare (the default by the time of day).
        left = [value for value in FollowUpPeriod.values if value not in declared]
        preferred = _default_period()
        form = DeclarationForm(
            initial={"period": preferred if preferred in left or not left else left[0]}
        )
    response = render(
        request,
        "cases/followups/pass_page.html",
        {
            "worker": worker,
            "error": error,
            "form": form,
            "done": done,
            "today": today,
            "declared": declared,
            "today_rows": [(label, declared.get(value)) for value, label in FollowUpPeriod.choices],
        },
        status=status,
    )
    if isinstance(error, RateLimitedError):
        response["Retry-After"] = str(error.retry_after)
    response["Cache-Control"] = "no-store"
    # The path carries the token: sent to no other site. Not "no-referrer": with it, browsers
    # send "Origin: null" on the form's POST, which Django's CSRF check refuses.
    response["Referrer-Policy"] = "same-origin"
    return response


def worker_follow_ups(worker: Worker, day: date) -> list:  # type: ignore[type-arg]
    from .models import FollowUp

    return list(FollowUp.objects.filter(worker=worker, day=day).order_by("period"))


@login_required
def follow_up_list_view(request: AuthenticatedRequest) -> HttpResponse:
    """The declarations of a day in the user's scope."""
    require(request.user, Action.FOLLOW_UPS_VIEW)
    day = _day(request.GET.get("day"))
    follow_ups = list(follow_up_list(actor=request.user, day=day)[:2000])
    for item in follow_ups:
        item.symptom_text = "、".join(followups.symptom_labels(item.symptoms))  # type: ignore[attr-defined]
    return render(
        request,
        "cases/followups/list.html",
        {
            "day": day,
            "follow_ups": follow_ups,
            "can_record": user_can(request.user, Action.FOLLOW_UPS_RECORD),
        },
    )


@login_required
def follow_up_missing_view(request: AuthenticatedRequest) -> HttpResponse:
    """Who is under observation and has not declared (the afternoon counts from 15:00)."""
    require(request.user, Action.FOLLOW_UPS_VIEW)
    day = _day(request.GET.get("day"))
    if day > timezone.localdate():
        raise ApplicationError(_("A declaration cannot be made for a day in the future."))
    rows = follow_ups_missing(actor=request.user, day=day)
    return render(
        request,
        "cases/followups/missing.html",
        {
            "day": day,
            "rows": rows,
            "afternoon_due": AFTERNOON_DUE,
            "can_record": user_can(request.user, Action.FOLLOW_UPS_RECORD),
        },
    )


def _worker_choices(request: AuthenticatedRequest, extra: str | None) -> list[tuple[int, str]]:
    workers = list(
        observed_workers(timezone.localdate())
        .filter(enterprise_scope_q(request.user, "enterprise"))
        .order_by("full_name", "pk")[:2000]
    )
    if extra and extra.isdigit() and all(worker.pk != int(extra) for worker in workers):
        with contextlib.suppress(ApplicationError):
            workers.insert(0, followups.follow_up_worker(actor=request.user, worker_id=extra))
    return [(worker.pk, f"{worker.full_name} · {worker.document_masked}") for worker in workers]


@login_required
def follow_up_record_view(request: AuthenticatedRequest) -> HttpResponse:
    """The health officer (or the command post) enters a worker's declaration."""
    require(request.user, Action.FOLLOW_UPS_RECORD)
    chosen = request.POST.get("worker") or request.GET.get("worker")
    choices = _worker_choices(request, chosen)
    initial = {"day": timezone.localdate(), "period": _default_period(), "worker": chosen}
    form = OfficerDeclarationForm(request.POST or None, workers=choices, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                follow_up = followups.follow_up_record(
                    actor=request.user,
                    worker_id=form.cleaned_data["worker"],
                    day=form.cleaned_data["day"],
                    declaration=form.declaration(),
                )
            except ApplicationError as refused:
                add_application_error(form, refused)
                status = refused.status
            else:
                if follow_up.abnormal:
                    messages.warning(
                        request,
                        _("Declaration recorded: abnormal, an abnormal event was raised."),
                    )
                else:
                    messages.success(request, _("Declaration recorded."))
                return redirect(
                    f"{reverse('cases:follow_up_list')}?day={follow_up.day.isoformat()}"
                )
        else:
            status = 400
    return render(request, "cases/followups/record.html", {"form": form}, status=status)
