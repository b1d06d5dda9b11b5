"""Pages for training: sessions, their attendance (ticked, imported, scanned), who is trained.
Each page reads through selectors (scope) and writes through services (role, state, audit);
business errors come back onto the form with a 4xx status."""

from __future__ import annotations

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
from fugong.core.files import check_attachment
from fugong.core.forms import add_application_error
from fugong.core.htmx import render_page_or_fragment
from fugong.core.roles import Action, Role, require, user_can
from fugong.enterprises.selectors import enterprise_list
from fugong.resumption.views import attachment_file_response

from . import selectors, services
from .forms import ImportForm, MaterialForm, ScanForm, SessionForm
from .models import TrainingSession

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _session_form(user, data=None) -> SessionForm | None:
    if not user_can(user, Action.TRAINING_MANAGE):
        return None
    return SessionForm(
        data,
        enterprises=enterprise_list(actor=user).select_related(None).order_by("name"),
        park_wide=user.role == Role.COMMAND,
        initial={"held_on": timezone.localdate()},
    )


def _may_manage(user, session: TrainingSession) -> bool:
    try:
        services.require_manages(user, session)
    except ApplicationError:
        return False
    return True


@login_required
def session_list_view(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    require(user, Action.TRAINING_VIEW)
    form = _session_form(user, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        require(user, Action.TRAINING_MANAGE)
        status = 400
        if form is not None and form.is_valid():
            try:
                session = services.session_create(actor=user, **form.cleaned_data)
            except ApplicationError as error:
                if error.status in (403, 404):
                    raise
                add_application_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Training session recorded."))
                return redirect("training:detail", session_id=session.pk)
    enterprise_id = _int_or_none(request.GET.get("enterprise"))
    sessions = selectors.session_list(actor=user, enterprise_id=enterprise_id)
    return render(
        request,
        "training/session_list.html",
        {
            "page": Paginator(sessions, 50).get_page(request.GET.get("page")),
            "form": form,
            "enterprise_id": enterprise_id,
        },
        status=status,
    )


def _detail_context(request: AuthenticatedRequest, session: TrainingSession, **forms) -> dict:
    user = request.user
    may_manage = _may_manage(user, session)
    candidates = (
        list(selectors.session_candidates(actor=user, session=session)[:500]) if may_manage else []
    )
    return {
        "session": session,
        "attendances": selectors.session_attendances(actor=user, session=session),
        "materials": session.materials.select_related("uploaded_by"),
        "may_manage": may_manage,
        "held": session.held_on <= timezone.localdate(),
        "candidates": candidates,
        "material_form": forms.get("material_form") or MaterialForm(),
        "import_form": forms.get("import_form") or ImportForm(),
        "report": forms.get("report"),
        "tick_error": forms.get("tick_error"),
    }


@login_required
def session_detail_view(request: AuthenticatedRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get(actor=request.user, session_id=session_id)
    return render(request, "training/session_detail.html", _detail_context(request, session))


@login_required
@require_POST
def attendance_tick_view(request: AuthenticatedRequest, session_id: int) -> HttpResponse:
    """Tick the workers present (the checkboxes of the session page)."""
    session = selectors.session_get(actor=request.user, session_id=session_id)
    ids = [value for value in (_int_or_none(v) for v in request.POST.getlist("worker")) if value]
    try:
        if not ids:
            raise ApplicationError(_("Tick at least one worker."))
        created = services.attendance_tick(actor=request.user, session=session, worker_ids=ids)
    except ApplicationError as error:
        if error.status == 403:
            raise
        context = _detail_context(request, session, tick_error=error)
        return render(request, "training/session_detail.html", context, status=error.status)
    messages.success(request, _("%(count)s attendees recorded.") % {"count": len(created)})
    return redirect("training:detail", session_id=session.pk)


@login_required
@require_POST
def attendance_remove_view(
    request: AuthenticatedRequest, session_id: int, worker_id: int
) -> HttpResponse:
    session = selectors.session_get(actor=request.user, session_id=session_id)
    services.attendance_remove(actor=request.user, session=session, worker_id=worker_id)
    messages.success(request, _("Attendance removed."))
    return redirect("training:detail", session_id=session.pk)


@login_required
def scan_view(request: AuthenticatedRequest, session_id: int) -> HttpResponse:
    """Taking attendance at the session by scanning passes: the scanner types the pass's code
    and Enter into the field; each pass is answered at once (htmx) and the field is ready for the
    next one."""
    session = selectors.session_get(actor=request.user, session_id=session_id)
    services.require_manages(request.user, session)
    status = 200
    result: dict | None = None
    form = ScanForm()
    if request.method == "POST":
        posted = ScanForm(request.POST)
        if not posted.is_valid():
            status = 400
            result = {"ok": False, "message": _("Scan a pass first.")}
        else:
            try:
                worker, created = services.attendance_scan(
                    actor=request.user, session=session, token=posted.cleaned_data["token"]
                )
            except ApplicationError as error:
                if error.status == 403:
                    raise
                status = error.status
                result = {"ok": False, "message": error.message}
            else:
                result = {
                    "ok": True,
                    "created": created,
                    "name": worker.full_name,
                    "department": worker.department,
                    "message": _("Present.") if created else _("Already recorded as present."),
                }
    context = {
        "session": session,
        "form": form,
        "result": result,
        "attendances": selectors.session_attendances(actor=request.user, session=session),
    }
    return render_page_or_fragment(
        request, "training/scan.html", "training/_scan_panel.html", context, status=status
    )


@login_required
@require_POST
def attendance_import_view(request: AuthenticatedRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get(actor=request.user, session_id=session_id)
    services.require_manages(request.user, session)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        context = _detail_context(request, session, import_form=form)
        return render(request, "training/session_detail.html", context, status=400)
    try:
        report = services.attendance_import(
            actor=request.user, session=session, upload=form.cleaned_data["file"]
        )
    except ApplicationError as error:
        if error.status == 403:
            raise
        add_application_error(form, error)
        context = _detail_context(request, session, import_form=form)
        return render(request, "training/session_detail.html", context, status=error.status)
    if not report.ok:
        context = _detail_context(request, session, report=report)
        return render(request, "training/session_detail.html", context, status=400)
    messages.success(
        request,
        _("%(created)s attendees imported, %(unchanged)s already recorded.")
        % {"created": report.created, "unchanged": report.unchanged},
    )
    return redirect("training:detail", session_id=session.pk)


@login_required
def import_template_view(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, Action.TRAINING_MANAGE)
    response = HttpResponse(services.attendance_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="training-attendance-template.xlsx"'
    return response


@login_required
@require_POST
def material_upload_view(request: AuthenticatedRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get(actor=request.user, session_id=session_id)
    # The role is checked before the file is read: a refused role learns nothing about files.
    services.require_manages(request.user, session)
    form = MaterialForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ApplicationError(_("Choose the file to upload."))
        upload = check_attachment(form.cleaned_data["file"])
        services.material_add(actor=request.user, session=session, upload=upload)
    except ApplicationError as error:
        if error.status in (403, 404):
            raise
        form = MaterialForm()
        add_application_error(form, error)
        context = _detail_context(request, session, material_form=form)
        return render(request, "training/session_detail.html", context, status=error.status)
    messages.success(request, _("File attached."))
    return redirect("training:detail", session_id=session.pk)


@login_required
def material_download_view(
    request: AuthenticatedRequest, session_id: int, material_id: int
) -> FileResponse:
    material = selectors.material_get(
        actor=request.user, session_id=session_id, material_id=material_id
    )
    return attachment_file_response(material, inline=material.content_type != "application/pdf")


@login_required
def trained_view(request: AuthenticatedRequest) -> HttpResponse:
    """Trained and untrained workers per enterprise; with ``?enterprise=``, the untrained
    workers of that enterprise."""
    user = request.user
    require(user, Action.TRAINING_VIEW)
    enterprise_id = _int_or_none(request.GET.get("enterprise"))
    untrained = selectors.untrained_workers(actor=user, enterprise_id=enterprise_id)
    return render(
        request,
        "training/trained.html",
        {
            "counts": selectors.training_counts(actor=user),
            "enterprise_id": enterprise_id,
            "page": Paginator(untrained, 100).get_page(request.GET.get("page")),
        },
    )
