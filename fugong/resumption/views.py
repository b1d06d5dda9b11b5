"""Pages for the resumption workflow. Each page reads through selectors (scope) and writes
through services (role, state, audit); business errors come back onto the form with a 4xx."""

from __future__ import annotations

from typing import Protocol

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files import File
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fugong.accounts.http import AuthenticatedRequest
from fugong.core.errors import ApplicationError, NotFoundError
from fugong.core.files import check_attachment
from fugong.core.forms import add_application_error
from fugong.core.htmx import render_page_or_fragment
from fugong.core.roles import Action, Role, require, user_can
from fugong.enterprises.selectors import enterprise_get

from . import selectors, services
from .forms import (
    ApplicationForm,
    ApproveForm,
    AttachmentForm,
    ReinstateForm,
    ReturnForm,
    SuspendForm,
    VerificationForm,
)
from .models import (
    ApplicationStatus,
    AttachmentPurpose,
    ResumptionApplication,
)


class StoredAttachment(Protocol):
    """What ``attachment_file_response`` reads of an attachment (an application's, an
    inspection finding's)."""

    @property
    def file(self) -> File[bytes]: ...

    @property
    def content_type(self) -> str: ...

    @property
    def original_name(self) -> str: ...


@login_required
def application_list_view(request: AuthenticatedRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in ApplicationStatus.values:
        status = ""
    query = request.GET.get("q", "").strip()
    applications = selectors.application_list(actor=request.user, status=status, query=query)
    page = Paginator(applications, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render_page_or_fragment(
        request,
        "resumption/application_list.html",
        "resumption/_application_table.html",
        {
            "page": page,
            "status": status,
            "query": query,
            "statuses": ApplicationStatus.choices,
            "counts": selectors.application_counts(actor=request.user),
            "query_string": params.urlencode(),
        },
    )


def _detail_context(
    request: AuthenticatedRequest, application: ResumptionApplication, **forms: BaseForm
) -> dict[str, object]:
    user = request.user
    is_own = (
        user.role == Role.ENTERPRISE_OFFICER and user.enterprise_id == application.enterprise_id
    )
    is_liaison = user.role == Role.LIAISON and application.enterprise.liaison_id == user.pk
    can_decide = user_can(user, Action.APPLICATIONS_DECIDE)
    status = application.status
    context = {
        "application": application,
        "self_check": selectors.application_self_check(application),
        "verification_rounds": selectors.application_verification_rounds(application),
        "rectification_items": application.rectification_items.all(),
        "attachments": application.attachments.select_related("item", "uploaded_by"),
        "timeline": selectors.enterprise_timeline(application.enterprise),
        "can_edit": is_own and application.is_editable,
        "can_verify": is_liaison and status == ApplicationStatus.SUBMITTED,
        "can_approve": can_decide and status == ApplicationStatus.VERIFIED,
        "can_return": can_decide
        and status in (ApplicationStatus.SUBMITTED, ApplicationStatus.VERIFIED),
        "missing": services.application_missing_for_submission(application)
        if is_own and application.is_editable
        else [],
        "attachment_form": AttachmentForm(),
        "approve_form": forms.get("approve_form")
        or ApproveForm(
            initial={"resumption_date": max(application.planned_date, timezone.localdate())}
        ),
        "return_form": forms.get("return_form") or ReturnForm(),
        "purposes_for_enterprise": [
            (value, label)
            for value, label in AttachmentPurpose.choices
            if value != AttachmentPurpose.VERIFICATION_PHOTO
        ],
    }
    return context


@login_required
def application_detail_view(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    application = selectors.application_get(actor=request.user, application_id=application_id)
    return render(
        request, "resumption/application_detail.html", _detail_context(request, application)
    )


@login_required
def application_create_view(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, Action.APPLICATIONS_APPLY)
    enterprise = enterprise_get(actor=request.user, enterprise_id=request.user.enterprise_id)
    existing = selectors.application_for_enterprise(actor=request.user, enterprise=enterprise)
    if existing is not None:
        return redirect("resumption:application_detail", application_id=existing.pk)
    form = ApplicationForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                application = services.application_create(
                    actor=request.user, enterprise=enterprise, **form.application_fields()
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(
                    request,
                    _("Application started. Now answer the self-check of every guide item."),
                )
                return redirect("resumption:application_edit", application_id=application.pk)
        return render(
            request,
            "resumption/application_form.html",
            {"form": form, "enterprise": enterprise},
            status=400,
        )
    return render(
        request, "resumption/application_form.html", {"form": form, "enterprise": enterprise}
    )


@login_required
def application_edit_view(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    application = selectors.application_get(actor=request.user, application_id=application_id)
    require(request.user, Action.APPLICATIONS_APPLY)
    rectification_items = (
        application.rectification_items.filter(round=application.round)
        if application.status == ApplicationStatus.RETURNED
        else []
    )
    initial = {key: getattr(application, key) for key in services.APPLICATION_FIELDS}
    form = ApplicationForm(
        request.POST or None,
        initial=initial,
        self_check=selectors.application_self_check(application),
        rectification_items=rectification_items,
    )
    context = {"form": form, "application": application, "enterprise": application.enterprise}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.application_update(
                    actor=request.user,
                    application=application,
                    self_check=form.self_check_answers(),
                    rectification_responses=form.rectification_responses(),
                    **form.application_fields(),
                )
            except ApplicationError as error:
                add_application_error(form, error)
                return render(
                    request, "resumption/application_form.html", context, status=error.status
                )
            messages.success(request, _("Application saved."))
            return redirect("resumption:application_detail", application_id=application.pk)
        return render(request, "resumption/application_form.html", context, status=400)
    return render(request, "resumption/application_form.html", context)


def _render_detail_with_error(
    request: AuthenticatedRequest,
    application: ResumptionApplication,
    error: ApplicationError,
    **forms: BaseForm,
) -> HttpResponse:
    application = selectors.application_get(actor=request.user, application_id=application.pk)
    context = _detail_context(request, application, **forms)
    context["error"] = error
    context["error_messages"] = error.fields.get("__all__") or [error.message]
    return render(request, "resumption/application_detail.html", context, status=error.status)


@login_required
@require_POST
def application_submit_view(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    application = selectors.application_get(actor=request.user, application_id=application_id)
    try:
        services.application_submit(actor=request.user, application=application)
    except ApplicationError as error:
        return _render_detail_with_error(request, application, error)
    messages.success(
        request, _("Application submitted. Your liaison officer will verify it on site.")
    )
    return redirect("resumption:application_detail", application_id=application.pk)


@login_required
def application_verify_view(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    application = selectors.application_get(actor=request.user, application_id=application_id)
    require(request.user, Action.APPLICATIONS_VERIFY)
    if application.enterprise.liaison_id != request.user.pk:
        raise NotFoundError()
    items = list(application.guide_version.items.order_by("position", "code"))
    form = VerificationForm(request.POST or None, items=items)
    context = {
        "form": form,
        "application": application,
        "self_check": {
            answer.item_id: answer for answer in selectors.application_self_check(application)
        },
        "photos": application.attachments.filter(
            purpose=AttachmentPurpose.VERIFICATION_PHOTO, round=application.round
        ),
        "attachment_form": AttachmentForm(
            initial={"purpose": AttachmentPurpose.VERIFICATION_PHOTO}
        ),
    }
    if request.method == "POST":
        if form.is_valid():
            try:
                services.application_verify(
                    actor=request.user,
                    application=application,
                    checks=form.checks(),
                    recommendation=form.cleaned_data["recommendation"],
                    summary=form.cleaned_data["summary"],
                )
            except ApplicationError as error:
                add_application_error(form, error)
                return render(
                    request, "resumption/application_verify.html", context, status=error.status
                )
            messages.success(request, _("Verification recorded and sent to the command post."))
            return redirect("resumption:application_detail", application_id=application.pk)
        return render(request, "resumption/application_verify.html", context, status=400)
    return render(request, "resumption/application_verify.html", context)


@login_required
@require_POST
def application_approve_view(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    application = selectors.application_get(actor=request.user, application_id=application_id)
    require(request.user, Action.APPLICATIONS_DECIDE)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        return _render_detail_with_error(
            request,
            application,
            ApplicationError(_("Enter a valid resumption date.")),
            approve_form=form,
        )
    try:
        services.application_approve(
            actor=request.user,
            application=application,
            resumption_date=form.cleaned_data["resumption_date"],
            note=form.cleaned_data["note"],
        )
    except ApplicationError as error:
        add_application_error(form, error)
        return _render_detail_with_error(request, application, error, approve_form=form)
    messages.success(
        request,
        _("Approved: %(name)s may resume from %(date)s.")
        % {"name": application.enterprise.name, "date": form.cleaned_data["resumption_date"]},
    )
    return redirect("resumption:application_detail", application_id=application.pk)


@login_required
@require_POST
def application_return_view(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    application = selectors.application_get(actor=request.user, application_id=application_id)
    require(request.user, Action.APPLICATIONS_DECIDE)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _render_detail_with_error(
            request,
            application,
            ApplicationError(_("List at least one thing to rectify.")),
            return_form=form,
        )
    try:
        services.application_return(
            actor=request.user,
            application=application,
            rectification_items=form.items(),
            note=form.cleaned_data["note"],
        )
    except ApplicationError as error:
        add_application_error(form, error)
        return _render_detail_with_error(request, application, error, return_form=form)
    messages.success(request, _("Returned to the enterprise for rectification."))
    return redirect("resumption:application_detail", application_id=application.pk)


def _attachment_list_response(
    request: AuthenticatedRequest,
    application: ResumptionApplication,
    *,
    status: int = 200,
    error: ApplicationError | None = None,
) -> HttpResponse:
    application = selectors.application_get(actor=request.user, application_id=application.pk)
    context = _detail_context(request, application)
    context["attachment_error"] = error
    return render_page_or_fragment(
        request,
        "resumption/application_detail.html",
        "resumption/_attachments.html",
        context,
        status=status,
    )


@login_required
@require_POST
def attachment_upload_view(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    application = selectors.application_get(actor=request.user, application_id=application_id)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        error = ApplicationError(_("Choose the kind of file and the file."))
        if request.htmx:
            return _attachment_list_response(request, application, status=400, error=error)
        return _render_detail_with_error(request, application, error)
    item = None
    if form.cleaned_data.get("item"):
        item = application.guide_version.items.filter(pk=form.cleaned_data["item"]).first()
        if item is None:
            raise NotFoundError()
    try:
        upload = check_attachment(form.cleaned_data["file"])
        services.application_attachment_add(
            actor=request.user,
            application=application,
            purpose=form.cleaned_data["purpose"],
            upload=upload,
            item=item,
        )
    except ApplicationError as error:
        if request.htmx:
            return _attachment_list_response(request, application, status=error.status, error=error)
        return _render_detail_with_error(request, application, error)
    if form.cleaned_data["purpose"] == AttachmentPurpose.VERIFICATION_PHOTO and not request.htmx:
        messages.success(request, _("Photo added."))
        return redirect("resumption:application_verify", application_id=application.pk)
    if request.htmx:
        return _attachment_list_response(request, application, status=201)
    messages.success(request, _("File attached."))
    return redirect("resumption:application_detail", application_id=application.pk)


def attachment_file_response(attachment: StoredAttachment, *, inline: bool) -> FileResponse:
    """The stored file with headers that keep a browser from running anything in it."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise NotFoundError() from error
    response = FileResponse(
        handle,
        content_type=attachment.content_type,
        as_attachment=not inline,
        filename=attachment.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def attachment_download_view(
    request: AuthenticatedRequest, application_id: int, attachment_id: int
) -> FileResponse:
    attachment = selectors.application_attachment_get(
        actor=request.user, application_id=application_id, attachment_id=attachment_id
    )
    # Images open in the browser; PDFs download unless asked for inline.
    inline = attachment.content_type != "application/pdf" or request.GET.get("inline") == "1"
    return attachment_file_response(attachment, inline=inline)


@login_required
@require_POST
def attachment_remove_view(
    request: AuthenticatedRequest, application_id: int, attachment_id: int
) -> HttpResponse:
    attachment = selectors.application_attachment_get(
        actor=request.user, application_id=application_id, attachment_id=attachment_id
    )
    application = attachment.application
    try:
        services.application_attachment_remove(actor=request.user, attachment=attachment)
    except ApplicationError as error:
        if request.htmx:
            return _attachment_list_response(request, application, status=error.status, error=error)
        return _render_detail_with_error(request, application, error)
    if request.htmx:
        return _attachment_list_response(request, application)
    messages.success(request, _("File removed."))
    if attachment.purpose == AttachmentPurpose.VERIFICATION_PHOTO:
        return redirect("resumption:application_verify", application_id=application.pk)
    return redirect("resumption:application_detail", application_id=application.pk)


def _enterprise_action(
    request, enterprise_id, form_class, template, service, success_message, date_key
):
    require(request.user, Action.ENTERPRISES_SUSPEND)
    enterprise = enterprise_get(actor=request.user, enterprise_id=enterprise_id)
    form = form_class(request.POST or None)
    context = {"form": form, "enterprise": enterprise}
    if request.method == "POST":
        if form.is_valid():
            try:
                service(
                    actor=request.user,
                    enterprise=enterprise,
                    reason=form.cleaned_data["reason"],
                    **{date_key: form.cleaned_data.get(date_key)},
                )
            except ApplicationError as error:
                add_application_error(form, error)
                return render(request, template, context, status=error.status)
            messages.success(request, success_message)
            return redirect("enterprises:detail", enterprise_id=enterprise.pk)
        return render(request, template, context, status=400)
    return render(request, template, context)


@login_required
def enterprise_suspend_view(request: AuthenticatedRequest, enterprise_id: int) -> HttpResponse:
    return _enterprise_action(
        request,
        enterprise_id,
        SuspendForm,
        "resumption/enterprise_suspend.html",
        services.enterprise_suspend,
        _("The enterprise has been suspended."),
        "starts_on",
    )


@login_required
def enterprise_reinstate_view(request: AuthenticatedRequest, enterprise_id: int) -> HttpResponse:
    return _enterprise_action(
        request,
        enterprise_id,
        ReinstateForm,
        "resumption/enterprise_reinstate.html",
        services.enterprise_reinstate,
        _("The enterprise has been reinstated."),
        "ends_on",
    )
