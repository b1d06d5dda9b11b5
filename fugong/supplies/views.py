"""Pages for prevention supplies: the overview, the reserve, the item list, an enterprise's
supplies (stock, days of supply, ledger, requests), requests and their allocation, the count
import and the drill-down of the enterprises low on masks. Reads through selectors (scope),
writes through services (role, state, audit); business errors come back onto the form with
their 4xx status."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fugong.accounts.http import AuthenticatedRequest
from fugong.core.errors import ApplicationError
from fugong.core.forms import add_application_error
from fugong.core.htmx import render_page_or_fragment
from fugong.core.roles import Action, Role, require, user_can
from fugong.enterprises.forms import ImportForm
from fugong.enterprises.selectors import enterprise_list
from fugong.enterprises.views import XLSX

from . import selectors, services
from .forms import (
    AllocateForm,
    DeclineForm,
    ItemForm,
    RecordForm,
    RequestForm,
    ReserveReceiptForm,
)
from .imports import supply_count_import, supply_count_template
from .models import RequestStatus, SupplyRequest


def _day(value: str | None) -> date:
    today = timezone.localdate()
    try:
        parsed = parse_date(value or "")
    except ValueError:
        parsed = None
    return parsed if parsed and parsed <= today else today


@login_required
def supplies_home_view(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    require(user, Action.SUPPLIES_VIEW)
    if user.role == Role.ENTERPRISE_OFFICER:
        return redirect("supplies:enterprise", enterprise_id=user.enterprise_id)
    today = timezone.localdate()
    enterprises = (
        enterprise_list(actor=user).select_related(None).order_by("name").only("pk", "name")
    )
    return render(
        request,
        "supplies/home.html",
        {
            "low": selectors.enterprises_low_on_masks(enterprises, on=today),
            "below": selectors.mask_days_threshold(),
            "pending": selectors.request_list(actor=user, status=RequestStatus.PENDING)[:50],
            "enterprises": enterprises[:500],
            "reserve": selectors.stock_rows(actor=user, enterprise=None)
            if user_can(user, Action.SUPPLIES_MANAGE)
            else None,
        },
    )


@login_required
def reserve_view(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    require(user, Action.SUPPLIES_MANAGE)
    form = ReserveReceiptForm(request.POST or None, initial={"occurred_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.supply_record(actor=user, enterprise=None, **form.cleaned_data)
            except ApplicationError as error:
                add_application_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Recorded."))
                return redirect("supplies:reserve")
    entries = selectors.entry_list(actor=user, enterprise=None)
    return render(
        request,
        "supplies/reserve.html",
        {
            "rows": selectors.stock_rows(actor=user, enterprise=None),
            "form": form,
            "page": Paginator(entries, 50).get_page(request.GET.get("page")),
        },
        status=status,
    )


@login_required
def item_list_view(request: AuthenticatedRequest, item_id: int | None = None) -> HttpResponse:
    user = request.user
    require(user, Action.SUPPLIES_VIEW)
    item = selectors.item_get(actor=user, item_id=item_id) if item_id else None
    form = None
    status = 200
    if user_can(user, Action.SUPPLIES_MANAGE):
        initial: dict[str, Any] = {"whole_units": True, "active": True, "warning_days": 7}
        if item is not None:
            initial = {key: getattr(item, key) for key in ItemForm.base_fields}
        form = ItemForm(request.POST or None, initial=initial)
    if request.method == "POST":
        require(user, Action.SUPPLIES_MANAGE)
        status = 400
        if form is not None and form.is_valid():
            try:
                services.supply_item_save(actor=user, item=item, **form.cleaned_data)
            except ApplicationError as error:
                add_application_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Item saved."))
                return redirect("supplies:items")
    return render(
        request,
        "supplies/items.html",
        {"items": selectors.item_list(actor=user), "form": form, "item": item},
        status=status,
    )


def _enterprise_context(user, enterprise, **forms) -> dict[str, Any]:
    return {
        "enterprise": enterprise,
        "rows": selectors.stock_rows(actor=user, enterprise=enterprise),
        "requests": selectors.request_list(actor=user, enterprise_id=enterprise.pk)[:50],
        "entries": selectors.entry_list(actor=user, enterprise=enterprise)[:100],
        "may_record": user_can(user, Action.SUPPLIES_RECORD),
        "may_request": user_can(user, Action.SUPPLIES_REQUEST),
        "may_allocate": user_can(user, Action.SUPPLIES_MANAGE),
        **forms,
    }


@login_required
def enterprise_supplies_view(request: AuthenticatedRequest, enterprise_id: int) -> HttpResponse:
    user = request.user
    enterprise = selectors.enterprise_for_supplies(actor=user, enterprise_id=enterprise_id)
    today = timezone.localdate()
    record_form = RecordForm(
        request.POST if request.method == "POST" else None, initial={"occurred_on": today}
    )
    status = 200
    if request.method == "POST":
        require(user, Action.SUPPLIES_RECORD)
        status = 400
        if record_form.is_valid():
            try:
                services.supply_record(
                    actor=user, enterprise=enterprise, **record_form.cleaned_data
                )
            except ApplicationError as error:
                add_application_error(record_form, error)
                status = error.status
            else:
                messages.success(request, _("Recorded."))
                return redirect("supplies:enterprise", enterprise_id=enterprise.pk)
    context = _enterprise_context(
        user, enterprise, record_form=record_form, request_form=RequestForm()
    )
    return render(request, "supplies/enterprise.html", context, status=status)


@login_required
@require_POST
def request_create_view(request: AuthenticatedRequest, enterprise_id: int) -> HttpResponse:
    user = request.user
    enterprise = selectors.enterprise_for_supplies(actor=user, enterprise_id=enterprise_id)
    require(user, Action.SUPPLIES_REQUEST)
    form = RequestForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.supply_request_create(actor=user, enterprise=enterprise, **form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
            status = error.status
        else:
            messages.success(request, _("Request sent to the command post."))
            return redirect("supplies:enterprise", enterprise_id=enterprise.pk)
    context = _enterprise_context(
        user,
        enterprise,
        record_form=RecordForm(initial={"occurred_on": timezone.localdate()}),
        request_form=form,
    )
    return render(request, "supplies/enterprise.html", context, status=status)


@login_required
@require_POST
def open_from_application_view(request: AuthenticatedRequest, enterprise_id: int) -> HttpResponse:
    user = request.user
    enterprise = selectors.enterprise_for_supplies(actor=user, enterprise_id=enterprise_id)
    opened = services.supplies_open_from_application(actor=user, enterprise=enterprise)
    if opened:
        messages.success(request, _("First counts taken from the application."))
    else:
        messages.info(request, _("Nothing to take from the application."))
    return redirect("supplies:enterprise", enterprise_id=enterprise.pk)


@login_required
def count_import_view(request: AuthenticatedRequest, enterprise_id: int) -> HttpResponse:
    user = request.user
    enterprise = selectors.enterprise_for_supplies(actor=user, enterprise_id=enterprise_id)
    require(user, Action.SUPPLIES_RECORD)
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "enterprise": enterprise}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                report = supply_count_import(
                    actor=user, enterprise=enterprise, upload=form.cleaned_data["file"]
                )
            except ApplicationError as error:
                add_application_error(form, error)
                status = error.status
            else:
                context["report"] = report
                status = 200 if report.ok else 400
    return render(request, "supplies/count_import.html", context, status=status)


@login_required
def count_template_view(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, Action.SUPPLIES_RECORD)
    response = HttpResponse(supply_count_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="supplies-count-template.xlsx"'
    return response


@login_required
def request_list_view(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    require(user, Action.SUPPLIES_VIEW)
    status = request.GET.get("status", RequestStatus.PENDING)
    if status not in RequestStatus.values:
        status = ""
    requests = selectors.request_list(actor=user, status=status)
    return render_page_or_fragment(
        request,
        "supplies/requests.html",
        "supplies/_request_table.html",
        {
            "page": Paginator(requests, 50).get_page(request.GET.get("page")),
            "status": status,
            "statuses": RequestStatus.choices,
            "may_allocate": user_can(user, Action.SUPPLIES_MANAGE),
        },
    )


def _answer(
    request: AuthenticatedRequest, supply_request: SupplyRequest, form, status: int, decline=None
) -> HttpResponse:
    return render(
        request,
        "supplies/request_answer.html",
        {"supply_request": supply_request, "form": form, "decline_form": decline},
        status=status,
    )


@login_required
def allocate_view(request: AuthenticatedRequest, request_id: int) -> HttpResponse:
    user = request.user
    supply_request = selectors.request_get(actor=user, request_id=request_id)
    require(user, Action.SUPPLIES_MANAGE)
    form = AllocateForm(request.POST if request.method == "POST" else None)
    if request.method != "POST":
        return _answer(request, supply_request, form, 200)
    status = 400
    if form.is_valid():
        try:
            services.supply_request_allocate(
                actor=user, request=supply_request, **form.cleaned_data
            )
        except ApplicationError as error:
            add_application_error(form, error)
            status = error.status
        else:
            messages.success(request, _("Allocated from the reserve."))
            return redirect("supplies:requests")
    return _answer(request, supply_request, form, status)


@login_required
@require_POST
def decline_view(request: AuthenticatedRequest, request_id: int) -> HttpResponse:
    user = request.user
    supply_request = selectors.request_get(actor=user, request_id=request_id)
    require(user, Action.SUPPLIES_MANAGE)
    form = DeclineForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.supply_request_decline(actor=user, request=supply_request, **form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
            status = error.status
        else:
            messages.success(request, _("Request declined."))
            return redirect("supplies:requests")
    return _answer(request, supply_request, AllocateForm(), status, decline=form)


@login_required
def low_on_masks_view(request: AuthenticatedRequest) -> HttpResponse:
    """The drill-down of the figure "enterprises under N days of masks", as of a day."""
    user = request.user
    require(user, Action.SUPPLIES_VIEW)
    on = _day(request.GET.get("date"))
    enterprises = enterprise_list(actor=user).select_related(None)
    return render(
        request,
        "supplies/low_on_masks.html",
        {
            "rows": selectors.enterprises_low_on_masks(enterprises, on=on),
            "on": on,
            "below": selectors.mask_days_threshold(),
        },
    )
