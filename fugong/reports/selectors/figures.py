"""One compact row per enterprise (``EnterpriseFacts``) and the day's figures computed from them
(``daily_figures``): resumed, on duty, rates, declarations and unapproved-resumption alerts."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import (
    CharField,
)
from django.db.models.functions import Cast
from django.utils import timezone

from fugong.accounts.models import User
from fugong.bulletins.selectors import notices_unacknowledged
from fugong.cases.figures import case_counts, contacts_under_observation
from fugong.cases.models import Classification
from fugong.cases.selectors_followups import follow_ups_missed_count
from fugong.core.roles import Role
from fugong.enterprises.models import EnterpriseHistory, EnterpriseKind
from fugong.gate.models import Attendance, AttendanceCount, GateCheck, Verdict
from fugong.inspections.selectors import findings_overdue
from fugong.resumption.models import ResumptionPeriod
from fugong.resumption.periods import Period
from fugong.rooms.selectors import occupied_observation_places
from fugong.supplies.selectors import enterprises_low_on_masks, mask_days_threshold

from ..models import HeadcountDeclaration
from .common import _as_date, _local_date_of, _raw_rows, rate, report_scope
from .records import (
    _events_by_enterprise,
    _events_on,
    applications_waiting_counts,
    observation_count,
)

# ----- one row per enterprise -----------------------------------------------------------------


class _Kind:
    """What the figures derive from an enterprise's kind, for its attributes of a day and for
    its facts alike (no slots of its own, so both keep theirs)."""

    __slots__ = ()
    kind: str
    is_above_scale: bool

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


@dataclass(frozen=True, slots=True)
class Attributes(_Kind):
    """What an enterprise is counted and grouped by on a day (``EnterpriseHistory``)."""

    kind: str
    is_above_scale: bool
    in_scope: bool
    liaison_id: int | None


@dataclass(slots=True)
class EnterpriseFacts(_Kind):
    """What the figures need of one enterprise, for any day: its attributes now (``kind`` …
    ``liaison_id``) and their history, and its kept resumption periods."""

    id: int
    name: str
    kind: str
    is_above_scale: bool
    in_scope: bool
    usual_headcount: int
    liaison_id: int | None
    registered_on: date
    # (valid_from, attributes), oldest first; the first also stands for the days before it.
    # Empty: the attributes never changed (the current ones hold on every day).
    # (Tuples, empty by default: 10,000 of these are built per request, lists would cost.)
    history: tuple[tuple[date, Attributes], ...] = ()
    # The kept ``ResumptionPeriod`` rows: (valid_from, valid_until, resumed, suspended).
    periods: tuple[Period, ...] = ()

    def attributes_on(self, day: date) -> Attributes | EnterpriseFacts:
        """The attributes of ``day``: the history row covering it (today: the current ones).
        Without history the facts themselves answer (they have the same fields): no object per
        enterprise and request, which at city scale costs more in allocation than it saves."""
        if not self.history:
            return self
        found = self.history[0][1]
        for valid_from, attributes in self.history:
            if valid_from > day:
                break
            found = attributes
        return found

    def counted_on(self, day: date) -> bool:
        """In scope on ``day``: counted by the park that day and registered by then."""
        return self.registered_on <= day and self.attributes_on(day).in_scope

    def status_on(self, day: date) -> tuple[bool, bool]:
        """(resumed, suspended) on ``day``: the kept period covering it (they do not overlap)."""
        for starts, ends, resumed, suspended in self.periods:
            if starts <= day and (ends is None or ends > day):
                return resumed, suspended
        return False, False

    def suspended_on(self, day: date) -> bool:
        return self.status_on(day)[1]

    def resumed_on(self, day: date) -> bool:
        """The brief's "resumed on D" (``resumption.selectors.resumed_on_q``), as kept."""
        return self.status_on(day)[0]


def enterprise_facts(actor: User) -> dict[int, EnterpriseFacts]:
    """One compact row per enterprise in the caller's scope, from the kept summary: the
    enterprises, the history rows of those whose attributes changed, the resumption periods."""
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
    # Only enterprises with more than one row have a history worth reading: the closed rows
    # are few (each is an edit of a counted attribute), found through their own index.
    changed = EnterpriseHistory.objects.filter(valid_until__isnull=False)
    periods = ResumptionPeriod.objects.all()
    if not whole_park:
        changed = changed.filter(enterprise_id__in=scope.values("pk"))
        periods = periods.filter(enterprise_id__in=scope.values("pk"))
    changed_ids = set(changed.values_list("enterprise_id", flat=True))
    if changed_ids:
        for enterprise_id, valid_from, kind, above, in_scope, liaison_id in (
            EnterpriseHistory.objects.filter(enterprise_id__in=changed_ids)
            .order_by("enterprise_id", "valid_from")
            .values_list(
                "enterprise_id", "valid_from", "kind", "is_above_scale", "in_scope", "liaison_id"
            )
        ):
            if enterprise_id in facts:
                facts[enterprise_id].history += (
                    (valid_from, Attributes(kind, bool(above), bool(in_scope), liaison_id)),
                )
    for enterprise_id, valid_from, valid_until, resumed, suspended in _raw_rows(
        periods.order_by().values_list(
            "enterprise_id", "valid_from", "valid_until", "resumed", "suspended"
        )
    ):
        if enterprise_id in facts:
            facts[enterprise_id].periods += (
                (
                    _as_date(valid_from),
                    None if valid_until is None else _as_date(valid_until),
                    bool(resumed),
                    bool(suspended),
                ),
            )
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
    # Kind, above scale, in scope and liaison of the day (the history's; today: the current).
    attributes: Attributes | EnterpriseFacts
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

    @property
    def kind(self) -> str:
        return self.attributes.kind

    @property
    def kind_label(self) -> str:
        return self.attributes.kind_label

    @property
    def liaison_id(self) -> int | None:
        return self.attributes.liaison_id

    @property
    def is_construction_site(self) -> bool:
        return self.attributes.is_construction_site

    @property
    def is_above_scale_industrial(self) -> bool:
        return self.attributes.is_above_scale_industrial


@dataclass
class Alert:
    """An enterprise working on a day it was not allowed to (私自复工), with the evidence."""

    enterprise: EnterpriseFacts
    day: date
    suspended: bool
    admitted_workers: int
    declared: int | None
    first_admission: datetime | None = None
    last_admission: datetime | None = None
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
    asymptomatic: int
    contacts_under_observation: int
    applications_waiting: dict[str, int]
    overdue_rectifications: int
    unacknowledged_notices: int
    enterprises: list[EnterpriseDay]
    alerts: list[Alert]
    untrained_on_duty: int = 0  # workers on duty (through a gate) not trained by the day
    low_on_masks: int = 0  # enterprises under N days of masks (supplies)
    observation_occupied: int = 0  # people in observation rooms now (rooms)
    observation_places: int = 0
    follow_ups_missed: int = 0  # workers under observation missing a due declaration (cases)

    @property
    def resumption_rate(self) -> float | None:
        return rate(self.resumed, self.in_scope)

    @property
    def mask_days(self) -> int:
        """The N of "enterprises under N days of masks"."""
        return mask_days_threshold()

    @property
    def above_scale_rate(self) -> float | None:
        return rate(self.above_scale_resumed, self.above_scale_in_scope)

    @property
    def return_to_post_rate(self) -> float | None:
        return rate(self.on_duty, self.resumed_usual_headcount)

    def as_dict(self) -> dict[str, Any]:
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
            "asymptomatic": self.asymptomatic,
            "contacts_under_observation": self.contacts_under_observation,
            "follow_ups_missed": self.follow_ups_missed,
            "applications_waiting": dict(self.applications_waiting),
            "overdue_rectifications": self.overdue_rectifications,
            "unacknowledged_notices": self.unacknowledged_notices,
            "unapproved_resumptions": len(self.alerts),
            "untrained_on_duty": self.untrained_on_duty,
            "low_on_masks": self.low_on_masks,
            "observation_occupied": self.observation_occupied,
            "observation_places": self.observation_places,
        }


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


NEITHER = (False, False)


def daily_figures(
    *, actor: User, day: date, facts: dict[int, EnterpriseFacts] | None = None
) -> DailyFigures:
    """Every figure of ``day`` in the caller's scope, with the per-enterprise lines and the
    unapproved-resumption alerts."""
    facts = enterprise_facts(actor) if facts is None else facts
    whole_park = actor.role == Role.COMMAND
    gate_counts = _attendance_counts(facts, day, day, whole_park).get(day, {})
    declared = _declarations(facts, day, whole_park)
    events_by_enterprise = _events_by_enterprise(actor, day)
    lines: list[EnterpriseDay] = []
    alerts: list[Alert] = []
    # The enterprise figures, summed in the same pass over the lines (each was a pass of its
    # own over 10,000 lines, through their properties).
    totals = Counter[str]()
    for enterprise in facts.values():
        attributes = enterprise.attributes_on(day)
        counted = attributes.in_scope and enterprise.registered_on <= day
        resumed, suspended = enterprise.status_on(day) if enterprise.periods else NEITHER
        line = EnterpriseDay(
            facts=enterprise,
            counted=counted,
            resumed=resumed,
            suspended=suspended,
            on_duty_gate=gate_counts.get(enterprise.id, 0),
            on_duty_declared=declared.get(enterprise.id),
            attributes=attributes,
            abnormal_events=events_by_enterprise.get(enterprise.id, 0),
        )
        lines.append(line)
        if counted:
            above_scale = attributes.is_above_scale_industrial
            totals["in_scope"] += 1
            totals["above_scale_in_scope"] += above_scale
            if resumed:
                totals["resumed"] += 1
                totals["construction_sites_resumed"] += attributes.is_construction_site
                totals["above_scale_resumed"] += above_scale
                totals["on_duty"] += line.on_duty
                totals["on_duty_from_gates"] += line.on_duty_gate
                totals["resumed_usual_headcount"] += enterprise.usual_headcount
                if line.on_duty_source == "declared":
                    totals["on_duty_declared"] += line.on_duty
                    totals["declaring_enterprises"] += 1
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
    cases = case_counts(
        actor=actor,
        day=day,
        classifications=[
            Classification.CONFIRMED,
            Classification.SUSPECTED,
            Classification.ASYMPTOMATIC,
        ],
    )
    return DailyFigures(
        day=day,
        whole_park=whole_park,
        in_scope=totals["in_scope"],
        resumed=totals["resumed"],
        construction_sites_resumed=totals["construction_sites_resumed"],
        above_scale_in_scope=totals["above_scale_in_scope"],
        above_scale_resumed=totals["above_scale_resumed"],
        on_duty=totals["on_duty"],
        on_duty_from_gates=totals["on_duty_from_gates"],
        on_duty_declared=totals["on_duty_declared"],
        declaring_enterprises=totals["declaring_enterprises"],
        resumed_usual_headcount=totals["resumed_usual_headcount"],
        abnormal_events=_events_on(actor, day).count(),
        under_observation=observation_count(actor=actor, day=day),
        confirmed=cases[Classification.CONFIRMED],
        suspected=cases[Classification.SUSPECTED],
        asymptomatic=cases[Classification.ASYMPTOMATIC],
        contacts_under_observation=contacts_under_observation(actor=actor, day=day).count(),
        follow_ups_missed=follow_ups_missed_count(day, None if whole_park else list(facts)),
        applications_waiting=applications_waiting_counts(actor=actor, day=day),
        overdue_rectifications=findings_overdue(actor=actor, day=day).count(),
        unacknowledged_notices=notices_unacknowledged(actor=actor, day=day).count(),
        enterprises=lines,
        alerts=alerts,
        untrained_on_duty=_untrained_on_duty(lines, day),
        low_on_masks=len(enterprises_low_on_masks(report_scope(actor), on=day)),
        **_observation_rooms(actor, day),
    )


def _untrained_on_duty(lines: list[EnterpriseDay], day: date) -> int:
    from .training import untrained_on_duty_count  # the module reads this one's EnterpriseDay

    return untrained_on_duty_count(lines=lines, day=day)


def _observation_rooms(actor: User, day: date) -> dict[str, int]:
    """People in observation rooms at the end of the day (now, for today), and their places."""
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), datetime.min.time()))
    figures = occupied_observation_places(report_scope(actor), at=end)
    return {
        "observation_occupied": figures["occupied"],
        "observation_places": figures["places"],
    }


def _attendance_counts(
    facts: dict[int, EnterpriseFacts], day_from: date, day_to: date, whole_park: bool
) -> dict[date, dict[int, int]]:
    rows = AttendanceCount.objects.filter(day__range=(day_from, day_to), workers__gt=0)
    if not whole_park:
        rows = rows.filter(enterprise_id__in=list(facts))
    # The day as text: a few dozen distinct values, parsed once each instead of once a row.
    text_rows = rows.annotate(day_text=Cast("day", CharField())).values_list(
        "day_text", "enterprise_id", "workers"
    )
    counts: dict[date, dict[int, int]] = defaultdict(dict)
    days: dict[str, dict[int, int]] = {}
    for day_text, enterprise_id, workers in _raw_rows(text_rows.order_by()):
        by_enterprise = days.get(day_text)
        if by_enterprise is None:
            by_enterprise = days[day_text] = counts[date.fromisoformat(day_text[:10])]
        by_enterprise[enterprise_id] = workers
    return counts


def _declarations(facts: dict[int, EnterpriseFacts], day: date, whole_park: bool) -> dict[int, int]:
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
