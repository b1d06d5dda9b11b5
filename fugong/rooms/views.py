"""Pages for observation and isolation rooms: the list (occupancy, alerts, a new room) and a
room's page (who is in it since when, placing the person of an open abnormal event or a case,
releasing). Reads through selectors, writes through services; refusals keep their 4xx."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fugong.accounts.http import AuthenticatedRequest
from fugong.cases.selectors import case_get, case_list
from fugong.core.errors import ApplicationError
from fugong.core.forms import add_application_error
from fugong.core.roles import Action, require, user_can
from fugong.enterprises.selectors import enterprise_list
from fugong.gate.selectors import event_get, event_list

from . import selectors, services
from .forms import PlaceForm, RoomForm


@login_required
def room_list_view(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    require(user, Action.ROOMS_VIEW)
    form = None
    status = 200
    if user_can(user, Action.ROOMS_MANAGE):
        form = RoomForm(
            request.POST if request.method == "POST" else None,
            enterprises=enterprise_list(actor=user).select_related(None).order_by("name"),
        )
    if request.method == "POST":
        require(user, Action.ROOMS_MANAGE)
        status = 400
        if form is not None and form.is_valid():
            try:
                room = services.room_save(actor=user, **form.cleaned_data)
            except ApplicationError as error:
                add_application_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Room saved."))
                return redirect("rooms:detail", room_id=room.pk)
    return render(
        request,
        "rooms/room_list.html",
        {
            "rooms": selectors.room_list(actor=user),
            "alerts": selectors.room_alerts(actor=user),
            "form": form,
        },
        status=status,
    )


def _detail(request: AuthenticatedRequest, room, form: PlaceForm, status: int = 200):
    user = request.user
    may_place = user_can(user, Action.ROOMS_PLACE)
    return render(
        request,
        "rooms/room_detail.html",
        {
            "room": room,
            "placements": selectors.placement_list(room=room),
            "may_place": may_place,
            "events": event_list(actor=user, open_only=True)[:30]
            if may_place and user_can(user, Action.GATE_EVENTS_FOLLOW)
            else [],
            "cases": case_list(actor=user, drills=None)[:30]
            if may_place and user_can(user, Action.CASES_VIEW)
            else [],
            "form": form,
        },
        status=status,
    )


@login_required
def room_detail_view(request: AuthenticatedRequest, room_id: int) -> HttpResponse:
    room = selectors.room_get(actor=request.user, room_id=room_id)
    return _detail(request, room, PlaceForm())


@login_required
@require_POST
def place_view(request: AuthenticatedRequest, room_id: int) -> HttpResponse:
    user = request.user
    room = selectors.room_get(actor=user, room_id=room_id)
    require(user, Action.ROOMS_PLACE)
    form = PlaceForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            event_id, case_id = form.cleaned_data["event"], form.cleaned_data["case"]
            services.placement_create(
                actor=user,
                room=room,
                event=event_get(actor=user, event_id=event_id) if event_id else None,
                case=case_get(actor=user, case_id=case_id) if case_id else None,
                note=form.cleaned_data["note"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
            status = error.status
        else:
            messages.success(request, _("Placed in the room."))
            return redirect("rooms:detail", room_id=room.pk)
    room = selectors.room_get(actor=user, room_id=room_id)
    return _detail(request, room, form, status)


@login_required
@require_POST
def release_view(request: AuthenticatedRequest, placement_id: int) -> HttpResponse:
    user = request.user
    placement = selectors.placement_get(actor=user, placement_id=placement_id)
    services.placement_release(actor=user, placement=placement)
    messages.success(request, _("Released from the room."))
    return redirect("rooms:detail", room_id=placement.room_id)
