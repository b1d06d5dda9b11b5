"""An application's attachments: added (checked by content, stored) and removed."""

from __future__ import annotations

import uuid

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.errors import ApplicationError, ConflictError, NotFoundError
from fugong.core.files import CheckedUpload, atomic_storing_files, store_file
from fugong.core.roles import Action, require
from fugong.guide.models import GuideItem

from ..models import (
    ApplicationAttachment,
    ApplicationStatus,
    AttachmentPurpose,
    ResumptionApplication,
)
from .applications import _lock, _require_editable, _require_own_enterprise

# ----- attachments ---------------------------------------------------------------------------


@atomic_storing_files
def application_attachment_add(
    *,
    actor: User,
    application: ResumptionApplication,
    purpose: str,
    upload: CheckedUpload,
    item: GuideItem | None = None,
) -> ApplicationAttachment:
    """Attach a checked PDF or image. The enterprise attaches plans and rectification evidence
    while it may edit; the liaison attaches on-site photos while verifying."""
    application = _lock(application)
    if purpose == AttachmentPurpose.VERIFICATION_PHOTO:
        require(actor, Action.APPLICATIONS_VERIFY)
        if application.enterprise.liaison_id != actor.pk:
            raise NotFoundError()
        if application.status != ApplicationStatus.SUBMITTED:
            raise ConflictError(_("Photos can be added while the application awaits verification."))
    elif purpose in AttachmentPurpose.values:
        require(actor, Action.APPLICATIONS_APPLY)
        _require_own_enterprise(actor, application.enterprise)
        _require_editable(application)
    else:
        raise ApplicationError(
            _("Unknown kind of attachment."), fields={"purpose": [_("Invalid.")]}
        )
    if item is not None and item.version_id != application.guide_version_id:
        raise ApplicationError(_("The item is not in this application's guide version."))
    if application.attachments.count() >= 50:
        raise ConflictError(_("An application holds at most 50 attachments."))
    name = f"attachments/{application.pk}/{uuid.uuid4().hex}.{upload.extension}"
    attachment = ApplicationAttachment(
        application=application,
        purpose=purpose,
        round=application.round,
        item=item,
        original_name=upload.original_name,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        uploaded_by=actor,
    )
    # Saved last: everything that can refuse the upload has been checked.
    attachment.file.name = store_file(name, upload.content)
    attachment.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.APPLICATION_ATTACHMENT_ADDED,
        target=application,
        enterprise=application.enterprise,
        summary=upload.original_name,
        data={"purpose": purpose, "sha256": upload.sha256, "size": upload.size},
    )
    return attachment


@transaction.atomic
def application_attachment_remove(*, actor: User, attachment: ApplicationAttachment) -> None:
    """Remove an attachment its uploader may still change."""
    application = _lock(attachment.application)
    if attachment.uploaded_by_id != actor.pk:
        raise ConflictError(_("Only the person who uploaded a file can remove it."))
    if attachment.purpose == AttachmentPurpose.VERIFICATION_PHOTO:
        if application.status != ApplicationStatus.SUBMITTED:
            raise ConflictError(_("This photo belongs to a finished verification."))
    else:
        _require_editable(application)
    audit_event_record(
        actor=actor,
        action=AuditAction.APPLICATION_ATTACHMENT_REMOVED,
        target=application,
        enterprise=application.enterprise,
        summary=attachment.original_name,
    )
    file_name = attachment.file.name
    attachment.delete()
    if file_name:
        transaction.on_commit(lambda: default_storage.delete(file_name))
