"""Keeping the count of workers on duty as admissions arrive, and recomputing it from the checks.

A worker is on duty on day D when a gate admitted them on D; they count for the enterprise they
belonged to at that check (``GateCheck.worker_enterprise``). ``Attendance`` holds one row per
worker and day, ``AttendanceCount`` their number per enterprise and day, which is what the
dashboard reads: a few thousand rows a day for a city, instead of half a million checks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from django.db import connection

from fugong.core.bulk import insert_rows_returning

from .models import Attendance, AttendanceCount


def attendance_add(rows: Iterable[tuple[date, int, int]]) -> int:
    """Count admitted workers ``(day, worker_id, enterprise_id)`` in the caller's transaction.

    A worker already counted that day is skipped (``ON CONFLICT DO NOTHING``); the counts of the
    rows really written are added to ``AttendanceCount`` with one upsert. Two statements for a
    batch of any size; none when nothing was admitted. Returns the workers newly on duty."""
    rows = list(dict.fromkeys(rows))
    if not rows:
        return 0
    written = insert_rows_returning(
        Attendance,
        ("day", "worker", "enterprise"),
        rows,
        unique=("day", "worker"),
        returning=("day", "enterprise"),
    )
    if not written:
        return 0
    added = Counter((str(day), enterprise_id) for day, enterprise_id in written)
    _counts_add([(day, enterprise_id, count) for (day, enterprise_id), count in added.items()])
    return len(written)


def _counts_add(rows: list[tuple]) -> None:
    quote = connection.ops.quote_name
    meta = AttendanceCount._meta
    # Concrete fields, whose column is never None: the stubs type a field looked up by name as
    # any field or relation, and its column as optional.
    day, enterprise, workers = (
        quote(meta.get_field(name).column)  # type: ignore[union-attr, arg-type]
        for name in ("day", "enterprise", "workers")
    )
    placeholders = ", ".join(["(%s, %s, %s)"] * len(rows))
    with connection.cursor() as cursor:
        # Identifiers come from model metadata; values go through placeholders.
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({day}, {enterprise}, {workers}) "  # noqa: S608
            f"VALUES {placeholders} ON CONFLICT ({day}, {enterprise}) "
            f"DO UPDATE SET {workers} = {quote(meta.db_table)}.{workers} + excluded.{workers}",
            [value for row in rows for value in row],
        )


def attendance_from_checks(day_from: date, day_to: date) -> dict[tuple[date, int], int]:
    """Workers on duty per (day, enterprise), computed from the gate checks themselves: each
    worker admitted on a day counts once, for the enterprise of their first stored admission."""
    from fugong.gate.models import GateCheck, Verdict

    first = (
        GateCheck.objects.filter(
            check_date__range=(day_from, day_to),
            verdict=Verdict.ADMITTED,
            worker__isnull=False,
            worker_enterprise__isnull=False,
        )
        .order_by("check_date", "worker_id", "id")
        .values_list("check_date", "worker_id", "worker_enterprise_id")
    )
    counted: set[tuple[date, int]] = set()
    counts: Counter = Counter()
    for day, worker_id, enterprise_id in first.iterator(chunk_size=10_000):
        if (day, worker_id) in counted:
            continue
        counted.add((day, worker_id))
        counts[(day, enterprise_id)] += 1
    return dict(counts)


def attendance_stored(day_from: date, day_to: date) -> dict[tuple[date, int], int]:
    """The kept counts per (day, enterprise), to compare with ``attendance_from_checks``."""
    return {
        (day, enterprise_id): workers
        for day, enterprise_id, workers in AttendanceCount.objects.filter(
            day__range=(day_from, day_to), workers__gt=0
        ).values_list("day", "enterprise_id", "workers")
    }


def attendance_rebuild(day_from: date, day_to: date) -> int:
    """Recompute the attendance of these days from the gate checks, in the caller's transaction
    (after a bulk load that bypassed the gate's service, or to repair). Set-based: three
    statements whatever the number of checks. Returns the attendance rows written."""
    from fugong.gate.models import GateCheck, Verdict

    quote = connection.ops.quote_name
    checks = GateCheck._meta
    attendance = Attendance._meta
    counts = AttendanceCount._meta

    def column(meta, name):
        return quote(meta.get_field(name).column)

    Attendance.objects.filter(day__range=(day_from, day_to)).delete()
    AttendanceCount.objects.filter(day__range=(day_from, day_to)).delete()
    check_id = column(checks, "id")
    check_date = column(checks, "check_date")
    worker = column(checks, "worker")
    worker_enterprise = column(checks, "worker_enterprise")
    verdict = column(checks, "verdict")
    with connection.cursor() as cursor:
        # The first stored admission of each worker and day decides the enterprise, as when the
        # checks arrive one by one.
        cursor.execute(
            f"INSERT INTO {quote(attendance.db_table)} "  # noqa: S608
            f"({column(attendance, 'day')}, {column(attendance, 'worker')}, "
            f"{column(attendance, 'enterprise')}) "
            f"SELECT c.{check_date}, c.{worker}, c.{worker_enterprise} "
            f"FROM {quote(checks.db_table)} c WHERE c.{check_id} IN ("
            f"  SELECT MIN({check_id}) FROM {quote(checks.db_table)} "
            f"  WHERE {check_date} BETWEEN %s AND %s AND {verdict} = %s "
            f"  AND {worker} IS NOT NULL AND {worker_enterprise} IS NOT NULL "
            f"  GROUP BY {check_date}, {worker})",
            [day_from, day_to, Verdict.ADMITTED.value],
        )
        written = cursor.rowcount
        day = column(attendance, "day")
        enterprise = column(attendance, "enterprise")
        cursor.execute(
            f"INSERT INTO {quote(counts.db_table)} "  # noqa: S608
            f"({column(counts, 'day')}, {column(counts, 'enterprise')}, "
            f"{column(counts, 'workers')}) "
            f"SELECT {day}, {enterprise}, COUNT(*) FROM {quote(attendance.db_table)} "
            f"WHERE {day} BETWEEN %s AND %s GROUP BY {day}, {enterprise}",
            [day_from, day_to],
        )
    return written


def attendance_check(*, day_from: date, day_to: date) -> dict:
    """The kept counts against a recount from the gate checks (``manage.py attendance_rebuild
    --check``)."""
    kept = attendance_stored(day_from, day_to)
    recount = attendance_from_checks(day_from, day_to)
    return {
        "equal": kept == recount,
        "differences": sorted(
            (key, kept.get(key, 0), recount.get(key, 0))
            for key in set(kept) | set(recount)
            if kept.get(key, 0) != recount.get(key, 0)
        ),
    }
