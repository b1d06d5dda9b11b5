"""Reads on the screening rules and the record of re-screenings."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from fugong.accounts.models import User
from fugong.core.errors import NotFoundError
from fugong.core.roles import Action, Role, require
from fugong.core.scoping import enterprise_scope_q
from fugong.enterprises.models import Enterprise

from .models import ClearanceChange, RiskArea, ScreeningPolicy, ScreeningRun


def risk_area_list(*, actor: User) -> QuerySet[RiskArea]:
    require(actor, Action.SCREENING_VIEW)
    return RiskArea.objects.select_related("created_by").order_by("-starts_on", "division_code")


def risk_area_get(*, actor: User, area_id: int | str) -> RiskArea:
    require(actor, Action.SCREENING_VIEW)
    try:
        return RiskArea.objects.get(pk=int(area_id))
    except (RiskArea.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


def policy_list(*, actor: User) -> QuerySet[ScreeningPolicy]:
    require(actor, Action.SCREENING_VIEW)
    return ScreeningPolicy.objects.order_by("-effective_from")


def policy_current() -> ScreeningPolicy | None:
    return (
        ScreeningPolicy.objects.filter(effective_from__lte=timezone.localdate())
        .order_by("-effective_from")
        .first()
    )


PARK_WIDE = (
    ScreeningRun.Trigger.RISK_AREA,
    ScreeningRun.Trigger.POLICY,
    ScreeningRun.Trigger.DAILY,
    ScreeningRun.Trigger.MANUAL,
)


def run_list(*, actor: User) -> QuerySet[ScreeningRun]:
    """Re-screenings: all of them for the command post; for others the park-wide ones and those
    that changed someone in their scope (an import of another enterprise stays out of sight)."""
    require(actor, Action.SCREENING_VIEW)
    runs = ScreeningRun.objects.select_related("created_by")
    if actor.role != Role.COMMAND:
        in_scope = ClearanceChange.objects.filter(enterprise_scope_q(actor, "enterprise")).values(
            "run"
        )
        own = Q(enterprise__in=Enterprise.objects.filter(enterprise_scope_q(actor)))
        runs = runs.filter(Q(trigger__in=PARK_WIDE) | own | Q(pk__in=in_scope))
    return runs.order_by("-created_at", "-id")


def run_get(*, actor: User, run_id: int | str) -> ScreeningRun:
    try:
        return run_list(actor=actor).get(pk=int(run_id))
    except (ScreeningRun.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


def run_changes(*, actor: User, run: ScreeningRun) -> QuerySet[ClearanceChange]:
    """The workers whose clearance a run changed, within the actor's scope."""
    require(actor, Action.SCREENING_VIEW)
    return (
        run.changes.filter(enterprise_scope_q(actor, "enterprise"))
        .select_related("worker", "enterprise")
        .order_by("enterprise__name", "worker__full_name")
    )
