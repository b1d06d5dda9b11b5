"""Reads on the screening rules and the record of re-screenings."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from fugong.core.errors import NotFoundError
from fugong.core.roles import Action, require
from fugong.core.scoping import enterprise_scope_q

from .models import ClearanceChange, RiskArea, ScreeningPolicy, ScreeningRun


def risk_area_list(*, actor) -> QuerySet[RiskArea]:
    require(actor, Action.SCREENING_VIEW)
    return RiskArea.objects.select_related("created_by").order_by("-starts_on", "division_code")


def risk_area_get(*, actor, area_id) -> RiskArea:
    require(actor, Action.SCREENING_VIEW)
    try:
        return RiskArea.objects.get(pk=int(area_id))
    except (RiskArea.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


def policy_list(*, actor) -> QuerySet[ScreeningPolicy]:
    require(actor, Action.SCREENING_VIEW)
    return ScreeningPolicy.objects.order_by("-effective_from")


def policy_current() -> ScreeningPolicy | None:
    return (
        ScreeningPolicy.objects.filter(effective_from__lte=timezone.localdate())
        .order_by("-effective_from")
        .first()
    )


def run_list(*, actor) -> QuerySet[ScreeningRun]:
    require(actor, Action.SCREENING_VIEW)
    return ScreeningRun.objects.select_related("created_by").order_by("-created_at", "-id")


def run_get(*, actor, run_id) -> ScreeningRun:
    require(actor, Action.SCREENING_VIEW)
    try:
        return ScreeningRun.objects.get(pk=int(run_id))
    except (ScreeningRun.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


def run_changes(*, actor, run: ScreeningRun) -> QuerySet[ClearanceChange]:
    """The workers whose clearance a run changed, within the actor's scope."""
    require(actor, Action.SCREENING_VIEW)
    return (
        run.changes.filter(enterprise_scope_q(actor, "enterprise"))
        .select_related("worker", "enterprise")
        .order_by("enterprise__name", "worker__full_name")
    )
