"""Recording an inspection (walking the guide's items) and completing it; the checks on scope,
state and text that every step of an inspection shares."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.errors import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    full_clean_or_raise,
)
from fugong.core.roles import Action, Role, require
from fugong.core.scoping import enterprise_scope_q
from fugong.enterprises.models import Enterprise
from fugong.guide.selectors import guide_version_current

from ..models import (
    Finding,
    Inspection,
    InspectionItemResult,
    InspectionKind,
    InspectionStatus,
)

# A finding holds at most this many photos and pieces of evidence, all rounds together.
MAX_ATTACHMENTS_PER_FINDING = 20
NOTE_MAX_LENGTH = 500


class ItemResult(NamedTuple):
    """What an inspection found for one guide item: met (True), not met (False) or not checked
    (None), with a note. A plain ``(met, note)`` tuple is accepted too."""

    met: bool | None
    note: str = ""


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def _today(at: datetime | None) -> date:
    return timezone.localdate(_now(at))


def _require_in_scope(actor: User, enterprise_id: int) -> None:
    """404 for an enterprise the actor may not see (the same answer as for one that does not
    exist)."""
    if not Enterprise.objects.filter(enterprise_scope_q(actor), pk=enterprise_id).exists():
        raise NotFoundError()


def _lock_inspection(inspection: Inspection) -> Inspection:
    """Re-read the inspection under a row lock, so that two clicks cannot both act on it."""
    return (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("enterprise", "guide_version", "inspector")
        .get(pk=inspection.pk)
    )


def _lock_finding(finding: Finding) -> Finding:
    return (
        Finding.objects.select_for_update(of=("self",))
        .select_related("inspection", "enterprise", "inspection__inspector")
        .get(pk=finding.pk)
    )


def _require_conductor(actor: User, inspection: Inspection) -> None:
    """Only the inspection's own inspector, or the command post, records it."""
    if actor.role != Role.COMMAND and inspection.inspector_id != actor.pk:
        raise PermissionDeniedError(
            _("Only the inspector who recorded this inspection, or the command post, may do this.")
        )


def _require_draft(inspection: Inspection) -> None:
    if inspection.status != InspectionStatus.DRAFT:
        raise ConflictError(_("The inspection has been completed and can no longer be changed."))


def _require_officer_of(actor: User, finding: Finding) -> None:
    """The enterprise's own officer, and only once the inspection is completed (before that,
    the finding does not exist for the enterprise): 404 otherwise."""
    if (
        actor.role != Role.ENTERPRISE_OFFICER
        or actor.enterprise_id != finding.enterprise_id
        or finding.inspection.status != InspectionStatus.COMPLETED
    ):
        raise NotFoundError()


def _clean_text(value: str | None) -> str:
    return (value or "").strip()


def _check_attachment_room(finding: Finding, adding: int) -> None:
    if finding.attachments.count() + adding > MAX_ATTACHMENTS_PER_FINDING:
        raise ConflictError(
            _("A finding holds at most %(count)s photos and files.")
            % {"count": MAX_ATTACHMENTS_PER_FINDING},
            code="too_many_attachments",
        )


# ----- inspections ---------------------------------------------------------------------------


@transaction.atomic
def inspection_create(
    *,
    actor: User,
    enterprise: Enterprise,
    kind: str,
    inspected_on: date | None,
    team: str = "",
    follows: Inspection | None = None,
    at: datetime | None = None,
) -> Inspection:
    """Start recording an inspection of ``enterprise`` (a draft) against the current guide.

    Command post staff and inspectors may inspect any enterprise, unannounced; a liaison records
    only follow-up visits to their own enterprises."""
    require(actor, Action.INSPECTIONS_CONDUCT)
    _require_in_scope(actor, enterprise.pk)
    if actor.role == Role.LIAISON and kind != InspectionKind.FOLLOW_UP:
        raise PermissionDeniedError(
            _("A liaison records follow-up visits only; inspections are the inspectors'.")
        )
    if kind not in InspectionKind.values:
        raise ApplicationError(
            _("Choose the kind of inspection."), fields={"kind": [_("Invalid.")]}
        )
    if inspected_on is None:
        raise ApplicationError(
            _("Enter the date of the inspection."), fields={"inspected_on": [_("Required.")]}
        )
    if inspected_on > _today(at):
        message = _("The inspection cannot be dated in the future.")
        raise ApplicationError(message, fields={"inspected_on": [message]})
    if follows is not None and follows.enterprise_id != enterprise.pk:
        message = _("A re-inspection follows an earlier inspection of the same enterprise.")
        raise ApplicationError(message, fields={"follows": [message]})
    version = guide_version_current()
    inspection = Inspection(
        enterprise=enterprise,
        kind=kind,
        inspected_on=inspected_on,
        inspector=actor,
        team=_clean_text(team),
        guide_version=version,
        follows=follows,
        created_at=_now(at),
    )
    full_clean_or_raise(inspection)
    inspection.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.INSPECTION_CREATED,
        target=inspection,
        enterprise=enterprise,
        data={"kind": kind, "inspected_on": inspected_on.isoformat()},
        at=at,
    )
    return inspection


@transaction.atomic
def inspection_update(
    *,
    actor: User,
    inspection: Inspection,
    item_results: Mapping[int, ItemResult | tuple[bool | None, str]] | None = None,
    summary: str | None = None,
    good_practice: str | None = None,
    team: str | None = None,
    at: datetime | None = None,
) -> Inspection:
    """Record the checklist (``{item_id: (met, note)}``, met True/False/None), the summary, the
    good practice seen and the other team members, while the inspection is a draft. Only its
    inspector or the command post."""
    require(actor, Action.INSPECTIONS_CONDUCT)
    inspection = _lock_inspection(inspection)
    _require_in_scope(actor, inspection.enterprise_id)
    _require_conductor(actor, inspection)
    _require_draft(inspection)
    results = {}
    if item_results:
        valid = set(inspection.guide_version.items.values_list("pk", flat=True))
        try:
            keys = {int(key): key for key in item_results}
        except (TypeError, ValueError):
            keys = {}
        if len(keys) != len(item_results) or set(keys) - valid:
            raise ApplicationError(
                _("A result refers to an item that is not in this inspection's guide version."),
                code="unknown_item",
            )
        for item_id, key in keys.items():
            met, note = ItemResult(*item_results[key])
            if met is not None and not isinstance(met, bool):
                raise ApplicationError(_("A result is met, not met or not checked."))
            note = _clean_text(note)
            if len(note) > NOTE_MAX_LENGTH:
                message = _("A note is at most %(count)s characters.") % {"count": NOTE_MAX_LENGTH}
                raise ApplicationError(message, fields={f"item_{item_id}": [message]})
            results[item_id] = ItemResult(met, note)
    changed = []
    for name, value in (("summary", summary), ("good_practice", good_practice), ("team", team)):
        if value is not None and getattr(inspection, name) != _clean_text(value):
            setattr(inspection, name, _clean_text(value))
            changed.append(name)
    full_clean_or_raise(inspection)
    existing = {row.item_id: row for row in inspection.item_results.all()}
    new_rows, changed_rows = [], []
    for item_id, result in results.items():
        row = existing.get(item_id)
        if row is None:
            if result.met is not None or result.note:
                new_rows.append(
                    InspectionItemResult(
                        inspection=inspection, item_id=item_id, met=result.met, note=result.note
                    )
                )
        elif (row.met, row.note) != (result.met, result.note):
            row.met, row.note = result.met, result.note
            changed_rows.append(row)
    if changed:
        inspection.save()
    InspectionItemResult.objects.bulk_create(new_rows)
    InspectionItemResult.objects.bulk_update(changed_rows, ["met", "note"])
    if changed or new_rows or changed_rows:
        audit_event_record(
            actor=actor,
            action=AuditAction.INSPECTION_UPDATED,
            target=inspection,
            enterprise=inspection.enterprise,
            data={"fields": changed, "results": len(new_rows) + len(changed_rows)},
            at=at,
        )
    return inspection


@transaction.atomic
def inspection_complete(
    *, actor: User, inspection: Inspection, at: datetime | None = None
) -> Inspection:
    """Close the record of a draft inspection: from now on the enterprise sees it and its
    findings, and the findings' deadlines run. It needs a summary or at least one item checked."""
    require(actor, Action.INSPECTIONS_CONDUCT)
    inspection = _lock_inspection(inspection)
    _require_in_scope(actor, inspection.enterprise_id)
    _require_conductor(actor, inspection)
    _require_draft(inspection)
    if not inspection.summary and not inspection.item_results.filter(met__isnull=False).exists():
        raise ApplicationError(
            _("Write a summary or check at least one item of the guide before completing."),
            code="incomplete",
        )
    inspection.status = InspectionStatus.COMPLETED
    inspection.completed_at = _now(at)
    inspection.save()
    findings = inspection.findings.count()
    audit_event_record(
        actor=actor,
        action=AuditAction.INSPECTION_COMPLETED,
        target=inspection,
        enterprise=inspection.enterprise,
        summary=inspection.summary,
        data={"findings": findings},
        at=at,
    )
    return inspection
