"""Suspending an enterprise (on a date, with a reason) and reinstating it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.errors import ApplicationError, ConflictError, full_clean_or_raise
from fugong.core.roles import Action, require
from fugong.enterprises.models import Enterprise

from ..models import (
    ApplicationStatus,
    ResumptionApplication,
    Suspension,
)
from ..periods import resumption_periods_refresh
from .applications import _now

# ----- suspension ----------------------------------------------------------------------------


@transaction.atomic
def enterprise_suspend(
    *,
    actor: User,
    enterprise: Enterprise,
    reason: str,
    starts_on: date | None = None,
    at: datetime | None = None,
    audit_data: dict[str, Any] | None = None,
) -> Suspension:
    """Stop an approved enterprise from working from ``starts_on`` (today by default).
    ``audit_data`` adds to the audit row what led to it (a serious inspection finding)."""
    require(actor, Action.ENTERPRISES_SUSPEND)
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    today = timezone.localdate(_now(at))
    starts_on = starts_on or today
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("Give the reason for the suspension."), fields={"reason": [_("Required.")]}
        )
    if starts_on < today:
        raise ApplicationError(
            _("A suspension cannot start in the past."),
            fields={"starts_on": [_("A suspension cannot start in the past.")]},
        )
    if not ResumptionApplication.objects.filter(
        enterprise=enterprise, status=ApplicationStatus.APPROVED
    ).exists():
        raise ConflictError(_("Only an enterprise approved to resume can be suspended."))
    # No overlap: not while one is open, nor before a scheduled reinstatement takes effect.
    if enterprise.suspensions.filter(ends_on__isnull=True).exists():
        raise ConflictError(_("This enterprise is already suspended."))
    scheduled = enterprise.suspensions.filter(ends_on__gt=starts_on).order_by("-ends_on").first()
    if scheduled is not None and scheduled.ends_on is not None:
        raise ConflictError(
            _(
                "The enterprise is suspended until %(date)s; a new suspension can start on "
                "or after that date."
            )
            % {"date": scheduled.ends_on.isoformat()}
        )
    suspension = Suspension(
        enterprise=enterprise,
        starts_on=starts_on,
        reason=reason,
        suspended_by=actor,
        created_at=_now(at),
    )
    full_clean_or_raise(suspension)
    suspension.save()
    resumption_periods_refresh([enterprise.pk])  # the kept status summary, same transaction
    audit_event_record(
        actor=actor,
        action=AuditAction.ENTERPRISE_SUSPENDED,
        target=suspension,
        enterprise=enterprise,
        summary=reason,
        data={**(audit_data or {}), "starts_on": starts_on.isoformat()},
        at=at,
    )
    return suspension


@transaction.atomic
def enterprise_reinstate(
    *,
    actor: User,
    enterprise: Enterprise,
    reason: str,
    ends_on: date | None = None,
    at: datetime | None = None,
) -> Suspension:
    """Let a suspended enterprise work again from ``ends_on`` (today by default)."""
    require(actor, Action.ENTERPRISES_SUSPEND)
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    suspension = enterprise.suspensions.filter(ends_on__isnull=True).first()
    if suspension is None:
        raise ConflictError(_("This enterprise is not suspended."))
    today = timezone.localdate(_now(at))
    ends_on = ends_on or today
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("Give the reason for the reinstatement."), fields={"reason": [_("Required.")]}
        )
    if ends_on < today:
        raise ApplicationError(
            _("A reinstatement cannot take effect in the past."),
            fields={"ends_on": [_("A reinstatement cannot take effect in the past.")]},
        )
    if ends_on < suspension.starts_on:
        raise ApplicationError(
            _("The reinstatement date cannot come before the suspension starts."),
            fields={
                "ends_on": [_("The reinstatement date cannot come before the suspension starts.")]
            },
        )
    suspension.ends_on = ends_on
    suspension.reinstatement_reason = reason
    suspension.reinstated_by = actor
    suspension.reinstated_at = _now(at)
    suspension.save()
    resumption_periods_refresh([enterprise.pk])  # the kept status summary, same transaction
    audit_event_record(
        actor=actor,
        action=AuditAction.ENTERPRISE_REINSTATED,
        target=suspension,
        enterprise=enterprise,
        summary=reason,
        data={"ends_on": ends_on.isoformat()},
        at=at,
    )
    return suspension
