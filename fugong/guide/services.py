"""Writes on the prevention guide: draft a new version, edit its items, publish it."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.errors import ApplicationError, ConflictError, full_clean_or_raise
from fugong.core.roles import Action, require

from .models import GuideItem, GuideVersion


@transaction.atomic
def guide_version_draft(*, actor: User, title: str = "", notes: str = "") -> GuideVersion:
    """Start a new version as a copy of the newest one. Only one draft may exist."""
    require(actor, Action.GUIDE_EDIT)
    if GuideVersion.objects.filter(status=GuideVersion.Status.DRAFT).exists():
        raise ConflictError(_("A draft version already exists; edit or publish it first."))
    latest = GuideVersion.objects.order_by("-number").first()
    number = (latest.number + 1) if latest else 1
    version = GuideVersion(
        number=number,
        title=(title or (latest.title if latest else _("Enterprise prevention guide"))).strip(),
        notes=notes.strip(),
    )
    full_clean_or_raise(version)
    try:
        with transaction.atomic():
            version.save()
    except IntegrityError as error:
        raise ConflictError(
            _("A draft version already exists; edit or publish it first.")
        ) from error
    if latest:
        GuideItem.objects.bulk_create(
            GuideItem(
                version=version,
                code=item.code,
                position=item.position,
                category=item.category,
                text=item.text,
                guidance=item.guidance,
            )
            for item in latest.items.all()
        )
    audit_event_record(
        actor=actor,
        action=AuditAction.GUIDE_VERSION_DRAFTED,
        target=version,
        summary=f"v{version.number}",
    )
    return version


def _require_draft(version: GuideVersion) -> None:
    if not version.is_draft:
        raise ConflictError(_("A published version of the guide can no longer change."))


@transaction.atomic
def guide_version_update(
    *, actor: User, version: GuideVersion, title: str, notes: str
) -> GuideVersion:
    """Change a draft's title and its note on what changed."""
    require(actor, Action.GUIDE_EDIT)
    version = GuideVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    if (version.title, version.notes) == (title.strip(), notes.strip()):
        return version
    version.title = title.strip()
    version.notes = notes.strip()
    full_clean_or_raise(version)
    version.save(update_fields=["title", "notes", "updated_at"])
    audit_event_record(
        actor=actor,
        action=AuditAction.GUIDE_VERSION_UPDATED,
        target=version,
        summary=f"v{version.number} {version.title}",
    )
    return version


@transaction.atomic
def guide_item_save(
    *,
    actor: User,
    version: GuideVersion,
    item: GuideItem | None = None,
    code: str,
    category: str,
    text: str,
    guidance: str = "",
    position: int | None = None,
) -> GuideItem:
    """Add an item to a draft, or change one of its items."""
    require(actor, Action.GUIDE_EDIT)
    version = GuideVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    if item is None:
        item = GuideItem(version=version)
        if position is None:
            position = (version.items.aggregate(last=Max("position"))["last"] or 0) + 10
    elif item.version_id != version.pk:
        raise ConflictError(_("This item belongs to another version."))
    item.code = (code or "").strip().upper()
    item.category = category
    item.text = (text or "").strip()
    item.guidance = (guidance or "").strip()
    if position is not None:
        item.position = position
    if not item.text:
        raise ApplicationError(_("Write the requirement."), fields={"text": [_("Required.")]})
    full_clean_or_raise(item)
    item.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.GUIDE_ITEM_SAVED,
        target=item,
        summary=f"v{version.number} {item.code}",
    )
    return item


@transaction.atomic
def guide_item_remove(*, actor: User, item: GuideItem) -> None:
    """Remove an item from a draft."""
    require(actor, Action.GUIDE_EDIT)
    version = GuideVersion.objects.select_for_update().get(pk=item.version_id)
    _require_draft(version)
    audit_event_record(
        actor=actor,
        action=AuditAction.GUIDE_ITEM_REMOVED,
        target=item,
        summary=f"v{version.number} {item.code}",
    )
    item.delete()


@transaction.atomic
def guide_version_publish(
    *, actor: User, version: GuideVersion, effective_date: date | None = None
) -> GuideVersion:
    """Publish a draft: it becomes the version new applications answer, and never changes."""
    require(actor, Action.GUIDE_EDIT)
    version = GuideVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    if not version.items.exists():
        raise ConflictError(_("A guide without items cannot be published."))
    now = timezone.now()
    version.status = GuideVersion.Status.PUBLISHED
    version.published_at = now
    version.published_by = actor
    version.effective_date = effective_date or timezone.localdate(now)
    version.save(
        update_fields=["status", "published_at", "published_by", "effective_date", "updated_at"]
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.GUIDE_VERSION_PUBLISHED,
        target=version,
        summary=f"v{version.number}",
    )
    return version
