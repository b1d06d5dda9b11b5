"""Pages for inspections, findings and their rectification. Each page reads through selectors
(scope) and writes through services (role, state, audit); business errors come back onto the
form with a 4xx status."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fugong.accounts.http import AuthenticatedRequest
from fugong.core.errors import ApplicationError
from fugong.core.files import atomic_storing_files, check_attachment
from fugong.core.forms import add_application_error
from fugong.core.htmx import render_page_or_fragment
from fugong.core.roles import Action, Role, require, user_can
from fugong.enterprises.selectors import enterprise_list
from fugong.resumption.views import attachment_file_response

from . import selectors, services
from .forms import (
    RESULT_CHOICES,
    AttachmentForm,
    ChecklistForm,
    FindingForm,
    InspectionCreateForm,
    RectificationForm,
    ReviewForm,
    SuspendForm,
    result_choice,
)
from .models import (
    AttachmentPurpose,
    FindingSeverity,
    FindingStatus,
    InspectionKind,
    InspectionStatus,
)


def _flag(request: AuthenticatedRequest, name: str) -> bool:
    return request.GET.get(name) in ("1", "true", "on")


def _choice(value: str, choices) -> str:
    return value if value in choices else ""


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _create_form(user, data=None) -> InspectionCreateForm | None:
    """The "Record an inspection" form for the roles that may, or None."""
    if not user_can(user, Action.INSPECTIONS_CONDUCT):
        return None
    kinds = [InspectionKind.FOLLOW_UP] if user.role == Role.LIAISON else None
    return InspectionCreateForm(
        data,
        enterprises=enterprise_list(actor=user).order_by("name"),
        kinds=kinds,
        initial={
            "inspected_on": timezone.localdate(),
            "kind": InspectionKind.FOLLOW_UP if kinds else InspectionKind.UNANNOUNCED,
        },
    )


# ----- inspections ---------------------------------------------------------------------------


@login_required
def inspection_list_view(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    require(user, Action.INSPECTIONS_VIEW)
    kind = _choice(request.GET.get("kind", ""), InspectionKind.values)
    status = _choice(request.GET.get("status", ""), InspectionStatus.values)
    enterprise_id = _int_or_none(request.GET.get("enterprise"))
    overdue = _flag(request, "overdue")
    form = _create_form(user, request.POST if request.method == "POST" else None)
    response_status = 200
    if request.method == "POST":
        require(user, Action.INSPECTIONS_CONDUCT)
        response_status = 400
        # (require() above refused whoever has no form)
        if form is not None and form.is_valid():
            try:
                inspection = services.inspection_create(
                    actor=user,
                    enterprise=form.cleaned_data["enterprise"],
                    kind=form.cleaned_data["kind"],
                    inspected_on=form.cleaned_data["inspected_on"],
                    team=form.cleaned_data["team"],
                )
            except ApplicationError as error:
                add_application_error(form, error)
                response_status = error.status
            else:
                messages.success(request, _("Inspection started: record what you find."))
                return redirect("inspections:detail", inspection_id=inspection.pk)
    inspections = selectors.inspection_list(
        actor=user, enterprise_id=enterprise_id, kind=kind, status=status, overdue=overdue
    )
    page = Paginator(inspections, 50).get_page(request.GET.get("page"))
    return render_page_or_fragment(
        request,
        "inspections/inspection_list.html",
        "inspections/_inspection_table.html",
        {
            "page": page,
            "form": form,
            "kind": kind,
            "status": status,
            "overdue": overdue,
            "enterprise_id": enterprise_id,
            "kinds": InspectionKind.choices,
            "statuses": InspectionStatus.choices,
            "enterprises": None
            if user.role == Role.ENTERPRISE_OFFICER
            else enterprise_list(actor=user)
            .select_related(None)
            .order_by("name")
            .only("pk", "name"),
        },
        status=response_status,
    )


def _may_conduct(user, inspection) -> bool:
    return (
        user_can(user, Action.INSPECTIONS_CONDUCT)
        and (user.role == Role.COMMAND or inspection.inspector_id == user.pk)
        and inspection.status == InspectionStatus.DRAFT
    )


def _inspection_context(request, inspection, *, checklist_form=None, finding_form=None) -> dict:
    user = request.user
    can_edit = _may_conduct(user, inspection)
    checklist = selectors.inspection_checklist(inspection)
    items = inspection.guide_version.items.order_by("position", "code")
    if checklist_form is None and can_edit:
        initial = {
            "summary": inspection.summary,
            "good_practice": inspection.good_practice,
            "team": inspection.team,
        }
        for group in checklist:
            for row in group.rows:
                initial[f"item_{row.item.pk}_met"] = result_choice(row.met)
                initial[f"item_{row.item.pk}_note"] = row.note
        checklist_form = ChecklistForm(initial=initial, items=items)
    if checklist_form is not None:
        for group in checklist:
            for row in group.rows:
                met_field = checklist_form[f"item_{row.item.pk}_met"]
                note_field = checklist_form[f"item_{row.item.pk}_note"]
                row.form_met = met_field.value() or ""
                row.form_note = note_field.value() or ""
                row.errors = [str(error) for error in (*met_field.errors, *note_field.errors)]
    if finding_form is None and can_edit:
        finding_form = FindingForm(
            items=items, initial={"deadline": timezone.localdate() + timedelta(days=3)}
        )
    return {
        "inspection": inspection,
        "checklist": checklist,
        "findings": selectors.inspection_findings(inspection),
        "can_edit": can_edit,
        "checklist_form": checklist_form,
        "finding_form": finding_form,
        "result_choices": RESULT_CHOICES,
    }


@login_required
def inspection_detail_view(request: AuthenticatedRequest, inspection_id: int) -> HttpResponse:
    inspection = selectors.inspection_get(actor=request.user, inspection_id=inspection_id)
    return render(
        request, "inspections/inspection_detail.html", _inspection_context(request, inspection)
    )


@login_required
@require_POST
def inspection_update_view(request: AuthenticatedRequest, inspection_id: int) -> HttpResponse:
    inspection = selectors.inspection_get(actor=request.user, inspection_id=inspection_id)
    require(request.user, Action.INSPECTIONS_CONDUCT)
    items = inspection.guide_version.items.order_by("position", "code")
    form = ChecklistForm(request.POST, items=items)
    status = 400
    if form.is_valid():
        try:
            services.inspection_update(
                actor=request.user,
                inspection=inspection,
                item_results=form.item_results(),
                summary=form.cleaned_data["summary"],
                good_practice=form.cleaned_data["good_practice"],
                team=form.cleaned_data["team"],
            )
        except ApplicationError as error:
            if error.status in (403, 404):
                raise
            add_application_error(form, error)
            status = error.status
        else:
            messages.success(request, _("Checklist saved."))
            return redirect("inspections:detail", inspection_id=inspection.pk)
    context = _inspection_context(request, inspection, checklist_form=form)
    context["can_edit"] = True  # show the form with its errors
    return render(request, "inspections/inspection_detail.html", context, status=status)


@login_required
@require_POST
def finding_add_view(request: AuthenticatedRequest, inspection_id: int) -> HttpResponse:
    """Add a finding (with an optional photo); an htmx request gets the findings card back."""
    inspection = selectors.inspection_get(actor=request.user, inspection_id=inspection_id)
    require(request.user, Action.INSPECTIONS_CONDUCT)
    items = inspection.guide_version.items.order_by("position", "code")
    form = FindingForm(request.POST, request.FILES, items=items)
    shown_form: FindingForm | None = form
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            # The photo is checked first, so that a refused file leaves no finding behind.
            photo = check_attachment(data["photo"]) if data.get("photo") else None
            with atomic_storing_files():
                finding = services.finding_add(
                    actor=request.user,
                    inspection=inspection,
                    description=data["description"],
                    severity=data["severity"],
                    rectification_required=data["rectification_required"],
                    deadline=data["deadline"],
                    item=data["item"],
                )
                if photo is not None:
                    services.finding_attachment_add(
                        actor=request.user,
                        finding=finding,
                        upload=photo,
                        purpose=AttachmentPurpose.PHOTO,
                    )
        except ApplicationError as error:
            if error.status in (403, 404):
                raise
            if "file" in error.fields:
                error.fields["photo"] = error.fields.pop("file")
            add_application_error(form, error)
            status = error.status
        else:
            if not request.htmx:
                messages.success(request, _("Finding recorded."))
                return redirect("inspections:detail", inspection_id=inspection.pk)
            shown_form = None  # a new finding: the card shows an empty form
            status = 201
    context = _inspection_context(request, inspection, finding_form=shown_form)
    if status >= 400:
        context["can_edit"] = True
    return render_page_or_fragment(
        request,
        "inspections/inspection_detail.html",
        "inspections/_findings.html",
        context,
        status=status,
    )


@login_required
@require_POST
def inspection_complete_view(request: AuthenticatedRequest, inspection_id: int) -> HttpResponse:
    inspection = selectors.inspection_get(actor=request.user, inspection_id=inspection_id)
    try:
        services.inspection_complete(actor=request.user, inspection=inspection)
    except ApplicationError as error:
        if error.status == 403:
            raise
        context = _inspection_context(request, inspection)
        context["action_error"] = error
        return render(request, "inspections/inspection_detail.html", context, status=error.status)
    messages.success(request, _("Inspection completed: the enterprise now sees its findings."))
    return redirect("inspections:detail", inspection_id=inspection.pk)


# ----- findings ------------------------------------------------------------------------------


@login_required
def finding_list_view(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    status = _choice(request.GET.get("status", ""), FindingStatus.values)
    severity = _choice(request.GET.get("severity", ""), FindingSeverity.values)
    enterprise_id = _int_or_none(request.GET.get("enterprise"))
    overdue = _flag(request, "overdue")
    findings = selectors.finding_list(
        actor=user,
        status=status,
        overdue=overdue,
        enterprise_id=enterprise_id,
        severity=severity,
    )
    page = Paginator(findings, 50).get_page(request.GET.get("page"))
    return render_page_or_fragment(
        request,
        "inspections/finding_list.html",
        "inspections/_finding_table.html",
        {
            "page": page,
            "status": status,
            "severity": severity,
            "overdue": overdue,
            "enterprise_id": enterprise_id,
            "statuses": FindingStatus.choices,
            "severities": FindingSeverity.choices,
            "counts": selectors.finding_counts(actor=user),
            "can_rectify": user_can(user, Action.FINDINGS_RECTIFY),
        },
    )


def _finding_context(request, finding, **forms) -> dict:
    user = request.user
    inspection = finding.inspection
    is_officer = (
        user.role == Role.ENTERPRISE_OFFICER
        and user.enterprise_id == finding.enterprise_id
        and inspection.status == InspectionStatus.COMPLETED
    )
    can_rectify = is_officer and finding.status == FindingStatus.OPEN
    can_review = (
        user_can(user, Action.FINDINGS_REVIEW)
        and (user.role == Role.COMMAND or inspection.inspector_id == user.pk)
        and finding.status == FindingStatus.SUBMITTED
    )
    can_add_photo = _may_conduct(user, inspection)
    can_suspend = (
        user_can(user, Action.ENTERPRISES_SUSPEND) and finding.severity == FindingSeverity.SERIOUS
    )
    suspend_reason = _(
        "Serious finding of the inspection on %(date)s: %(description)s Rectification "
        "required: %(required)s"
    ) % {
        "date": inspection.inspected_on.isoformat(),
        "description": finding.description,
        "required": finding.rectification_required,
    }
    return {
        "finding": finding,
        "inspection": inspection,
        "photos": selectors.finding_photos(finding),
        "rounds": selectors.finding_rounds(finding),
        "can_rectify": can_rectify,
        "can_review": can_review,
        "can_add_photo": can_add_photo,
        "can_suspend": can_suspend,
        "rectification_form": forms.get("rectification_form") or RectificationForm(),
        "review_form": forms.get("review_form") or ReviewForm(),
        "suspend_form": forms.get("suspend_form")
        or SuspendForm(initial={"reason": suspend_reason, "starts_on": timezone.localdate()}),
        "attachment_error": forms.get("attachment_error"),
        "action_error": forms.get("action_error"),
    }


@login_required
def finding_detail_view(request: AuthenticatedRequest, finding_id: int) -> HttpResponse:
    finding = selectors.finding_get(actor=request.user, finding_id=finding_id)
    return render(request, "inspections/finding_detail.html", _finding_context(request, finding))


def _render_finding(request, finding, status: int, **forms) -> HttpResponse:
    finding = selectors.finding_get(actor=request.user, finding_id=finding.pk)
    return render(
        request,
        "inspections/finding_detail.html",
        _finding_context(request, finding, **forms),
        status=status,
    )


@login_required
@require_POST
def attachment_upload_view(request: AuthenticatedRequest, finding_id: int) -> HttpResponse:
    """A photo (inspector, while the inspection is a draft) or evidence (the enterprise's
    officer, while the finding is open)."""
    finding = selectors.finding_get(actor=request.user, finding_id=finding_id)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        error = ApplicationError(_("Choose the file to upload."))
        return _render_finding(request, finding, 400, attachment_error=error)
    purpose = form.cleaned_data["purpose"]
    # The role is checked before the file is read: a refused role learns nothing about files.
    require(
        request.user,
        Action.INSPECTIONS_CONDUCT
        if purpose == AttachmentPurpose.PHOTO
        else Action.FINDINGS_RECTIFY,
    )
    try:
        upload = check_attachment(form.cleaned_data["file"])
        services.finding_attachment_add(
            actor=request.user, finding=finding, upload=upload, purpose=purpose
        )
    except ApplicationError as error:
        if error.status in (403, 404):
            raise
        return _render_finding(request, finding, error.status, attachment_error=error)
    messages.success(request, _("File attached."))
    return redirect("inspections:finding", finding_id=finding.pk)


@login_required
def attachment_download_view(
    request: AuthenticatedRequest, finding_id: int, attachment_id: int
) -> FileResponse:
    attachment = selectors.finding_attachment_get(
        actor=request.user, finding_id=finding_id, attachment_id=attachment_id
    )
    # Images open in the browser; PDFs download unless asked for inline.
    inline = attachment.content_type != "application/pdf" or request.GET.get("inline") == "1"
    return attachment_file_response(attachment, inline=inline)


@login_required
@require_POST
def rectify_view(request: AuthenticatedRequest, finding_id: int) -> HttpResponse:
    finding = selectors.finding_get(actor=request.user, finding_id=finding_id)
    require(request.user, Action.FINDINGS_RECTIFY)
    form = RectificationForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            evidence = form.cleaned_data.get("evidence")
            uploads = [check_attachment(evidence)] if evidence else []
            services.rectification_submit(
                actor=request.user,
                finding=finding,
                response=form.cleaned_data["response"],
                uploads=uploads,
            )
        except ApplicationError as error:
            if error.status in (403, 404):
                raise
            if "file" in error.fields:
                error.fields["evidence"] = error.fields.pop("file")
            add_application_error(form, error)
            status = error.status
        else:
            messages.success(request, _("Rectification submitted for acceptance."))
            return redirect("inspections:finding", finding_id=finding.pk)
    return _render_finding(request, finding, status, rectification_form=form)


@login_required
@require_POST
def review_view(request: AuthenticatedRequest, finding_id: int) -> HttpResponse:
    finding = selectors.finding_get(actor=request.user, finding_id=finding_id)
    require(request.user, Action.FINDINGS_REVIEW)
    form = ReviewForm(request.POST)
    status = 400
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.rectification_review(
                actor=request.user,
                finding=finding,
                accept=accept,
                note=form.cleaned_data["note"],
                new_deadline=form.cleaned_data["new_deadline"],
            )
        except ApplicationError as error:
            if error.status in (403, 404):
                raise
            add_application_error(form, error)
            status = error.status
        else:
            messages.success(
                request,
                _("Rectification accepted: the finding is closed.")
                if accept
                else _("Finding reopened: the enterprise is asked to rectify it again."),
            )
            return redirect("inspections:finding", finding_id=finding.pk)
    return _render_finding(request, finding, status, review_form=form)


@login_required
@require_POST
def suspend_view(request: AuthenticatedRequest, finding_id: int) -> HttpResponse:
    finding = selectors.finding_get(actor=request.user, finding_id=finding_id)
    require(request.user, Action.ENTERPRISES_SUSPEND)
    form = SuspendForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.finding_suspend_enterprise(
                actor=request.user,
                finding=finding,
                reason=form.cleaned_data["reason"],
                starts_on=form.cleaned_data["starts_on"],
            )
        except ApplicationError as error:
            if error.status in (403, 404):
                raise
            add_application_error(form, error)
            status = error.status
        else:
            messages.success(
                request,
                _("%(enterprise)s is suspended.") % {"enterprise": finding.enterprise.name},
            )
            return redirect("inspections:finding", finding_id=finding.pk)
    return _render_finding(request, finding, status, suspend_form=form)
