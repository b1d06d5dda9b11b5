"""Recording training sessions and their materials."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

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

from ..models import TrainingMaterial, TrainingSession

# A session is planned at most this far ahead; one recorded this far back at most.
MAX_DAYS_AHEAD = 90
MAX_DAYS_BACK = 366
MAX_MATERIALS_PER_SESSION = 20


def _check_date(held_on: date) -> None:
    today = timezone.localdate()
    if held_on > today + timedelta(days=MAX_DAYS_AHEAD):
        raise ApplicationError(
            _("A session can be planned at most %(days)s days ahead.") % {"days": MAX_DAYS_AHEAD},
            fields={"held_on": [_("Too far in the future.")]},
        )
    if held_on < today - timedelta(days=MAX_DAYS_BACK):
        raise ApplicationError(
            _("A session can be recorded at most %(days)s days back.") % {"days": MAX_DAYS_BACK},
            fields={"held_on": [_("Too far in the past.")]},
        )


def require_manages(actor: User, session: TrainingSession) -> None:
    """The command post manages every session; an enterprise's officer their enterprise's."""
    require(actor, Action.TRAINING_MANAGE)
    if actor.role == Role.COMMAND:
        return
    if session.enterprise_id is None:
        raise PermissionDeniedError(_("Park-wide sessions are recorded by the command post."))
    if not Enterprise.objects.filter(enterprise_scope_q(actor), pk=session.enterprise_id).exists():
        raise NotFoundError()


@transaction.atomic
def session_create(
    *,
    actor: User,
    enterprise: Enterprise | None,
    held_on: date,
    topic: str,
    trainer: str,
    location: str = "",
    note: str = "",
    at: datetime | None = None,
) -> TrainingSession:
    """A session of ``enterprise`` (None: park-wide, the command post only)."""
    require(actor, Action.TRAINING_MANAGE)
    session = TrainingSession(
        enterprise=enterprise,
        held_on=held_on,
        topic=(topic or "").strip(),
        trainer=(trainer or "").strip(),
        location=(location or "").strip(),
        note=note or "",
        created_by=actor,
    )
    if at is not None:
        session.created_at = at
    require_manages(actor, session)
    full_clean_or_raise(session)
    if at is None:
        _check_date(held_on)
    session.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.TRAINING_SESSION_CREATED,
        target=session,
        enterprise=enterprise,
        summary=session.topic[:200],
        data={"held_on": held_on.isoformat(), "park_wide": enterprise is None},
        at=at,
    )
    return session


def _lock(session: TrainingSession) -> TrainingSession:
    return (
        TrainingSession.objects.select_for_update(of=("self",))
        .select_related("enterprise")
        .get(pk=session.pk)
    )


@atomic_storing_files
def material_add(
    *, actor: User, session: TrainingSession, upload: CheckedUpload
) -> TrainingMaterial:
    """Attach a checked PDF or image (slides, a handout) to a session."""
    require_manages(actor, session)
    session = _lock(session)
    if session.materials.count() >= MAX_MATERIALS_PER_SESSION:
        raise ConflictError(
            _("A session holds at most %(count)s files.") % {"count": MAX_MATERIALS_PER_SESSION},
            code="too_many_attachments",
        )
    material = TrainingMaterial(
        session=session,
        original_name=upload.original_name,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        uploaded_by=actor,
    )
    name = f"training/{session.pk}/{uuid.uuid4().hex}.{upload.extension}"
    material.file.name = store_file(name, upload.content)
    material.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.TRAINING_MATERIAL_ADDED,
        target=session,
        enterprise=session.enterprise,
        summary=upload.original_name,
        data={"sha256": upload.sha256, "size": upload.size},
    )
    return material
