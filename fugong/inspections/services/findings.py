"""Findings: added to an inspection, their photos, and the suspension of an enterprise over a
serious one."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.errors import (
    ApplicationError,
    ConflictError,
    full_clean_or_raise,
)
from fugong.core.files import CheckedUpload, atomic_storing_files, store_file
from fugong.core.roles import Action, require
from fugong.guide.models import GuideItem
from fugong.resumption.models import Suspension
from fugong.resumption.services import enterprise_suspend

from ..models import (
    AttachmentPurpose,
    Finding,
    FindingAttachment,
    FindingSeverity,
    FindingStatus,
    Inspection,
    Rectification,
)
from .inspections import (
    _check_attachment_room,
    _clean_text,
    _lock_finding,
    _lock_inspection,
    _now,
    _require_conductor,
    _require_draft,
    _require_in_scope,
    _require_officer_of,
)

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
