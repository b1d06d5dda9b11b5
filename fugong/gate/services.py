"""Writes at the gate: record checks (one or a batch), register visitors, follow abnormal
events, manage gates and their device tokens.

Recording is set-based so that a terminal's batch of a thousand checks costs a handful of
queries: existing client ids, passes and workers are read in one query each, verdicts are
computed in Python, the new checks go in with one bulk insert. A gate knows only its own people:
its enterprise's current workers (a park gate: every enterprise's); anyone else named by a check
is judged exactly as someone unknown, and nothing about them is written. A check whose client id is
already stored with the same payload is a replay and writes nothing; with another payload it
is refused (409). Abnormal events (a confirmed fever, low SpO2) put the worker on a medical
hold and re-screen them, so that their clearance follows the event.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from operator import attrgetter

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.bulk import insert_rows_returning
from fugong.core.crypto import encrypt
from fugong.core.divisions import division_get
from fugong.core.errors import ApplicationError, ConflictError, NotFoundError, full_clean_or_raise
from fugong.core.privacy import mask_phone
from fugong.core.roles import Action, Role, require
from fugong.core.scoping import enterprise_scope_q
from fugong.enterprises.models import Enterprise
from fugong.gate.attendance import attendance_add
from fugong.screening.engine import areas_in_force, policy_on
from fugong.screening.models import ScreeningRun
from fugong.workforce.clearance import rescreen
from fugong.workforce.models import Worker
from fugong.workforce.personal import parse_document, parse_phone
from fugong.workforce.services import PASS_PREFIX, PASS_SALT

from . import offline, reads, rules
from .models import (
    AbnormalEvent,
    EventOutcome,
    EventStatus,
    EventStep,
    Gate,
    GateCheck,
    GateDevice,
    StepAction,
    Verdict,
    Visitor,
)

MAX_BATCH = 1000
OFFLINE_FIELDS = ("offline", "offline_verdict", "offline_reasons", "snapshot_stamp")
FUTURE_TOLERANCE = timedelta(minutes=5)
OLDEST = timedelta(days=30)


# ----- input ---------------------------------------------------------------------------------


@dataclass
class VisitorInput:
    full_name: str
    document_type: str
    document_number: str
    phone: str
    origin: str
    employer: str
    purpose: str
    host: str
    contact_history: str
    passed_risk_area: bool = False


@dataclass
class CheckInput:
    """One check as a terminal or the kiosk sends it (already of the right types)."""

    client_id: uuid.UUID
    mask: bool
    disinfected: bool
    temperature: Decimal | None
    temperature_recheck: Decimal | None = None
    recheck_method: str = ""
    spo2: int | None = None
    occurred_at: datetime | None = None
    pass_token: str = ""
    worker_id: int | None = None
    visitor: VisitorInput | None = None
    offline: bool = False
    offline_verdict: str = ""
    offline_reasons: tuple[str, ...] = ()
    snapshot_stamp: str = ""  # the stamp of the offline copy the kiosk decided from
    raw: dict = field(default_factory=dict)  # the payload as received, for the idempotency digest

    @property
    def digest(self) -> str:
        """What makes two sends the same check: the person, the readings, the time. Not the
        offline verdict: a kiosk that lost the answer to its request queues the same check
        with its own verdict, and the server must see it as the same check."""
        measured = {key: value for key, value in self.raw.items() if key not in OFFLINE_FIELDS}
        canonical = json.dumps(
            measured, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":")
        )
        return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class CheckResult:
    client_id: uuid.UUID
    status: str  # created, replayed or rejected
    check: GateCheck | None = None
    error: ApplicationError | None = None
    event_id: int | None = None  # the abnormal event the check raised, if any


# ----- thresholds and context ----------------------------------------------------------------


def thresholds_on(day: date) -> rules.Thresholds:
    return reads.thresholds_on(day)


class _Days:
    """Thresholds and risk areas per check date, read once per batch."""

    def __init__(self) -> None:
        self.thresholds: dict[date, rules.Thresholds] = {}
        self.origins: dict[date, tuple] = {}

    def thresholds_for(self, day: date) -> rules.Thresholds:
        if day not in self.thresholds:
            self.thresholds[day] = thresholds_on(day)
        return self.thresholds[day]

    def risky_origin(self, code: str, day: date) -> bool:
        if day not in self.origins:
            levels = policy_on(day).observation_levels
            self.origins[day] = tuple(
                area
                for area in areas_in_force(day)
                if area.level in levels and (area.ends_on is None or area.ends_on >= day)
            )
        return any(code.startswith(area.prefix) for area in self.origins[day])


def _pass_code(token: str) -> str | None:
    """The pass's code if the token's signature holds, else None (forged or damaged)."""
    from django.core import signing

    text = (token or "").strip()
    if not text.startswith(f"{PASS_PREFIX}."):
        return None
    try:
        return signing.Signer(salt=PASS_SALT, sep=".").unsign(text[len(PASS_PREFIX) + 1 :])
    except signing.BadSignature:
        return None


# ----- recording -----------------------------------------------------------------------------


def _check_time(item: CheckInput, now: datetime) -> datetime:
    occurred = item.occurred_at or now
    if timezone.is_naive(occurred):
        raise ApplicationError(
            _("Give the time with its time zone."), fields={"occurred_at": [_("Invalid.")]}
        )
    if occurred > now + FUTURE_TOLERANCE:
        raise ApplicationError(
            _("The check's time is in the future."), fields={"occurred_at": [_("In the future.")]}
        )
    if occurred < now - OLDEST:
        raise ApplicationError(
            _("The check is more than 30 days old."), fields={"occurred_at": [_("Too old.")]}
        )
    # Stored and answered in UTC, whatever offset the terminal used.
    return occurred.astimezone(UTC)


def _check_readings(item: CheckInput) -> None:
    low, high = rules.TEMPERATURE_RANGE
    errors: dict[str, list[str]] = {}
    for key in ("temperature", "temperature_recheck"):
        value = getattr(item, key)
        if value is not None and not low <= value <= high:
            errors[key] = [
                _("%(value)s °C is not a body temperature: check the reading (30–45 °C).")
                % {"value": value}
            ]
    if item.spo2 is not None and not rules.SPO2_RANGE[0] <= item.spo2 <= rules.SPO2_RANGE[1]:
        errors["spo2"] = [
            _("%(value)s%% is not an SpO2 reading: check it (50–100%%).") % {"value": item.spo2}
        ]
    if item.temperature_recheck is not None and item.temperature is None:
        errors["temperature_recheck"] = [_("A re-measurement needs the first reading.")]
    if item.recheck_method not in ("", "axillary", "ear", "forehead", "oral"):
        errors["recheck_method"] = [_("Unknown way of measuring.")]
    people = sum(bool(value) for value in (item.pass_token, item.worker_id, item.visitor))
    if people > 1:
        errors["person"] = [_("Give one of: a pass, a worker, a visitor.")]
    if item.offline and item.offline_verdict not in (Verdict.ADMITTED, Verdict.DENIED):
        errors["offline_verdict"] = [_("An offline check carries the verdict the kiosk showed.")]
    if errors:
        raise ApplicationError(
            next(iter(errors.values()))[0], code="invalid_reading", fields=errors, status=422
        )


def _visitor(
    gate: Gate, data: VisitorInput, day: date, days: _Days
) -> tuple[Visitor, rules.Person]:
    errors: dict[str, list[str]] = {}
    name = " ".join((data.full_name or "").split())
    if not name:
        errors["visitor.full_name"] = [_("Enter the visitor's name.")]
    try:
        document = parse_document(data.document_type, data.document_number)
    except ValidationError as error:
        errors["visitor.document_number"] = error.messages
        document = None
    try:
        phone = parse_phone(data.phone)
    except ValidationError as error:
        errors["visitor.phone"] = error.messages
        phone = ""
    origin = division_get((data.origin or "").strip())
    if origin is None:
        from django.conf import settings

        from fugong.core.divisions import division_code_from_text

        code = division_code_from_text(
            data.origin or "", prefer_prefix=settings.FUGONG_PARK_CITY_PREFIX
        )
        origin = division_get(code) if code else None
    if origin is None:
        errors["visitor.origin"] = [
            _("Where is the visitor coming from? Give a place or its code.")
        ]
    if not (data.purpose or "").strip():
        errors["visitor.purpose"] = [_("Give the purpose of the visit.")]
    if errors:
        raise ApplicationError(
            next(iter(errors.values()))[0], code="invalid_visitor", fields=errors
        )
    visitor = Visitor(
        full_name=name[:100],
        document_type=document.document_type,
        document_cipher=document.stored()["document_cipher"],
        document_digest=document.digest,
        document_masked=document.stored()["document_masked"],
        phone_cipher=encrypt(phone) if phone else "",
        phone_masked=mask_phone(phone) if phone else "",
        origin_code=origin.code,
        employer=(data.employer or "").strip()[:200],
        purpose=data.purpose.strip()[:200],
        host=(data.host or "").strip()[:100],
        contact_history=(data.contact_history or "").strip()[:300],
        passed_risk_area=bool(data.passed_risk_area),
        gate=gate,
    )
    person = rules.Person(
        registered=True,
        kind="visitor",
        contact_history=bool(visitor.contact_history),
        risk_origin=visitor.passed_risk_area or days.risky_origin(origin.code, day),
    )
    return visitor, person


def gate_checks_record(
    *, gate: Gate, items: list[CheckInput], operator=None, device=None
) -> list[CheckResult]:
    """Record a batch of checks (a single check is a batch of one). Each item is accepted,
    replayed or rejected on its own; nothing of a rejected item is written."""
    if len(items) > MAX_BATCH:
        raise ApplicationError(
            _("At most %(count)s checks per batch.") % {"count": MAX_BATCH},
            code="batch_too_large",
            status=413,
        )
    if not gate.is_active:
        raise ConflictError(_("This gate is not in use."))
    # Judged outside the write transaction: on SQLite a write transaction holds the database's
    # one write lock from its first statement, so the reads and the verdicts are done first and
    # the lock is held only for the inserts.
    results, pending = _judge(gate, items, operator, device)
    if pending:
        with transaction.atomic():
            _store(gate, pending, results, operator)
    replayed = [result for result in results.values() if result.status == "replayed"]
    if replayed:
        events = dict(
            AbnormalEvent.objects.filter(gate_check__in=[result.check.pk for result in replayed])
            .order_by()
            .values_list("gate_check_id", "id")
        )
        for result in replayed:
            result.event_id = events.get(result.check.pk)
    return [results[index] for index in range(len(items))]


def _replay_or_conflict(gate: Gate, item: CheckInput, stored: GateCheck) -> CheckResult:
    """The answer for a check whose client id is stored already."""
    # The same check sent again to the same gate; an id reused elsewhere is a conflict.
    if stored.payload_digest == item.digest and stored.gate_id == gate.pk:
        return CheckResult(item.client_id, "replayed", check=stored)
    return CheckResult(
        item.client_id,
        "rejected",
        error=ConflictError(
            _("This check id was already used for a different check."),
            code="idempotency_conflict",
        ),
    )


Pending = tuple[int, CheckInput, GateCheck, rules.Decision, "Visitor | None"]


def _judge(
    gate: Gate, items: list[CheckInput], operator, device
) -> tuple[dict[int, CheckResult], list[Pending]]:
    """Read what the verdicts need (one query each for stored ids, passes and workers), judge
    every item, and return the answers so far with the checks still to store."""
    now = timezone.now()
    days = _Days()
    results: dict[int, CheckResult] = {}
    # Replays and conflicts.
    seen_in_batch: dict[uuid.UUID, int] = {}
    # One query each for stored ids, passes and workers (see reads.py for why in plain SQL).
    existing = reads.stored_checks(list({item.client_id for item in items}))
    codes = {
        index: _pass_code(item.pass_token) for index, item in enumerate(items) if item.pass_token
    }
    # Only the gate's own people are found; anyone else is unknown here (see reads.py).
    passes = reads.passes_by_code(
        sorted({code for code in codes.values() if code}), enterprise_id=gate.enterprise_id
    )
    workers = reads.workers_by_id(
        sorted({item.worker_id for item in items if item.worker_id}),
        enterprise_id=gate.enterprise_id,
    )
    stamps: dict[str, datetime | None] = {}  # offline copies' stamps, verified once per batch
    pending: list[Pending] = []
    for index, item in enumerate(items):
        stored = existing.get(item.client_id)
        if stored is not None:
            results[index] = _replay_or_conflict(gate, item, stored)
            continue
        if item.client_id in seen_in_batch:
            results[index] = CheckResult(
                item.client_id,
                "rejected",
                error=ConflictError(
                    _("The same check id appears twice in the batch."), code="duplicate_in_batch"
                ),
            )
            continue
        seen_in_batch[item.client_id] = index
        try:
            _check_readings(item)
            occurred = _check_time(item, now)
            day = timezone.localdate(occurred)
            worker, _pass, visitor, person = _identify(
                gate, item, index, codes, passes, workers, day, days
            )
        except ApplicationError as error:
            results[index] = CheckResult(item.client_id, "rejected", error=error)
            continue
        readings = rules.Readings(
            mask=item.mask,
            disinfected=item.disinfected,
            temperature=item.temperature,
            temperature_recheck=item.temperature_recheck,
            spo2=item.spo2,
        )
        decision = rules.decide(
            readings,
            person,
            gate_enterprise_id=gate.enterprise_id,
            thresholds=days.thresholds_for(day),
        )
        snapshot_at, server_verdict, server_reasons, disputed = None, "", [], False
        if item.offline:
            # What the kiosk decided is what happened at the gate: it is the record (the person
            # went in, or was turned away), and attendance follows it. The event follows the
            # readings, which do not depend on the network.
            if item.snapshot_stamp not in stamps:
                stamps[item.snapshot_stamp] = offline.stamp_time(item.snapshot_stamp, gate.pk)
            snapshot_at = stamps[item.snapshot_stamp]
            if not offline.trusted(snapshot_at, occurred):
                # Decided from a copy too old, or unverified: the server's own verdict is kept
                # beside it, and a different one flags the check for the command post.
                server_verdict, server_reasons = decision.verdict, list(decision.reasons)
                disputed = server_verdict != item.offline_verdict
            offline_reasons = tuple(code for code in item.offline_reasons if code in _KNOWN_REASONS)
            decision = rules.Decision(
                admitted=item.offline_verdict == Verdict.ADMITTED,
                reasons=offline_reasons,
                abnormal=decision.abnormal,
            )
        # Ids rather than objects: assigning related objects runs checks that, for a batch of
        # a thousand, cost more than its insert. The objects are cached on the check instead.
        check = GateCheck(
            client_id=item.client_id,
            payload_digest=item.digest,
            gate_id=gate.pk,
            enterprise_id=gate.enterprise_id,
            operator_id=operator.pk if operator is not None else None,
            device_id=device.pk if device is not None else None,
            worker_id=worker.pk if worker is not None else None,
            worker_enterprise_id=worker.enterprise_id if worker is not None else None,
            visitor_id=None,  # set when the visitor is saved (given here: defaults are slow)
            mask=item.mask,
            disinfected=item.disinfected,
            temperature=item.temperature,
            temperature_recheck=item.temperature_recheck,
            recheck_method=item.recheck_method,
            spo2=item.spo2,
            verdict=decision.verdict,
            reasons=list(decision.reasons),
            offline=item.offline,
            snapshot_at=snapshot_at,
            server_verdict=server_verdict,
            server_reasons=server_reasons,
            disputed=disputed,
            occurred_at=occurred,
            check_date=day,
            received_at=now,
        )
        for name, related in (
            ("gate", gate),
            ("operator", operator),
            ("device", device),
            ("worker", worker),
        ):
            if related is not None:
                CHECK_RELATIONS[name].set_cached_value(check, related)
        pending.append((index, item, check, decision, visitor))
    return results, pending


def _store(gate: Gate, pending: list[Pending], results: dict[int, CheckResult], operator) -> None:
    """Write the judged checks in the caller's transaction: the plain ones in one statement that
    skips client ids stored meanwhile by another request, the abnormal ones with their events.
    A check that lost such a race becomes a replay or a conflict, like any repeat."""
    lost: list[tuple[int, CheckInput, Visitor | None]] = []
    for _index, _item, check, _decision, visitor in pending:
        if visitor is not None:
            visitor.save()
            check.visitor = visitor
    plain = [entry for entry in pending if not entry[3].abnormal]
    if plain:
        written = insert_rows_returning(
            GateCheck,
            CHECK_FIELDS,
            [CHECK_VALUES(entry[2]) for entry in plain],
            unique="client_id",
            returning=("client_id", "id"),
        )
        ids = {uuid.UUID(str(client_id)): pk for client_id, pk in written}
        for index, item, check, _decision, visitor in plain:
            if item.client_id not in ids:
                lost.append((index, item, visitor))
                continue
            check.pk = ids[item.client_id]
            check._state.adding = False
            check._state.db = GateCheck.objects.db
            results[index] = CheckResult(item.client_id, "created", check=check)
        # Workers on duty are kept counted as admissions arrive (the dashboard reads the counts).
        attendance_add(
            [
                (check.check_date, check.worker_id, check.worker_enterprise_id)
                for _index, item, check, _decision, _visitor in plain
                if item.client_id in ids
                and check.verdict == Verdict.ADMITTED
                and check.worker_id is not None
                and check.worker_enterprise_id is not None
            ]
        )
    for index, item, check, decision, visitor in pending:
        if not decision.abnormal:
            continue
        try:
            with transaction.atomic():
                check.save()
        except IntegrityError:
            lost.append((index, item, visitor))
            continue
        event = _raise_event(check, decision, operator)
        if check.verdict == Verdict.ADMITTED and check.worker_enterprise_id is not None:
            # Only when the kiosk, offline, admitted someone whose readings were abnormal.
            attendance_add([(check.check_date, check.worker_id, check.worker_enterprise_id)])
        results[index] = CheckResult(item.client_id, "created", check=check, event_id=event.pk)
    if lost:
        stored = {
            check.client_id: check
            for check in GateCheck.objects.filter(
                client_id__in=[item.client_id for _index, item, _visitor in lost]
            ).order_by()
        }
        for index, item, visitor in lost:
            if visitor is not None:
                visitor.delete()  # registered for a check that is stored already
            results[index] = _replay_or_conflict(gate, item, stored[item.client_id])


_KNOWN_REASONS = {
    value for name, value in vars(rules).items() if name.isupper() and isinstance(value, str)
}

CHECK_FIELDS = (
    "client_id",
    "payload_digest",
    "gate",
    "enterprise",
    "operator",
    "device",
    "worker",
    "worker_enterprise",
    "visitor",
    "mask",
    "disinfected",
    "temperature",
    "temperature_recheck",
    "recheck_method",
    "spo2",
    "verdict",
    "reasons",
    "offline",
    "snapshot_at",
    "server_verdict",
    "server_reasons",
    "disputed",
    "occurred_at",
    "check_date",
    "received_at",
)

# The stored values of a check, in CHECK_FIELDS order (foreign keys by their ids).
CHECK_VALUES = attrgetter(*(GateCheck._meta.get_field(name).attname for name in CHECK_FIELDS))

CHECK_RELATIONS = {
    name: GateCheck._meta.get_field(name) for name in ("gate", "operator", "device", "worker")
}


def _identify(gate, item, index, codes, passes, workers, day, days):
    """(worker, pass, visitor, Person) for the verdict; a visitor is created here, unsaved.

    ``passes`` and ``workers`` hold the gate's own people only, so another enterprise's pass is
    an unknown pass and another enterprise's worker not registered, word for word the answer
    for a pass or a worker that does not exist: no name, no clearance, nothing written about
    them (no worker on the check, no event or hold, no attendance)."""
    if item.pass_token:
        code = codes.get(index)
        worker_pass = passes.get(code) if code else None
        if worker_pass is None:
            return None, None, None, rules.Person(registered=False, pass_problem=rules.PASS_UNKNOWN)
        worker = worker_pass.worker
        if worker_pass.revoked_at is not None:
            return (
                worker,
                worker_pass,
                None,
                rules.Person(registered=False, pass_problem=rules.PASS_REVOKED),
            )
        if worker_pass.expires_on < day:
            return (
                worker,
                worker_pass,
                None,
                rules.Person(registered=False, pass_problem=rules.PASS_EXPIRED),
            )
        return worker, worker_pass, None, _worker_person(worker, day)
    if item.worker_id:
        worker = workers.get(item.worker_id)
        if worker is None:
            return None, None, None, rules.Person(registered=False)
        return worker, None, None, _worker_person(worker, day)
    if item.visitor is not None:
        visitor, person = _visitor(gate, item.visitor, day, days)
        return None, None, visitor, person
    return None, None, None, rules.Person(registered=False)


def _worker_person(worker: Worker, day: date) -> rules.Person:
    return rules.Person(
        registered=True,
        kind="worker",
        clearance=worker.clearance_on(day),
        enterprise_id=worker.enterprise_id,
    )


def _raise_event(check: GateCheck, decision: rules.Decision, operator) -> AbnormalEvent:
    temperature = check.temperature_recheck or check.temperature
    event = AbnormalEvent.objects.create(
        gate_check=check,
        gate=check.gate,
        enterprise=check.gate.enterprise or (check.worker.enterprise if check.worker_id else None),
        worker=check.worker,
        visitor=check.visitor,
        kind=decision.abnormal,
        temperature=temperature if rules.FEVER in decision.reasons else None,
        spo2=check.spo2 if rules.LOW_SPO2 in decision.reasons else None,
        occurred_at=check.occurred_at,
    )
    if check.worker_id:
        detail = []
        if event.temperature is not None:
            detail.append(f"{event.temperature} °C")
        if event.spo2 is not None:
            detail.append(f"SpO2 {event.spo2}%")
        when = timezone.localtime(check.occurred_at)
        hold = f"{when:%Y-%m-%d %H:%M} {check.gate.name} {' '.join(detail)}"
        Worker.objects.filter(pk=check.worker_id).update(medical_hold=hold[:200])
        rescreen(
            workers_filter=Q(pk=check.worker_id),
            trigger=ScreeningRun.Trigger.GATE,
            actor=operator,
            description=str(event),
            enterprise=check.worker.enterprise,
        )
    audit_event_record(
        actor=operator,
        action=AuditAction.GATE_EVENT_RAISED,
        target=event,
        enterprise=event.enterprise,
        summary=f"{event.get_kind_display()} · {check.gate}",
    )
    return event


# ----- abnormal events -----------------------------------------------------------------------


def _event_in_scope(actor, event: AbnormalEvent) -> None:
    """The gate's enterprise and the worker's own (when the check was made: not a later
    employer) both follow an event."""
    require(actor, Action.GATE_EVENTS_FOLLOW)
    if actor.role == Role.COMMAND:
        return
    enterprises = {event.enterprise_id, event.gate_check.worker_enterprise_id}
    enterprises.discard(None)
    if not Enterprise.objects.filter(enterprise_scope_q(actor), pk__in=enterprises).exists():
        raise NotFoundError()


@transaction.atomic
def abnormal_event_step(
    *,
    actor,
    event: AbnormalEvent,
    action: str,
    temperature: Decimal | None = None,
    spo2: int | None = None,
    outcome: str = "",
    note: str = "",
    at: datetime | None = None,
) -> AbnormalEvent:
    """Record what happened next: a re-check in the observation room, release, a fever clinic,
    an outcome. The outcome "cleared" lifts the worker's medical hold and re-screens them.
    ``at`` backdates the step (the demo park's history); by default it is now."""
    event = AbnormalEvent.objects.select_for_update().get(pk=event.pk)
    _event_in_scope(actor, event)
    if action not in StepAction.values:
        raise ApplicationError(_("Unknown step."), fields={"action": [_("Unknown step.")]})
    if event.status == EventStatus.CLOSED and action != StepAction.OUTCOME:
        raise ConflictError(_("This event is closed; only its outcome can still change."))
    low, high = rules.TEMPERATURE_RANGE
    if temperature is not None and not low <= temperature <= high:
        message = _("%(value)s °C is not a body temperature: check the reading (30–45 °C).") % {
            "value": temperature
        }
        raise ApplicationError(
            message, code="invalid_reading", fields={"temperature": [message]}, status=422
        )
    if spo2 is not None and not rules.SPO2_RANGE[0] <= spo2 <= rules.SPO2_RANGE[1]:
        message = _("%(value)s%% is not an SpO2 reading: check it (50–100%%).") % {"value": spo2}
        raise ApplicationError(
            message, code="invalid_reading", fields={"spo2": [message]}, status=422
        )
    if outcome and action != StepAction.OUTCOME:
        message = _("An outcome is recorded with the step “Outcome recorded”.")
        raise ApplicationError(message, fields={"outcome": [message]})
    if action == StepAction.RECHECK and temperature is None and spo2 is None:
        raise ApplicationError(
            _("Enter the readings of the re-check."), fields={"temperature": [_("Required.")]}
        )
    if action == StepAction.OUTCOME and outcome not in EventOutcome.values:
        raise ApplicationError(_("Choose the outcome."), fields={"outcome": [_("Required.")]})
    if action == StepAction.RELEASE:
        outcome = EventOutcome.CLEARED
    now = at or timezone.now()
    EventStep.objects.create(
        event=event,
        action=action,
        temperature=temperature,
        spo2=spo2,
        outcome=outcome,
        note=(note or "").strip()[:500],
        actor=actor,
        at=now,
    )
    if action == StepAction.RECHECK:
        event.status = EventStatus.RECHECKED
    elif action == StepAction.FEVER_CLINIC:
        event.status = EventStatus.FEVER_CLINIC
    if outcome:
        event.outcome = outcome
        event.status = EventStatus.CLOSED
        event.closed_at = now
    event.save()
    if event.worker_id and outcome:
        hold = Worker.objects.get(pk=event.worker_id).medical_hold
        if outcome != EventOutcome.CLEARED:
            hold = hold or str(event)
        else:
            # Cleared of this event; another one still open keeps the worker held.
            still_open = (
                AbnormalEvent.objects.filter(worker_id=event.worker_id)
                .exclude(status=EventStatus.CLOSED)
                .exclude(pk=event.pk)
                .order_by("-occurred_at")
                .first()
            )
            hold = str(still_open) if still_open else ""
        Worker.objects.filter(pk=event.worker_id).update(medical_hold=hold)
        rescreen(
            workers_filter=Q(pk=event.worker_id),
            trigger=ScreeningRun.Trigger.GATE,
            actor=actor,
            description=f"{event} · {event.get_outcome_display()}",
            enterprise=event.enterprise,
        )
    audit_event_record(
        actor=actor,
        action=AuditAction.GATE_EVENT_STEP,
        target=event,
        enterprise=event.enterprise,
        at=now,
        summary=" · ".join(
            [
                str(StepAction(action).label),
                *([str(EventOutcome(outcome).label)] if outcome else []),
            ]
        ),
    )
    return event


# ----- gates and devices ---------------------------------------------------------------------


def _gate_in_scope(actor, gate: Gate) -> None:
    """Managing a gate: the command post any; others their enterprises' (never park gates)."""
    if actor.role == Role.COMMAND:
        return
    if (
        gate.enterprise_id is None
        or not Enterprise.objects.filter(enterprise_scope_q(actor), pk=gate.enterprise_id).exists()
    ):
        raise NotFoundError()


@transaction.atomic
def gate_create(*, actor, name: str, enterprise: Enterprise | None, location: str = "") -> Gate:
    """A new gate: the command post for any enterprise or the park; an officer for their own."""
    require(actor, Action.GATES_MANAGE)
    if enterprise is None and actor.role != Role.COMMAND:
        raise ApplicationError(
            _("Only the command post sets up park gates."), status=403, code="forbidden"
        )
    if (
        enterprise is not None
        and not Enterprise.objects.filter(enterprise_scope_q(actor), pk=enterprise.pk).exists()
    ):
        raise NotFoundError()
    gate = Gate(name=(name or "").strip(), enterprise=enterprise, location=(location or "").strip())
    full_clean_or_raise(gate)
    gate.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.GATE_SAVED,
        target=gate,
        enterprise=enterprise,
        summary=str(gate),
    )
    return gate


@transaction.atomic
def gate_update(
    *, actor, gate: Gate, name: str, location: str = "", is_active: bool = True
) -> Gate:
    """Rename a gate, move it, or take it out of use (its operators and devices stop there)."""
    require(actor, Action.GATES_MANAGE)
    _gate_in_scope(actor, gate)
    gate = Gate.objects.select_for_update().get(pk=gate.pk)
    changes = {}
    for key, value in (
        ("name", (name or "").strip()),
        ("location", (location or "").strip()),
        ("is_active", bool(is_active)),
    ):
        if getattr(gate, key) != value:
            changes[key] = [getattr(gate, key), value]
            setattr(gate, key, value)
    if not changes:
        return gate
    full_clean_or_raise(gate)
    gate.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.GATE_SAVED,
        target=gate,
        enterprise=gate.enterprise,
        summary=str(gate),
        data={"changes": changes},
    )
    return gate


@transaction.atomic
def gate_device_create(*, actor, gate: Gate, name: str) -> tuple[GateDevice, str]:
    """A token for a terminal at this gate; returned once."""
    require(actor, Action.GATES_MANAGE)
    _gate_in_scope(actor, gate)
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("Give the device a name."), fields={"name": [_("Required.")]})
    prefix = secrets.token_hex(4)
    token = f"fgd_{prefix}_{secrets.token_urlsafe(32)}"
    device = GateDevice.objects.create(
        gate=gate,
        name=name[:100],
        prefix=prefix,
        digest=GateDevice.digest_of(token),
        created_by=actor,
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.GATE_DEVICE_CREATED,
        target=device,
        enterprise=gate.enterprise,
        summary=name,
    )
    return device, token


@transaction.atomic
def gate_device_revoke(*, actor, device: GateDevice) -> GateDevice:
    """Revoke a terminal's token: it is refused from the next request on."""
    require(actor, Action.GATES_MANAGE)
    _gate_in_scope(actor, device.gate)
    if device.revoked_at is None:
        device.revoked_at = timezone.now()
        device.save(update_fields=["revoked_at"])
        audit_event_record(
            actor=actor,
            action=AuditAction.GATE_DEVICE_REVOKED,
            target=device,
            enterprise=device.gate.enterprise,
            summary=device.name,
        )
    return device


def gate_device_authenticate(token: str) -> GateDevice | None:
    if not token or not token.startswith("fgd_"):
        return None
    device = reads.device_by_digest(GateDevice.digest_of(token))
    if device is None:
        return None
    now = timezone.now()
    if device.last_seen_at is None or (now - device.last_seen_at).total_seconds() > 60:
        GateDevice.objects.filter(pk=device.pk).update(last_seen_at=now)
    return device
