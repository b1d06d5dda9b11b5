"""Writing the audit trail. Every service that changes something important calls this."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils import timezone

from .models import AuditAction, AuditEvent


def audit_event_record(
    *,
    actor,
    action: AuditAction,
    target: models.Model,
    enterprise=None,
    summary: str = "",
    data: dict | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Add one row to the audit trail, inside the caller's transaction. ``enterprise`` is the
    enterprise the row concerns (any object with its ``pk``), kept by id."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        enterprise_id=getattr(enterprise, "pk", None),
        summary=summary[:500],
        data=data or {},
        created_at=at or timezone.now(),
    )
