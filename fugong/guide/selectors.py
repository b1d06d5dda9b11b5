"""Reads on the prevention guide."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.core.errors import ApplicationError, NotFoundError
from fugong.core.roles import Action, require, user_can

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


def _visible_versions(actor: User) -> QuerySet[GuideVersion]:
    """Published versions for every reader; the draft only for those who edit the guide."""
    require(actor, Action.GUIDE_VIEW)
    versions = GuideVersion.objects.all()
    if not user_can(actor, Action.GUIDE_EDIT):
        versions = versions.filter(status=GuideVersion.Status.PUBLISHED)
    return versions


def guide_version_list(*, actor: User) -> QuerySet[GuideVersion]:
    return _visible_versions(actor).annotate(item_count=Count("items")).order_by("-number")


def guide_version_get(*, actor: User, version_id: int | str) -> GuideVersion:
    try:
        return _visible_versions(actor).get(pk=int(version_id))
    except (GuideVersion.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


def guide_item_get(*, actor: User, item_id: int | str) -> GuideItem:
    try:
        return GuideItem.objects.select_related("version").get(
            pk=int(item_id), version__in=_visible_versions(actor)
        )
    except (GuideItem.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


def guide_items(version: GuideVersion) -> QuerySet[GuideItem]:
    return version.items.order_by("position", "code")
