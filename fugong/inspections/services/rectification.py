"""Rectification: the enterprise's answer with its evidence, and the inspector's acceptance or
reopening with a new deadline."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.errors import (
    ApplicationError,
    ConflictError,
    PermissionDeniedError,
    full_clean_or_raise,
)
from fugong.core.files import CheckedUpload, atomic_storing_files
from fugong.core.roles import Action, Role, require

from ..models import (
    AttachmentPurpose,
    Finding,
    FindingStatus,
    Rectification,
    RectificationDecision,
)
from .findings import _store
from .inspections import (
    _check_attachment_room,
    _clean_text,
    _lock_finding,
    _now,
    _require_in_scope,
    _require_officer_of,
    _today,
)

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
