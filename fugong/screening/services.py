"""Writes on the screening rules. Every change re-screens the workers it can affect: at once
when they are few, else in a background job (over ``FUGONG_RESCREEN_INLINE_MAX_WORKERS``
workers) that the rule's page leads to; the rule itself is saved at once either way."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.divisions import division_get, division_name
from fugong.core.errors import ApplicationError, ConflictError, full_clean_or_raise
from fugong.core.roles import Action, require
from fugong.jobs.models import Job
from fugong.jobs.services import job_enqueue

from .models import RiskArea, RiskLevel, ScreeningPolicy, ScreeningRun
from .rescreening import rescreen_count, rescreen_workers

RESCREEN_JOB = "screening.rescreen"


def rescreen_runs_as_job(*, division_prefix: str | None) -> bool:
    """Whether re-screening these workers takes long enough to run in the background."""
    limit: int = settings.FUGONG_RESCREEN_INLINE_MAX_WORKERS
    return rescreen_count(division_prefix=division_prefix) > limit


def _rescreen(
    *,
    actor: User,
    division_prefix: str | None,
    trigger: str,
    description: str = "",
    audit: bool = False,
) -> ScreeningRun | Job:
    """Re-screen now (the run) or queue the job that will (the job, started on commit)."""
    if rescreen_runs_as_job(division_prefix=division_prefix):
        return job_enqueue(
            actor=actor,
            kind=RESCREEN_JOB,
            parameters={
                "division_prefix": division_prefix,
                "trigger": trigger,
                "description": description,
                "audit": audit,
            },
        )
    run = rescreen_workers(
        division_prefix=division_prefix, trigger=trigger, actor=actor, description=description
    )
    if audit:
        audit_rescreened(actor=actor, run=run)
    return run


def audit_rescreened(*, actor: User | None, run: ScreeningRun) -> None:
    audit_event_record(
        actor=actor,
        action=AuditAction.RESCREENED,
        target=run,
        summary=f"{run.examined} / {run.changed}",
        data={"examined": run.examined, "changed": run.changed, "trigger": run.trigger},
    )


def _check_area_fields(
    division_code: str, level: str, starts_on: date | None, ends_on: date | None
) -> None:
    errors: dict[str, list[str]] = {}
    division = division_get((division_code or "").strip())
    if division is None:
        errors["division_code"] = [_("Unknown division code.")]
    if level not in RiskLevel.values:
        errors["level"] = [_("Choose a risk level.")]
    if starts_on is None:
        errors["starts_on"] = [_("Required.")]
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = [_("The end cannot come before the start.")]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], fields=errors)


@transaction.atomic
def risk_area_add(
    *,
    actor: User,
    division_code: str,
    level: str,
    starts_on: date,
    ends_on: date | None = None,
    note: str = "",
) -> tuple[RiskArea, ScreeningRun | Job]:
    """Declare a risk area (or a new level for one) and re-screen everyone who was there (or
    queue the job that will)."""
    require(actor, Action.SCREENING_MANAGE)
    _check_area_fields(division_code, level, starts_on, ends_on)
    area = RiskArea(
        division_code=division_code.strip(),
        level=level,
        starts_on=starts_on,
        ends_on=ends_on,
        note=(note or "").strip(),
        created_by=actor,
    )
    full_clean_or_raise(area)
    area.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.RISK_AREA_SAVED,
        target=area,
        summary=f"{division_name(area.division_code)} {area.get_level_display()}",
        data={
            "division_code": area.division_code,
            "level": level,
            "starts_on": starts_on.isoformat(),
        },
    )
    run = _rescreen(
        division_prefix=area.prefix,
        trigger=ScreeningRun.Trigger.RISK_AREA,
        actor=actor,
        description=f"{division_name(area.division_code)} · {area.get_level_display()}",
    )
    return area, run


@transaction.atomic
def risk_area_update(
    *, actor: User, area: RiskArea, level: str, ends_on: date | None, note: str = ""
) -> tuple[RiskArea, ScreeningRun | Job]:
    """Raise or lower an area's level, or end it; re-screens everyone who was there (or queues
    the job that will)."""
    require(actor, Action.SCREENING_MANAGE)
    area = RiskArea.objects.select_for_update().get(pk=area.pk)
    _check_area_fields(area.division_code, level, area.starts_on, ends_on)
    area.level = level
    area.ends_on = ends_on
    area.note = (note or "").strip()
    full_clean_or_raise(area)
    area.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.RISK_AREA_SAVED,
        target=area,
        summary=f"{area.division_code} {area.get_level_display()}",
        data={"level": level, "ends_on": ends_on.isoformat() if ends_on else None},
    )
    run = _rescreen(
        division_prefix=area.prefix,
        trigger=ScreeningRun.Trigger.RISK_AREA,
        actor=actor,
        description=f"{division_name(area.division_code)} · {area.get_level_display()}",
    )
    return area, run


POLICY_FIELDS = (
    "effective_from",
    "observation_days",
    "yellow_code_days",
    "red_code_days",
    "observation_levels",
    "fever_threshold",
    "spo2_threshold",
    "training_rule",
    "note",
)


@transaction.atomic
def policy_add(*, actor: User, **fields: Any) -> tuple[ScreeningPolicy, ScreeningRun | Job | None]:
    """A new set of numbers from its effective date. Re-screens everyone when it is already in
    force; a policy dated in the future takes effect at the daily re-screening of that day."""
    require(actor, Action.SCREENING_MANAGE)
    values = {key: value for key, value in fields.items() if key in POLICY_FIELDS}
    levels = values.get("observation_levels") or []
    if any(level not in RiskLevel.values for level in levels):
        raise ApplicationError(
            _("Unknown risk level."), fields={"observation_levels": [_("Unknown risk level.")]}
        )
    if not values.get("training_rule"):
        values.pop("training_rule", None)  # the default: no rule
    if "fever_threshold" in values and values["fever_threshold"] is not None:
        values["fever_threshold"] = Decimal(str(values["fever_threshold"]))
    policy = ScreeningPolicy(created_by=actor, **values)
    if ScreeningPolicy.objects.filter(effective_from=policy.effective_from).exists():
        raise ConflictError(_("A policy with this effective date exists already."))
    full_clean_or_raise(policy)
    try:
        with transaction.atomic():
            policy.save()
    except IntegrityError as error:
        raise ConflictError(_("A policy with this effective date exists already.")) from error
    audit_event_record(
        actor=actor,
        action=AuditAction.SCREENING_POLICY_SAVED,
        target=policy,
        summary=str(policy.effective_from),
        data={key: str(getattr(policy, key)) for key in POLICY_FIELDS},
    )
    run = None
    if policy.effective_from <= timezone.localdate():
        run = _rescreen(
            division_prefix=None,
            trigger=ScreeningRun.Trigger.POLICY,
            actor=actor,
            description=_("Policy from %(date)s") % {"date": policy.effective_from.isoformat()},
        )
    return policy, run


def rescreen_all(
    *, actor: User | None = None, trigger: str = ScreeningRun.Trigger.DAILY
) -> ScreeningRun:
    """Re-screen everyone at once: the daily run (``manage.py rescreen``)."""
    if actor is not None:
        require(actor, Action.SCREENING_MANAGE)
    run = rescreen_workers(division_prefix=None, trigger=trigger, actor=actor)
    audit_rescreened(actor=actor, run=run)
    return run


@transaction.atomic
def rescreen_everyone(*, actor: User) -> ScreeningRun | Job:
    """Re-screen everyone on request (the rules page): at once, or as a background job when
    there are many workers."""
    require(actor, Action.SCREENING_MANAGE)
    return _rescreen(
        actor=actor, division_prefix=None, trigger=ScreeningRun.Trigger.MANUAL, audit=True
    )
