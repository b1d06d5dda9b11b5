"""Reads on the audit trail: the command post reads all of it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from fugong.core.roles import Action, require
from fugong.core.types import Actor

from .models import AuditAction, AuditEvent

# The quick filter "personal data viewed or exported".
PERSONAL_DATA_ACTIONS: tuple[str, ...] = (
    AuditAction.PERSONAL_DATA_VIEWED,
    AuditAction.PERSONAL_DATA_EXPORTED,
)


def audit_event_list(
    *,
    actor: Actor,
    action: str = "",
    actions: Iterable[str] = (),
    enterprise_id: int | None = None,
    actor_query: str = "",
    target_type: str = "",
    target_ids: Iterable[str] | QuerySet[Any, Any] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEvent]:
    """The trail, newest first, narrowed by every filter given (they combine):

    - ``action``, or ``actions`` (any of them: the quick filter ``PERSONAL_DATA_ACTIONS``);
    - ``enterprise_id``: the rows that concern the enterprise;
    - ``actor_query``: part of the acting user's user name or full name;
    - ``target_type`` and ``target_ids``: the rows about those objects (a person's rows are
      ``workforce.worker`` and the worker's id: the page finds the ids, the trail knows no
      worker); an empty ``target_ids`` matches nothing;
    - ``since`` (included) and ``until`` (excluded): the time of the row.
    """
    require(actor, Action.AUDIT_VIEW)
    events = AuditEvent.objects.select_related("actor")
    if action:
        events = events.filter(action=action)
    wanted = list(actions)
    if wanted:
        events = events.filter(action__in=wanted)
    if enterprise_id:
        events = events.filter(enterprise_id=enterprise_id)
    actor_query = actor_query.strip()
    if actor_query:
        events = events.filter(
            Q(actor__username__icontains=actor_query) | Q(actor__full_name__icontains=actor_query)
        )
    if target_type:
        events = events.filter(target_type=target_type)
    if target_ids is not None:
        events = events.filter(target_id__in=target_ids)
    if since is not None:
        events = events.filter(created_at__gte=since)
    if until is not None:
        events = events.filter(created_at__lt=until)
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
