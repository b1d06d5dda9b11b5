"""Pages for reading the prevention guide and, for the command post, editing a new version."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fugong.accounts.http import AuthenticatedRequest
from fugong.core.errors import ApplicationError
from fugong.core.forms import add_application_error
from fugong.core.roles import Action, require, user_can

from . import selectors, services
from .forms import GuideItemForm, GuideVersionForm
from .models import GuideCategory


@login_required
def version_list_view(request: AuthenticatedRequest) -> HttpResponse:
    versions = selectors.guide_version_list(actor=request.user)
    return render(
        request,
        "guide/version_list.html",
        {
            "versions": versions,
            "can_edit": user_can(request.user, Action.GUIDE_EDIT),
            "has_draft": any(version.is_draft for version in versions),
        },
    )


@login_required
def version_detail_view(request: AuthenticatedRequest, version_id: int) -> HttpResponse:
    version = selectors.guide_version_get(actor=request.user, version_id=version_id)
    return render(
        request,
        "guide/version_detail.html",
        {
            "version": version,
            "items": selectors.guide_items(version),
            "categories": dict(GuideCategory.choices),
            "can_edit": version.is_draft and user_can(request.user, Action.GUIDE_EDIT),
            "version_form": GuideVersionForm(
                initial={"title": version.title, "notes": version.notes}
            ),
        },
    )


@login_required
@require_POST
def version_draft_view(request: AuthenticatedRequest) -> HttpResponse:
    version = services.guide_version_draft(actor=request.user)
    messages.success(
        request,
        _("Draft version %(number)s created from the current guide.") % {"number": version.number},
    )
    return redirect("guide:version_detail", version_id=version.pk)


@login_required
@require_POST
def version_edit_view(request: AuthenticatedRequest, version_id: int) -> HttpResponse:
    version = selectors.guide_version_get(actor=request.user, version_id=version_id)
    form = GuideVersionForm(request.POST)
    if form.is_valid():
        services.guide_version_update(actor=request.user, version=version, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("guide:version_detail", version_id=version.pk)
    raise ApplicationError(_("Enter a title."))


@login_required
@require_POST
def version_publish_view(request: AuthenticatedRequest, version_id: int) -> HttpResponse:
    version = selectors.guide_version_get(actor=request.user, version_id=version_id)
    services.guide_version_publish(actor=request.user, version=version)
    messages.success(
        request,
        _("Version %(number)s published: new applications now answer it.")
        % {"number": version.number},
    )
    return redirect("guide:version_detail", version_id=version.pk)


def _item_form_page(request, version, item=None) -> HttpResponse:
    require(request.user, Action.GUIDE_EDIT)
    initial = (
        {
            "code": item.code,
            "category": item.category,
            "text": item.text,
            "guidance": item.guidance,
            "position": item.position,
        }
        if item
        else {}
    )
    form = GuideItemForm(request.POST or None, initial=initial)
    context = {"form": form, "version": version, "item": item}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.guide_item_save(
                    actor=request.user, version=version, item=item, **form.cleaned_data
                )
            except ApplicationError as error:
                add_application_error(form, error)
                return render(request, "guide/item_form.html", context, status=error.status)
            messages.success(request, _("Item saved."))
            return redirect("guide:version_detail", version_id=version.pk)
        return render(request, "guide/item_form.html", context, status=400)
    return render(request, "guide/item_form.html", context)


@login_required
def item_create_view(request: AuthenticatedRequest, version_id: int) -> HttpResponse:
    version = selectors.guide_version_get(actor=request.user, version_id=version_id)
    return _item_form_page(request, version)


@login_required
def item_edit_view(request: AuthenticatedRequest, item_id: int) -> HttpResponse:
    item = selectors.guide_item_get(actor=request.user, item_id=item_id)
    return _item_form_page(request, item.version, item)


@login_required
@require_POST
def item_remove_view(request: AuthenticatedRequest, item_id: int) -> HttpResponse:
    item = selectors.guide_item_get(actor=request.user, item_id=item_id)
    version_id = item.version_id
    services.guide_item_remove(actor=request.user, item=item)
    messages.success(request, _("Item removed."))
    return redirect("guide:version_detail", version_id=version_id)
