"""The reads on the hot path of every gate check, in plain SQL.

A gate check needs four small reads: the device behind a token, the client ids already stored,
the passes (with their workers) or workers it names, and the thresholds of the day. The passes
and workers are read for one gate: only its own people are found (its enterprise's current
workers; at a park gate, every enterprise's), the condition being part of the statement.

Through the ORM each costs 0.5–0.8 ms of Python to build and compile the query, against
20–30 µs for SQLite to answer it; at the gate that was three quarters of a check's time. So these
four are written once here as SQL, with table and column names taken from the models (so a
renamed field breaks loudly, in the tests, rather than silently), and values converted by the
backend's own converters. Everything else goes through the ORM as usual.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from functools import cache

from django.db import connection, models
from django.utils.dateparse import parse_date, parse_datetime

from fugong.screening.models import ScreeningPolicy
from fugong.workforce.models import Worker, WorkerPass

from . import rules
from .instances import instance_from_db
from .models import Gate, GateCheck, GateDevice

PASS_WORKER = WorkerPass._meta.get_field("worker")
WORKER_FIELDS = ("id", "enterprise_id", "clearance", "observation_until", "full_name")
PASS_FIELDS = ("id", "code", "revoked_at", "expires_on", "worker_id")
GATE_FIELDS = ("id", "name", "enterprise_id", "location", "is_active")
DEVICE_FIELDS = ("id", "gate_id", "name", "prefix", "last_seen_at")


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _column(model: type[models.Model], attname: str, alias: str) -> str:
    """``alias.column`` of the field whose attribute name is ``attname`` (``gate_id``, not
    ``gate``, for a foreign key)."""
    (field,) = [field for field in model._meta.concrete_fields if field.attname == attname]
    # A concrete field always has its column; the stubs type ``column`` as optional for any field.
    return f"{alias}.{_quote(field.column)}"  # type: ignore[arg-type]


def _table(model: type[models.Model], alias: str) -> str:
    return f"{_quote(model._meta.db_table)} {alias}"


def _placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


def _date(value) -> date | None:
    return parse_date(value) if isinstance(value, str) else value


def _datetime(value):
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and value.tzinfo is None:
        from datetime import UTC

        value = value.replace(tzinfo=UTC)  # SQLite keeps UTC without the offset
    return value


def _rows(sql: str, params: Iterable) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def _instance(model: type[models.Model], values: dict):
    """A model instance from some of its columns; the other fields load on first use, as with
    ``only()`` (see instances.py: a batch reads up to two thousand)."""
    return instance_from_db(model, values, connection.alias)


def _worker(values) -> Worker:
    """A worker with the columns the verdict needs."""
    row = dict(zip(WORKER_FIELDS, values, strict=True))
    row["observation_until"] = _date(row["observation_until"])
    return _instance(Worker, row)


# The statements are built once per process (and per number of values in an IN list).


@cache
def _device_sql() -> str:
    columns = [_column(GateDevice, name, "d") for name in DEVICE_FIELDS]
    columns += [_column(Gate, name, "g") for name in GATE_FIELDS]
    return (
        f"SELECT {', '.join(columns)} FROM {_table(GateDevice, 'd')} "  # noqa: S608
        f"JOIN {_table(Gate, 'g')} ON g.{_quote('id')} = {_column(GateDevice, 'gate_id', 'd')} "
        f"WHERE {_column(GateDevice, 'digest', 'd')} = %s "
        f"AND {_column(GateDevice, 'revoked_at', 'd')} IS NULL "
        f"AND {_column(Gate, 'is_active', 'g')} = %s"
    )


@cache
def _stored_sql(count: int) -> str:
    return (
        f"SELECT {_column(GateCheck, 'id', 't')} FROM {_table(GateCheck, 't')} "  # noqa: S608
        f"WHERE {_column(GateCheck, 'client_id', 't')} IN ({_placeholders(count)})"
    )


def _gate_people(enterprise: bool) -> str:
    """The condition on ``w`` that makes a worker one of a gate's people: of the gate's enterprise
    (one more parameter), or at a park gate of any enterprise (not someone who left them all)."""
    column = _column(Worker, "enterprise_id", "w")
    return f"{column} = %s" if enterprise else f"{column} IS NOT NULL"


@cache
def _passes_sql(count: int, enterprise: bool) -> str:
    columns = [_column(WorkerPass, name, "p") for name in PASS_FIELDS]
    columns += [_column(Worker, name, "w") for name in WORKER_FIELDS]
    return (
        f"SELECT {', '.join(columns)} FROM {_table(WorkerPass, 'p')} "  # noqa: S608
        f"JOIN {_table(Worker, 'w')} ON w.{_quote('id')} = {_column(WorkerPass, 'worker_id', 'p')} "
        f"WHERE {_column(WorkerPass, 'code', 'p')} IN ({_placeholders(count)}) "
        f"AND {_gate_people(enterprise)}"
    )


@cache
def _workers_sql(count: int, enterprise: bool) -> str:
    columns = [_column(Worker, name, "w") for name in WORKER_FIELDS]
    return (
        f"SELECT {', '.join(columns)} FROM {_table(Worker, 'w')} "  # noqa: S608
        f"WHERE w.{_quote('id')} IN ({_placeholders(count)}) "
        f"AND {_gate_people(enterprise)}"
    )


@cache
def _thresholds_sql() -> str:
    return (
        f"SELECT {_column(ScreeningPolicy, 'fever_threshold', 's')}, "  # noqa: S608
        f"{_column(ScreeningPolicy, 'spo2_threshold', 's')}, "
        f"{_column(ScreeningPolicy, 'training_rule', 's')} FROM {_table(ScreeningPolicy, 's')} "
        f"WHERE {_column(ScreeningPolicy, 'effective_from', 's')} <= %s "
        f"ORDER BY {_column(ScreeningPolicy, 'effective_from', 's')} DESC LIMIT 1"
    )


def device_by_digest(digest: str) -> GateDevice | None:
    """The live device with this token digest, at a gate in use, with its gate."""
    rows = _rows(_device_sql(), [digest, True])
    if not rows:
        return None
    values = rows[0]
    device_row = dict(zip(DEVICE_FIELDS, values[: len(DEVICE_FIELDS)], strict=True))
    device_row["last_seen_at"] = _datetime(device_row["last_seen_at"])
    gate_row = dict(zip(GATE_FIELDS, values[len(DEVICE_FIELDS) :], strict=True))
    gate_row["is_active"] = bool(gate_row["is_active"])
    device = _instance(GateDevice, device_row)
    GateDevice._meta.get_field("gate").set_cached_value(device, _instance(Gate, gate_row))
    return device


def stored_checks(client_ids: list[uuid.UUID]) -> dict[uuid.UUID, GateCheck]:
    """The checks already stored under these client ids (usually none: one cheap query)."""
    if not client_ids:
        return {}
    field = GateCheck._meta.get_field("client_id")
    sql = _stored_sql(len(client_ids))
    ids = [
        row[0]
        for row in _rows(sql, [field.get_db_prep_value(value, connection) for value in client_ids])
    ]
    if not ids:
        return {}
    # Rare (a repeat): read them whole, through the ORM.
    return {check.client_id: check for check in GateCheck.objects.filter(pk__in=ids).order_by()}


def passes_by_code(codes: list[str], *, enterprise_id: int | None) -> dict[str, WorkerPass]:
    """The passes with these codes held by the gate's people (workers of ``enterprise_id`` now;
    None, a park gate: of any enterprise), each with the worker columns the verdict needs.
    Another enterprise's pass is not found, exactly like a pass that does not exist."""
    if not codes:
        return {}
    scoped = enterprise_id is not None
    params = [*codes, enterprise_id] if scoped else codes
    passes = {}
    for values in _rows(_passes_sql(len(codes), scoped), params):
        row = dict(zip(PASS_FIELDS, values[: len(PASS_FIELDS)], strict=True))
        row["revoked_at"] = _datetime(row["revoked_at"])
        row["expires_on"] = _date(row["expires_on"])
        worker_pass = _instance(WorkerPass, row)
        PASS_WORKER.set_cached_value(worker_pass, _worker(values[len(PASS_FIELDS) :]))
        passes[row["code"]] = worker_pass
    return passes


def workers_by_id(worker_ids: list[int], *, enterprise_id: int | None) -> dict[int, Worker]:
    """Workers picked at the gate by id, among the gate's people (workers of ``enterprise_id``
    now; None, a park gate: of any enterprise). Another enterprise's worker, or someone who has
    left every enterprise, is not found, exactly like an id that is no worker's."""
    if not worker_ids:
        return {}
    scoped = enterprise_id is not None
    params = [*worker_ids, enterprise_id] if scoped else worker_ids
    return {
        values[0]: _worker(values)
        for values in _rows(_workers_sql(len(worker_ids), scoped), params)
    }


def thresholds_on(day: date) -> rules.Thresholds:
    """The fever and SpO2 thresholds of the screening policy in force on ``day``."""
    rows = _rows(_thresholds_sql(), [connection.ops.adapt_datefield_value(day)])
    if not rows:
        return rules.Thresholds()
    fever, spo2, training = rows[0]
    # SQLite may hand a decimal back as a float: go through its text, rounded to tenths.
    return rules.Thresholds(
        fever=Decimal(str(fever)).quantize(Decimal("0.1")),
        spo2=int(spo2),
        training=training or rules.TRAINING_OFF,
    )
