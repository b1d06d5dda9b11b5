"""Set-based writes for many rows at once, on SQLite and PostgreSQL alike.

Rows go in with one ``executemany`` on SQLite and with ``COPY … FROM STDIN`` on PostgreSQL (the
way PostgreSQL is meant to be loaded: one statement instead of one per row). ``bulk_update_rows``
loads the new values into a temporary table that way and applies them with one ``UPDATE … FROM``:
far faster than Django's ``bulk_update``, whose CASE expressions grow with the batch. Values go
through the backend's own adapters, so dates, times and JSON are stored as the ORM stores them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache
from typing import Any, TypeAlias

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections, models
from django.db.backends.utils import CursorWrapper
from django.db.models.expressions import RawSQL

BATCH = 5000
# How many JSON values ``bulk_insert_rows`` and ``bulk_update_rows`` remember the text of.
JSON_CACHE_ENTRIES = 20_000

# A row as the database takes it, and a stored field: their values are of any column type.
Row: TypeAlias = tuple[Any, ...]
Field: TypeAlias = "models.Field[Any, Any]"
Adapter: TypeAlias = Callable[[Any], Any]


def _fields(model: type[models.Model], names: Iterable[str]) -> list[Field]:
    """The model's fields of these names, each stored in a column of its table."""
    fields = []
    for name in names:
        field = model._meta.get_field(name)
        if not isinstance(field, models.Field) or field.column is None:
            raise ValueError(f"{model.__name__}.{name} is not stored in a column of its own.")
        fields.append(field)
    return fields


def _column(field: Field) -> str:
    """The column of a field ``_fields`` returned (or a primary key): never None."""
    if field.column is None:
        raise ValueError(f"{field} is not stored in a column of its own.")
    return field.column


def _adapter(field: Field) -> Adapter | None:
    """A function preparing a Python value of ``field`` for the database, chosen once per
    field rather than once per value: imports adapt millions of values."""
    ops = connection.ops
    if isinstance(field, models.JSONField):
        return _json_adapter()
    if isinstance(field, models.DateTimeField):
        return _memoized(ops.adapt_datetimefield_value)
    if isinstance(field, models.DateField):
        return _memoized(ops.adapt_datefield_value)
    if isinstance(
        field,
        models.CharField
        | models.TextField
        | models.IntegerField
        | models.ForeignKey
        | models.BooleanField
        | models.DecimalField,  # both drivers take a Decimal (Django registers it for SQLite)
    ):
        return None  # passed as it is
    if isinstance(field, models.UUIDField):
        if connection.features.has_native_uuid_field:
            return None
        return lambda value: None if value is None else value.hex  # as the ORM stores it
    return lambda value: field.get_db_prep_value(value, connection, prepared=False)


def _json_text(value: Any) -> str | None:
    """A JSON field's value as the database takes it."""
    if value is None:
        return None
    return "[]" if value == [] else json.dumps(value, ensure_ascii=False)


def _json_adapter() -> Adapter:
    """JSON text of a value. The rows of an import often share one list object (the reasons of
    a clearance): the same object is serialised once, by identity, and kept referenced so that
    its identity stays its own. Rows must not change a value once it is handed over."""
    cache: dict[int, tuple[Any, str | None]] = {}

    def adapted(value: Any) -> Any:
        known = cache.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        text = _json_text(value)
        if len(cache) >= JSON_CACHE_ENTRIES:
            # Rows that each bring their own value (a re-screening's) would otherwise keep
            # every value and its text alive until the load ends.
            cache.clear()
        cache[id(value)] = (value, text)
        return text

    return adapted


def _memoized(adapt: Adapter) -> Adapter:
    """Dates and times repeat across the rows of an import: adapt each distinct one once."""
    cache: dict[Any, Any] = {None: None}

    def adapted(value: Any) -> Any:
        try:
            return cache[value]
        except KeyError:
            result = cache[value] = adapt(value)
            return result

    return adapted


def _row_adapter(fields: Sequence[Field]) -> Callable[[Row], Row]:
    """A function preparing a row for the database: only the columns that need an adapter are
    touched (a worker row has a few dates and one JSON list among some thirty columns), the
    rest are passed as they are."""
    width = len(fields)
    adapted = [
        (index, adapter)
        for index, adapter in enumerate(_adapter(field) for field in fields)
        if adapter is not None
    ]
    if not adapted:
        return tuple

    def adapt(row: Row) -> Row:
        if len(row) != width:
            raise ValueError(f"A row has {len(row)} values for {width} columns.")
        values = list(row)
        for index, adapter in adapted:
            values[index] = adapter(values[index])
        return tuple(values)

    return adapt


@cache
def _plain_adapters(
    model: type[models.Model], field_names: tuple[str, ...]
) -> tuple[tuple[int, Adapter, bool], ...]:
    """The positions of the values that need adapting, with their adapter and whether it is a
    date or a time (memoized per call by ``_plain_row_adapter``); kept per process."""
    adapters: list[tuple[int, Adapter, bool]] = []
    for index, field in enumerate(_fields(model, field_names)):
        adapter = _adapter(field)
        dated = isinstance(field, models.DateField)  # a DateTimeField is one too
        if isinstance(field, models.DateTimeField):
            adapter = connection.ops.adapt_datetimefield_value
        elif isinstance(field, models.DateField):
            adapter = connection.ops.adapt_datefield_value
        elif isinstance(field, models.JSONField):
            adapter = _json_text
        if adapter is not None:
            adapters.append((index, adapter, dated))
    return tuple(adapters)


def _plain_row_adapter(
    model: type[models.Model], field_names: tuple[str, ...]
) -> Callable[[Row], Row]:
    """Like ``_row_adapter``, for the small, frequent inserts of ``insert_rows_returning``: only
    the values that need it are adapted, and dates and times through a memo of this call only
    (a batch's rows share their day and time of receipt; kept per process, it would only grow).
    """
    adapters = [
        (index, _memoized(adapter) if dated else adapter, dated)
        for index, adapter, dated in _plain_adapters(model, field_names)
    ]

    def adapt(row: Row) -> Row:
        values = list(row)
        for index, adapter, _dated in adapters:
            values[index] = adapter(values[index])
        return tuple(values)

    return adapt


def _batches(rows: Iterable[Row], size: int = BATCH) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _load(cursor: CursorWrapper, table: str, columns: Sequence[str], rows: Iterable[Row]) -> int:
    """Write rows into ``table`` (a quoted name) with the fastest path of the backend."""
    count = 0
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    placeholders = ", ".join(["%s"] * len(columns))
    # Identifiers come from model metadata; values go through placeholders.
    statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608
    for batch in _batches(rows):
        cursor.executemany(statement, batch)
        count += len(batch)
    return count


def bulk_insert_rows(
    model: type[models.Model], field_names: Sequence[str], rows: Iterable[Row]
) -> int:
    """Insert many rows: no model instances, no per-row signals. For imports whose rows have
    been validated already; runs inside the caller's transaction."""
    fields = _fields(model, field_names)
    quote = connection.ops.quote_name
    adapt = _row_adapter(fields)
    with connection.cursor() as cursor:
        return _load(
            cursor,
            quote(model._meta.db_table),
            [quote(_column(field)) for field in fields],
            (adapt(row) for row in rows),
        )


def insert_rows_returning(
    model: type[models.Model],
    field_names: Sequence[str],
    rows: Sequence[Row],
    *,
    unique: str | Sequence[str] | None,
    returning: Sequence[str],
) -> list[Row]:
    """Insert rows with ``INSERT … ON CONFLICT (unique) DO NOTHING RETURNING …`` (SQLite 3.35+
    and PostgreSQL): one statement that writes the new rows, skips those whose ``unique`` value
    is already stored (one field, or several with a unique constraint over them), and answers
    with ``returning`` of the rows it wrote. ``unique=None`` skips a row that any unique
    constraint refuses (for a table whose unique columns have no index of their own, such as a
    partitioned one). Runs inside the caller's transaction."""
    fields = _fields(model, field_names)
    quote = connection.ops.quote_name
    adapt = _plain_row_adapter(model, tuple(field_names))
    columns = ", ".join(quote(_column(field)) for field in fields)
    answer = ", ".join(quote(_column(field)) for field in _fields(model, returning))
    if unique is None:
        conflict = ""
    else:
        unique_names = (unique,) if isinstance(unique, str) else tuple(unique)
        conflict = f"({', '.join(quote(_column(field)) for field in _fields(model, unique_names))})"
    row_placeholder = f"({', '.join(['%s'] * len(fields))})"
    # SQLite allows 32,766 parameters in a statement, PostgreSQL 65,535.
    size = max(1, 30_000 // len(fields))
    written: list[Row] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = [adapt(row) for row in rows[start : start + size]]
            values = ", ".join([row_placeholder] * len(chunk))
            # Identifiers come from model metadata; values go through placeholders.
            cursor.execute(
                f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES {values} "  # noqa: S608
                f"ON CONFLICT {conflict} DO NOTHING RETURNING {answer}",
                [value for row in chunk for value in row],
            )
            written.extend(cursor.fetchall())
    return written


def bulk_update_rows(
    model: type[models.Model], field_names: Sequence[str], rows: Iterable[Row]
) -> int:
    """Set ``field_names`` for each ``(pk, value, …)`` in ``rows``; returns the rows written.

    Runs inside the caller's transaction.
    """
    fields = _fields(model, field_names)
    table = model._meta.db_table
    quote = connection.ops.quote_name
    columns = [quote(_column(field)) for field in fields]
    temporary = quote(f"bulk_{table}")
    adapt = _row_adapter(fields)
    with connection.cursor() as cursor:
        definitions = ", ".join(
            f"{column} {_column_type(field)}" for column, field in zip(columns, fields, strict=True)
        )
        cursor.execute(f"DROP TABLE IF EXISTS {temporary}")
        cursor.execute(f"CREATE TEMPORARY TABLE {temporary} (id bigint PRIMARY KEY, {definitions})")
        count = _load(
            cursor, temporary, ["id", *columns], ((row[0], *adapt(row[1:])) for row in rows)
        )
        assignments = []
        for column, field in zip(columns, fields, strict=True):
            source = f"bulk.{column}"
            if connection.vendor == "postgresql" and isinstance(field, models.JSONField):
                source += "::jsonb"
            assignments.append(f"{column} = {source}")
        key = f"{quote(table)}.{quote(_column(model._meta.pk))}"
        cursor.execute(
            f"UPDATE {quote(table)} SET {', '.join(assignments)} "  # noqa: S608
            f"FROM {temporary} AS bulk WHERE {key} = bulk.id"
        )
        cursor.execute(f"DROP TABLE {temporary}")
    return count


def _column_type(field: Field) -> str:
    postgres = connection.vendor == "postgresql"
    if isinstance(field, models.JSONField):
        return "text"
    if isinstance(field, models.DateTimeField):
        return "timestamp with time zone" if postgres else "text"
    if isinstance(field, models.DateField):
        return "date" if postgres else "text"
    if isinstance(field, models.BooleanField):
        return "boolean"
    if isinstance(field, models.IntegerField | models.ForeignKey):
        return "bigint"
    return "text"


def select_rows(queryset: models.QuerySet[Any], field_names: Sequence[str]) -> list[Row]:
    """The rows of ``queryset.values_list(*field_names)``, as tuples, read with one cursor.

    The ORM builds the query and names the converters (dates on SQLite, JSON), as it would;
    but where it calls each converter on every row through a generic loop, here each column's
    converters run once per distinct value: an import reads a hundred thousand workers whose
    dates and clearance reasons repeat. Converted values that repeat are shared between rows,
    so they must be treated as read-only."""
    query = queryset.values_list(*field_names)
    compiler = query.query.get_compiler(using=query.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # say, an empty ``__in`` list: the ORM knows no row can match
        return []
    database = connections[query.db]
    converters = compiler.get_converters(
        [column[0] for column in compiler.select[: compiler.col_count]]
    )
    with database.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not converters:
        return [tuple(row) for row in rows]
    plan = [
        (index, _memoized_converter(functions, expression, database))
        for index, (functions, expression) in converters.items()
    ]
    result: list[Row] = []
    for row in rows:
        values = list(row)
        for index, convert in plan:
            values[index] = convert(values[index])
        result.append(tuple(values))
    return result


def _memoized_converter(
    functions: Sequence[Callable[..., Any]], expression: Any, database: Any
) -> Adapter:
    cache: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        try:
            return cache[value]
        except KeyError:
            pass
        except TypeError:  # a value the driver decoded into a list or dict: not memoized
            return _convert(value)
        result = cache[value] = _convert(value)
        return result

    def _convert(value: Any) -> Any:
        for function in functions:
            value = function(value, expression, database)
        return value

    return convert


class KeySet:
    """A temporary table holding many keys (say, the digests of an import file), to filter
    querysets with ``field__in=keys.subquery()`` instead of a hundred thousand parameters."""

    def __init__(self, keys: Iterable[str], *, name: str = "keyset") -> None:
        self.table = connection.ops.quote_name(f"tmp_{name}")
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
            cursor.execute(f"CREATE TEMPORARY TABLE {self.table} (k varchar(64) PRIMARY KEY)")
            _load(cursor, self.table, ["k"], ((key,) for key in keys))
            if connection.vendor == "postgresql":
                cursor.execute(f"ANALYZE {self.table}")

    def subquery(self) -> RawSQL:
        return RawSQL(f"SELECT k FROM {self.table}", [])  # noqa: S608, S611 - our own table

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
