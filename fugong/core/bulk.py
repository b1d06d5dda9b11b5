"""Set-based writes for many rows at once, on SQLite and PostgreSQL alike.

``bulk_update_rows`` loads the new values into a temporary table with one ``executemany`` and
applies them with one ``UPDATE … FROM``: far faster than Django's ``bulk_update``, whose CASE
expressions grow with the batch. Values go through the backend's own adapters, so dates, times
and JSON are stored exactly as the ORM would store them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from django.db import connection, models


def _adapter(field: models.Field):
    """A function preparing a Python value of ``field`` for the database, chosen once per
    field rather than once per value: imports adapt millions of values."""
    ops = connection.ops
    if isinstance(field, models.JSONField):
        return lambda value: (
            "[]"
            if value == []
            else None
            if value is None
            else json.dumps(value, ensure_ascii=False)
        )
    if isinstance(field, models.DateTimeField):
        return _memoized(ops.adapt_datetimefield_value)
    if isinstance(field, models.DateField):
        return _memoized(ops.adapt_datefield_value)
    if isinstance(
        field, models.CharField | models.TextField | models.IntegerField | models.ForeignKey
    ):
        return None  # passed as it is
    return lambda value: field.get_db_prep_value(value, connection, prepared=False)


def _memoized(adapt):
    """Dates and times repeat across the rows of an import: adapt each distinct one once."""
    cache: dict = {None: None}

    def adapted(value):
        try:
            return cache[value]
        except KeyError:
            result = cache[value] = adapt(value)
            return result

    return adapted


def _row_adapter(fields: Sequence[models.Field]):
    adapters = [_adapter(field) for field in fields]
    if not any(adapters):
        return tuple
    return lambda row: tuple(
        value if adapt is None else adapt(value) for adapt, value in zip(adapters, row, strict=True)
    )


def bulk_update_rows(
    model: type[models.Model],
    field_names: Sequence[str],
    rows: Iterable[tuple],
    *,
    batch_size: int = 5000,
) -> int:
    """Set ``field_names`` for each ``(pk, value, …)`` in ``rows``; returns the rows written.

    Runs inside the caller's transaction.
    """
    fields = [model._meta.get_field(name) for name in field_names]
    table = model._meta.db_table
    quote = connection.ops.quote_name
    columns = [field.column for field in fields]
    temporary = quote(f"bulk_{table}")
    vendor = connection.vendor
    with connection.cursor() as cursor:
        definitions = ", ".join(
            f"{quote(column)} {_column_type(field)}"
            for column, field in zip(columns, fields, strict=True)
        )
        cursor.execute(f"DROP TABLE IF EXISTS {temporary}")
        cursor.execute(f"CREATE TEMPORARY TABLE {temporary} (id bigint PRIMARY KEY, {definitions})")
        placeholders = ", ".join(["%s"] * (len(fields) + 1))
        # Identifiers come from the model's metadata, values go through placeholders.
        insert = f"INSERT INTO {temporary} VALUES ({placeholders})"  # noqa: S608
        count = 0
        batch: list[tuple] = []
        adapt = _row_adapter(fields)
        for row in rows:
            batch.append((row[0], *adapt(row[1:])))
            if len(batch) >= batch_size:
                cursor.executemany(insert, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(insert, batch)
            count += len(batch)
        assignments = []
        for column, field in zip(columns, fields, strict=True):
            source = f"bulk.{quote(column)}"
            if vendor == "postgresql" and isinstance(field, models.JSONField):
                source += "::jsonb"
            assignments.append(f"{quote(column)} = {source}")
        key = f"{quote(table)}.{quote(model._meta.pk.column)}"
        cursor.execute(
            f"UPDATE {quote(table)} SET {', '.join(assignments)} "  # noqa: S608
            f"FROM {temporary} AS bulk WHERE {key} = bulk.id"
        )
        cursor.execute(f"DROP TABLE {temporary}")
    return count


def _column_type(field: models.Field) -> str:
    if isinstance(field, models.JSONField):
        return "text"
    if isinstance(field, models.DateTimeField):
        return "timestamp with time zone" if connection.vendor == "postgresql" else "text"
    if isinstance(field, models.DateField):
        return "date" if connection.vendor == "postgresql" else "text"
    if isinstance(field, models.BooleanField):
        return "boolean"
    if isinstance(field, models.IntegerField | models.ForeignKey):
        return "bigint"
    return "text"


def bulk_insert_rows(
    model: type[models.Model],
    field_names: Sequence[str],
    rows: Iterable[tuple],
    *,
    batch_size: int = 5000,
) -> int:
    """Insert many rows with ``executemany``: no model instances, no per-row signals. For imports
    whose rows have been validated already; runs inside the caller's transaction."""
    fields = [model._meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    statement = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    count = 0
    adapt = _row_adapter(fields)
    with connection.cursor() as cursor:
        batch: list[tuple] = []
        for row in rows:
            batch.append(adapt(row))
            if len(batch) >= batch_size:
                cursor.executemany(statement, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(statement, batch)
            count += len(batch)
    return count


class KeySet:
    """A temporary table holding many keys (say, the digests of an import file), to filter
    querysets with ``field__in=keys.subquery()`` instead of a hundred thousand parameters."""

    def __init__(self, keys: Iterable[str], *, name: str = "keyset") -> None:
        self.table = connection.ops.quote_name(f"tmp_{name}")
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
            cursor.execute(f"CREATE TEMPORARY TABLE {self.table} (k varchar(64) PRIMARY KEY)")
            cursor.executemany(
                f"INSERT INTO {self.table} (k) VALUES (%s)",  # noqa: S608
                [(key,) for key in keys],
            )

    def subquery(self):
        from django.db.models.expressions import RawSQL

        return RawSQL(f"SELECT k FROM {self.table}", [])  # noqa: S608, S611 - our own table name

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
