"""Writing the audit trail. Every service that changes something important calls this."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models
from django.utils import timezone

from fugong.core.roles import Action, require
from fugong.core.types import Actor, AnyActor

from .models import AuditAction, AuditEvent


def audit_event_record(
    *,
    actor: AnyActor | None,
    action: AuditAction,
    target: models.Model,
    enterprise: models.Model | None = None,
    summary: str = "",
    data: dict[str, Any] | None = None,  # JSON
    at: datetime | None = None,
) -> AuditEvent:
    """Add one row to the audit trail, inside the caller's transaction. ``enterprise`` is the
    enterprise the row concerns (any object with its ``pk``), kept by id. An actor without a
    ``pk`` (the anonymous user, an unsaved one) is recorded as nobody."""
    return AuditEvent.objects.create(
        # By id: the trail sits below accounts and knows the actor only as core's ``Actor``.
        actor_id=(actor.pk or None) if actor is not None else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        enterprise_id=getattr(enterprise, "pk", None),
        summary=summary[:500],
        data=data or {},
        created_at=at or timezone.now(),
    )


def audit_trail_exported(
    *, actor: Actor, filters: dict[str, str], rows: int, cut: bool
) -> AuditEvent:
    """Record that ``actor`` exported ``rows`` rows of the trail under ``filters`` (``cut``: the
    export stopped at its limit). Only the command post reads the trail, so only it exports."""
    require(actor, Action.AUDIT_VIEW)
    return AuditEvent.objects.create(
        actor_id=actor.pk or None,
        action=AuditAction.AUDIT_TRAIL_EXPORTED,
        target_type=AuditEvent._meta.label_lower,
        target_id="",
        summary=", ".join(f"{key}={value}" for key, value in sorted(filters.items()))[:500],
        data={"filters": filters, "rows": rows, "cut": cut},
    )
