"""The contacts pages: a case's contacts section (found by reason with the evidence; find, confirm,
drop with a reason, add by hand — htmx POSTs that answer with the section), and the contact
rules (the list and a form to add rules from a date).

The section (``cases/contacts/_section.html``) is included in the case's page; on its own URL it
is also a page (``cases/contacts/section_page.html``), so that it can be reached and tested alone.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fugong.accounts.http import AuthenticatedRequest
from fugong.core.errors import ApplicationError
from fugong.core.forms import add_application_error
from fugong.core.htmx import render_page_or_fragment
from fugong.core.roles import Action, require, user_can

from . import contact_services
from .forms_contacts import ContactAddForm, ContactDropForm, ContactRulesForm
from .models import Case
from .selectors import case_get, contact_rules_on
from .selectors_contacts import contact_get, contact_list, contact_rules_all

SECTION = "cases/contacts/_section.html"
PAGE = "cases/contacts/section_page.html"


def _section(
    request: AuthenticatedRequest,
    case: Case,
    *,
    status: int = 200,
    add_form: ContactAddForm | None = None,
    drop_errors: dict[int, str] | None = None,
    notice: str = "",
) -> HttpResponse:
    context: dict[str, Any] = {
        "case": case,
        "contacts": list(contact_list(actor=request.user, case=case)),
        "contact_add_form": add_form or ContactAddForm(),
        "contact_drop_errors": drop_errors or {},
        "contact_notice": notice,
    }
    return render_page_or_fragment(request, PAGE, SECTION, context, status=status)


def _done(request: AuthenticatedRequest, case: Case, message: str) -> HttpResponse:
    if request.htmx:
        return _section(request, case, notice=message)
    messages.success(request, message)
    return redirect("cases:contacts_section", case_id=case.pk)


@login_required
def contacts_section_view(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    return _section(request, case_get(actor=request.user, case_id=case_id))


@login_required
@require_POST
def contacts_find_view(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = case_get(actor=request.user, case_id=case_id)
    second_level = request.POST.get("second_level") == "1"
    result = contact_services.contacts_find(
        actor=request.user, case=case, second_level=second_level
    )
    message = _(
        "%(found)s found (%(new)s new, %(updated)s with new reasons), %(start)s to %(end)s."
    ) % {
        "found": result.found,
        "new": result.new,
        "updated": result.updated,
        "start": result.window.start.isoformat(),
        "end": result.window.end.isoformat(),
    }
    return _done(request, case, message)


@login_required
@require_POST
def contacts_add_view(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = case_get(actor=request.user, case_id=case_id)
    require(request.user, Action.CONTACTS_DECIDE)
    form = ContactAddForm(request.POST)
    if not form.is_valid():
        return _section(request, case, status=400, add_form=form)
    try:
        contact = contact_services.contact_add(
            actor=request.user,
            case=case,
            last_contact_on=form.cleaned_data["last_contact_on"],
            note=form.cleaned_data.get("note") or "",
            **form.person(),
        )
    except ApplicationError as error:
        if error.status in (403, 404) and not error.fields:
            if error.status == 403:
                raise
            error.fields = {"worker_id": [_("Not found, or not within your scope.")]}
        if "person" in error.fields:
            error.fields["__all__"] = error.fields.pop("person")
        add_application_error(form, error)
        return _section(request, case, status=error.status, add_form=form)
    return _done(request, case, _("%(name)s added as a candidate.") % {"name": contact.full_name})


@login_required
@require_POST
def contacts_confirm_view(request: AuthenticatedRequest, contact_id: int) -> HttpResponse:
    contact = contact_get(actor=request.user, contact_id=contact_id)
    try:
        contact_services.contact_confirm(actor=request.user, contact=contact)
    except ApplicationError as error:
        if error.status in (403, 404):
            raise
        return _section(request, contact.case, status=error.status, notice=error.message)
    return _done(
        request,
        contact.case,
        _("%(name)s confirmed as a close contact.") % {"name": contact.full_name},
    )


@login_required
@require_POST
def contacts_drop_view(request: AuthenticatedRequest, contact_id: int) -> HttpResponse:
    contact = contact_get(actor=request.user, contact_id=contact_id)
    form = ContactDropForm(request.POST)
    reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
    try:
        contact_services.contact_drop(actor=request.user, contact=contact, reason=reason)
    except ApplicationError as error:
        if error.status in (403, 404):
            raise
        return _section(
            request, contact.case, status=error.status, drop_errors={contact.pk: error.message}
        )
    return _done(request, contact.case, _("%(name)s dropped.") % {"name": contact.full_name})


def _rules_page(
    request: AuthenticatedRequest, form: ContactRulesForm | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "rules_list": contact_rules_all(actor=request.user),
        "rules_now": contact_rules_on(timezone.localdate()),
        "can_manage": user_can(request.user, Action.CONTACT_RULES_MANAGE),
        "form": form or ContactRulesForm(),
    }
    return render(request, "cases/contacts/rules.html", context, status=status)


@login_required
def contacts_rules_view(request: AuthenticatedRequest) -> HttpResponse:
    return _rules_page(request)


@login_required
@require_POST
def contacts_rules_add_view(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, Action.CONTACT_RULES_MANAGE)
    form = ContactRulesForm(request.POST)
    if not form.is_valid():
        return _rules_page(request, form, status=400)
    try:
        contact_services.contact_rules_save(actor=request.user, **form.cleaned_data)
    except ApplicationError as error:
        if error.status == 403:
            raise
        add_application_error(form, error)
        return _rules_page(request, form, status=error.status)
    messages.success(request, _("Contact rules saved. Searches from their date use them."))
    return redirect("cases:contacts_rules")
