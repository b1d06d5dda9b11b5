"""Judging a batch of checks before anything is written: the thresholds and risk areas of each
day, the pass behind a token, who each check names (the gate's own people only), and the
verdicts. Done outside the write transaction (see ``checks.gate_checks_record``).
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core import signing
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes
from django.utils.translation import gettext as _

from fugong.core.errors import ApplicationError, ConflictError
from fugong.screening.engine import Area, areas_in_force, policy_on
from fugong.training.selectors import first_training_days
from fugong.workforce.models import Worker, WorkerPass
from fugong.workforce.services import PASS_PREFIX, PASS_SALT

from .. import offline, reads, rules
from ..instances import instance_new
from ..models import Gate, GateCheck, GateDevice, Verdict, Visitor
from .inputs import CheckInput, CheckResult, _check_readings, _check_time
from .visitors import _visitor

if TYPE_CHECKING:
    from django.db.models import ForeignKey

    from fugong.accounts.models import User


def thresholds_on(day: date) -> rules.Thresholds:
    return reads.thresholds_on(day)


class _Days:
    """Thresholds and risk areas per check date, read once per batch."""

    def __init__(self) -> None:
        self.thresholds: dict[date, rules.Thresholds] = {}
        self.origins: dict[date, tuple[Area, ...]] = {}

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


class _Training:
    """What the training rule needs of a batch's workers, read once and only if a day of the
    batch has the rule on: the day each was first trained, and who was admitted before (at any
    gate, or earlier in this batch)."""

    def __init__(self, worker_ids: list[int]) -> None:
        self.worker_ids = worker_ids
        self.first_trained: dict[int, date] | None = None
        self.admitted: set[int] = set()

    def person(self, person: rules.Person, worker: Worker | None, day: date) -> rules.Person:
        if worker is None or not person.registered or person.kind != "worker":
            return person
        if self.first_trained is None:
            self.first_trained = first_training_days(self.worker_ids)
            self.admitted = set(
                GateCheck.objects.filter(
                    worker_id__in=self.worker_ids, verdict=Verdict.ADMITTED
                ).values_list("worker_id", flat=True)
            )
        first = self.first_trained.get(worker.pk)
        return dataclasses.replace(
            person,
            trained=first is not None and first <= day,
            first_admission=worker.pk not in self.admitted,
        )


class _PassSigner(signing.Signer):
    """Django's signer of passes, deriving each key's HMAC key once rather than once per token
    (``salted_hmac`` hashes the salt and the secret on every call): a batch verifies up to a
    thousand tokens. The signature is the same: an HMAC copied from one keyed with the derived
    key and fed the value is the HMAC of the value (``hmac.HMAC.copy``)."""

    def __init__(self) -> None:
        super().__init__(salt=PASS_SALT, sep=".")
        self._keyed: dict[Any, Any] = {}

    def signature(self, value: str | bytes, key: str | bytes | None = None) -> str:
        key = key or self.key
        keyed = self._keyed.get(key)
        if keyed is None:
            keyed = self._keyed[key] = salted_hmac(
                PASS_SALT + "signer", b"", key, algorithm=self.algorithm
            )
        mac = keyed.copy()
        mac.update(force_bytes(value))
        return signing.b64_encode(mac.digest()).decode()


def _pass_signer() -> signing.Signer:
    return _PassSigner()


def _pass_code(token: str, signer: signing.Signer | None = None) -> str | None:
    """The pass's code if the token's signature holds, else None (forged or damaged). A batch
    passes one ``signer`` for all its tokens (making one reads the keys from the settings)."""
    text = (token or "").strip()
    if not text.startswith(f"{PASS_PREFIX}."):
        return None
    try:
        return (signer or _pass_signer()).unsign(text[len(PASS_PREFIX) + 1 :])
    except signing.BadSignature:
        return None


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
    gate: Gate, items: list[CheckInput], operator: User | None, device: GateDevice | None
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
    signer = _pass_signer()
    codes = {
        index: _pass_code(item.pass_token, signer)
        for index, item in enumerate(items)
        if item.pass_token
    }
    # Only the gate's own people are found; anyone else is unknown here (see reads.py).
    passes = reads.passes_by_code(
        sorted({code for code in codes.values() if code}), enterprise_id=gate.enterprise_id
    )
    workers = reads.workers_by_id(
        sorted({item.worker_id for item in items if item.worker_id}),
        enterprise_id=gate.enterprise_id,
    )
    training = _Training(
        sorted({worker_pass.worker_id for worker_pass in passes.values()} | set(workers))
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
        thresholds = days.thresholds_for(day)
        if thresholds.training != rules.TRAINING_OFF:
            person = training.person(person, worker, day)
        decision = rules.decide(
            readings,
            person,
            gate_enterprise_id=gate.enterprise_id,
            thresholds=thresholds,
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
        if decision.admitted and worker is not None:
            training.admitted.add(worker.pk)
        # Ids rather than objects: assigning related objects runs checks that, for a batch of
        # a thousand, cost more than its insert. The objects are cached on the check instead.
        # Built without Model.__init__ (instances.py): a quarter of a batch's time otherwise.
        check = instance_new(
            GateCheck,
            {
                "client_id": item.client_id,
                "payload_digest": item.digest,
                "gate_id": gate.pk,
                "enterprise_id": gate.enterprise_id,
                "operator_id": operator.pk if operator is not None else None,
                "device_id": device.pk if device is not None else None,
                "worker_id": worker.pk if worker is not None else None,
                "worker_enterprise_id": worker.enterprise_id if worker is not None else None,
                "visitor_id": None,  # set when the visitor is saved
                "mask": item.mask,
                "disinfected": item.disinfected,
                "temperature": item.temperature,
                "temperature_recheck": item.temperature_recheck,
                "recheck_method": item.recheck_method,
                "spo2": item.spo2,
                "verdict": decision.verdict,
                # An admitted worker's warnings (the training rule's "warn") are its reasons.
                "reasons": list(decision.reasons) + list(decision.warnings),
                "offline": item.offline,
                "snapshot_at": snapshot_at,
                "server_verdict": server_verdict,
                "server_reasons": server_reasons,
                "disputed": disputed,
                "occurred_at": occurred,
                "check_date": day,
                "received_at": now,
            },
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


_KNOWN_REASONS = {
    value
    for name, value in vars(rules).items()
    if name.isupper() and isinstance(value, str) and not name.startswith("TRAINING_")
}


# The check's foreign keys: the stubs type a field looked up by a name held in a variable as any
# field or relation.
CHECK_RELATIONS: dict[str, ForeignKey[Any, Any]] = {
    name: GateCheck._meta.get_field(name)  # type: ignore[misc]
    for name in ("gate", "operator", "device", "worker")
}


def _identify(
    gate: Gate,
    item: CheckInput,
    index: int,
    codes: dict[int, str | None],
    passes: dict[str, WorkerPass],
    workers: dict[int, Worker],
    day: date,
    days: _Days,
) -> tuple[Worker | None, WorkerPass | None, Visitor | None, rules.Person]:
    """(worker, pass, visitor, Person) for the verdict; a visitor is created here, unsaved.

    ``passes`` and ``workers`` hold the gate's own people only, so another enterprise's pass is
    an unknown pass and another enterprise's worker not registered, word for word the answer
    for a pass or a worker that does not exist: no name, no clearance, nothing written about
    them (no worker on the check, no event or hold, no attendance)."""
    worker: Worker | None
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
