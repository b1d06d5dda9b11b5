"""The records behind the figures that are not enterprise lines: abnormal events and cases of a
day, people under observation (in three indexed parts), applications waiting by step as of the
end of a day."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from fugong.accounts.models import User
from fugong.audit.models import AuditEvent
from fugong.core.roles import Role
from fugong.core.scoping import enterprise_scope_q
from fugong.gate.models import AbnormalEvent, EventStep
from fugong.resumption.models import ApplicationStatus, ResumptionApplication
from fugong.resumption.selectors import end_of_day
from fugong.screening.models import ClearanceChange
from fugong.workforce.models import Clearance, Worker

from .common import APPLICATION_TARGET, WAITING_LABELS, WAITING_STEPS, _raw_rows, report_scope

# ----- events, observation, cases, applications ------------------------------------------------


def _event_scope(actor: User) -> QuerySet[AbnormalEvent]:
    """The events in the caller's scope: the gate's enterprise or the worker's when the check was
    made (as on the event pages); the command post sees them all, visitors' at park gates
    included."""
    events = AbnormalEvent.objects.all()
    if actor.role == Role.COMMAND:
        return events
    return events.filter(
        (Q(enterprise__isnull=False) & enterprise_scope_q(actor, "enterprise"))
        | (
            Q(gate_check__worker_enterprise__isnull=False)
            & enterprise_scope_q(actor, "gate_check__worker_enterprise")
        )
    )


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    return end_of_day(day - timedelta(days=1)), end_of_day(day)


def _events_on(actor: User, day: date) -> QuerySet[AbnormalEvent]:
    start, end = _day_bounds(day)
    return _event_scope(actor).filter(occurred_at__gte=start, occurred_at__lt=end)


def _events_by_enterprise(actor: User, day: date) -> dict[int, int]:
    counts: Counter[int] = Counter()
    for enterprise_id in (
        _events_on(actor, day)
        .exclude(enterprise__isnull=True)
        .values_list("enterprise_id", flat=True)
    ):
        counts[enterprise_id] += 1
    return dict(counts)


def abnormal_events(*, actor: User, day: date) -> QuerySet[AbnormalEvent]:
    """The abnormal events raised on ``day`` (a drill-down)."""
    report_scope(actor)
    return _events_on(actor, day).select_related("gate", "enterprise", "worker", "visitor")


def cases(*, actor: User, day: date, outcome: str) -> QuerySet[AbnormalEvent]:
    """Events whose latest outcome recorded by the end of ``day`` is ``outcome`` (confirmed or
    suspected): an outcome changed later does not change the past day's figure."""
    report_scope(actor)
    end = end_of_day(day)
    latest = (
        EventStep.objects.filter(event=OuterRef("pk"), at__lt=end)
        .exclude(outcome="")
        .order_by("-at", "-id")
        .values("outcome")[:1]
    )
    return (
        _event_scope(actor)
        .filter(occurred_at__lt=end)
        .annotate(outcome_then=Subquery(latest))
        .filter(outcome_then=outcome)
        .select_related("gate", "enterprise", "worker", "visitor")
    )


def _observation_parts(
    actor: User, day: date
) -> tuple[QuerySet[Worker], QuerySet[ClearanceChange], QuerySet[ClearanceChange]]:
    """The three disjoint sets of workers under observation on ``day`` (see
    ``observation_workers``), each found from an index of its own.

    - never changed: their clearance now is the one they had then;
    - changed by the end of D: their last such change put them under observation;
    - changed only later: their first change started from an observation."""
    end = end_of_day(day)
    never_changed = Worker.objects.filter(
        clearance=Clearance.OBSERVATION, observation_until__gte=day, created_at__lt=end
    ).filter(~Exists(ClearanceChange.objects.filter(worker=OuterRef("pk"))))
    last_by_then = ClearanceChange.objects.filter(
        new_clearance=Clearance.OBSERVATION, new_until__gte=day, run__created_at__lt=end
    ).filter(
        ~Exists(
            ClearanceChange.objects.filter(
                worker=OuterRef("worker_id"), run_id__gt=OuterRef("run_id"), run__created_at__lt=end
            )
        )
    )
    first_later = ClearanceChange.objects.filter(
        old_clearance=Clearance.OBSERVATION,
        old_until__gte=day,
        run__created_at__gte=end,
        worker__created_at__lt=end,
    ).filter(
        ~Exists(
            ClearanceChange.objects.filter(
                worker=OuterRef("worker_id"), run_id__lt=OuterRef("run_id")
            )
        )
    )
    if actor.role != Role.COMMAND:
        never_changed = never_changed.filter(enterprise_scope_q(actor, "enterprise"))
        last_by_then = last_by_then.filter(enterprise_scope_q(actor, "worker__enterprise"))
        first_later = first_later.filter(enterprise_scope_q(actor, "worker__enterprise"))
    return never_changed, last_by_then, first_later


def observation_count(*, actor: User, day: date) -> int:
    """How many workers were under medical observation on ``day``: three indexed counts."""
    report_scope(actor)
    never_changed, last_by_then, first_later = _observation_parts(actor, day)
    return never_changed.count() + last_by_then.count() + first_later.count()


def observation_workers(*, actor: User, day: date) -> QuerySet[Worker]:
    """The workers under medical observation on ``day``, from the clearance history.

    A worker's clearance on D is the one their last change recorded by the end of D set; with
    no change by then, the one their first later change started from; with no change at all,
    their clearance now (it has never changed). Under observation on D: that clearance is
    "under observation" until D or later. Only workers registered by the end of D count.
    ``until_then`` is annotated: the end of that observation."""
    report_scope(actor)
    end = end_of_day(day)
    never_changed, last_by_then, first_later = _observation_parts(actor, day)
    recorded = ClearanceChange.objects.filter(worker=OuterRef("pk"))
    by_then = recorded.filter(run__created_at__lt=end).order_by("-run_id")
    after = recorded.filter(run__created_at__gte=end).order_by("run_id")
    return (
        Worker.objects.filter(
            Q(pk__in=never_changed.values("pk"))
            | Q(pk__in=last_by_then.values("worker_id"))
            | Q(pk__in=first_later.values("worker_id"))
        )
        .annotate(
            until_then=Coalesce(
                Subquery(by_then.values("new_until")[:1]),
                Subquery(after.values("old_until")[:1]),
                F("observation_until"),
            )
        )
        .select_related("enterprise")
    )


STATUS_STEPS = {
    ApplicationStatus.SUBMITTED.value: "awaiting_verification",
    ApplicationStatus.VERIFIED.value: "awaiting_decision",
    ApplicationStatus.RETURNED.value: "returned",
}


def _application_steps(actor: User, day: date) -> dict[str, str]:
    """Each application's waiting step at the end of ``day``.

    An application not changed since the end of the day (``updated_at`` before it) is in the
    step its status says; only those changed later are looked up in the audit trail, where each
    step was recorded when it happened (the last one recorded by the end of the day wins)."""
    end = end_of_day(day)
    applications = ResumptionApplication.objects.all()
    if actor.role != Role.COMMAND:
        applications = applications.filter(enterprise_scope_q(actor, "enterprise"))
    # Compared in the database: reading ten thousand timestamps into Python cost more. An
    # application changed since is looked up in the audit trail by the same statement (its
    # (type, id, time) index; CASE looks only for those), not with thousands of ids bound.
    last_step = Subquery(
        AuditEvent.objects.filter(
            target_type=APPLICATION_TARGET,
            target_id=Cast(OuterRef("pk"), CharField()),
            action__in=list(WAITING_STEPS),
            created_at__lt=end,
        )
        .order_by("-created_at", "-id")
        .values("action")[:1]
    )
    unchanged = Case(When(updated_at__lt=end, then=Value(1)), default=Value(0))
    then = Case(When(updated_at__lt=end, then=Value(None)), default=last_step)
    steps: dict[str, str] = {}
    for pk, status, unchanged_since, action in _raw_rows(
        applications.order_by()
        .annotate(unchanged=unchanged, then_action=then)
        .values_list("pk", "status", "unchanged", "then_action")
    ):
        if unchanged_since:
            if status in STATUS_STEPS:
                steps[str(pk)] = STATUS_STEPS[status]
        elif action is not None and WAITING_STEPS[action]:
            # The last step recorded by the end of the day; none recorded: not waiting.
            steps[str(pk)] = WAITING_STEPS[action]
    return steps


def applications_waiting_counts(*, actor: User, day: date) -> dict[str, int]:
    counts = Counter(_application_steps(actor, day).values())
    return {step: counts.get(step, 0) for step in WAITING_LABELS}


def applications_waiting(*, actor: User, day: date, step: str) -> QuerySet[ResumptionApplication]:
    """The applications waiting at ``step`` at the end of ``day`` (a drill-down)."""
    report_scope(actor)
    ids = [int(target) for target, at in _application_steps(actor, day).items() if at == step]
    return ResumptionApplication.objects.filter(pk__in=ids).select_related("enterprise")
