"""Set-based loading for the scale generator: missing columns given their defaults, the ids
of rows just written, and the settings that make a bulk load fast (PRAGMAs on SQLite, the
replica role on PostgreSQL, plain indexes dropped and rebuilt)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence

from django.db import connection, models, transaction

from fugong.core.bulk import bulk_insert_rows


def insert(model: type[models.Model], names: Sequence[str], rows: Iterable[tuple]) -> int:
    """``bulk_insert_rows`` with every other non-null column given its model default."""
    given = set(names)
    extra_names, extra_values = [], []
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key or model_field.name in given or model_field.null:
            continue
        default = model_field.get_default()
        if default is None:
            raise ValueError(f"{model.__name__}.{model_field.name} needs a value")
        extra_names.append(model_field.name)
        extra_values.append(default)
    if not extra_names:
        return bulk_insert_rows(model, list(names), rows)
    tail = tuple(extra_values)
    return bulk_insert_rows(model, [*names, *extra_names], (row + tail for row in rows))


def new_ids(model: type[models.Model], count: int) -> list[int]:
    """The ids of the ``count`` rows just inserted (in insertion order: one writer)."""
    if not count:
        return []
    ids = list(model._default_manager.order_by("-pk").values_list("pk", flat=True)[:count])
    ids.reverse()
    return ids


@contextlib.contextmanager
def sqlite_pragmas():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-1000000")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA cache_size=-65536")


@contextlib.contextmanager
def postgres_replica_role(log):
    """Skip the foreign-key triggers while loading (a superuser's privilege; without it the
    load is slower but the same)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
        enabled = True
    except Exception:
        log("  (not a superuser: foreign keys are checked row by row)")
        enabled = False
    try:
        yield
    finally:
        if enabled:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")


@contextlib.contextmanager
def without_indexes(model: type[models.Model]):
    """Drop the table's plain indexes for a bulk load and build them again after it: one sort
    per index instead of millions of b-tree insertions. Constraints stay."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
                "WHERE t.relname = %s AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)",
                [table],
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL",
                [table],
            )
        indexes = cursor.fetchall()
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for _name, sql in indexes:
                # A partitioned table's index is defined "ON ONLY" the table (pg_get_indexdef):
                # made again without ONLY, it is built on every partition too.
                cursor.execute(sql.replace(" ON ONLY ", " ON ", 1))
