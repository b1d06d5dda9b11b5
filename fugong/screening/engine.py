"""Clearance: what a worker's data and the rules in force mean for coming back to work.

``assess`` is a pure function of a worker's facts, the policy and the risk areas, so it can be
tested on its own. Applying it to the workers themselves is the workforce's part
(``fugong.workforce.clearance.rescreen``): screening sits below workforce and never reads a
worker; a rule change asks for re-screening through ``fugong.screening.rescreening``.

Outcomes, worst first:
- not cleared: symptoms, a medical hold from the gate, the worker's department or enterprise
  closed by the command post over a case (``closed``), or missing information (where the
  holiday was spent; the return date of someone who spent it outside the city);
- under observation until a date: arrival from (or passage through) an area at a level that
  requires observation, counted from the last day there; contact with a case; a yellow or red
  health code, counted from the day of the code;
- cleared.
An observation whose end has passed no longer counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

CLEARED = "cleared"
OBSERVATION = "observation"
NOT_CLEARED = "not_cleared"


# What a worker's medical hold reads once they have joined another enterprise: the new employer
# learns that the person is held, not where or why (the event stays with the enterprise where it
# happened and the command post, who lift the hold by recording its outcome).
HOLD_WITHOUT_DETAIL = "held"


@dataclass(frozen=True)
class Area:
    prefix: str
    division_code: str
    level: str
    starts_on: date
    ends_on: date | None


@dataclass(frozen=True)
class Policy:
    observation_days: int = 14
    yellow_code_days: int = 7
    red_code_days: int = 14
    observation_levels: tuple[str, ...] = ("medium", "high")


# A stay away during the holiday: (division code, from, until), either date unknown.
Stay = tuple[str, date | None, date | None]


@dataclass(frozen=True)
class Facts:
    residence_code: str = ""
    holiday_location_code: str = ""
    returned_on: date | None = None
    contact_on: date | None = None
    symptoms: str = ""
    health_code: str = ""
    health_code_on: date | None = None
    travel: tuple[Stay, ...] = ()
    medical_hold: str = ""
    # Open closures that cover the worker: (department, blank for the whole enterprise; the case).
    closed: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Outcome:
    clearance: str
    until: date | None = None
    reasons: tuple[dict, ...] = field(default_factory=tuple)

    def as_row(self) -> tuple:
        return (self.clearance, self.until, list(self.reasons))


def _covers(area: Area, code: str) -> bool:
    return bool(code) and code.startswith(area.prefix)


def assess(
    facts: Facts, *, policy: Policy, areas: list[Area], today: date, city_prefix: str
) -> Outcome:
    blocking: list[dict] = []
    observations: list[tuple[date, dict]] = []
    if facts.medical_hold:
        detail = "" if facts.medical_hold == HOLD_WITHOUT_DETAIL else facts.medical_hold
        blocking.append({"code": "medical_hold", "detail": detail})
    if facts.symptoms.strip():
        blocking.append({"code": "symptoms", "detail": facts.symptoms.strip()})
    for department, case in facts.closed:
        blocking.append({"code": "closed", "department": department, "case": case})
    if not facts.holiday_location_code:
        blocking.append({"code": "missing_holiday_location"})
    elif not facts.holiday_location_code.startswith(city_prefix) and facts.returned_on is None:
        blocking.append({"code": "missing_return_date"})

    # Where the person was, and until when. The holiday location counts up to the return date
    # (up to today for someone who spent it in the city and never left).
    stays: list[tuple[str, date | None, date]] = []
    if facts.holiday_location_code:
        stays.append((facts.holiday_location_code, None, facts.returned_on or today))
    for code, start, end in facts.travel:
        # A stay without an end date ended by the return to the city, when that is known.
        stays.append((code, start, end or facts.returned_on or today))
    days = timedelta(days=policy.observation_days)
    for area in areas:
        if area.level not in policy.observation_levels:
            continue
        window_start = area.starts_on - days
        window_end = area.ends_on or today
        for code, start, end in stays:
            if not _covers(area, code):
                continue
            if end < window_start or (start is not None and start > window_end):
                continue
            exposure = min(end, window_end)
            until = exposure + days
            observations.append(
                (
                    until,
                    {
                        "code": "risk_area",
                        "area": area.division_code,
                        "level": area.level,
                        "until": until.isoformat(),
                    },
                )
            )
    if facts.contact_on:
        until = facts.contact_on + days
        observations.append(
            (
                until,
                {"code": "contact", "on": facts.contact_on.isoformat(), "until": until.isoformat()},
            )
        )
    if facts.health_code in ("yellow", "red") and facts.health_code_on:
        length = policy.red_code_days if facts.health_code == "red" else policy.yellow_code_days
        until = facts.health_code_on + timedelta(days=length)
        observations.append(
            (until, {"code": f"health_code_{facts.health_code}", "until": until.isoformat()})
        )

    current = [(until, reason) for until, reason in observations if until >= today]
    if blocking:
        return Outcome(
            NOT_CLEARED,
            max((u for u, _ in current), default=None),
            tuple(blocking + [r for _, r in current]),
        )
    if current:
        return Outcome(
            OBSERVATION, max(until for until, _ in current), tuple(reason for _, reason in current)
        )
    return Outcome(CLEARED)


# ----- rules in force ------------------------------------------------------------------------


def policy_on(day: date) -> Policy:
    from .models import ScreeningPolicy

    row = (
        ScreeningPolicy.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    )
    if row is None:
        return Policy()
    return Policy(
        observation_days=row.observation_days,
        yellow_code_days=row.yellow_code_days,
        red_code_days=row.red_code_days,
        observation_levels=tuple(row.observation_levels),
    )


def areas_in_force(day: date) -> list[Area]:
    """Risk areas whose period (widened by the longest observation) can still matter on ``day``."""
    from .models import RiskArea

    return [
        Area(area.prefix, area.division_code, area.level, area.starts_on, area.ends_on)
        for area in RiskArea.objects.filter(starts_on__lte=day)
    ]


def assess_new(
    fields: Mapping[str, Any],
    travel: Sequence[Stay],
    *,
    today: date | None = None,
    closed: Sequence[tuple[str, str]] = (),
) -> Outcome:
    """The clearance of a worker being registered (nobody to compare with, so no run);
    ``closed``: the open closures of their enterprise that cover their department."""
    today = today or timezone.localdate()
    facts = Facts(
        residence_code=fields.get("residence_code") or "",
        holiday_location_code=fields.get("holiday_location_code") or "",
        returned_on=fields.get("returned_on") or None,
        contact_on=fields.get("contact_on") or None,
        symptoms=fields.get("symptoms") or "",
        health_code=fields.get("health_code") or "",
        health_code_on=fields.get("health_code_on") or None,
        travel=tuple(travel),
        closed=tuple(closed),
    )
    return assess(
        facts,
        policy=policy_on(today),
        areas=areas_in_force(today),
        today=today,
        city_prefix=settings.FUGONG_PARK_CITY_PREFIX,
    )


# ----- re-screening --------------------------------------------------------------------------

WORKER_FACT_FIELDS = (
    "id",
    "enterprise_id",
    "residence_code",
    "holiday_location_code",
    "returned_on",
    "contact_on",
    "symptoms",
    "health_code",
    "health_code_on",
    "medical_hold",
    "clearance",
    "observation_until",
    "clearance_reasons",
)


def facts_from_row(
    row: Mapping[str, Any],
    travel: Sequence[Stay],
    closed: Sequence[tuple[str, str]] = (),
) -> Facts:
    return Facts(
        residence_code=row["residence_code"],
        holiday_location_code=row["holiday_location_code"],
        returned_on=row["returned_on"],
        contact_on=row["contact_on"],
        symptoms=row["symptoms"],
        health_code=row["health_code"],
        health_code_on=row["health_code_on"],
        medical_hold=row.get("medical_hold") or "",
        travel=tuple(travel),
        closed=tuple(closed),
    )
