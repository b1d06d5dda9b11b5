"""Reads on the audit trail: the command post reads all of it."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from fugong.core.roles import Action, require
from fugong.core.types import Actor

from .models import AuditAction, AuditEvent


def audit_event_list(
    *, actor: Actor, action: str = "", enterprise_id: int | None = None
) -> QuerySet[AuditEvent]:
    require(actor, Action.AUDIT_VIEW)
    events = AuditEvent.objects.select_related("actor")
    if action:
        events = events.filter(action=action)
    if enterprise_id:
        events = events.filter(enterprise_id=enterprise_id)
    return events.order_by("-created_at", "-id")


def reveal_alert_list(*, actor: Actor, since: datetime) -> QuerySet[AuditEvent]:
    """The unusual-volume alerts on full personal data looks since ``since``, newest first: the
    command post's home page shows them (see ``fugong.workforce.reveals``)."""
    require(actor, Action.AUDIT_VIEW)
    return (
        AuditEvent.objects.filter(
            action=AuditAction.PERSONAL_DATA_REVEAL_ALERT, created_at__gte=since
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
    )
