"""Pages for enterprises: registration, edits and import; and the import of the park's accounts
(shown under Users, see ``fugong.enterprises.user_import``). (The list and the enterprise's page
show its resumption status, inspections and workers, so they are composed in fugong.overview.)"""

from __future__ import annotations

from base64 import b64encode
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fugong.accounts.http import AuthenticatedRequest
from fugong.accounts.letters import login_letters_docx, site_url
from fugong.core.errors import ApplicationError
from fugong.core.forms import add_application_error
from fugong.core.roles import Action, require

from . import selectors, services
from .forms import EnterpriseForm, ImportForm
from .imports import (
    enterprise_import,
    enterprise_import_enqueue,
    enterprise_import_template,
    runs_as_job,
)
from .user_import import users_import, users_import_template

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _enterprise_fields(form: EnterpriseForm) -> dict[str, Any]:
    return {key: form.cleaned_data[key] for key in form.Meta.fields if key in form.cleaned_data}


@login_required
def enterprise_create_view(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, Action.ENTERPRISES_MANAGE)
    form = EnterpriseForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                enterprise = services.enterprise_create(
                    actor=request.user, **_enterprise_fields(form)
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(
                    request, _("Enterprise “%(name)s” registered.") % {"name": enterprise.name}
                )
                return redirect("enterprises:detail", enterprise_id=enterprise.pk)
        return render(request, "enterprises/enterprise_form.html", {"form": form}, status=400)
    return render(request, "enterprises/enterprise_form.html", {"form": form})


@login_required
def enterprise_edit_view(request: AuthenticatedRequest, enterprise_id: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(actor=request.user, enterprise_id=enterprise_id)
    require(request.user, Action.ENTERPRISES_MANAGE)
    form = EnterpriseForm(request.POST or None, instance=enterprise)
    context = {"form": form, "enterprise": enterprise}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.enterprise_update(
                    actor=request.user,
                    enterprise=selectors.enterprise_get(
                        actor=request.user, enterprise_id=enterprise_id
                    ),
                    **_enterprise_fields(form),
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("Enterprise saved."))
                return redirect("enterprises:detail", enterprise_id=enterprise_id)
        return render(request, "enterprises/enterprise_form.html", context, status=400)
    return render(request, "enterprises/enterprise_form.html", context)


@login_required
def enterprise_import_view(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, Action.ENTERPRISES_IMPORT)
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if runs_as_job(upload):
                # A large file: checked and written by a worker; its page shows the progress.
                job = enterprise_import_enqueue(actor=request.user, upload=upload)
                return redirect("jobs:detail", job_id=job.pk)
            try:
                report = enterprise_import(actor=request.user, upload=upload)
            except ApplicationError as error:
                add_application_error(form, error)
                status = error.status
            else:
                context["report"] = report
                status = 200 if report.ok else 400
    return render(request, "enterprises/enterprise_import.html", context, status=status)


@login_required
def enterprise_import_template_view(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, Action.ENTERPRISES_IMPORT)
    response = HttpResponse(enterprise_import_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="enterprises-template.xlsx"'
    return response


@login_required
def user_import_view(request: AuthenticatedRequest) -> HttpResponse:
    """Users → Import: check the file, write every row or none, and offer the login letters of
    the accounts it created. The letters (with the initial passwords) travel only inside this
    one response, as a download link holding the document itself; nothing keeps them."""
    require(request.user, Action.USERS_MANAGE)
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                result = users_import(actor=request.user, upload=form.cleaned_data["file"])
            except ApplicationError as error:
                add_application_error(form, error)
                status = error.status
            else:
                context["report"] = result
                status = 200 if result.ok else 400
                if result.new_accounts:
                    letters = login_letters_docx(result.new_accounts, site_url=site_url(request))
                    context["letters_href"] = f"data:{DOCX};base64,{b64encode(letters).decode()}"
    response = render(request, "enterprises/user_import.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_required
def user_import_template_view(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, Action.USERS_MANAGE)
    response = HttpResponse(users_import_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="users-template.xlsx"'
    return response
