"""The command post's figures for any date, cut to the caller's scope, and the records behind each.

Every figure is computed from the records as they stood at the end of the day asked for (see
docs/architecture.md, "The dashboard"): the approvals decided by then with their resumption
dates, the suspensions covering the day, the gate admissions of the day (through the kept counts
in ``Attendance``), the declarations, the clearance history and the outcome history of abnormal
events, and the application history in the audit trail. Nothing here reads today's state to
answer for a past day.

The enterprise figures are computed in Python from one compact row per enterprise: at city scale
(10,000 enterprises) that costs a few milliseconds and lets one set of rows answer the day, the
30-day trend and the breakdowns alike.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fugong.accounts.models import User
from fugong.audit.models import AuditAction, AuditEvent
from fugong.bulletins.selectors import notices_unacknowledged
from fugong.core.errors import ApplicationError, NotFoundError
from fugong.core.roles import Action, Role, require
from fugong.core.scoping import enterprise_scope_q
from fugong.enterprises.models import Enterprise, EnterpriseKind
from fugong.gate.models import AbnormalEvent, EventOutcome, EventStep, GateCheck, Verdict
from fugong.inspections.selectors import findings_overdue
from fugong.resumption.models import ApplicationStatus, ResumptionApplication, Suspension
from fugong.resumption.selectors import end_of_day
from fugong.screening.models import ClearanceChange
from fugong.workforce.models import Clearance, Worker

from .models import Attendance, AttendanceCount, HeadcountDeclaration

TREND_DAYS = 30

# The application steps that wait for someone, as the audit trail records them.
WAITING_STEPS = {
    AuditAction.APPLICATION_SUBMITTED.value: "awaiting_verification",
    AuditAction.APPLICATION_RESUBMITTED.value: "awaiting_verification",
    AuditAction.APPLICATION_VERIFIED.value: "awaiting_decision",
    AuditAction.APPLICATION_RETURNED.value: "returned",
    AuditAction.APPLICATION_APPROVED.value: "",
}
WAITING_LABELS = {
    "awaiting_verification": _("Awaiting on-site verification"),
    "awaiting_decision": _("Verified, awaiting decision"),
    "returned": _("Returned for rectification"),
}
APPLICATION_TARGET = ResumptionApplication._meta.label_lower


# ----- dates ---------------------------------------------------------------------------------


def records_begin() -> date:
    """The first day the park has records for: the day its first enterprise was registered."""
    first = Enterprise.objects.aggregate(first=Min("created_at"))["first"]
    return timezone.localdate(first) if first else timezone.localdate()


def report_date(value: str | date | None) -> date:
    """The day asked for: today when none is given; a clear error for a malformed date, a day
    in the future or one before the park's records begin."""
    today = timezone.localdate()
    if value in (None, ""):
        return today
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value).strip())
        except ValueError as error:
            message = _("Give the date as YYYY-MM-DD.")
            raise ApplicationError(message, fields={"date": [message]}) from error
    if day > today:
        message = _("The date is in the future: figures exist up to today.")
        raise ApplicationError(message, fields={"date": [message]})
    begin = records_begin()
    if day < begin:
        message = _("The park's records begin on %(date)s.") % {"date": begin.isoformat()}
        raise ApplicationError(message, fields={"date": [message]})
    return day


# Timestamp (as the database returns it raw) → its date in the park's time zone. A pure
# function of its argument, remembered: converting 15,000 timestamps to a zone cost ~50 ms on
# every dashboard, reading them from a dict costs ~2 ms. Bounded, cleared when full.
_LOCAL_DATES: dict = {}
_LOCAL_DATES_LIMIT = 1_000_000


def _local_date_of(zone):
    """A fast ``timezone.localdate`` for many raw values: the zone is looked up once and each
    distinct value converted once."""
    cache = _LOCAL_DATES.setdefault(str(zone), {})

    def local_date(value):
        try:
            return cache[value]
        except KeyError:
            if len(cache) > _LOCAL_DATES_LIMIT:
                cache.clear()
            result = cache[value] = _aware(value).astimezone(zone).date()
            return result

    return local_date


def _aware(value) -> datetime:
    """A timestamp read raw: SQLite gives UTC without an offset (text or naive), PostgreSQL an
    aware datetime (or, cast to text, its text with the offset)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _raw_rows(queryset) -> list[tuple]:
    """A values_list queryset's rows straight from the database cursor, without Django's
    per-value converters (dates stay ISO strings on SQLite): the dashboard reads tens of
    thousands of small rows, and the converters cost more than the query."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def rate(numerator: int, denominator: int) -> float | None:
    """A rate, or None when there is nothing to divide by (shown as "—")."""
    return numerator / denominator if denominator else None


# ----- one row per enterprise -----------------------------------------------------------------


@dataclass(slots=True)
class EnterpriseFacts:
    """What the figures need of one enterprise, for any day."""

    id: int
    name: str
    kind: str
    is_above_scale: bool
    in_scope: bool
    usual_headcount: int
    liaison_id: int | None
    registered_on: date
    approved_from: date | None = None  # the first day approval counts: decision day or later
    suspensions: list[tuple[date, date | None]] = field(default_factory=list)

    def counted_on(self, day: date) -> bool:
        """In scope on ``day``: counted by the park and registered by then."""
        return self.in_scope and self.registered_on <= day

    def suspended_on(self, day: date) -> bool:
        return any(
            starts <= day and (ends is None or ends > day) for starts, ends in self.suspensions
        )

    def resumed_on(self, day: date) -> bool:
        """The brief's "resumed on D" (``resumption.selectors.resumed_on_q`` in Python)."""
        return (
            self.approved_from is not None
            and self.approved_from <= day
            and not self.suspended_on(day)
        )

    @property
    def kind_label(self) -> str:
        return (
            str(EnterpriseKind(self.kind).label)
            if self.kind in EnterpriseKind.values
            else self.kind
        )

    @property
    def is_construction_site(self) -> bool:
        return self.kind == EnterpriseKind.CONSTRUCTION_SITE

    @property
    def is_above_scale_industrial(self) -> bool:
        return self.kind == EnterpriseKind.INDUSTRIAL and self.is_above_scale


def report_scope(actor) -> QuerySet[Enterprise]:
    """The enterprises whose figures the caller may read (403 for roles without the dashboard)."""
    require(actor, Action.REPORTS_VIEW)
    return Enterprise.objects.filter(enterprise_scope_q(actor))


def enterprise_facts(actor) -> dict[int, EnterpriseFacts]:
    """One compact row per enterprise in the caller's scope: three queries."""
    scope = report_scope(actor)
    facts: dict[int, EnterpriseFacts] = {}
    local_date = _local_date_of(timezone.get_current_timezone())
    for row in _raw_rows(
        scope.annotate(created_text=Cast("created_at", CharField()))
        .values_list(
            "id",
            "name",
            "kind",
            "is_above_scale",
            "in_scope",
            "usual_headcount",
            "liaison_id",
            "created_text",
        )
        .order_by("id")
    ):
        facts[row[0]] = EnterpriseFacts(
            row[0],
            row[1],
            row[2],
            bool(row[3]),
            bool(row[4]),
            row[5],
            row[6],
            registered_on=local_date(row[7]),
        )
    whole_park = actor.role == Role.COMMAND
    approved = ResumptionApplication.objects.filter(
        status=ApplicationStatus.APPROVED, decided_at__isnull=False, resumption_date__isnull=False
    )
    suspensions = Suspension.objects.all()
    if not whole_park:
        approved = approved.filter(enterprise_id__in=scope.values("pk"))
        suspensions = suspensions.filter(enterprise_id__in=scope.values("pk"))
    for enterprise_id, decided_at, resumption_date in _raw_rows(
        approved.order_by()
        .annotate(decided_text=Cast("decided_at", CharField()))
        .values_list("enterprise_id", "decided_text", "resumption_date")
    ):
        if enterprise_id in facts:
            facts[enterprise_id].approved_from = max(
                local_date(decided_at), _as_date(resumption_date)
            )
    for enterprise_id, starts_on, ends_on in suspensions.order_by().values_list(
        "enterprise_id", "starts_on", "ends_on"
    ):
        if enterprise_id in facts:
            facts[enterprise_id].suspensions.append((starts_on, ends_on))
    return facts


# ----- the day's figures ----------------------------------------------------------------------


@dataclass(slots=True)
class EnterpriseDay:
    """One enterprise's line in the day's table."""

    facts: EnterpriseFacts
    counted: bool
    resumed: bool
    suspended: bool
    on_duty_gate: int
    on_duty_declared: int | None
    abnormal_events: int = 0
    # Gate records where there are any, else the declaration (0 without either), and which.
    on_duty: int = 0
    on_duty_source: str = ""

    def __post_init__(self) -> None:
        if self.on_duty_gate:
            self.on_duty, self.on_duty_source = self.on_duty_gate, "gate"
        elif self.on_duty_declared is not None:
            self.on_duty, self.on_duty_source = self.on_duty_declared, "declared"

    @property
    def return_to_post_rate(self) -> float | None:
        return rate(self.on_duty, self.facts.usual_headcount)


@dataclass
class Alert:
    """An enterprise working on a day it was not allowed to (私自复工), with the evidence."""

    enterprise: EnterpriseFacts
    day: date
    suspended: bool
    admitted_workers: int
    declared: int | None
    first_admission: object = None
    last_admission: object = None
    gates: list[str] = field(default_factory=list)


@dataclass
class DailyFigures:
    """The figures of one day in one scope, each named as the daily report names it."""

    day: date
    whole_park: bool
    in_scope: int
    resumed: int
    construction_sites_resumed: int
    above_scale_in_scope: int
    above_scale_resumed: int
    on_duty: int
    on_duty_from_gates: int
    on_duty_declared: int
    declaring_enterprises: int
    resumed_usual_headcount: int
    abnormal_events: int
    under_observation: int
    confirmed: int
    suspected: int
    applications_waiting: dict[str, int]
    overdue_rectifications: int
    unacknowledged_notices: int
    enterprises: list[EnterpriseDay]
    alerts: list[Alert]

    @property
    def resumption_rate(self) -> float | None:
        return rate(self.resumed, self.in_scope)

    @property
    def above_scale_rate(self) -> float | None:
        return rate(self.above_scale_resumed, self.above_scale_in_scope)

    @property
    def return_to_post_rate(self) -> float | None:
        return rate(self.on_duty, self.resumed_usual_headcount)

    def as_dict(self) -> dict:
        """The figures under plain names (the API and ``daily_report --format json``)."""
        return {
            "date": self.day.isoformat(),
            "in_scope": self.in_scope,
            "resumed": self.resumed,
            "construction_sites_resumed": self.construction_sites_resumed,
            "resumption_rate": rounded(self.resumption_rate),
            "above_scale_in_scope": self.above_scale_in_scope,
            "above_scale_resumed": self.above_scale_resumed,
            "above_scale_rate": rounded(self.above_scale_rate),
            "on_duty": self.on_duty,
            "on_duty_from_gates": self.on_duty_from_gates,
            "on_duty_declared": self.on_duty_declared,
            "declaring_enterprises": self.declaring_enterprises,
            "resumed_usual_headcount": self.resumed_usual_headcount,
            "return_to_post_rate": rounded(self.return_to_post_rate),
            "abnormal_events": self.abnormal_events,
            "under_observation": self.under_observation,
            "confirmed": self.confirmed,
            "suspected": self.suspected,
            "applications_waiting": dict(self.applications_waiting),
            "overdue_rectifications": self.overdue_rectifications,
            "unacknowledged_notices": self.unacknowledged_notices,
            "unapproved_resumptions": len(self.alerts),
        }


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def daily_figures(*, actor, day: date, facts: dict[int, EnterpriseFacts] | None = None):
    """Every figure of ``day`` in the caller's scope, with the per-enterprise lines and the
    unapproved-resumption alerts."""
    facts = enterprise_facts(actor) if facts is None else facts
    whole_park = actor.role == Role.COMMAND
    gate_counts = _attendance_counts(facts, day, day, whole_park).get(day, {})
    declared = _declarations(facts, day, whole_park)
    events_by_enterprise = _events_by_enterprise(actor, day)
    lines: list[EnterpriseDay] = []
    alerts: list[Alert] = []
    for enterprise in facts.values():
        counted = enterprise.counted_on(day)
        resumed = enterprise.resumed_on(day)
        line = EnterpriseDay(
            facts=enterprise,
            counted=counted,
            resumed=resumed,
            suspended=enterprise.suspended_on(day),
            on_duty_gate=gate_counts.get(enterprise.id, 0),
            on_duty_declared=declared.get(enterprise.id),
            abnormal_events=events_by_enterprise.get(enterprise.id, 0),
        )
        lines.append(line)
        if not resumed and (line.on_duty_gate or line.on_duty_declared):
            alerts.append(
                Alert(
                    enterprise=enterprise,
                    day=day,
                    suspended=line.suspended,
                    admitted_workers=line.on_duty_gate,
                    declared=line.on_duty_declared,
                )
            )
    _alert_evidence(alerts, day)
    counted_resumed = [line for line in lines if line.counted and line.resumed]
    counted = [line for line in lines if line.counted]
    return DailyFigures(
        day=day,
        whole_park=whole_park,
        in_scope=len(counted),
        resumed=len(counted_resumed),
        construction_sites_resumed=sum(
            1 for line in counted_resumed if line.facts.is_construction_site
        ),
        above_scale_in_scope=sum(1 for line in counted if line.facts.is_above_scale_industrial),
        above_scale_resumed=sum(
            1 for line in counted_resumed if line.facts.is_above_scale_industrial
        ),
        on_duty=sum(line.on_duty for line in counted_resumed),
        on_duty_from_gates=sum(line.on_duty_gate for line in counted_resumed),
        on_duty_declared=sum(
            line.on_duty for line in counted_resumed if line.on_duty_source == "declared"
        ),
        declaring_enterprises=sum(
            1 for line in counted_resumed if line.on_duty_source == "declared"
        ),
        resumed_usual_headcount=sum(line.facts.usual_headcount for line in counted_resumed),
        abnormal_events=_events_on(actor, day).count(),
        under_observation=observation_count(actor=actor, day=day),
        confirmed=cases(actor=actor, day=day, outcome=EventOutcome.CONFIRMED).count(),
        suspected=cases(actor=actor, day=day, outcome=EventOutcome.SUSPECTED).count(),
        applications_waiting=applications_waiting_counts(actor=actor, day=day),
        overdue_rectifications=findings_overdue(actor=actor, day=day).count(),
        unacknowledged_notices=notices_unacknowledged(actor=actor, day=day).count(),
        enterprises=lines,
        alerts=alerts,
    )


def _attendance_counts(
    facts: dict[int, EnterpriseFacts], day_from: date, day_to: date, whole_park: bool
) -> dict[date, dict[int, int]]:
    rows = AttendanceCount.objects.filter(day__range=(day_from, day_to), workers__gt=0)
    if not whole_park:
        rows = rows.filter(enterprise_id__in=list(facts))
    # The day as text: a few dozen distinct values, parsed once each instead of once a row.
    rows = rows.annotate(day_text=Cast("day", CharField())).values_list(
        "day_text", "enterprise_id", "workers"
    )
    counts: dict[date, dict[int, int]] = defaultdict(dict)
    days: dict[str, dict[int, int]] = {}
    for day_text, enterprise_id, workers in _raw_rows(rows.order_by()):
        by_enterprise = days.get(day_text)
        if by_enterprise is None:
            by_enterprise = days[day_text] = counts[date.fromisoformat(day_text[:10])]
        by_enterprise[enterprise_id] = workers
    return counts


def _declarations(facts: dict[int, EnterpriseFacts], day: date, whole_park: bool) -> dict:
    rows = HeadcountDeclaration.objects.filter(day=day)
    if not whole_park:
        rows = rows.filter(enterprise_id__in=list(facts))
    return dict(rows.values_list("enterprise_id", "workers"))


def _alert_evidence(alerts: list[Alert], day: date) -> None:
    """The admissions behind each alert: when, and at which gates. Found through the day's
    attendance (its workers) and the checks' (worker, date) index: alerts are few."""
    if not alerts:
        return
    by_enterprise = {alert.enterprise.id: alert for alert in alerts}
    workers = list(
        Attendance.objects.filter(day=day, enterprise_id__in=list(by_enterprise)).values_list(
            "worker_id", flat=True
        )
    )
    if not workers:
        return
    checks = (
        GateCheck.objects.filter(
            worker_id__in=workers,
            check_date=day,
            verdict=Verdict.ADMITTED,
            worker_enterprise_id__in=list(by_enterprise),
        )
        .order_by("occurred_at")
        .values_list("worker_enterprise_id", "occurred_at", "gate__name")
    )
    for enterprise_id, occurred_at, gate_name in checks:
        alert = by_enterprise[enterprise_id]
        alert.first_admission = alert.first_admission or occurred_at
        alert.last_admission = occurred_at
        if gate_name not in alert.gates:
            alert.gates.append(gate_name)


# ----- events, observation, cases, applications ------------------------------------------------


def _event_scope(actor) -> QuerySet[AbnormalEvent]:
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


def _day_bounds(day: date):
    return end_of_day(day - timedelta(days=1)), end_of_day(day)


def _events_on(actor, day: date) -> QuerySet[AbnormalEvent]:
    start, end = _day_bounds(day)
    return _event_scope(actor).filter(occurred_at__gte=start, occurred_at__lt=end)


def _events_by_enterprise(actor, day: date) -> dict[int, int]:
    counts: Counter = Counter()
    for enterprise_id in (
        _events_on(actor, day)
        .exclude(enterprise__isnull=True)
        .values_list("enterprise_id", flat=True)
    ):
        counts[enterprise_id] += 1
    return dict(counts)


def abnormal_events(*, actor, day: date) -> QuerySet[AbnormalEvent]:
    """The abnormal events raised on ``day`` (a drill-down)."""
    report_scope(actor)
    return _events_on(actor, day).select_related("gate", "enterprise", "worker", "visitor")


def cases(*, actor, day: date, outcome: str) -> QuerySet[AbnormalEvent]:
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


def _observation_parts(actor, day: date) -> tuple[QuerySet, QuerySet, QuerySet]:
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


def observation_count(*, actor, day: date) -> int:
    """How many workers were under medical observation on ``day``: three indexed counts."""
    report_scope(actor)
    never_changed, last_by_then, first_later = _observation_parts(actor, day)
    return never_changed.count() + last_by_then.count() + first_later.count()


def observation_workers(*, actor, day: date) -> QuerySet[Worker]:
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


def _application_steps(actor, day: date) -> dict[str, str]:
    """Each application's waiting step at the end of ``day``.

    An application not changed since the end of the day (``updated_at`` before it) is in the
    step its status says; only those changed later are looked up in the audit trail, where each
    step was recorded when it happened (the last one recorded by the end of the day wins)."""
    end = end_of_day(day)
    applications = ResumptionApplication.objects.all()
    if actor.role != Role.COMMAND:
        applications = applications.filter(enterprise_scope_q(actor, "enterprise"))
    steps: dict[str, str] = {}
    changed_since: list[str] = []
    # Compared in the database: reading ten thousand timestamps into Python cost more.
    unchanged = Case(When(updated_at__lt=end, then=Value(1)), default=Value(0))
    for pk, status, unchanged_since in _raw_rows(
        applications.order_by()
        .annotate(unchanged=unchanged)
        .values_list("pk", "status", "unchanged")
    ):
        if unchanged_since:
            if status in STATUS_STEPS:
                steps[str(pk)] = STATUS_STEPS[status]
        else:
            changed_since.append(str(pk))
    for start in range(0, len(changed_since), 5_000):
        chunk = changed_since[start : start + 5_000]
        rows = AuditEvent.objects.filter(
            target_type=APPLICATION_TARGET,
            target_id__in=chunk,
            action__in=list(WAITING_STEPS),
            created_at__lt=end,
        ).order_by("created_at", "id")
        then: dict[str, str] = {}
        for target_id, action in rows.values_list("target_id", "action"):
            then[target_id] = WAITING_STEPS[action]
        steps.update({target: step for target, step in then.items() if step})
    return steps


def applications_waiting_counts(*, actor, day: date) -> dict[str, int]:
    counts = Counter(_application_steps(actor, day).values())
    return {step: counts.get(step, 0) for step in WAITING_LABELS}


def applications_waiting(*, actor, day: date, step: str) -> QuerySet[ResumptionApplication]:
    """The applications waiting at ``step`` at the end of ``day`` (a drill-down)."""
    report_scope(actor)
    ids = [int(target) for target, at in _application_steps(actor, day).items() if at == step]
    return ResumptionApplication.objects.filter(pk__in=ids).select_related("enterprise")


# ----- drill-downs -----------------------------------------------------------------------------

ENTERPRISE_FIGURES = {
    "in_scope": lambda line: line.counted,
    "resumed": lambda line: line.counted and line.resumed,
    "construction_sites_resumed": lambda line: (
        line.counted and line.resumed and line.facts.is_construction_site
    ),
    "above_scale_in_scope": lambda line: line.counted and line.facts.is_above_scale_industrial,
    "above_scale_resumed": lambda line: (
        line.counted and line.resumed and line.facts.is_above_scale_industrial
    ),
}


def enterprise_lines(figures: DailyFigures, figure: str) -> list[EnterpriseDay]:
    """The enterprises behind an enterprise figure, in name order."""
    if figure not in ENTERPRISE_FIGURES:
        raise NotFoundError()
    test = ENTERPRISE_FIGURES[figure]
    return sorted(
        (line for line in figures.enterprises if test(line)), key=lambda line: line.facts.name
    )


def on_duty_workers(*, actor, day: date, figures: DailyFigures) -> QuerySet[Attendance]:
    """The workers admitted on ``day`` by enterprises resumed and in scope that day: their
    number plus the declared headcounts is the "on duty" figure."""
    counted = [
        line.facts.id
        for line in figures.enterprises
        if line.counted and line.resumed and line.on_duty_gate
    ]
    return (
        Attendance.objects.filter(day=day, enterprise_id__in=counted)
        .select_related("worker", "enterprise")
        .order_by("enterprise__name", "worker__full_name", "worker_id")
    )


def declared_lines(figures: DailyFigures) -> list[EnterpriseDay]:
    return sorted(
        (
            line
            for line in figures.enterprises
            if line.counted and line.resumed and line.on_duty_source == "declared"
        ),
        key=lambda line: line.facts.name,
    )


# ----- trends and breakdowns --------------------------------------------------------------------


@dataclass
class Trend:
    days: list[date]
    resumption_rate: list[float | None]
    resumed: list[int]
    on_duty: list[int]
    abnormal_events: list[int]


def trends(*, actor, day: date, facts: dict[int, EnterpriseFacts], days: int = TREND_DAYS):
    """Resumption rate, workers on duty and abnormal events for each of the ``days`` days up to
    ``day`` (not before the park's records begin): one query for the counts, one for the
    declarations, one for the events."""
    first = max(day - timedelta(days=days - 1), records_begin())
    span = [first + timedelta(days=offset) for offset in range((day - first).days + 1)]
    whole_park = actor.role == Role.COMMAND
    declarations: dict[date, dict[int, int]] = defaultdict(dict)
    rows = HeadcountDeclaration.objects.filter(day__range=(first, day))
    if not whole_park:
        rows = rows.filter(enterprise_id__in=list(facts))
    for when, enterprise_id, workers in rows.values_list("day", "enterprise_id", "workers"):
        declarations[when][enterprise_id] = workers
    start, end = end_of_day(first - timedelta(days=1)), end_of_day(day)
    local_date = _local_date_of(timezone.get_current_timezone())
    events = Counter(
        local_date(at)
        for at in _event_scope(actor)
        .filter(occurred_at__gte=start, occurred_at__lt=end)
        .values_list("occurred_at", flat=True)
    )
    length = len(span)
    origin = first.toordinal()
    counted_change = [0] * (length + 1)
    resumed_change = [0] * (length + 1)
    # Per enterprise, the offset in the span from which it counts as resumed and in scope, and
    # the offsets a suspension takes out: the loop over the counts then costs a comparison.
    resumed_from_offset: dict[int, tuple[int, frozenset]] = {}

    def offset_of(when: date) -> int:
        return min(max(when.toordinal() - origin, 0), length)

    for enterprise in facts.values():
        if not enterprise.in_scope:
            continue
        counted_change[offset_of(enterprise.registered_on)] += 1
        if enterprise.approved_from is None:
            continue
        start = offset_of(max(enterprise.approved_from, enterprise.registered_on))
        resumed_change[start] += 1
        holes: set[int] = set()
        for starts, ends in enterprise.suspensions:
            since = max(offset_of(starts), start)
            until = offset_of(ends) if ends is not None else length
            if since < until:
                resumed_change[since] -= 1
                resumed_change[until] += 1
                holes.update(range(since, until))
        if start < length:
            resumed_from_offset[enterprise.id] = (start, frozenset(holes))
    counts = _attendance_counts(facts, first, day, whole_park)
    result = Trend(days=span, resumption_rate=[], resumed=[], on_duty=[], abnormal_events=[])
    counted_now = resumed_now = 0
    never = (len(span), frozenset())
    for offset, when in enumerate(span):
        counted_now += counted_change[offset]
        resumed_now += resumed_change[offset]
        result.resumed.append(resumed_now)
        result.resumption_rate.append(rounded(rate(resumed_now, counted_now)))
        workers = 0
        daily = dict(declarations.get(when, {}))
        daily.update(counts.get(when, {}))  # gate records take precedence over a declaration
        for enterprise_id, number in daily.items():
            start, holes = resumed_from_offset.get(enterprise_id, never)
            if offset >= start and offset not in holes:
                workers += number
        result.on_duty.append(workers)
        result.abnormal_events.append(events.get(when, 0))
    return result


@dataclass
class Breakdown:
    key: object
    label: str
    in_scope: int = 0
    resumed: int = 0
    on_duty: int = 0
    usual_headcount: int = 0
    abnormal_events: int = 0

    @property
    def resumption_rate(self) -> float | None:
        return rate(self.resumed, self.in_scope)

    @property
    def return_to_post_rate(self) -> float | None:
        return rate(self.on_duty, self.usual_headcount)


def _breakdown(figures: DailyFigures, key: str, label) -> list[Breakdown]:
    groups: dict[object, Breakdown] = {}
    for line in figures.enterprises:
        if not line.counted:
            continue
        facts = line.facts
        group_key = getattr(facts, key)
        group = groups.get(group_key)
        if group is None:
            group = groups[group_key] = Breakdown(group_key, label(group_key))
        group.in_scope += 1
        group.abnormal_events += line.abnormal_events
        if line.resumed:
            group.resumed += 1
            group.on_duty += line.on_duty
            group.usual_headcount += facts.usual_headcount
    return sorted(groups.values(), key=lambda group: (-group.in_scope, group.label))


def breakdown_by_kind(figures: DailyFigures) -> list[Breakdown]:
    labels = dict(EnterpriseKind.choices)
    return _breakdown(figures, "kind", lambda kind: str(labels.get(kind, kind)))


def breakdown_by_liaison(figures: DailyFigures) -> list[Breakdown]:
    ids = {line.facts.liaison_id for line in figures.enterprises if line.facts.liaison_id}
    names = dict(User.objects.filter(pk__in=ids).values_list("pk", "full_name"))
    return _breakdown(
        figures,
        "liaison_id",
        lambda liaison_id: names.get(liaison_id) or str(_("No liaison assigned")),
    )


def attendance_check(*, day_from: date, day_to: date) -> dict:
    """The kept counts against a recount from the gate checks (``manage.py attendance_rebuild
    --check``)."""
    from .attendance import attendance_from_checks, attendance_stored

    kept = attendance_stored(day_from, day_to)
    recount = attendance_from_checks(day_from, day_to)
    return {
        "equal": kept == recount,
        "differences": sorted(
            (key, kept.get(key, 0), recount.get(key, 0))
            for key in set(kept) | set(recount)
            if kept.get(key, 0) != recount.get(key, 0)
        ),
    }


def declaration_list(*, actor) -> QuerySet[HeadcountDeclaration]:
    """The declarations of the enterprises the caller may declare for, newest day first."""
    require(actor, Action.HEADCOUNT_DECLARE)
    return (
        HeadcountDeclaration.objects.filter(enterprise_scope_q(actor, "enterprise"))
        .select_related("enterprise", "declared_by")
        .order_by("-day", "enterprise__name")
    )
