"""Close-contact finding: who may have had close contact with a case, from the park's own records.

A search reads, for one person (the case, or a confirmed contact for the second level), their gate
admissions in the exposure window and applies the rules in force (``ContactRules``):

- ``department_shift``: the same department or workshop and the same shift in the same enterprise,
  on a day both were admitted at a gate (the enterprise of the day is the attendance's, the
  department and shift are the workers' own fields; a case without a shift matches the department);
- ``dormitory_room``: the same dormitory room of the same enterprise (any day in the window);
- ``shuttle_route``: the same shuttle-bus route of the same enterprise, on a day both were admitted;
- ``same_gate``: admitted at the same gate within ``same_gate_minutes`` of one of the person's
  admissions (workers and visitors; the closest pair of each day);
- ``visitor_hosted``: visitors admitted on a day the case was on site (admitted), at the gates of
  the case's enterprise, the park's own gates or a gate the case passed, whose declared host names
  the case's department or whose host or employer names the case's enterprise.

Every finding is a *reason* (a JSON-ready dict: ``rule``, ``on`` — the day —, ``level``, ``via`` and
the evidence: gates and times, department and shift, room, route, minutes apart, host and
employer). This module only reads; ``contact_services`` merges the reasons into ``Contact`` rows.
The reads are a handful of index searches (see bench/contacts.py for their plans at city scale).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from fugong.gate.models import Attendance, Gate, GateCheck, Verdict
from fugong.workforce.models import Worker

from .models import Case, Contact, ContactRules

RULES = ("department_shift", "dormitory_room", "shuttle_route", "same_gate", "visitor_hosted")
BY_HAND = "by_hand"

# A person found: ("worker", id) or ("visitor", id).
PersonKey = tuple[str, int]
Reason = dict[str, Any]


@dataclass(frozen=True)
class Window:
    """The exposure window: every day from ``start`` to ``end``, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def as_dict(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "until": self.end.isoformat()}


def exposure_window(case: Case, rules: ContactRules, *, today: date | None = None) -> Window:
    """From ``days_before_onset`` days before onset (before sampling when there is no onset)
    until the day of isolation, or today when the case is not isolated."""
    today = today or timezone.localdate()
    anchor = case.onset_on or case.sampling_on or today
    start = anchor - timedelta(days=rules.days_before_onset)
    end = case.isolated_on or today
    return Window(start=start, end=max(end, start))


@dataclass
class Subject:
    """Whose contacts are searched: the case's person or a confirmed contact."""

    worker_id: int | None = None
    visitor_id: int | None = None
    document_digest: str = ""
    department: str = ""
    shift: str = ""
    dormitory_room: str = ""
    shuttle_route: str = ""
    enterprise_id: int | None = None
    enterprise_name: str = ""
    level: int = 1
    via: int | None = None  # the confirmed contact searched from (level 2)

    @classmethod
    def of(cls, person: Case | Contact, *, level: int = 1, via: int | None = None) -> Subject:
        worker: Worker | None = person.worker
        enterprise = worker.enterprise if worker is not None else person.enterprise
        return cls(
            worker_id=person.worker_id,
            visitor_id=person.visitor_id,
            document_digest=person.document_digest,
            department=worker.department if worker is not None else person.department,
            shift=worker.shift if worker is not None else "",
            dormitory_room=worker.dormitory_room if worker is not None else "",
            shuttle_route=worker.shuttle_route if worker is not None else "",
            enterprise_id=enterprise.pk if enterprise is not None else None,
            enterprise_name=enterprise.name if enterprise is not None else "",
            level=level,
            via=via,
        )


@dataclass
class Admission:
    gate_id: int
    gate: str
    at: datetime
    day: date
    enterprise_id: int | None  # the worker's enterprise that day

    def brief(self) -> dict[str, str]:
        return {"gate": self.gate, "at": _clock(self.at)}


@dataclass
class Findings:
    """What one search found: every reason of every person, and the people's own rows."""

    reasons: dict[PersonKey, list[Reason]] = field(default_factory=lambda: defaultdict(list))

    def add(self, key: PersonKey, reason: Reason) -> None:
        self.reasons[key].append(reason)


def _clock(moment: datetime) -> str:
    local = moment.astimezone(timezone.get_current_timezone())
    return f"{local.hour:02d}:{local.minute:02d}"


def _admissions(subject: Subject, window: Window) -> list[Admission]:
    checks = GateCheck.objects.filter(
        check_date__gte=window.start, check_date__lte=window.end, verdict=Verdict.ADMITTED
    )
    if subject.worker_id is not None:
        checks = checks.filter(worker_id=subject.worker_id)
    elif subject.visitor_id is not None:
        checks = checks.filter(visitor_id=subject.visitor_id)
    else:
        return []
    return [
        Admission(gate_id=gate_id, gate=gate, at=at, day=day, enterprise_id=enterprise_id)
        for gate_id, gate, at, day, enterprise_id in checks.order_by("occurred_at").values_list(
            "gate_id", "gate__name", "occurred_at", "check_date", "worker_enterprise_id"
        )
    ]


def _reason(subject: Subject, rule: str, day: date, **evidence: Any) -> Reason:
    return {
        "rule": rule,
        "on": day.isoformat(),
        "level": subject.level,
        "via": subject.via,
        **evidence,
    }


def _worker_checks(worker_ids: set[int], days: set[date]) -> dict[tuple[int, date], list[Any]]:
    """The admissions of these workers on these days, by (worker, day), in time order."""
    found: dict[tuple[int, date], list[Any]] = defaultdict(list)
    if not worker_ids or not days:
        return found
    rows = list(
        GateCheck.objects.filter(
            worker_id__in=sorted(worker_ids), check_date__in=sorted(days), verdict=Verdict.ADMITTED
        )
        .order_by("occurred_at")
        .values_list("worker_id", "check_date", "gate_id", "occurred_at")
    )
    # The gates' names apart: a join would have PostgreSQL hash every gate for a few names.
    names = dict(
        Gate.objects.filter(pk__in={row[2] for row in rows}).order_by().values_list("pk", "name")
    )
    for worker_id, day, gate_id, at in rows:
        found[(worker_id, day)].append({"gate": names.get(gate_id, ""), "at": _clock(at)})
    return found


def _same_day_rule(
    subject: Subject,
    admissions: list[Admission],
    findings: Findings,
    *,
    rule: str,
    filters: Q,
    evidence: dict[str, str],
) -> None:
    """Workers of the case's enterprise matching ``filters``, admitted on a day the subject was."""
    by_day: dict[date, list[Admission]] = defaultdict(list)
    for admission in admissions:
        by_day[admission.day].append(admission)
    days_by_enterprise: dict[int, set[date]] = defaultdict(set)
    for day, day_admissions in by_day.items():
        enterprise_id = day_admissions[0].enterprise_id or subject.enterprise_id
        if enterprise_id is not None:
            days_by_enterprise[enterprise_id].add(day)
    matches: set[tuple[int, date]] = set()
    for enterprise_id, days in days_by_enterprise.items():
        rows = Attendance.objects.filter(
            Q(day__in=sorted(days), enterprise_id=enterprise_id) & filters
        ).values_list("worker_id", "day")
        matches.update((worker_id, day) for worker_id, day in rows)
    if subject.worker_id is not None:
        matches = {match for match in matches if match[0] != subject.worker_id}
    checks = _worker_checks({worker_id for worker_id, _day in matches}, set(by_day))
    for worker_id, day in sorted(matches, key=lambda match: (match[1], match[0])):
        findings.add(
            ("worker", worker_id),
            _reason(
                subject,
                rule,
                day,
                **evidence,
                case_checks=[admission.brief() for admission in by_day[day]],
                contact_checks=checks.get((worker_id, day), []),
            ),
        )


def _department_shift(subject: Subject, admissions: list[Admission], findings: Findings) -> None:
    if not subject.department:
        return
    filters = Q(worker__department=subject.department)
    if subject.shift:
        filters &= Q(worker__shift=subject.shift)
    _same_day_rule(
        subject,
        admissions,
        findings,
        rule="department_shift",
        filters=filters,
        evidence={
            "enterprise": subject.enterprise_name,
            "department": subject.department,
            "shift": subject.shift,
        },
    )


def _shuttle_route(subject: Subject, admissions: list[Admission], findings: Findings) -> None:
    if not subject.shuttle_route:
        return
    _same_day_rule(
        subject,
        admissions,
        findings,
        rule="shuttle_route",
        filters=Q(worker__shuttle_route=subject.shuttle_route),
        evidence={"enterprise": subject.enterprise_name, "route": subject.shuttle_route},
    )


def _dormitory_room(subject: Subject, window: Window, findings: Findings) -> None:
    if not subject.dormitory_room or subject.enterprise_id is None:
        return
    roommates = (
        Worker.objects.filter(
            enterprise_id=subject.enterprise_id,
            dormitory_room=subject.dormitory_room,
            personal_data_removed_at__isnull=True,
        )
        .exclude(pk=subject.worker_id or 0)
        .values_list("pk", flat=True)
    )
    for worker_id in roommates:
        findings.add(
            ("worker", worker_id),
            _reason(
                subject,
                "dormitory_room",
                window.end,
                enterprise=subject.enterprise_name,
                room=subject.dormitory_room,
                **{"from": window.start.isoformat(), "until": window.end.isoformat()},
            ),
        )


def _same_gate(
    subject: Subject, admissions: list[Admission], minutes: int, findings: Findings
) -> None:
    if not admissions:
        return
    span = timedelta(minutes=minutes)
    ranges = Q()
    for admission in admissions:
        ranges |= Q(
            gate_id=admission.gate_id, occurred_at__range=(admission.at - span, admission.at + span)
        )
    rows = (
        GateCheck.objects.filter(ranges, verdict=Verdict.ADMITTED)
        .exclude(worker_id=subject.worker_id or 0)
        .exclude(visitor_id=subject.visitor_id or 0)
        .order_by()
        .values_list("worker_id", "visitor_id", "gate_id", "occurred_at", "check_date")
    )
    # The closest pair of each person and day.
    best: dict[tuple[PersonKey, date], tuple[float, Admission, datetime]] = {}
    for worker_id, visitor_id, gate_id, at, day in rows:
        if worker_id is not None:
            key: PersonKey = ("worker", worker_id)
        elif visitor_id is not None:
            key = ("visitor", visitor_id)
        else:
            continue
        for admission in admissions:
            if admission.gate_id != gate_id:
                continue
            apart = abs((at - admission.at).total_seconds())
            if apart > span.total_seconds():
                continue
            current = best.get((key, day))
            if current is None or apart < current[0]:
                best[(key, day)] = (apart, admission, at)
    for (key, day), (apart, admission, at) in sorted(
        best.items(), key=lambda item: (item[0][1], item[0][0])
    ):
        findings.add(
            key,
            _reason(
                subject,
                "same_gate",
                day,
                gate=admission.gate,
                case_at=_clock(admission.at),
                contact_at=_clock(at),
                minutes=round(apart / 60),
            ),
        )


def _mentions(text: str, name: str) -> bool:
    return bool(name) and name.casefold() in " ".join(text.split()).casefold()


def _visitors_hosted(subject: Subject, admissions: list[Admission], findings: Findings) -> None:
    """Visitors admitted, on a day the case was admitted, at the gates of the case's enterprise,
    the park's own gates or a gate the case passed, whose declared host names the case's
    department or whose host or employer names the case's enterprise (read through the partial
    index of visitors' checks by gate and day)."""
    if subject.worker_id is None or not admissions:
        return
    if not subject.department and not subject.enterprise_name:
        return
    gates = Q(pk__in={admission.gate_id for admission in admissions}) | Q(enterprise__isnull=True)
    if subject.enterprise_id is not None:
        gates |= Q(enterprise_id=subject.enterprise_id)
    by_day: dict[date, list[Admission]] = defaultdict(list)
    for admission in admissions:
        by_day[admission.day].append(admission)
    gate_names = dict(Gate.objects.filter(gates).order_by().values_list("pk", "name"))
    rows = (
        GateCheck.objects.filter(
            gate_id__in=sorted(gate_names),
            check_date__in=sorted(by_day),
            visitor__isnull=False,
            verdict=Verdict.ADMITTED,
            visitor__personal_data_removed_at__isnull=True,
        )
        .order_by("occurred_at")
        .values_list(
            "visitor_id",
            "check_date",
            "gate_id",
            "occurred_at",
            "visitor__host",
            "visitor__employer",
        )
    )
    seen: set[tuple[int, date]] = set()
    for visitor_id, day, gate_id, at, host, employer in rows:
        gate = gate_names[gate_id]
        if (visitor_id, day) in seen:
            continue
        if subject.department and _mentions(host, subject.department):
            matched = "department"
        elif _mentions(host, subject.enterprise_name) or _mentions(
            employer, subject.enterprise_name
        ):
            matched = "enterprise"
        else:
            continue
        seen.add((visitor_id, day))
        findings.add(
            ("visitor", visitor_id),
            _reason(
                subject,
                "visitor_hosted",
                day,
                gate=gate,
                visitor_at=_clock(at),
                host=host,
                employer=employer,
                matched=matched,
                case_checks=[admission.brief() for admission in by_day[day]],
            ),
        )


def find_contacts(subject: Subject, window: Window, rules: ContactRules) -> Findings:
    """Every person the rules in force find for ``subject`` in ``window``, with every reason."""
    findings = Findings()
    admissions = _admissions(subject, window)
    if subject.worker_id is not None:
        if rules.same_department_shift:
            _department_shift(subject, admissions, findings)
        if rules.same_dormitory_room:
            _dormitory_room(subject, window, findings)
        if rules.same_shuttle_route:
            _shuttle_route(subject, admissions, findings)
    if rules.same_gate:
        _same_gate(subject, admissions, rules.same_gate_minutes, findings)
    if rules.visitors_hosted:
        _visitors_hosted(subject, admissions, findings)
    return findings


def last_contact_day(reasons: list[Reason]) -> date | None:
    days = [date.fromisoformat(reason["on"]) for reason in reasons if reason.get("on")]
    return max(days) if days else None


def reason_key(reason: Reason) -> tuple[Any, ...]:
    """What makes two reasons the same finding (a re-run finds the same reasons again)."""
    if reason.get("rule") == "dormitory_room":  # any day in the window: one reason per room
        return ("dormitory_room", reason.get("via"), reason.get("room", ""))
    return (
        reason.get("rule"),
        reason.get("on"),
        reason.get("via"),
        reason.get("gate", ""),
        reason.get("case_at", ""),
        reason.get("note", ""),
    )


def merge_reasons(existing: list[Reason], found: list[Reason]) -> tuple[list[Reason], int]:
    """``existing`` with the reasons of ``found`` it does not have yet, and how many were new."""
    position = {reason_key(reason): index for index, reason in enumerate(existing)}
    merged = list(existing)
    added = 0
    for reason in found:
        key = reason_key(reason)
        if key in position:  # found again: keep the newest evidence (a room's window grows)
            merged[position[key]] = reason
            continue
        position[key] = len(merged)
        merged.append(reason)
        added += 1
    return merged, added
