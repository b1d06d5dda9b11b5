"""The case pages: the list, opening a case (a worker found by name, a person from outside the
park, or the person of an abnormal event), the case page with its timeline and chain graph,
changing the classification, editing the dates and isolation, and the 流调表 export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fugong.accounts.http import AuthenticatedRequest
from fugong.core.errors import ApplicationError, NotFoundError
from fugong.core.forms import add_application_error
from fugong.core.htmx import render_page_or_fragment
from fugong.core.roles import Action, require, user_can
from fugong.gate.selectors import event_get
from fugong.workforce.selectors import worker_get, worker_list

from . import selectors, services
from .chain import case_chain
from .exports import XLSX, case_export, export_name
from .forms import (
    CaseEditForm,
    CaseFilterForm,
    ClassifyForm,
    EventCaseForm,
    ExternalCaseForm,
    WorkerCaseForm,
    WorkerQueryForm,
)
from .models import CaseSource, Classification
from .selectors_contacts import contact_list
from .services import OUTCOME_CLASSIFICATION

PAGE_SIZE = 50
WORKER_RESULTS = 20


def _id_param(value: str | None) -> int | None:
    """An id from the query or the form: a 404 for anything but a plausible one (a huge number
    would overflow the database's integers)."""
    if not value:
        return None
    if not value.isdigit() or len(value) > 18:
        raise NotFoundError()
    return int(value)


@login_required
def case_list_view(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, Action.CASES_VIEW)
    form = CaseFilterForm(request.GET or None)
    classification = form.cleaned_data.get("classification", "") if form.is_valid() else ""
    cases = selectors.case_list(
        actor=request.user, classification=classification, drills=form.drills_value()
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page_or_fragment(
        request,
        "cases/case_list.html",
        "cases/_case_table.html",
        {
            "form": form,
            "page": page,
            "can_manage": user_can(request.user, Action.CASES_MANAGE),
            "can_follow_ups": user_can(request.user, Action.FOLLOW_UPS_VIEW),
        },
    )


def _open_case(request: AuthenticatedRequest, form: Any, **person: Any) -> HttpResponse | None:
    """Open the case from a valid form; the case page, or None with the error on the form."""
    try:
        case = services.case_open(actor=request.user, **person, **form.case_fields())
    except ApplicationError as error:
        add_application_error(form, error)
        return None
    messages.success(request, _("Case #%(number)s opened.") % {"number": case.pk})
    return redirect("cases:detail", case_id=case.pk)


@login_required
def case_open_view(request: AuthenticatedRequest) -> HttpResponse:
    """Open a case: ``?event=`` for an abnormal event's person, ``?worker=`` for a chosen
    worker (found by name or department with ``?q=``), ``?person=external`` for someone from
    outside the park."""
    require(request.user, Action.CASES_MANAGE)
    data = request.POST if request.method == "POST" else None
    context: dict[str, Any] = {"today": timezone.localdate()}
    event_id = _id_param(request.POST.get("event") or request.GET.get("event"))
    worker_id = _id_param(request.POST.get("worker") or request.GET.get("worker"))
    form: Any
    if event_id:
        event = event_get(actor=request.user, event_id=event_id)
        proposed = OUTCOME_CLASSIFICATION.get(event.outcome, Classification.SUSPECTED)
        form = EventCaseForm(
            data,
            initial={
                "event": event.pk,
                "classification": proposed,
                "onset_on": timezone.localtime(event.occurred_at).date(),
            },
        )
        context.update(mode="event", event=event)
        if data is not None and form.is_valid():
            response = _open_case(request, form, abnormal_event_id=event.pk)
            if response is not None:
                return response
    elif worker_id:
        worker = worker_get(actor=request.user, worker_id=worker_id)
        form = WorkerCaseForm(data, initial={"worker": worker.pk, "source": CaseSource.OTHER})
        context.update(mode="worker", worker=worker)
        if data is not None and form.is_valid():
            response = _open_case(request, form, worker_id=worker.pk)
            if response is not None:
                return response
    elif (request.POST.get("person") or request.GET.get("person")) == "external":
        form = ExternalCaseForm(data, initial={"source": CaseSource.DISTRICT_NOTICE})
        context.update(mode="external")
        if data is not None and form.is_valid():
            response = _open_case(request, form, external=form.external())
            if response is not None:
                return response
    else:
        query_form = WorkerQueryForm(request.GET or None)
        query = query_form.cleaned_data.get("q", "").strip() if query_form.is_valid() else ""
        workers = (
            worker_list(actor=request.user, query=query)[:WORKER_RESULTS]
            if query and user_can(request.user, Action.WORKERS_VIEW)
            else []
        )
        context.update(mode="choose", query_form=query_form, query=query, workers=workers)
        return render(request, "cases/case_open.html", context)
    context["form"] = form
    status = 400 if data is not None else 200
    return render(request, "cases/case_open.html", context, status=status)


@login_required
def case_detail_view(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = selectors.case_get(actor=request.user, case_id=case_id)
    return render(request, "cases/case_detail.html", _detail_context(request, case))


def _detail_context(
    request: AuthenticatedRequest, case: Any, classify_form: ClassifyForm | None = None
) -> dict[str, Any]:
    can_manage = user_can(request.user, Action.CASES_MANAGE)
    today = timezone.localdate()
    return {
        "case": case,
        "history": selectors.classification_history(case=case),
        "timeline": case.entries.select_related("actor").order_by("-at", "-id"),
        "contacts": list(contact_list(actor=request.user, case=case)),
        "can_manage": can_manage,
        "can_view_worker": user_can(request.user, Action.WORKERS_VIEW),
        "can_view_event": user_can(request.user, Action.GATE_EVENTS_FOLLOW),
        "classify_form": classify_form
        or (
            ClassifyForm(initial={"effective_on": today, "classification": ""})
            if can_manage
            else None
        ),
        "today": today,
    }


@login_required
@require_POST
def case_classify_view(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = selectors.case_get(actor=request.user, case_id=case_id)
    require(request.user, Action.CASES_MANAGE)
    form = ClassifyForm(request.POST)
    if form.is_valid():
        try:
            services.case_classify(actor=request.user, case=case, **form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Classification changed."))
            return redirect("cases:detail", case_id=case.pk)
    case.refresh_from_db()
    return render(
        request,
        "cases/case_detail.html",
        _detail_context(request, case, classify_form=form),
        status=400,
    )


@login_required
def case_edit_view(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = selectors.case_get(actor=request.user, case_id=case_id)
    require(request.user, Action.CASES_MANAGE)
    initial = {field: getattr(case, field) for field in CaseEditForm.base_fields}
    form = CaseEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.case_update(actor=request.user, case=case, **form.changes())
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("Case saved."))
                return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/case_edit.html", {"case": case, "form": form}, status=status)


@login_required
def case_chain_view(request: AuthenticatedRequest, case_id: int) -> JsonResponse:
    """The chain graph's data (the page's script fetches it)."""
    case = selectors.case_get(actor=request.user, case_id=case_id)
    response = JsonResponse(case_chain(actor=request.user, case=case))
    response["Cache-Control"] = "no-store"
    return response


@login_required
def case_export_view(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    """The 流调表 (xlsx): numbers in full only for roles that may see them; audited."""
    case = selectors.case_get(actor=request.user, case_id=case_id)
    response = HttpResponse(case_export(actor=request.user, case=case), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{export_name(case)}"'
    response["Cache-Control"] = "no-store"
    return response
