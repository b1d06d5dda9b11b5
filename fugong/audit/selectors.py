"""Reads on the audit trail: the command post reads all of it."""

from __future__ import annotations

from django.db.models import QuerySet

from fugong.core.roles import Action, require

from .models import AuditEvent


def audit_event_list(
    *, actor, action: str = "", enterprise_id: int | None = None
) -> QuerySet[AuditEvent]:
    require(actor, Action.AUDIT_VIEW)
    events = AuditEvent.objects.select_related("actor", "enterprise")
    if action:
        events = events.filter(action=action)
    if enterprise_id:
        events = events.filter(enterprise_id=enterprise_id)
    return events.order_by("-created_at", "-id")
