"""Pages at and about the gate: the kiosk (a progressive web app that keeps working offline),
the gates with their checks and device tokens, and the abnormal events to follow."""

from __future__ import annotations

import json
from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fugong.accounts.http import AuthenticatedRequest
from fugong.core.errors import ApplicationError, NotFoundError
from fugong.core.forms import add_application_error
from fugong.core.htmx import render_page_or_fragment
from fugong.core.roles import Action, Role, require, user_can
from fugong.enterprises.models import Enterprise
from fugong.enterprises.selectors import enterprise_list

from . import selectors, services
from .display import REASON_TEXT
from .forms import DeviceForm, GateEditForm, GateForm, StepForm
from .models import GateDevice


def kiosk_texts() -> dict:
    """The kiosk's words, in the user's language, for the script (it also works offline)."""
    return {
        "reasons": {code: str(text) for code, text in REASON_TEXT.items()},
        "admitted": _("Admitted"),
        "denied": _("Denied"),
        "offline_verdict": _("decided offline"),
        "online": _("Online"),
        "offline": _("Offline: checks are kept on this device"),
        "queued": _("%(count)s waiting to upload"),
        "rejected": _("%(count)s refused by the server"),
        "recheck": _("Re-measure: armpit or ear"),
        "not_found": _("Not found"),
        "cleared": _("Cleared"),
        "observation": _("Under observation"),
        "not_cleared": _("Not cleared"),
        "visitor": _("Visitor"),
        "next": _("Next person"),
        "scan_hint": _("Scan a pass, or type a name or the last 4 of the ID"),
        "snapshot_age": _("Offline copy from %(time)s"),
        "snapshot_stale": _(
            "Offline copy from %(time)s: too old, the server will judge offline checks again"
        ),
        "bad_resident_id": _("The resident ID number is not valid: check it digit by digit."),
        "signed_out": _("Signed out: checks are kept on this device; sign in again to upload."),
        "temperature_range": _(
            "%(value)s °C is not a body temperature: check the reading (30–45 °C)."
        ),
        "spo2_range": _("%(value)s%% is not an SpO2 reading: check it (50–100%%)."),
    }


@login_required
def kiosk_view(request: AuthenticatedRequest) -> HttpResponse:
    gate = selectors.operator_gate(request.user)
    at_gate = {"gate_id": gate.pk}
    # Both go into the page with ``json_script``, which escapes what could close the script.
    config = {
        "gate": {"id": gate.pk, "enterprise_id": gate.enterprise_id},
        "csrf": get_token(request),
        "api": {
            "snapshot": reverse("api-v1:snapshot", kwargs=at_gate),
            "identify": reverse("api-v1:identify", kwargs=at_gate),
            "search": reverse("api-v1:search", kwargs=at_gate),
            "check": reverse("api-v1:check_record", kwargs=at_gate),
            "batch": reverse("api-v1:check_batch", kwargs=at_gate),
        },
        "serviceWorker": reverse("gate:service_worker"),
    }
    response = render(
        request,
        "gate/kiosk.html",
        {"gate": gate, "config": config, "texts": kiosk_texts()},
    )
    response["Cache-Control"] = "no-cache"
    return response


def service_worker_view(request: HttpRequest) -> HttpResponse:
    """The kiosk's service worker: keeps the page and its files so that it opens offline."""
    response = HttpResponse(
        render_to_string("gate/service_worker.js", {"kiosk": reverse("gate:kiosk")}),
        content_type="application/javascript",
    )
    response["Service-Worker-Allowed"] = "/gate/"
    response["Cache-Control"] = "no-cache"
    return response


def manifest_view(request: HttpRequest) -> HttpResponse:
    manifest = {
        "name": _("Gate checkpoint"),
        "short_name": _("Gate"),
        "start_url": reverse("gate:kiosk"),
        "scope": "/gate/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#b3261e",
        "icons": [
            {
                "src": static(f"fugong/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
            }
            for size in (192, 512)
        ],
    }
    return HttpResponse(
        json.dumps(manifest, ensure_ascii=False), content_type="application/manifest+json"
    )


# ----- gates ---------------------------------------------------------------------------------


def _enterprises(user):
    return (
        None
        if user.role == Role.ENTERPRISE_OFFICER
        else enterprise_list(actor=user).order_by("name")
    )


@login_required
def gate_list_view(request: AuthenticatedRequest) -> HttpResponse:
    if request.user.role == Role.GATE_OPERATOR:
        return redirect("gate:kiosk")
    gates = selectors.gate_list(actor=request.user)
    enterprises = _enterprises(request.user)
    form = GateForm(request.POST or None, enterprises=enterprises)
    if request.user.role == Role.ENTERPRISE_OFFICER:
        # Declared as a ModelChoiceField; ``fields`` is typed as a mapping of plain fields.
        enterprise_field = cast("forms.ModelChoiceField[Enterprise]", form.fields["enterprise"])
        enterprise_field.queryset = enterprise_list(actor=request.user)
        enterprise_field.empty_label = None
    status = 200
    if request.method == "POST":
        require(request.user, Action.GATES_MANAGE)
        status = 400
        if form.is_valid():
            try:
                gate = services.gate_create(
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    enterprise=form.cleaned_data["enterprise"],
                    location=form.cleaned_data["location"],
                )
            except ApplicationError as error:
                add_application_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Gate “%(name)s” set up.") % {"name": gate})
                return redirect("gate:detail", gate_id=gate.pk)
    page = Paginator(gates, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "gate/gate_list.html",
        {"page": page, "form": form, "can_manage": user_can(request.user, Action.GATES_MANAGE)},
        status=status,
    )


@login_required
def gate_detail_view(request: AuthenticatedRequest, gate_id: int) -> HttpResponse:
    gate = selectors.gate_get(actor=request.user, gate_id=gate_id)
    try:
        day = parse_date(request.GET.get("day") or "") or timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    checks = selectors.gate_checks(actor=request.user, gate=gate, day=day)
    page = Paginator(checks, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "gate/gate_detail.html",
        {
            "gate": gate,
            "day": day,
            "counts": selectors.gate_day_counts(gate=gate, day=day),
            "page": page,
            "operators": selectors.gate_operators(gate=gate),
            "operator_candidates": selectors.gate_operator_candidates(gate=gate)
            if user_can(request.user, Action.USERS_MANAGE)
            else None,
            "devices": gate.devices.all(),
            "device_form": DeviceForm(),
            "edit_form": GateEditForm(
                initial={"name": gate.name, "location": gate.location, "is_active": gate.is_active}
            ),
            "can_manage": user_can(request.user, Action.GATES_MANAGE),
            "new_token": request.session.pop("new_device_token", None),
        },
    )


@login_required
@require_POST
def gate_edit_view(request: AuthenticatedRequest, gate_id: int) -> HttpResponse:
    gate = selectors.gate_get(actor=request.user, gate_id=gate_id)
    require(request.user, Action.GATES_MANAGE)
    form = GateEditForm(request.POST)
    if form.is_valid():
        try:
            services.gate_update(actor=request.user, gate=gate, **form.cleaned_data)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Gate saved."))
    else:
        messages.error(request, " ".join(str(error) for error in form.errors.values()))
    return redirect("gate:detail", gate_id=gate.pk)


@login_required
@require_POST
def operator_assign_view(request: AuthenticatedRequest, gate_id: int) -> HttpResponse:
    """Post a gate operator at this gate (the command post)."""
    gate = selectors.gate_get(actor=request.user, gate_id=gate_id)
    require(request.user, Action.USERS_MANAGE)
    user_id = request.POST.get("user", "")
    user = (
        selectors.gate_operator_candidates(gate=gate).filter(pk=user_id).first()
        if user_id.isdigit()
        else None
    )
    if user is None:
        messages.error(request, _("Choose a gate operator of this gate's enterprise."))
    else:
        try:
            services.gate_operator_assign(actor=request.user, gate=gate, user=user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(name)s now works at this gate.") % {"name": user})
    return redirect("gate:detail", gate_id=gate.pk)


@login_required
@require_POST
def operator_remove_view(request: AuthenticatedRequest, gate_id: int, user_id: int) -> HttpResponse:
    """Take a gate operator off this gate (the command post)."""
    gate = selectors.gate_get(actor=request.user, gate_id=gate_id)
    require(request.user, Action.USERS_MANAGE)
    user = selectors.gate_operators(gate=gate).filter(pk=user_id).first()
    if user is None:
        raise NotFoundError()
    services.gate_operator_unassign(actor=request.user, user=user)
    messages.success(request, _("%(name)s no longer works at this gate.") % {"name": user})
    return redirect("gate:detail", gate_id=gate.pk)


@login_required
@require_POST
def device_create_view(request: AuthenticatedRequest, gate_id: int) -> HttpResponse:
    gate = selectors.gate_get(actor=request.user, gate_id=gate_id)
    form = DeviceForm(request.POST)
    name = form.data.get("name", "")
    _device, token = services.gate_device_create(actor=request.user, gate=gate, name=name)
    # Shown once, on the next page, then gone from the session.
    request.session["new_device_token"] = token
    return redirect("gate:detail", gate_id=gate.pk)


@login_required
@require_POST
def device_revoke_view(request: AuthenticatedRequest, gate_id: int, device_id: int) -> HttpResponse:
    gate = selectors.gate_get(actor=request.user, gate_id=gate_id)
    device = GateDevice.objects.filter(gate=gate, pk=device_id).first()
    if device is None:
        raise NotFoundError()
    services.gate_device_revoke(actor=request.user, device=device)
    messages.success(request, _("The device token has been revoked."))
    return redirect("gate:detail", gate_id=gate.pk)


# ----- abnormal events -----------------------------------------------------------------------


@login_required
def event_list_view(request: AuthenticatedRequest) -> HttpResponse:
    open_only = request.GET.get("open") == "1"
    events = selectors.event_list(actor=request.user, open_only=open_only)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render_page_or_fragment(
        request,
        "gate/event_list.html",
        "gate/_event_table.html",
        {"page": page, "open_only": open_only},
    )


@login_required
def event_panel_view(request: AuthenticatedRequest) -> HttpResponse:
    """The open events, for the panel that home pages poll every few seconds."""
    events = selectors.event_list(actor=request.user, open_only=True)[:10]
    return render(request, "gate/_event_panel.html", {"events": events})


@login_required
def event_detail_view(request: AuthenticatedRequest, event_id: int) -> HttpResponse:
    event = selectors.event_get(actor=request.user, event_id=event_id)
    form = StepForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.abnormal_event_step(actor=request.user, event=event, **form.cleaned_data)
            except ApplicationError as error:
                add_application_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Step recorded."))
                return redirect("gate:event", event_id=event.pk)
    return render(
        request,
        "gate/event_detail.html",
        {
            "event": event,
            "steps": event.steps.select_related("actor"),
            "form": form,
            "can_view_worker": user_can(request.user, Action.WORKERS_VIEW),
            "can_open_case": user_can(request.user, Action.CASES_MANAGE),
        },
        status=status,
    )
