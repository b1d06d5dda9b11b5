"""Recording checks at the gate, one or a batch: the batch is judged first (``judging``), then
the new checks are stored, the plain ones with one set-based insert and the abnormal ones with
their events. A check that lost a race with its own repeat becomes a replay or a conflict.
"""

from __future__ import annotations

import uuid
from operator import attrgetter
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fugong.core.bulk import insert_rows_returning
from fugong.core.errors import ApplicationError, ConflictError
from fugong.gate.attendance import attendance_add

from ..models import AbnormalEvent, Gate, GateCheck, Verdict, Visitor
from .events import _raise_event
from .inputs import MAX_BATCH, CheckInput, CheckResult
from .judging import Pending, _judge, _replay_or_conflict

if TYPE_CHECKING:
    from fugong.accounts.models import User

    from ..models import GateDevice


def gate_checks_record(
    *,
    gate: Gate,
    items: list[CheckInput],
    operator: User | None = None,
    device: GateDevice | None = None,
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
        try:
            with transaction.atomic():
                _store(gate, pending, results, operator)
        except IntegrityError as error:
            # On PostgreSQL, where the checks are partitioned by month, a repeat of a client id
            # with another day's time, stored by another request meanwhile, is refused by the
            # key table's trigger (gate.partitions) rather than skipped: nothing of the batch
            # is written, and the batch sent again is answered check by check.
            raise ConflictError(
                _("A check of this batch was stored meanwhile with another time; send it again.")
            ) from error
    # A replayed result always carries the stored check (``_replay_or_conflict``); the hot path
    # is not slowed down to prove it to mypy, hence the two ignores.
    replayed = [result for result in results.values() if result.status == "replayed"]
    if replayed:
        events = dict(
            AbnormalEvent.objects.filter(
                gate_check__in=[result.check.pk for result in replayed]  # type: ignore[union-attr]
            )
            .order_by()
            .values_list("gate_check_id", "id")
        )
        for result in replayed:
            result.event_id = events.get(result.check.pk)  # type: ignore[union-attr]
    return [results[index] for index in range(len(items))]


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

# The stored values of a check, in CHECK_FIELDS order (foreign keys by their ids). All are
# concrete fields: the stubs type a field looked up by a name held in a variable as any field or
# relation (which has no ``attname``).
CHECK_VALUES = attrgetter(*(GateCheck._meta.get_field(name).attname for name in CHECK_FIELDS))  # type: ignore[union-attr]


def _store(
    gate: Gate, pending: list[Pending], results: dict[int, CheckResult], operator: User | None
) -> None:
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
            # Any unique constraint: on PostgreSQL the checks are partitioned by month and
            # ``client_id`` is unique with the day (a repeat on another day is refused by the
            # key table's trigger, see ``gate.partitions``), on SQLite on its own.
            unique=None,
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
            # Only when the kiosk, offline, admitted someone whose readings were abnormal. A
            # check has a worker's enterprise only with the worker (``_judge``): no runtime test
            # is added on this path to prove it to mypy.
            attendance_add(
                [(check.check_date, check.worker_id, check.worker_enterprise_id)]  # type: ignore[list-item]
            )
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
