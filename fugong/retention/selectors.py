"""Reads of the retention periods: the policy in force on a day (the defaults when none was set
yet) and the history of policies and runs, for the command post."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from fugong.accounts.models import User
from fugong.audit.models import AuditAction, AuditEvent
from fugong.core.roles import Action, require

from .models import RetentionPolicy


def policy_on(day: date) -> RetentionPolicy:
    """The policy in force on ``day``: the latest that took effect by then, else the defaults
    (an unsaved policy with the model's default periods)."""
    policy = RetentionPolicy.objects.filter(effective_from__lte=day).order_by("-effective_from")
    return policy.first() or RetentionPolicy(effective_from=day)


def policy_list(*, actor: User) -> QuerySet[RetentionPolicy]:
    require(actor, Action.RETENTION_MANAGE)
    return RetentionPolicy.objects.select_related("created_by").order_by("-effective_from")


def retention_runs(*, actor: User) -> QuerySet[AuditEvent]:
    """The daily runs, newest first, as the audit trail records them."""
    require(actor, Action.RETENTION_MANAGE)
    return AuditEvent.objects.filter(action=AuditAction.RETENTION_APPLIED).order_by(
        "-created_at", "-id"
    )
