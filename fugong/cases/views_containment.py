"""The containment section of a case: its closures with their reopen buttons and the close form
(``cases/containment/_content.html``), on a page of its own and inside the case page (through
``{% containment_section %}``). The forms post with htmx and get the section back; without
JavaScript they post and are sent back to the page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fugong.accounts.http import AuthenticatedRequest
from fugong.accounts.models import User
from fugong.core.errors import ApplicationError
from fugong.core.roles import Action, user_can
from fugong.core.scoping import enterprise_scope_q
from fugong.enterprises.models import Enterprise

from . import containment
from .models import Case
from .selectors import case_get

SECTION = "cases/containment/_content.html"


def _enterprises(case: Case, actor: User) -> list[Enterprise]:
    """The enterprises the close form offers: the case's, then those of its contacts."""
    ids = [case.enterprise_id] if case.enterprise_id else []
    ids += [
        enterprise_id
        for enterprise_id in case.contacts.exclude(enterprise__isnull=True)
        .values_list("enterprise_id", flat=True)
        .distinct()
        if enterprise_id not in ids
    ]
    found = {
        enterprise.pk: enterprise
        for enterprise in Enterprise.objects.filter(enterprise_scope_q(actor), pk__in=ids)
    }
    return [found[pk] for pk in ids if pk in found]


def section_context(actor: User, case: Case, **extra: Any) -> dict[str, Any]:
    can_manage = user_can(actor, Action.CONTAINMENT_MANAGE)
    enterprises = _enterprises(case, actor) if can_manage else []
    departments = sorted(
        {
            department
            for enterprise in enterprises
            for department in containment.closable_departments(enterprise)
        }
    )
    return {
        "case": case,
        "closures": list(containment.closure_list(actor=actor, case_id=case.pk)),
        "can_manage": can_manage,
        "enterprises": enterprises,
        "departments": departments,
        **extra,
    }


def _section(
    request: AuthenticatedRequest, case: Case, *, status: int = 200, **extra: Any
) -> HttpResponse:
    return render(request, SECTION, section_context(request.user, case, **extra), status=status)


@login_required
@require_GET
def containment_page_view(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = case_get(actor=request.user, case_id=case_id)
    context = section_context(request.user, case)
    if request.htmx and not request.htmx.boosted:
        return render(request, SECTION, context)
    return render(request, "cases/containment/page.html", context)


def _after_write(
    request: AuthenticatedRequest, case: Case, message: str, error: ApplicationError | None
) -> HttpResponse:
    if request.htmx:
        if error is not None:
            return _section(request, case, status=error.status, containment_error=error.message)
        return _section(request, case, containment_done=message)
    if error is not None:
        return render(
            request,
            "cases/containment/page.html",
            section_context(request.user, case, containment_error=error.message),
            status=error.status,
        )
    messages.success(request, message)
    return redirect("cases:containment_page", case_id=case.pk)


@login_required
@require_POST
def containment_close_view(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = case_get(actor=request.user, case_id=case_id)
    try:
        closure = containment.containment_close(
            actor=request.user,
            case=case,
            enterprise_id=request.POST.get("enterprise_id", ""),
            department=request.POST.get("department", "")[:100],
            suspend_enterprise=request.POST.get("suspend_enterprise") == "1",
            reason=request.POST.get("reason", "")[:300],
        )
    except ApplicationError as error:
        if error.status in (403, 404):
            raise
        return _after_write(request, case, "", error)
    message = _("Closed: its workers are denied at the gate until it reopens.")
    if not closure.department:
        message = _(
            "The enterprise is closed: its workers are denied at the gate until it reopens."
        )
    return _after_write(request, case, message, None)


@login_required
@require_POST
def containment_reopen_view(request: AuthenticatedRequest, closure_id: int) -> HttpResponse:
    closure = containment.closure_get(actor=request.user, closure_id=closure_id)
    case = (
        case_get(actor=request.user, case_id=closure.case_number) if closure.case_number else None
    )
    try:
        containment.containment_reopen(actor=request.user, closure_id=closure.pk)
    except ApplicationError as error:
        if error.status in (403, 404) or case is None:
            raise
        return _after_write(request, case, "", error)
    if case is None:  # pragma: no cover - every closure made here names its case
        messages.success(request, _("Reopened."))
        return redirect("overview:home")
    return _after_write(request, case, _("Reopened: its workers are re-screened."), None)
