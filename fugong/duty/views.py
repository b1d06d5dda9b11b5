"""Pages of the duty roster: the month, a shift with its log and handover, the xlsx export."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fugong.accounts.http import AuthenticatedRequest
from fugong.cases.selectors import case_get
from fugong.core.errors import ApplicationError, NotFoundError
from fugong.core.forms import add_application_error
from fugong.core.roles import Action, require, user_can
from fugong.enterprises.selectors import enterprise_list
from fugong.gate.selectors import event_get

from . import selectors, services
from .exports import roster_xlsx
from .forms import HandoverForm, LogForm, ShiftForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _month(request: AuthenticatedRequest) -> date:
    text = request.GET.get("month") or request.POST.get("month") or ""
    try:
        year, month = (int(part) for part in text.split("-")[:2])
        return date(year, month, 1)
    except (TypeError, ValueError):
        return timezone.localdate().replace(day=1)


def _shift_form(user, data=None) -> ShiftForm | None:
    if not user_can(user, Action.DUTY_MANAGE):
        return None
    return ShiftForm(data, people=selectors.roster_people(), initial={"day": timezone.localdate()})


@login_required
def roster_view(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    require(user, Action.DUTY_VIEW)
    month = _month(request)
    form = _shift_form(user, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        require(user, Action.DUTY_MANAGE)
        status = 400
        if form is not None and form.is_valid():
            try:
                shift = services.shift_create(actor=user, **form.cleaned_data)
            except ApplicationError as error:
                add_application_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Shift planned."))
                return redirect(f"{request.path}?month={shift.day:%Y-%m}")
    previous = (month.replace(day=1) - timedelta(days=1)).replace(day=1)
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return render(
        request,
        "duty/roster.html",
        {
            "month": month,
            "previous": previous,
            "following": following,
            "days": selectors.month_grid(actor=user, month=month),
            "form": form,
            "now": selectors.on_duty_now(),
        },
        status=status,
    )


@login_required
def roster_xlsx_view(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, Action.DUTY_VIEW)
    month = _month(request)
    content = roster_xlsx(month, selectors.month_grid(actor=request.user, month=month))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="duty-{month:%Y-%m}.xlsx"'
    return response


def _shift_context(request: AuthenticatedRequest, shift, **forms) -> dict:
    user = request.user
    may_write = shift.person_id == user.pk or user_can(user, Action.DUTY_MANAGE)
    successors = list(selectors.shift_successors(shift))
    return {
        "shift": shift,
        "log": selectors.shift_log(shift),
        "may_write": may_write,
        "may_manage": user_can(user, Action.DUTY_MANAGE),
        "may_acknowledge": shift.handover_written_at is not None
        and shift.handover_acknowledged_at is None
        and any(s.person_id == user.pk and s.person_id != shift.person_id for s in successors),
        "successors": successors,
        "log_form": forms.get("log_form")
        or LogForm(enterprises=enterprise_list(actor=user).select_related(None).order_by("name")),
        "handover_form": forms.get("handover_form")
        or HandoverForm(initial={"note": shift.handover_note}),
        "error": forms.get("error"),
    }


@login_required
def shift_view(request: AuthenticatedRequest, shift_id: int) -> HttpResponse:
    shift = selectors.shift_get(actor=request.user, shift_id=shift_id)
    return render(request, "duty/shift.html", _shift_context(request, shift))


@login_required
@require_POST
def log_add_view(request: AuthenticatedRequest, shift_id: int) -> HttpResponse:
    user = request.user
    shift = selectors.shift_get(actor=user, shift_id=shift_id)
    form = LogForm(
        request.POST, enterprises=enterprise_list(actor=user).select_related(None).order_by("name")
    )
    try:
        if not form.is_valid():
            raise ApplicationError(_("Correct the entry."))
        event = None
        if form.cleaned_data.get("event"):
            try:
                event = event_get(actor=user, event_id=form.cleaned_data["event"])
            except NotFoundError as error:
                raise ApplicationError(
                    _("No such abnormal event."), fields={"event": [_("Not found.")]}
                ) from error
        case = None
        if form.cleaned_data.get("case"):
            try:
                case = case_get(actor=user, case_id=form.cleaned_data["case"])
            except NotFoundError as error:
                raise ApplicationError(
                    _("No such case."), fields={"case": [_("Not found.")]}
                ) from error
        services.log_add(
            actor=user,
            shift=shift,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
            enterprise=form.cleaned_data.get("enterprise"),
            event=event,
            case=case,
        )
    except ApplicationError as error:
        if error.status == 403:
            raise
        add_application_error(form, error)
        context = _shift_context(request, shift, log_form=form)
        return render(request, "duty/shift.html", context, status=error.status)
    messages.success(request, _("Entry added to the log."))
    return redirect("duty:shift", shift_id=shift.pk)


@login_required
@require_POST
def handover_view(request: AuthenticatedRequest, shift_id: int) -> HttpResponse:
    shift = selectors.shift_get(actor=request.user, shift_id=shift_id)
    form = HandoverForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(_("Write the handover note."))
        services.handover_write(actor=request.user, shift=shift, note=form.cleaned_data["note"])
    except ApplicationError as error:
        if error.status == 403:
            raise
        add_application_error(form, error)
        context = _shift_context(request, shift, handover_form=form)
        return render(request, "duty/shift.html", context, status=error.status)
    messages.success(request, _("Handover note saved."))
    return redirect("duty:shift", shift_id=shift.pk)


@login_required
@require_POST
def acknowledge_view(request: AuthenticatedRequest, shift_id: int) -> HttpResponse:
    shift = selectors.shift_get(actor=request.user, shift_id=shift_id)
    try:
        services.handover_acknowledge(actor=request.user, shift=shift)
    except ApplicationError as error:
        if error.status == 403:
            raise
        context = _shift_context(request, shift, error=error)
        return render(request, "duty/shift.html", context, status=error.status)
    messages.success(request, _("Handover acknowledged."))
    return redirect("duty:shift", shift_id=shift.pk)


@login_required
@require_POST
def shift_delete_view(request: AuthenticatedRequest, shift_id: int) -> HttpResponse:
    shift = selectors.shift_get(actor=request.user, shift_id=shift_id)
    try:
        services.shift_delete(actor=request.user, shift=shift)
    except ApplicationError as error:
        if error.status == 403:
            raise
        context = _shift_context(request, shift, error=error)
        return render(request, "duty/shift.html", context, status=error.status)
    messages.success(request, _("Shift removed."))
    return redirect(f"{reverse('duty:roster')}?month={shift.day:%Y-%m}")
