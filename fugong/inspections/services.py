"""Inspections, their findings and the enterprise's rectification of each finding.

An inspector (or the command post, or a liaison on a follow-up visit to one of their own
enterprises) records an inspection as a draft: the guide's items met or not, findings with
photos; completing it makes the findings visible to the enterprise. The enterprise officer
answers each finding with a rectification and evidence; the inspection's inspector (or the
command post) accepts it or reopens the finding for another round, perhaps with a new deadline.

Every function checks the actor's role and scope, the state, validates everything before
writing anything, and records the step in the audit trail. The optional ``at`` records a step
on a past day (the demo loader, hand-built histories in tests); views and the API never pass it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
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
from fugong.core.files import CheckedUpload, atomic_storing_files, store_file
from fugong.core.roles import Action, Role, require
from fugong.core.scoping import enterprise_scope_q
from fugong.enterprises.models import Enterprise
from fugong.guide.models import GuideItem
from fugong.guide.selectors import guide_version_current
from fugong.resumption.models import Suspension
from fugong.resumption.services import enterprise_suspend

from .models import (
    AttachmentPurpose,
    Finding,
    FindingAttachment,
    FindingSeverity,
    FindingStatus,
    Inspection,
    InspectionItemResult,
    InspectionKind,
    InspectionStatus,
    Rectification,
    RectificationDecision,
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


# ----- findings ------------------------------------------------------------------------------


@transaction.atomic
def finding_add(
    *,
    actor: User,
    inspection: Inspection,
    description: str,
    severity: str,
    rectification_required: str,
    deadline: date | None,
    item: GuideItem | None = None,
    at: datetime | None = None,
) -> Finding:
    """Record a finding of a draft inspection: what was found, how serious it is, what must be
    rectified and by when (not before the inspection), optionally the guide item it breaks."""
    require(actor, Action.INSPECTIONS_CONDUCT)
    inspection = _lock_inspection(inspection)
    _require_in_scope(actor, inspection.enterprise_id)
    _require_conductor(actor, inspection)
    _require_draft(inspection)
    fields: dict[str, list[str]] = {}
    description = _clean_text(description)
    rectification_required = _clean_text(rectification_required)
    if not description:
        fields["description"] = [_("Required.")]
    if not rectification_required:
        fields["rectification_required"] = [_("Required.")]
    if severity not in FindingSeverity.values:
        fields["severity"] = [_("Choose the severity.")]
    if deadline is None:
        fields["deadline"] = [_("Required.")]
    elif deadline < inspection.inspected_on:
        fields["deadline"] = [_("The deadline is before the inspection.")]
    if item is not None and item.version_id != inspection.guide_version_id:
        fields["item"] = [_("The item is not in this inspection's guide version.")]
    if fields or deadline is None:  # (a missing deadline is one of the fields)
        first = next(iter(fields.values()))[0]
        message = first if len(fields) == 1 and first != _("Required.") else None
        raise ApplicationError(
            message or _("Please correct the fields marked below."),
            code="unknown_item" if list(fields) == ["item"] else None,
            fields=fields,
        )
    finding = Finding(
        inspection=inspection,
        enterprise=inspection.enterprise,
        item=item,
        description=description,
        severity=severity,
        rectification_required=rectification_required,
        deadline=deadline,
        created_at=_now(at),
    )
    full_clean_or_raise(finding)
    finding.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.FINDING_ADDED,
        target=finding,
        enterprise=inspection.enterprise,
        summary=description,
        data={
            "inspection_id": inspection.pk,
            "severity": severity,
            "deadline": deadline.isoformat(),
        },
        at=at,
    )
    return finding


@atomic_storing_files
def finding_attachment_add(
    *, actor: User, finding: Finding, upload: CheckedUpload, purpose: str
) -> FindingAttachment:
    """Attach a checked PDF or image to a finding.

    A photo: by the inspection's inspector (or the command post) while the inspection is a
    draft. Evidence: by the enterprise's officer while the finding awaits rectification; it
    belongs to the rectification they are writing and is linked to it when they submit."""
    finding = _lock_finding(finding)
    if purpose == AttachmentPurpose.PHOTO:
        require(actor, Action.INSPECTIONS_CONDUCT)
        _require_in_scope(actor, finding.enterprise_id)
        _require_conductor(actor, finding.inspection)
        _require_draft(finding.inspection)
    elif purpose == AttachmentPurpose.EVIDENCE:
        require(actor, Action.FINDINGS_RECTIFY)
        _require_officer_of(actor, finding)
        if finding.status != FindingStatus.OPEN:
            raise ConflictError(_("Evidence can be added while the finding awaits rectification."))
    else:
        raise ApplicationError(
            _("Unknown kind of attachment."), fields={"purpose": [_("Invalid.")]}
        )
    _check_attachment_room(finding, 1)
    attachment = _store(actor=actor, finding=finding, upload=upload, purpose=purpose)
    audit_event_record(
        actor=actor,
        action=AuditAction.FINDING_ATTACHMENT_ADDED,
        target=finding,
        enterprise=finding.enterprise,
        summary=upload.original_name,
        data={"purpose": purpose, "sha256": upload.sha256, "size": upload.size},
    )
    return attachment


def _store(
    *,
    actor: User,
    finding: Finding,
    upload: CheckedUpload,
    purpose: str,
    rectification: Rectification | None = None,
) -> FindingAttachment:
    """Save the file and its row; called last, once everything that can refuse it is checked."""
    name = f"findings/{finding.pk}/{uuid.uuid4().hex}.{upload.extension}"
    attachment = FindingAttachment(
        finding=finding,
        rectification=rectification,
        purpose=purpose,
        original_name=upload.original_name,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        uploaded_by=actor,
    )
    attachment.file.name = store_file(name, upload.content)
    attachment.save()
    return attachment


# ----- rectification -------------------------------------------------------------------------


@atomic_storing_files
def rectification_submit(
    *,
    actor: User,
    finding: Finding,
    response: str,
    uploads: Iterable[CheckedUpload] = (),
    at: datetime | None = None,
) -> Rectification:
    """The enterprise officer's answer to an open finding in its current round: what was done,
    with evidence (the files uploaded beforehand for this round, and ``uploads``)."""
    require(actor, Action.FINDINGS_RECTIFY)
    finding = _lock_finding(finding)
    _require_officer_of(actor, finding)
    if finding.status != FindingStatus.OPEN:
        raise ConflictError(
            _("This finding is “%(status)s”; it does not await a rectification.")
            % {"status": finding.get_status_display()}
        )
    response = _clean_text(response)
    if not response:
        raise ApplicationError(
            _("Say what was done to rectify the finding."), fields={"response": [_("Required.")]}
        )
    uploads = list(uploads)
    _check_attachment_room(finding, len(uploads))
    rectification = Rectification(
        finding=finding,
        round=finding.round,
        response=response,
        submitted_by=actor,
        submitted_at=_now(at),
    )
    full_clean_or_raise(rectification)
    rectification.save()
    # The evidence uploaded for this round so far belongs to this rectification.
    finding.attachments.filter(
        purpose=AttachmentPurpose.EVIDENCE, rectification__isnull=True
    ).update(rectification=rectification)
    for upload in uploads:
        _store(
            actor=actor,
            finding=finding,
            upload=upload,
            purpose=AttachmentPurpose.EVIDENCE,
            rectification=rectification,
        )
    finding.status = FindingStatus.SUBMITTED
    finding.save(update_fields=["status", "updated_at"])
    audit_event_record(
        actor=actor,
        action=AuditAction.FINDING_RECTIFIED,
        target=finding,
        enterprise=finding.enterprise,
        summary=response,
        data={"round": finding.round, "rectification_id": rectification.pk},
        at=at,
    )
    return rectification


@transaction.atomic
def rectification_review(
    *,
    actor: User,
    finding: Finding,
    accept: bool,
    note: str = "",
    new_deadline: date | None = None,
    at: datetime | None = None,
) -> Rectification:
    """Accept the submitted rectification (the finding is closed) or reopen the finding for
    another round, saying why (``note``) and perhaps setting a new deadline (today or later).

    The inspection's inspector decides, or the command post; a liaison only on inspections they
    recorded themselves."""
    require(actor, Action.FINDINGS_REVIEW)
    finding = _lock_finding(finding)
    _require_in_scope(actor, finding.enterprise_id)
    if actor.role != Role.COMMAND and finding.inspection.inspector_id != actor.pk:
        raise PermissionDeniedError(
            _("The inspector who recorded the finding, or the command post, reviews it.")
        )
    if finding.status != FindingStatus.SUBMITTED:
        raise ConflictError(
            _("This finding is “%(status)s”; there is no rectification to review.")
            % {"status": finding.get_status_display()}
        )
    rectification = finding.rectifications.select_for_update().get(round=finding.round)
    note = _clean_text(note)
    now = _now(at)
    if not accept:
        if not note:
            message = _("Say why the rectification is not enough.")
            raise ApplicationError(message, fields={"note": [message]})
        if new_deadline is not None and new_deadline < _today(at):
            message = _("The new deadline cannot be in the past.")
            raise ApplicationError(message, fields={"new_deadline": [message]})
    elif new_deadline is not None:
        message = _("A new deadline is set only when the finding is reopened.")
        raise ApplicationError(message, fields={"new_deadline": [message]})
    rectification.decision_note = note
    rectification.decided_by = actor
    rectification.decided_at = now
    if accept:
        rectification.decision = RectificationDecision.ACCEPTED
        finding.status = FindingStatus.ACCEPTED
        finding.accepted_at = now
        finding.accepted_by = actor
        action = AuditAction.FINDING_ACCEPTED
    else:
        rectification.decision = RectificationDecision.REOPENED
        rectification.new_deadline = new_deadline
        finding.status = FindingStatus.OPEN
        finding.round += 1
        if new_deadline is not None:
            finding.deadline = new_deadline
        action = AuditAction.FINDING_REOPENED
    rectification.save()
    finding.save()
    audit_event_record(
        actor=actor,
        action=action,
        target=finding,
        enterprise=finding.enterprise,
        summary=note,
        data={
            "round": rectification.round,
            "rectification_id": rectification.pk,
            "deadline": finding.deadline.isoformat(),
        },
        at=at,
    )
    return rectification


# ----- suspension for a serious finding ------------------------------------------------------


@transaction.atomic
def finding_suspend_enterprise(
    *,
    actor: User,
    finding: Finding,
    reason: str,
    starts_on: date | None = None,
    at: datetime | None = None,
) -> Suspension:
    """Suspend the finding's enterprise because of a serious finding (command post only),
    through ``fugong.resumption.services.enterprise_suspend``; the suspension's audit row
    names the finding."""
    require(actor, Action.ENTERPRISES_SUSPEND)
    finding = _lock_finding(finding)
    _require_in_scope(actor, finding.enterprise_id)
    if finding.severity != FindingSeverity.SERIOUS:
        raise ConflictError(_("Only a serious finding can be grounds for suspension."))
    suspension = enterprise_suspend(
        actor=actor,
        enterprise=finding.enterprise,
        reason=reason,
        starts_on=starts_on,
        at=at,
        audit_data={"finding_id": finding.pk, "inspection_id": finding.inspection_id},
    )
    return suspension
