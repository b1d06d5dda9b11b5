"""Monthly partitions of the gate checks and of the attendance rows, on PostgreSQL only.

A city's gate writes half a million checks a day; the pages and figures read one day of them.
On PostgreSQL ``gate_gatecheck`` is partitioned by ``check_date`` and ``reports_attendance`` by
``day`` (declarative ``PARTITION BY RANGE``), one partition a month (``gate_gatecheck_p2026_12``)
and a DEFAULT partition that takes any row of a month with no partition yet, so that an insert
never fails for want of one. A query for a day reads one partition (partition pruning).

The models stay as they are: SQLite, tests and ``makemigrations`` see the same tables. What
differs on PostgreSQL is made by migration ``0011_partition_by_month`` (``partition_tables``) and
kept by the job worker (``partitions_ensure``: this month's partition and the next
``MONTHS_AHEAD``', at start and then every few hours).

PostgreSQL requires each unique constraint of a partitioned table to include the partition key:
- the primary key is ``(id, check_date)`` (``(id, day)``); ids still come from one sequence, so
  ``id`` alone stays unique and Django keeps using it as the primary key;
- a check's ``client_id`` (the idempotency key of a terminal's request) is unique for the whole
  table through ``gate_gatecheck_client_key``, an unpartitioned table of ``(client_id,
  check_date)`` that a trigger (``gate_gatecheck_claim_client_id``) fills as checks are inserted.
  Within a day, the partitioned unique index ``(client_id, check_date)`` refuses a repeat as
  the former unique index on ``client_id`` did (``ON CONFLICT DO NOTHING`` skips it, a plain
  insert gets an IntegrityError); a repeat on another day is refused by the trigger with the
  same error (SQLSTATE 23505). A key whose check was deleted is taken over by the next insert;
- foreign keys to a partitioned table would need the whole key: ``AbnormalEvent.gate_check``
  has ``db_constraint=False`` (on every database), its integrity is kept by the service that
  stores a check and its event in one transaction, and by Django's PROTECT.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date

from django.db import connections, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

logger = logging.getLogger("fugong.gate")

# Partitions are made for this month and the next ones, so that the months to come never fall
# into the DEFAULT partition while the worker runs.
MONTHS_AHEAD = 2


@dataclass(frozen=True)
class PartitionedTable:
    """A table partitioned by month on a date column."""

    table: str
    column: str
    # Columns unique on their own in the model: on the partitioned table their unique
    # constraint also holds the partition key (see ``GATE_CHECKS_KEY`` for how the whole
    # table's uniqueness is kept).
    unique_alone: tuple[str, ...] = ()


GATE_CHECKS = PartitionedTable("gate_gatecheck", "check_date", unique_alone=("client_id",))
ATTENDANCE = PartitionedTable("reports_attendance", "day")
TABLES = (GATE_CHECKS, ATTENDANCE)

GATE_CHECKS_KEY = "gate_gatecheck_client_key"

# The client id of a check is claimed in the unpartitioned key table before the row is written.
# The key of a check deleted since (kept by no trigger, so that a bulk delete or a partition
# moved out of the DEFAULT one costs nothing) is stale: the next insert takes it over. The key
# row is locked while it is looked at, so two requests with the same client id wait for each
# other, as they would on a unique index.
# (GATE_CHECKS_KEY written in: the function is plain SQL, made from no value.)
_CLAIM_FUNCTION = """
CREATE FUNCTION gate_gatecheck_claim_client_id() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    claimed date;
BEGIN
    INSERT INTO gate_gatecheck_client_key (client_id, check_date)
    VALUES (NEW.client_id, NEW.check_date)
    ON CONFLICT (client_id) DO NOTHING;
    IF FOUND THEN
        RETURN NEW;
    END IF;
    SELECT check_date INTO claimed FROM gate_gatecheck_client_key
    WHERE client_id = NEW.client_id FOR UPDATE;
    IF claimed = NEW.check_date THEN
        -- The same day: the unique index (client_id, check_date) decides.
        RETURN NEW;
    END IF;
    IF EXISTS (
        SELECT 1 FROM gate_gatecheck WHERE client_id = NEW.client_id AND check_date = claimed
    ) THEN
        RAISE unique_violation USING
            MESSAGE = 'duplicate key value violates unique constraint '
                '"gate_gatecheck_client_key_pkey"',
            DETAIL = format('Key (client_id)=(%s) is stored for %s.', NEW.client_id, claimed),
            CONSTRAINT = 'gate_gatecheck_client_key_pkey',
            TABLE = 'gate_gatecheck';
    END IF;
    UPDATE gate_gatecheck_client_key SET check_date = NEW.check_date
    WHERE client_id = NEW.client_id;
    RETURN NEW;
END
$$
"""

# A check's client id and day are never changed (no service does): the key table would no
# longer say where the check is.
_KEEP_FUNCTION = """
CREATE FUNCTION gate_gatecheck_keep_client_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a gate check''s client_id and check_date are not changed'
        USING ERRCODE = 'check_violation';
END
$$
"""


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def months_from(first: date, count: int) -> list[date]:
    months = [month_start(first)]
    while len(months) < count:
        months.append(next_month(months[-1]))
    return months


def partition_name(spec: PartitionedTable, month: date) -> str:
    return f"{spec.table}_p{month:%Y_%m}"


def default_partition_name(spec: PartitionedTable) -> str:
    return f"{spec.table}_default"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def is_partitioned(cursor: CursorWrapper, table: str) -> bool:
    cursor.execute(
        "SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)",
        [_quote(table)],
    )
    row = cursor.fetchone()
    return row is not None and row[0] == "p"


def partitions_of(cursor: CursorWrapper, table: str) -> list[tuple[str, str]]:
    """``(name, bounds)`` of the table's partitions, the bounds as PostgreSQL writes them."""
    cursor.execute(
        "SELECT child.relname, pg_get_expr(child.relpartbound, child.oid) "
        "FROM pg_inherits JOIN pg_class child ON child.oid = pg_inherits.inhrelid "
        "WHERE pg_inherits.inhparent = to_regclass(%s) ORDER BY child.relname",
        [_quote(table)],
    )
    return [(name, bounds) for name, bounds in cursor.fetchall()]


def _exists(cursor: CursorWrapper, name: str) -> bool:
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [_quote(name)])
    return bool(cursor.fetchone()[0])


def _partition_create(cursor: CursorWrapper, spec: PartitionedTable, month: date) -> bool:
    """Create the month's partition unless it exists. Rows of that month already in the
    DEFAULT partition (stored while the worker was down) are moved into it with their ids.
    Returns whether it was created."""
    name = partition_name(spec, month)
    if _exists(cursor, name):
        return False
    table, column, default = _quote(spec.table), _quote(spec.column), default_partition_name(spec)
    bounds = [month, next_month(month)]
    in_month = f"{column} >= %s AND {column} < %s"
    # DDL takes no parameters: the bounds are written in (ISO dates, made here).
    values = f"FOR VALUES FROM ('{bounds[0].isoformat()}') TO ('{bounds[1].isoformat()}')"
    stray = False
    if _exists(cursor, default):
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {_quote(default)} WHERE {in_month})",  # noqa: S608
            bounds,
        )
        stray = bool(cursor.fetchone()[0])
    if not stray:
        cursor.execute(f"CREATE TABLE {_quote(name)} PARTITION OF {table} {values}")
        return True
    # PostgreSQL refuses a partition for rows the DEFAULT partition holds: they are moved into
    # a table of the parent's shape, which is then attached (its indexes are built on attach).
    # No trigger fires on either side, so the client-id keys stay as they are (same ids, days).
    cursor.execute(
        f"CREATE TABLE {_quote(name)} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
    )
    cursor.execute(
        f"WITH moved AS (DELETE FROM {_quote(default)} WHERE {in_month} RETURNING *) "  # noqa: S608
        f"INSERT INTO {_quote(name)} SELECT * FROM moved",
        bounds,
    )
    cursor.execute(f"ALTER TABLE {table} ATTACH PARTITION {_quote(name)} {values}")
    logger.warning("Partition %s created; rows of its month moved out of %s", name, default)
    return True


def partitions_ensure(
    *, today: date | None = None, months_ahead: int = MONTHS_AHEAD, using: str = "default"
) -> list[str]:
    """Create the partitions of this month and of the next ``months_ahead`` ones for each
    partitioned table (on PostgreSQL, once migrated; nothing elsewhere). Idempotent and safe
    to run from several workers at once (an advisory lock orders them). Returns the names of
    the partitions created."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    today = today or timezone.localdate()
    created: list[str] = []
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('fugong.gate.partitions'))")
        # Creating a partition locks the parent table briefly; while it waits for the
        # transactions in progress, the gate's inserts queue behind it. It gives up after a few
        # seconds rather than hold them (the worker tries again at its next sweep).
        cursor.execute("SET LOCAL lock_timeout = '5s'")
        for spec in TABLES:
            if not is_partitioned(cursor, spec.table):
                continue
            for month in months_from(today, months_ahead + 1):
                if _partition_create(cursor, spec, month):
                    created.append(partition_name(spec, month))
    if created:
        logger.info("Partitions created: %s", ", ".join(created))
    return created


# ----- moving a table in and out of partitioning (migration 0011) --------------------------------


def _columns(cursor: CursorWrapper, table: str) -> list[str]:
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attnum > 0 "
        "AND NOT attisdropped ORDER BY attnum",
        [_quote(table)],
    )
    return [name for (name,) in cursor.fetchall()]


def _constraints(cursor: CursorWrapper, table: str) -> list[tuple[str, str, list[str], str]]:
    """``(name, kind, columns, definition)`` of the table's primary key, unique and foreign
    key constraints (kind ``p``, ``u``, ``f``)."""
    cursor.execute(
        "SELECT con.conname, con.contype, "
        "  ARRAY(SELECT attname FROM unnest(con.conkey) WITH ORDINALITY AS key(attnum, position) "
        "        JOIN pg_attribute ON attrelid = con.conrelid AND pg_attribute.attnum = key.attnum "
        "        ORDER BY key.position), "
        "  pg_get_constraintdef(con.oid) "
        "FROM pg_constraint con WHERE con.conrelid = to_regclass(%s) "
        "AND con.contype IN ('p', 'u', 'f') ORDER BY con.conname",
        [_quote(table)],
    )
    return [(name, kind, list(columns), definition) for name, kind, columns, definition in cursor]


def _indexes(cursor: CursorWrapper, table: str) -> list[str]:
    """The definitions of the table's indexes that back no constraint."""
    cursor.execute(
        "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = to_regclass(%s) "
        "AND indexrelid NOT IN (SELECT conindid FROM pg_constraint WHERE conrelid = indrelid) "
        "ORDER BY indexrelid",
        [_quote(table)],
    )
    return [definition for (definition,) in cursor.fetchall()]


def _rebuild(cursor: CursorWrapper, spec: PartitionedTable, *, partitioned: bool) -> None:
    """Replace the table by a copy of it, partitioned by month or not, in the caller's
    transaction: same columns, rows and ids, constraints, indexes and sequence."""
    table, column = spec.table, spec.column
    old = f"{table}_before_partitioning" if partitioned else f"{table}_partitioned"
    cursor.execute(f"ALTER TABLE {_quote(table)} RENAME TO {_quote(old)}")
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [_quote(old)])
    old_sequence = cursor.fetchone()[0]
    # The new table's identity makes a sequence of the table's name: the old one steps aside.
    cursor.execute(f"ALTER SEQUENCE {old_sequence} RENAME TO {_quote(old + '_id_seq')}")
    cursor.execute(f"SELECT last_value, is_called FROM {_quote(old + '_id_seq')}")  # noqa: S608
    last_value, is_called = cursor.fetchone()
    constraints = _constraints(cursor, old)
    indexes = _indexes(cursor, old)
    columns = ", ".join(_quote(name) for name in _columns(cursor, old))

    partitioning = f" PARTITION BY RANGE ({_quote(column)})" if partitioned else ""
    cursor.execute(
        f"CREATE TABLE {_quote(table)} (LIKE {_quote(old)} INCLUDING DEFAULTS "
        f"INCLUDING IDENTITY INCLUDING CONSTRAINTS INCLUDING STORAGE){partitioning}"
    )
    if partitioned:
        cursor.execute(
            f"SELECT DISTINCT date_trunc('month', {_quote(column)})::date FROM {_quote(old)}"  # noqa: S608
        )
        months = {month for (month,) in cursor.fetchall()}
        months.update(months_from(timezone.localdate(), MONTHS_AHEAD + 1))
        for month in sorted(months):
            _partition_create(cursor, spec, month)
        cursor.execute(
            f"CREATE TABLE {_quote(default_partition_name(spec))} "
            f"PARTITION OF {_quote(table)} DEFAULT"
        )
    # Rows first, indexes after: building an index once is faster than keeping it row by row.
    cursor.execute(
        f"INSERT INTO {_quote(table)} ({columns}) SELECT {columns} FROM {_quote(old)}"  # noqa: S608
    )
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [_quote(table)])
    cursor.execute("SELECT setval(%s, %s, %s)", [cursor.fetchone()[0], last_value, is_called])
    cursor.execute(f"DROP TABLE {_quote(old)}")

    for name, kind, key, definition in constraints:
        if kind == "f":
            cursor.execute(
                f"ALTER TABLE {_quote(table)} ADD CONSTRAINT {_quote(name)} {definition}"
            )
            continue
        if partitioned and column not in key:
            key = [*key, column]
        elif not partitioned and (
            kind == "p"
            or tuple(c for c in key if c != column) in {(alone,) for alone in spec.unique_alone}
        ):
            key = [c for c in key if c != column]
        constraint = "PRIMARY KEY" if kind == "p" else "UNIQUE"
        cursor.execute(
            f"ALTER TABLE {_quote(table)} ADD CONSTRAINT {_quote(name)} "
            f"{constraint} ({', '.join(_quote(c) for c in key)})"
        )
    for definition in indexes:
        # "CREATE INDEX name ON [ONLY] schema.old USING …": the same index on the new table.
        cursor.execute(
            re.sub(
                rf" ON (?:ONLY )?(?:\S+\.)?(?:{re.escape(_quote(old))}|{re.escape(old)}) USING ",
                f" ON {_quote(table)} USING ",
                definition,
                count=1,
            )
        )


def client_keys_claim(using: str = "default") -> int:
    """Claim the client ids of checks written with the triggers off (a bulk load under
    ``session_replication_role = replica``), in one statement; on PostgreSQL once partitioned,
    nothing elsewhere. Returns the keys added."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        if not _exists(cursor, GATE_CHECKS_KEY):
            return 0
        cursor.execute(
            f"INSERT INTO {GATE_CHECKS_KEY} (client_id, check_date) "  # noqa: S608
            "SELECT client_id, check_date FROM gate_gatecheck ON CONFLICT (client_id) DO NOTHING"
        )
        return cursor.rowcount


def _client_key_create(cursor: CursorWrapper) -> None:
    cursor.execute(
        f"CREATE TABLE {GATE_CHECKS_KEY} (client_id uuid PRIMARY KEY, check_date date NOT NULL)"
    )
    cursor.execute(
        f"INSERT INTO {GATE_CHECKS_KEY} (client_id, check_date) "  # noqa: S608
        "SELECT client_id, check_date FROM gate_gatecheck"
    )
    cursor.execute(_CLAIM_FUNCTION)
    cursor.execute(_KEEP_FUNCTION)
    cursor.execute(
        "CREATE TRIGGER gate_gatecheck_claim_client_id BEFORE INSERT ON gate_gatecheck "
        "FOR EACH ROW EXECUTE FUNCTION gate_gatecheck_claim_client_id()"
    )
    cursor.execute(
        "CREATE TRIGGER gate_gatecheck_keep_client_id BEFORE UPDATE OF client_id, check_date "
        "ON gate_gatecheck FOR EACH ROW WHEN (OLD.client_id IS DISTINCT FROM NEW.client_id "
        "OR OLD.check_date IS DISTINCT FROM NEW.check_date) "
        "EXECUTE FUNCTION gate_gatecheck_keep_client_id()"
    )


def _client_key_drop(cursor: CursorWrapper) -> None:
    cursor.execute("DROP TRIGGER IF EXISTS gate_gatecheck_claim_client_id ON gate_gatecheck")
    cursor.execute("DROP TRIGGER IF EXISTS gate_gatecheck_keep_client_id ON gate_gatecheck")
    cursor.execute("DROP FUNCTION IF EXISTS gate_gatecheck_claim_client_id()")
    cursor.execute("DROP FUNCTION IF EXISTS gate_gatecheck_keep_client_id()")
    cursor.execute(f"DROP TABLE IF EXISTS {GATE_CHECKS_KEY}")


def partition_tables(cursor: CursorWrapper) -> None:
    """Partition the gate checks and the attendance rows by month (migration 0011, forwards),
    in the caller's transaction: the months present, this month and the next ones, DEFAULT."""
    for spec in TABLES:
        if not is_partitioned(cursor, spec.table):
            _rebuild(cursor, spec, partitioned=True)
    # Made again whatever is there: a key table left by an earlier installation (a restore of
    # an older backup) would be without its trigger or hold stale keys.
    _client_key_drop(cursor)
    _client_key_create(cursor)


def unpartition_tables(cursor: CursorWrapper) -> None:
    """Make them plain tables again (migration 0011, backwards), rows and ids kept."""
    _client_key_drop(cursor)
    for spec in TABLES:
        if is_partitioned(cursor, spec.table):
            _rebuild(cursor, spec, partitioned=False)
