"""Notices: issued to every enterprise or chosen ones, with their attachments, and acknowledged by
the enterprises' officers."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.errors import ApplicationError, ConflictError, NotFoundError, full_clean_or_raise
from fugong.core.files import (
    CheckedUpload,
    Upload,
    atomic_storing_files,
    check_attachment,
    store_file,
)
from fugong.core.roles import Action, require
from fugong.enterprises.models import Enterprise

from ..models import (
    Notice,
    NoticeAttachment,
    NoticeRecipient,
)
from .bulletins import NOTICE_MAX_ATTACHMENTS, NOTICE_MAX_DAYS_AHEAD, _now

# ----- notices -------------------------------------------------------------------------------


def _checked(upload: CheckedUpload | Upload) -> CheckedUpload:
    return upload if isinstance(upload, CheckedUpload) else check_attachment(upload)


def _store_attachment(*, actor: User, notice: Notice, upload: CheckedUpload) -> NoticeAttachment:
    attachment = NoticeAttachment(
        notice=notice,
        original_name=upload.original_name,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        uploaded_by=actor,
    )
    name = f"notices/{notice.pk}/{uuid.uuid4().hex}.{upload.extension}"
    attachment.file.name = store_file(name, upload.content)
    attachment.save()
    return attachment


@atomic_storing_files
def notice_issue(
    *,
    actor: User,
    document_number: str,
    title: str,
    issued_on: date,
    body: str,
    to_all: bool,
    enterprises: Iterable[Enterprise | int] = (),
    uploads: Iterable[CheckedUpload | Upload] = (),
    at: datetime | None = None,
) -> Notice:
    """Issue a notice to every registered enterprise, or to the chosen ones, with its PDF or
    image attachments (checked by their content)."""
    require(actor, Action.NOTICES_ISSUE)
    document_number = (document_number or "").strip()
    notice = Notice(
        document_number=document_number,
        title=(title or "").strip(),
        issued_on=issued_on,
        body=(body or "").strip(),
        to_all=bool(to_all),
        issued_by=actor,
        created_at=_now(at),
    )
    if document_number and Notice.objects.filter(document_number=document_number).exists():
        raise _duplicate_number()
    full_clean_or_raise(notice)
    # A notice may be entered ahead of its date (it counts as issued from then on), not by months.
    if issued_on > timezone.localdate(_now(at)) + timedelta(days=NOTICE_MAX_DAYS_AHEAD):
        message = _("A notice cannot be dated more than %(days)s days ahead.") % {
            "days": NOTICE_MAX_DAYS_AHEAD
        }
        raise ApplicationError(message, fields={"issued_on": [message]})
    if to_all:
        recipient_ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
    else:
        wanted = {item.pk if isinstance(item, Enterprise) else item for item in enterprises or ()}
        try:
            recipient_ids = sorted(
                Enterprise.objects.filter(pk__in=wanted).values_list("pk", flat=True)
            )
        except (TypeError, ValueError) as error:
            raise ApplicationError(_("Unknown enterprise.")) from error
        if len(recipient_ids) != len(wanted):
            message = _("Unknown enterprise.")
            raise ApplicationError(message, fields={"enterprises": [message]})
    if not recipient_ids:
        message = _("Choose at least one enterprise, or send the notice to every enterprise.")
        raise ApplicationError(message, fields={"enterprises": [message]})
    checked = [_checked(upload) for upload in uploads or ()]
    if len(checked) > NOTICE_MAX_ATTACHMENTS:
        message = _("A notice holds at most %(count)s attachments.") % {
            "count": NOTICE_MAX_ATTACHMENTS
        }
        raise ApplicationError(message, fields={"attachments": [message]})
    try:
        with transaction.atomic():
            notice.save()
    except IntegrityError as error:  # another request took the number meanwhile
        raise _duplicate_number() from error
    NoticeRecipient.objects.bulk_create(
        NoticeRecipient(notice=notice, enterprise_id=pk) for pk in recipient_ids
    )
    for upload in checked:  # stored last: everything that can refuse them has been checked
        _store_attachment(actor=actor, notice=notice, upload=upload)
    audit_event_record(
        actor=actor,
        action=AuditAction.NOTICE_ISSUED,
        target=notice,
        enterprise=Enterprise.objects.get(pk=recipient_ids[0]) if len(recipient_ids) == 1 else None,
        summary=f"{notice.document_number} {notice.title}",
        data={
            "to_all": notice.to_all,
            "recipients": len(recipient_ids),
            "attachments": [upload.sha256 for upload in checked],
        },
        at=at,
    )
    return notice


def _duplicate_number() -> ApplicationError:
    message = _("A notice with this document number already exists.")
    return ApplicationError(message, code="duplicate", fields={"document_number": [message]})


@atomic_storing_files
def notice_attachment_add(
    *, actor: User, notice: Notice, upload: CheckedUpload | Upload
) -> NoticeAttachment:
    """Attach one more PDF or image to an issued notice (the command post)."""
    require(actor, Action.NOTICES_ISSUE)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    upload = _checked(upload)
    if notice.attachments.count() >= NOTICE_MAX_ATTACHMENTS:
        raise ConflictError(
            _("A notice holds at most %(count)s attachments.") % {"count": NOTICE_MAX_ATTACHMENTS}
        )
    attachment = _store_attachment(actor=actor, notice=notice, upload=upload)
    audit_event_record(
        actor=actor,
        action=AuditAction.NOTICE_ISSUED,
        target=notice,
        summary=upload.original_name,
        data={"attachment_added": upload.sha256, "size": upload.size},
    )
    return attachment


@transaction.atomic
def notice_acknowledge(
    *, actor: User, notice: Notice, at: datetime | None = None
) -> NoticeRecipient:
    """The enterprise officer confirms that their enterprise received the notice. A second
    acknowledgement changes nothing."""
    require(actor, Action.NOTICES_ACKNOWLEDGE)
    recipient = (
        NoticeRecipient.objects.select_for_update()
        .select_related("enterprise")
        .filter(notice_id=notice.pk, enterprise_id=actor.enterprise_id)
        .first()
        if actor.enterprise_id
        else None
    )
    if recipient is None:
        raise NotFoundError()
    if recipient.acknowledged_at is not None:
        return recipient
    recipient.acknowledged_at = _now(at)
    recipient.acknowledged_by = actor
    recipient.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit_event_record(
        actor=actor,
        action=AuditAction.NOTICE_ACKNOWLEDGED,
        target=notice,
        enterprise=recipient.enterprise,
        summary=notice.document_number,
        at=at,
    )
    return recipient
