"""Reads on the prevention guide."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from fugong.core.errors import ApplicationError, NotFoundError
from fugong.core.roles import Action, require

from .models import GuideItem, GuideVersion


def guide_version_current() -> GuideVersion:
    """The newest published version: what new applications and inspections answer."""
    version = (
        GuideVersion.objects.filter(status=GuideVersion.Status.PUBLISHED)
        .order_by("-number")
        .first()
    )
    if version is None:
        raise ApplicationError(
            _("No prevention guide has been published yet."), code="no_guide", status=409
        )
    return version


def guide_version_list(*, actor) -> QuerySet[GuideVersion]:
    require(actor, Action.GUIDE_VIEW)
    return GuideVersion.objects.annotate(item_count=Count("items")).order_by("-number")


def guide_version_get(*, actor, version_id) -> GuideVersion:
    require(actor, Action.GUIDE_VIEW)
    try:
        return GuideVersion.objects.get(pk=int(version_id))
    except (GuideVersion.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


def guide_item_get(*, actor, item_id) -> GuideItem:
    require(actor, Action.GUIDE_VIEW)
    try:
        return GuideItem.objects.select_related("version").get(pk=int(item_id))
    except (GuideItem.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


def guide_items(version: GuideVersion) -> QuerySet[GuideItem]:
    return version.items.order_by("position", "code")
