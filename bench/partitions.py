"""Benchmark: the day's queries on the monthly partitions of the gate checks and of the
attendance rows (PostgreSQL), against the same rows in unpartitioned copies, in the same run.

    .venv/bin/python bench/partitions.py [--postgres postgres://…/fugong_partitions_bench]
        [--enterprises 400 --workers 20000 --days 14] [--history-days 180] [--runs 30]

Migrates the database (the migration partitions the tables), generates ``--days`` of records
with ``manage.py generate_scale_data`` unless the database holds them already, then gives the
gate checks and the attendance a history of ``--history-days`` by copying the generated days
back in steps of ``--days`` (new client ids; the partitions of those months made first with
``partitions_ensure``). The baseline: ``bench_plain_gatecheck`` and ``bench_plain_attendance``,
plain tables holding the same rows with the same indexes for these queries. Both sides are
VACUUM ANALYZEd. For each of the day's queries, for today, a week ago and three months ago:
the median and p95 of ``--runs`` runs (warm), and EXPLAIN (ANALYZE, BUFFERS) of each side —
the tables it reads (one partition on the partitioned side: partition pruning) and its buffers.
The cost of the client-id trigger on insert is measured too: a day's worth of checks inserted
into each side in a transaction that is rolled back. Saved in
bench/results/partitions_postgresql.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta

from common import fresh_environment, save

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/fugong_partitions_bench"

# The day's queries, written for a table name: the count of the day's checks, the dashboard's
# admitted-by-enterprise of the day, and the workers on duty of the day.
QUERIES = {
    "checks_of_the_day": (
        "gate",
        "SELECT count(*) FROM {table} WHERE check_date = %s",
    ),
    "admitted_by_enterprise_of_the_day": (
        "gate",
        "SELECT enterprise_id, count(*) FROM {table} WHERE check_date = %s "
        "AND verdict = 'admitted' GROUP BY enterprise_id",
    ),
    "workers_on_duty_of_the_day": (
        "attendance",
        "SELECT enterprise_id, count(*) FROM {table} WHERE day = %s GROUP BY enterprise_id",
    ),
}
TABLES = {
    "gate": {"partitioned": "gate_gatecheck", "plain": "bench_plain_gatecheck"},
    "attendance": {"partitioned": "reports_attendance", "plain": "bench_plain_attendance"},
}


def timed(cursor, sql: str, params, runs: int) -> dict:
    for _ in range(2):
        cursor.execute(sql, params)
        cursor.fetchall()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        cursor.execute(sql, params)
        cursor.fetchall()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 3),
        "p95_ms": round(samples[max(0, int(len(samples) * 0.95) - 1)], 3),
    }


def explained(cursor, sql: str, params) -> dict:
    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
    plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    relations: list[str] = []
    buffers = {"shared_hit": 0, "shared_read": 0}

    def walk(node):
        if "Relation Name" in node:
            relations.append(node["Relation Name"])
        for child in node.get("Plans", []):
            walk(child)

    root = plan[0]["Plan"]
    walk(root)
    buffers = {
        "shared_hit": root.get("Shared Hit Blocks", 0),
        "shared_read": root.get("Shared Read Blocks", 0),
    }
    cursor.execute(f"EXPLAIN {sql}", params)
    text = [line for (line,) in cursor.fetchall()]
    return {
        "tables_read": sorted(set(relations)),
        "planning_ms": plan[0].get("Planning Time"),
        "execution_ms": plan[0].get("Execution Time"),
        "buffers": buffers,
        "plan": text,
    }


def history(cursor, step_days: int, history_days: int, today) -> int:
    """Copy the generated days back in steps of ``step_days`` until ``history_days``."""
    from fugong.gate.partitions import partitions_ensure

    cursor.execute("SELECT min(check_date) FROM gate_gatecheck")
    first = cursor.fetchone()[0]
    if first is not None and (today - first).days >= history_days - 1:
        return 0
    oldest = today - timedelta(days=history_days)
    months = (today.year - oldest.year) * 12 + today.month - oldest.month
    partitions_ensure(today=oldest, months_ahead=months + 2)
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = 'gate_gatecheck'::regclass "
        "AND attnum > 0 AND NOT attisdropped AND attname NOT IN "
        "('id', 'client_id', 'check_date', 'occurred_at', 'received_at') ORDER BY attnum"
    )
    columns = [name for (name,) in cursor.fetchall()]
    kept = ", ".join(columns)
    copied = 0
    offset = step_days
    while offset < history_days:
        started = time.perf_counter()
        cursor.execute(
            f"INSERT INTO gate_gatecheck ({kept}, client_id, check_date, occurred_at, "
            f"received_at) SELECT {kept}, gen_random_uuid(), check_date - %s, "
            "occurred_at - make_interval(days => %s), received_at - make_interval(days => %s) "
            "FROM gate_gatecheck WHERE check_date > %s",
            [offset, offset, offset, today - timedelta(days=step_days)],
        )
        copied += cursor.rowcount
        cursor.execute(
            "INSERT INTO reports_attendance (day, worker_id, enterprise_id) "
            "SELECT day - %s, worker_id, enterprise_id FROM reports_attendance WHERE day > %s",
            [offset, today - timedelta(days=step_days)],
        )
        print(
            f"  history: {offset} days back, {cursor.rowcount:,} attendance rows, "
            f"{time.perf_counter() - started:.0f} s",
            flush=True,
        )
        offset += step_days
    return copied


def plain_copies(cursor) -> None:
    cursor.execute("DROP TABLE IF EXISTS bench_plain_gatecheck, bench_plain_attendance")
    cursor.execute("CREATE TABLE bench_plain_gatecheck AS SELECT * FROM gate_gatecheck")
    cursor.execute("ALTER TABLE bench_plain_gatecheck ADD PRIMARY KEY (id)")
    cursor.execute("ALTER TABLE bench_plain_gatecheck ADD UNIQUE (client_id)")
    cursor.execute("CREATE INDEX ON bench_plain_gatecheck (check_date, verdict)")
    cursor.execute("CREATE INDEX ON bench_plain_gatecheck (enterprise_id, check_date, verdict)")
    cursor.execute("CREATE TABLE bench_plain_attendance AS SELECT * FROM reports_attendance")
    cursor.execute("ALTER TABLE bench_plain_attendance ADD PRIMARY KEY (id)")
    cursor.execute("ALTER TABLE bench_plain_attendance ADD UNIQUE (day, worker_id)")
    cursor.execute("CREATE INDEX ON bench_plain_attendance (day, enterprise_id)")


def inserts(cursor, today, rows: int) -> dict:
    """A day's checks inserted again with new client ids, into each side, rolled back."""
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = 'gate_gatecheck'::regclass "
        "AND attnum > 0 AND NOT attisdropped AND attname NOT IN ('id', 'client_id') "
        "ORDER BY attnum"
    )
    kept = ", ".join(name for (name,) in cursor.fetchall())
    answer = {}
    for side, table in (("partitioned", "gate_gatecheck"), ("plain", "bench_plain_gatecheck")):
        id_value = "" if side == "partitioned" else "id, "
        id_source = "" if side == "partitioned" else "id + 1000000000, "
        cursor.execute("BEGIN")
        started = time.perf_counter()
        cursor.execute(
            f"INSERT INTO {table} ({id_value}{kept}, client_id) "
            f"SELECT {id_source}{kept}, gen_random_uuid() FROM gate_gatecheck "
            "WHERE check_date = %s LIMIT %s",
            [today, rows],
        )
        seconds = time.perf_counter() - started
        written = cursor.rowcount
        cursor.execute("ROLLBACK")
        answer[side] = {"rows": written, "ms": round(seconds * 1000, 1)}
    answer["ratio_partitioned_to_plain"] = round(
        answer["partitioned"]["ms"] / answer["plain"]["ms"], 2
    )
    return answer


def client_id_lookups(cursor, runs: int) -> dict:
    """The lookup every gate request makes first (``gate.reads.stored_checks``): the stored
    checks of a batch's client ids, 100 new ids (the usual case: none found). On the partitioned
    side it probes the ``(client_id, check_date)`` index of every partition."""
    import uuid

    ids = [str(uuid.uuid4()) for _ in range(100)]
    placeholders = ", ".join(["%s"] * len(ids))
    answer = {}
    for side, table in (("partitioned", "gate_gatecheck"), ("plain", "bench_plain_gatecheck")):
        sql = f"SELECT id FROM {table} WHERE client_id IN ({placeholders})"
        answer[side] = {**timed(cursor, sql, ids, runs), **explained(cursor, sql, ids)}
        del answer[side]["plan"]
    answer["ratio_partitioned_to_plain"] = round(
        answer["partitioned"]["median_ms"] / answer["plain"]["median_ms"], 2
    )
    return answer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--enterprises", type=int, default=400)
    parser.add_argument("--workers", type=int, default=20000)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--history-days", type=int, default=180)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--insert-rows", type=int, default=10000)
    arguments = parser.parse_args()
    fresh_environment(arguments.postgres)

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from fugong.enterprises.models import Enterprise
    from fugong.gate.partitions import partitions_of

    if connection.vendor != "postgresql":
        sys.exit("bench/partitions.py measures PostgreSQL's partitions: give --postgres")
    today = timezone.localdate()
    if not Enterprise.objects.exists():
        print("generating the data set", flush=True)
        call_command(
            "generate_scale_data",
            enterprises=arguments.enterprises,
            workers=arguments.workers,
            days=arguments.days,
            stdout=sys.stdout,
        )
    with connection.cursor() as cursor:
        started = time.perf_counter()
        copied = history(cursor, arguments.days, arguments.history_days, today)
        print(f"history: {copied:,} checks copied in {time.perf_counter() - started:.0f} s")
        plain_copies(cursor)
        connection.connection.autocommit = True  # VACUUM runs outside a transaction
        for table in (
            "gate_gatecheck",
            "reports_attendance",
            "bench_plain_gatecheck",
            "bench_plain_attendance",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")
        counts = {}
        for name in ("gate_gatecheck", "reports_attendance"):
            cursor.execute(f"SELECT count(*) FROM {name}")
            counts[name] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM gate_gatecheck WHERE check_date = %s", [today])
        counts["gate_checks_today"] = cursor.fetchone()[0]
        cursor.execute("SELECT min(check_date), max(check_date) FROM gate_gatecheck")
        first, last = cursor.fetchone()
        layout = {
            table: [name for name, _bounds in partitions_of(cursor, table)]
            for table in ("gate_gatecheck", "reports_attendance")
        }
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('gate_gatecheck_client_key'))")
        key_table_size = cursor.fetchone()[0]

        days = {
            "today": today,
            "a_week_ago": today - timedelta(days=7),
            "three_months_ago": today - timedelta(days=91),
        }
        measured = {}
        for query_name, (kind, template) in QUERIES.items():
            for day_name, day in days.items():
                entry = {"day": day.isoformat()}
                for side, table in TABLES[kind].items():
                    sql = template.format(table=table)
                    entry[side] = {
                        **timed(cursor, sql, [day], arguments.runs),
                        **explained(cursor, sql, [day]),
                    }
                entry["ratio_partitioned_to_plain"] = round(
                    entry["partitioned"]["median_ms"] / entry["plain"]["median_ms"], 2
                )
                measured[f"{query_name}/{day_name}"] = entry
                print(
                    f"{query_name:36} {day_name:17} partitioned "
                    f"{entry['partitioned']['median_ms']:8.2f} ms "
                    f"({', '.join(entry['partitioned']['tables_read'])}) | plain "
                    f"{entry['plain']['median_ms']:8.2f} ms  ratio "
                    f"{entry['ratio_partitioned_to_plain']}",
                    flush=True,
                )
        lookups = client_id_lookups(cursor, arguments.runs)
        print(
            "client id lookup (100 new ids):",
            {side: lookups[side]["median_ms"] for side in ("partitioned", "plain")},
        )
        insert_cost = inserts(cursor, today, arguments.insert_rows)
        print("insert", insert_cost)
        cursor.execute("DROP TABLE bench_plain_gatecheck, bench_plain_attendance")

    path = save(
        "partitions_postgresql",
        {
            "note": (
                "Measured on a machine shared with other work (2 cores, other test runs at the "
                "same time): the ratios, measured in the same run, say more than the ms."
            ),
            "data": {
                **counts,
                "first_day": first.isoformat(),
                "last_day": last.isoformat(),
                "generated": {
                    "enterprises": arguments.enterprises,
                    "workers": arguments.workers,
                    "days": arguments.days,
                    "history_days": arguments.history_days,
                },
                "client_key_table_size": key_table_size,
            },
            "partitions": layout,
            "runs": arguments.runs,
            "queries": {name: template for name, (_kind, template) in QUERIES.items()},
            "measured": measured,
            "client_id_lookup_100_new_ids": lookups,
            "insert_a_days_checks_rolled_back": insert_cost,
        },
    )
    print(f"saved {path}")


if __name__ == "__main__":
    main()
