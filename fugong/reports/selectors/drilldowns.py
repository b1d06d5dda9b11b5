"""What a figure opens (its enterprise lines, the workers on duty, the declared lines), the 30-day
trends, the breakdowns by kind and liaison, and the attendance check."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import (
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fugong.accounts.models import User
from fugong.core.errors import NotFoundError
from fugong.core.roles import Action, Role, require
from fugong.core.scoping import enterprise_scope_q
from fugong.enterprises.models import EnterpriseKind
from fugong.gate.models import Attendance
from fugong.resumption.selectors import end_of_day

from ..models import HeadcountDeclaration
from .common import TREND_DAYS, _local_date_of, rate, records_begin
from .figures import DailyFigures, EnterpriseDay, EnterpriseFacts, _attendance_counts
from .records import _event_scope

# ----- drill-downs -----------------------------------------------------------------------------

ENTERPRISE_FIGURES: dict[str, Callable[[EnterpriseDay], bool]] = {
    "in_scope": lambda line: line.counted,
    "resumed": lambda line: line.counted and line.resumed,
    "construction_sites_resumed": lambda line: (
        line.counted and line.resumed and line.is_construction_site
    ),
    "above_scale_in_scope": lambda line: line.counted and line.is_above_scale_industrial,
    "above_scale_resumed": lambda line: (
        line.counted and line.resumed and line.is_above_scale_industrial
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


def on_duty_workers(*, actor: User, day: date, figures: DailyFigures) -> QuerySet[Attendance]:
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


def trends(
    *, actor: User, day: date, facts: dict[int, EnterpriseFacts], days: int = TREND_DAYS
) -> Trend:
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
    window_start, window_end = end_of_day(first - timedelta(days=1)), end_of_day(day)
    local_date = _local_date_of(timezone.get_current_timezone())
    events = Counter(
        local_date(at)
        for at in _event_scope(actor)
        .filter(occurred_at__gte=window_start, occurred_at__lt=window_end)
        .values_list("occurred_at", flat=True)
    )
    length = len(span)
    origin = first.toordinal()
    counted_change = [0] * (length + 1)
    resumed_change = [0] * (length + 1)
    # Per enterprise, the offsets in the span [from, until) in which it counts as resumed and
    # in scope: the loop over the counts then costs a comparison or two.
    resumed_offsets: dict[int, tuple[int, int]] = {}
    several: dict[int, list[tuple[int, int]]] = {}

    offsets: dict[date, int] = {}  # a few dozen distinct dates among 10,000 enterprises

    def offset_of(when: date) -> int:
        found = offsets.get(when)
        if found is None:
            found = offsets[when] = min(max(when.toordinal() - origin, 0), length)
        return found

    for enterprise in facts.values():
        registered = offset_of(enterprise.registered_on)
        if not enterprise.history and enterprise.in_scope and len(enterprise.periods) < 2:
            # Most enterprises: in scope since registered, at most one kept period (the general
            # case below, without its lists).
            if registered >= length:
                continue
            counted_change[registered] += 1
            counted_change[length] -= 1
            if enterprise.periods:
                starts, ends, is_resumed, _suspended = enterprise.periods[0]
                if is_resumed:
                    since = max(offset_of(starts), registered)
                    until = offset_of(ends) if ends is not None else length
                    if since < until:
                        resumed_change[since] += 1
                        resumed_change[until] -= 1
                        resumed_offsets[enterprise.id] = (since, until)
            continue
        if enterprise.history:
            # The attributes changed: in scope is decided day by day (few such enterprises).
            flags = [enterprise.counted_on(when) for when in span]
            counted = _runs(flags)
        elif enterprise.in_scope:
            counted = [(registered, length)] if registered < length else []
        else:
            continue
        for since, until in counted:
            counted_change[since] += 1
            counted_change[until] -= 1
        resumed: list[tuple[int, int]] = []
        for starts, ends, is_resumed, _suspended in sorted(enterprise.periods):
            if not is_resumed:
                continue
            period = (offset_of(starts), offset_of(ends) if ends is not None else length)
            for since, until in counted:  # resumed and in scope: the overlap
                overlap = (max(period[0], since), min(period[1], until))
                if overlap[0] < overlap[1]:
                    resumed.append(overlap)
        for since, until in resumed:
            resumed_change[since] += 1
            resumed_change[until] -= 1
        if len(resumed) == 1:
            resumed_offsets[enterprise.id] = resumed[0]
        elif resumed:
            # Taken out by a suspension (or out of scope) in between: a few ranges.
            several[enterprise.id] = resumed
    counts = _attendance_counts(facts, first, day, whole_park)
    result = Trend(days=span, resumption_rate=[], resumed=[], on_duty=[], abnormal_events=[])
    counted_now = resumed_now = 0
    for offset, when in enumerate(span):
        counted_now += counted_change[offset]
        resumed_now += resumed_change[offset]
        result.resumed.append(resumed_now)
        # Unrounded: the page rounds once, where it shows the figure (as the day's own figure).
        result.resumption_rate.append(rate(resumed_now, counted_now))
        workers = 0
        gate = counts.get(when, {})
        declared = declarations.get(when, {})
        # Gate records take precedence over a declaration: the declared days without any.
        for daily, overridden in ((gate, None), (declared, gate)):
            for enterprise_id, number in daily.items():
                if overridden is not None and enterprise_id in overridden:
                    continue
                span_of = resumed_offsets.get(enterprise_id, NEVER)
                if span_of[0] <= offset < span_of[1] or (
                    enterprise_id in several
                    and any(since <= offset < until for since, until in several[enterprise_id])
                ):
                    workers += number
        result.on_duty.append(workers)
        result.abnormal_events.append(events.get(when, 0))
    return result


NEVER = (0, 0)  # an empty range of offsets


def _runs(flags: list[bool]) -> list[tuple[int, int]]:
    """The [from, until) offsets of the runs of True in ``flags``."""
    runs: list[tuple[int, int]] = []
    for offset, flag in enumerate(flags):
        if not flag:
            continue
        if runs and runs[-1][1] == offset:
            runs[-1] = (runs[-1][0], offset + 1)
        else:
            runs.append((offset, offset + 1))
    return runs


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


def _breakdown(figures: DailyFigures, key: str, label: Callable[[Any], str]) -> list[Breakdown]:
    """Groups by the line's attribute ``key`` (the day's value); ``label`` names a group."""
    groups: dict[object, Breakdown] = {}
    for line in figures.enterprises:
        if not line.counted:
            continue
        facts = line.facts
        # The day's value (kind, liaison) from the history: read from the line's attributes
        # directly, not through its properties (10,000 lines, two breakdowns).
        group_key = getattr(line.attributes, key)
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
    ids = {line.attributes.liaison_id for line in figures.enterprises if line.attributes.liaison_id}
    names = dict(User.objects.filter(pk__in=ids).values_list("pk", "full_name"))
    return _breakdown(
        figures,
        "liaison_id",
        lambda liaison_id: names.get(liaison_id) or str(_("No liaison assigned")),
    )


def declaration_list(*, actor: User) -> QuerySet[HeadcountDeclaration]:
    """The declarations of the enterprises the caller may declare for, newest day first."""
    require(actor, Action.HEADCOUNT_DECLARE)
    return (
        HeadcountDeclaration.objects.filter(enterprise_scope_q(actor, "enterprise"))
        .select_related("enterprise", "declared_by")
        .order_by("-day", "enterprise__name")
    )
