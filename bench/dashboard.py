"""Benchmark: the command post's dashboard and daily report at city scale.

    .venv/bin/python bench/dashboard.py [--postgres postgres://…] [--scale 0.1]
        [--enterprises 10000 --workers 500000 --days 14] [--runs 20] [--data-dir DIR]

Generates the data set with ``manage.py generate_scale_data`` (10,000 enterprises, 500,000
workers, 14 days of gate checks, about seven million rows) into a fresh SQLite database in a
temporary directory, or into the PostgreSQL database given with ``--postgres`` (or
BENCH_DATABASE_URL); a database that already holds the data set is measured as it is (and so is
the SQLite database of ``--data-dir``, kept with ``--keep``). Then measures, warm, the median
and p95 of ``--runs`` requests through Django's test client:

- the dashboard page (``GET /reports/?date=…``) for the command post, today and 7 days ago,
  and its parts in-process (``enterprise_facts``, ``daily_figures``, ``trends``, breakdowns);
- the JSON API (``GET /api/v1/reports/daily?date=…``), the daily report page (text, both
  languages) and the xlsx table;
- a liaison's dashboard;
- the baseline in the same run: ``GET /api/v1/health`` and a bare
  ``SELECT COUNT(*)`` of the gate checks of one date; each figure of a date is printed and saved
  as its ratio to that date's baseline.

Every SQL statement of the dashboards is captured (``CaptureQueriesContext``), timed again on
its own and explained (EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL); the plans,
the indexes they use and the full scans are saved in bench/results/dashboard_<database>.json.
The aim (300 ms for the dashboard and the daily report of one date) is reported, not enforced.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

from common import REPOSITORY, fresh_environment, save

TARGET_MS = 300
LABELS = [
    ("reports_attendancecount", "attendance counts (day or date range)"),
    ("reports_headcountdeclaration", "headcount declarations"),
    ("audit_auditevent", "audit rows (applications waiting)"),
    ("workforce_worker", "observation (workers, clearance history)"),
    ("screening_clearancechange", "observation (clearance history)"),
    ("gate_eventstep", "cases (latest event outcome)"),
    ("gate_abnormalevent", "abnormal events of the day / trend"),
    ("gate_gatecheck", "gate checks (alert evidence)"),
    ("resumption_suspension", "suspensions"),
    ("resumption_resumptionapplication", "approved applications"),
    ("accounts_user", "users (session, liaison names)"),
    ("django_session", "session"),
    ("enterprises_enterprise", "enterprise facts / records begin"),
]


def environment(arguments) -> Path | None:
    if arguments.data_dir:
        os.environ["FUGONG_DATA_DIR"] = arguments.data_dir
        os.environ["DJANGO_SETTINGS_MODULE"] = "fugong.settings.development"
        os.environ.pop("DATABASE_URL", None)
        sys.path.insert(0, str(REPOSITORY))
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        return None
    return fresh_environment(arguments.postgres)


PROVINCE = {"enterprises": 50_000, "workers": 2_000_000, "days": 7}


def sizes(scale: float, arguments) -> dict:
    if arguments.size == "province":
        return {**PROVINCE, "seed": arguments.seed}
    return {
        "enterprises": arguments.enterprises or max(30, round(10_000 * scale)),
        "workers": arguments.workers or max(600, round(500_000 * scale)),
        "days": arguments.days,
        "seed": arguments.seed,
    }


def timed(function, runs: int, warm: int = 2) -> dict:
    for _ in range(warm):
        function()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, max(0, round(0.95 * len(samples)) - 1))]
    return {
        "median_ms": round(statistics.median(samples), 1),
        "p95_ms": round(p95, 1),
        "min_ms": round(samples[0], 1),
        "max_ms": round(samples[-1], 1),
        "runs": runs,
    }


def label_of(sql: str) -> str:
    head = sql.split(" WHERE ")[0]
    for table, label in LABELS:
        if f'"{table}"' in head.split(" FROM ")[-1] if " FROM " in head else False:
            return label
    for table, label in LABELS:
        if f'"{table}"' in sql:
            return label
    return "other"


def explain(sql: str) -> tuple[list[str], float]:
    """The plan of a captured statement, and its own time (median of 5 runs, ms)."""
    from django.db import connection

    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = [row[0] for row in cursor.fetchall()]
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = [f"{'  ' * 0}{row[3]}" for row in cursor.fetchall()]
        samples = []
        for _ in range(5):
            started = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            samples.append((time.perf_counter() - started) * 1000)
    return plan, round(statistics.median(samples), 2)


def plan_summary(plan: list[str]) -> dict:
    text = "\n".join(plan)
    indexes = sorted(
        set(
            re.findall(
                r"(?:USING (?:COVERING )?INDEX|using|Index Scan on|Bitmap Index Scan on) (\w+)",
                text,
            )
        )
        | set(re.findall(r"Bitmap Index Scan on (\w+)", text))
        | set(re.findall(r"USING (INTEGER PRIMARY KEY)", text))
    )
    scans = sorted(
        set(re.findall(r"Seq Scan on (\w+)", text))
        | set(re.findall(r"^\s*SCAN (\w+)(?!.*USING)", text, flags=re.MULTILINE))
    )
    return {"indexes": indexes, "full_scans": scans}


def capture(client, url: str) -> list[dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    statements = []
    for query in context.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        statements.append({"sql": sql, "ms_in_request": round(float(query["time"]) * 1000, 2)})
    return statements


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default=None, help="a DATABASE_URL for PostgreSQL")
    parser.add_argument("--scale", type=float, default=1.0, help="a fraction of the city size")
    parser.add_argument("--enterprises", type=int)
    parser.add_argument("--workers", type=int)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument(
        "--size",
        choices=["city", "province"],
        default="city",
        help="province: 50,000 enterprises, 2,000,000 workers, 7 days (as generate_scale_data)",
    )
    parser.add_argument(
        "--result-name", help="the file name in bench/results (default: dashboard_<database>)"
    )
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--data-dir", help="measure the SQLite database of this data directory")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    parser.add_argument("--note", default="", help="saved with the results (say, a shared machine)")
    arguments = parser.parse_args()
    if (
        arguments.postgres is None
        and os.environ.get("BENCH_DATABASE_URL")
        and "--sqlite" in sys.argv
    ):
        arguments.postgres = os.environ["BENCH_DATABASE_URL"]
    work_dir = environment(arguments)

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from fugong.accounts.models import User
    from fugong.core.roles import Role
    from fugong.enterprises.models import Enterprise
    from fugong.gate.models import Attendance, GateCheck
    from fugong.reports import exports, selectors
    from fugong.workforce.models import Worker

    settings.DEBUG = False  # no query log kept per request, as in production
    wanted = sizes(arguments.scale, arguments)
    database = connection.vendor
    generation_seconds = None
    if Enterprise.objects.exists():
        print(
            f"measuring the data already in the database ({Enterprise.objects.count():,} enterprises)"
        )
    else:
        print(f"generating {wanted} on {database}", flush=True)
        started = time.perf_counter()
        call_command("generate_scale_data", stdout=sys.stdout, **wanted)
        generation_seconds = round(time.perf_counter() - started, 1)
    today = timezone.localdate()
    week_ago = today - timedelta(days=7)
    command = User.objects.filter(role=Role.COMMAND, username__startswith="scale").first()
    liaison = (
        User.objects.filter(role=Role.LIAISON, username__startswith="scale")
        .order_by("-is_leader", "pk")
        .first()
    )
    counts = {
        "enterprises": Enterprise.objects.count(),
        "liaison_enterprises": Enterprise.objects.filter(liaison=liaison).count(),
        "workers": Worker.objects.count(),
        "gate_checks": GateCheck.objects.count(),
        "gate_checks_today": GateCheck.objects.filter(check_date=today).count(),
        "attendance_rows": Attendance.objects.count(),
    }
    print(counts)
    commander = Client()
    commander.force_login(command)
    officer = Client()
    officer.force_login(liaison)
    anonymous = Client()

    def get(client, url, content_type=None):
        def request():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            if content_type:
                assert response["Content-Type"].startswith(content_type)

        return request

    def in_process(day):
        def compute():
            facts = selectors.enterprise_facts(command)
            figures = selectors.daily_figures(actor=command, day=day, facts=facts)
            selectors.trends(actor=command, day=day, facts=facts)
            selectors.breakdown_by_kind(figures)
            selectors.breakdown_by_liaison(figures)
            exports.daily_report_text(figures)

        return compute

    def part(name, day):
        facts = selectors.enterprise_facts(command)
        figures = selectors.daily_figures(actor=command, day=day, facts=facts)
        return {
            "enterprise_facts": lambda: selectors.enterprise_facts(command),
            "daily_figures": lambda: selectors.daily_figures(actor=command, day=day, facts=facts),
            "trends": lambda: selectors.trends(actor=command, day=day, facts=facts),
            "breakdowns": lambda: (
                selectors.breakdown_by_kind(figures),
                selectors.breakdown_by_liaison(figures),
            ),
            "observation_count": lambda: selectors.observation_workers(
                actor=command, day=day
            ).count(),
            "applications_waiting": lambda: selectors.applications_waiting_counts(
                actor=command, day=day
            ),
            "report_xlsx_build": lambda: exports.daily_report_xlsx(figures),
        }[name]

    def raw_count(day):
        def count():
            with connection.cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM gate_gatecheck WHERE check_date = %s", [day])
                cursor.fetchone()

        return count

    runs = arguments.runs
    plan = {}
    for name, day in (("today", today), ("7_days_ago", week_ago)):
        iso = day.isoformat()
        plan[f"dashboard_page_{name}"] = get(commander, f"/reports/?date={iso}", "text/html")
        plan[f"api_daily_json_{name}"] = get(
            commander, f"/api/v1/reports/daily?date={iso}", "application/json"
        )
        plan[f"daily_report_page_{name}"] = get(commander, f"/reports/daily/?date={iso}")
        plan[f"daily_report_text_api_{name}"] = get(
            commander, f"/api/v1/reports/daily?date={iso}&format=text", "text/plain"
        )
        plan[f"daily_report_xlsx_{name}"] = get(commander, f"/reports/daily.xlsx?date={iso}")
        plan[f"liaison_dashboard_{name}"] = get(officer, f"/reports/?date={iso}", "text/html")
        plan[f"in_process_figures_trends_breakdowns_{name}"] = in_process(day)
        plan[f"baseline_count_checks_of_the_day_{name}"] = raw_count(day)
    for piece in (
        "enterprise_facts",
        "daily_figures",
        "trends",
        "breakdowns",
        "observation_count",
        "applications_waiting",
        "report_xlsx_build",
    ):
        plan[f"part_{piece}_today"] = part(piece, today)
    plan["baseline_health"] = get(anonymous, "/api/v1/health", "application/json")
    timings = {}
    for name, function in plan.items():
        try:
            timings[name] = timed(function, runs)
        except Exception as error:  # reported; the other figures still count
            timings[name] = {"error": repr(error)[:500], "median_ms": None, "p95_ms": None}
            print(f"{name:55} FAILED: {error!r}"[:300], flush=True)
            continue
        print(
            f"{name:55} median {timings[name]['median_ms']:8.1f} ms   p95 {timings[name]['p95_ms']:8.1f} ms",
            flush=True,
        )

    # Each figure as a ratio to the same run's baseline of its day: the bare COUNT(*) of that
    # day's gate checks (the noise of a shared machine weighs on both alike).
    ratios = {}
    print("\nagainst the same run's baseline (SELECT COUNT(*) of the day's checks):")
    for suffix in ("today", "7_days_ago"):
        baseline = timings.get(f"baseline_count_checks_of_the_day_{suffix}", {}).get("median_ms")
        for name, timing in timings.items():
            if not name.endswith(suffix) or name.startswith("baseline") or not baseline:
                continue
            if timing.get("median_ms") is None:
                continue
            ratios[name] = round(timing["median_ms"] / baseline, 2)
            aim = "under" if timing["median_ms"] < TARGET_MS else "OVER"
            print(
                f"  {name:55} {timing['median_ms']:8.1f} ms = {ratios[name]:6.2f} x baseline "
                f"{baseline:.1f} ms  ({aim} the {TARGET_MS} ms aim)"
                if name.startswith(("dashboard_page", "daily_report_page", "api_daily_json"))
                else f"  {name:55} {timing['median_ms']:8.1f} ms = {ratios[name]:6.2f} x baseline "
                f"{baseline:.1f} ms",
                flush=True,
            )

    # The statements behind the dashboards: plans and their own times.
    queries = []
    seen = set()
    for who, client in (("command", commander), ("liaison", officer)):
        for day in (today, week_ago):
            for statement in capture(client, f"/reports/?date={day.isoformat()}"):
                key = (who, re.sub(r"'[^']*'|\b\d+\b", "?", statement["sql"]))
                if key in seen:
                    continue
                seen.add(key)
                steps, alone = explain(statement["sql"])
                summary = plan_summary(steps)
                queries.append(
                    {
                        "user": who,
                        "date": day.isoformat(),
                        "label": label_of(statement["sql"]),
                        "ms_in_request": statement["ms_in_request"],
                        "ms_alone_median": alone,
                        **summary,
                        "sql": statement["sql"][:3000],
                        "plan": steps,
                    }
                )
    queries.sort(key=lambda query: -query["ms_alone_median"])
    print("\nstatements of the dashboards, slowest first (own time, indexes used, full scans):")
    for query in queries:
        print(
            f"  {query['ms_alone_median']:8.2f} ms  {query['user']:8} {query['date']}  "
            f"{query['label']:42} idx={','.join(query['indexes']) or '-'}  "
            f"scan={','.join(query['full_scans']) or '-'}"
        )
    aims = {
        name: timings[name]["median_ms"] < TARGET_MS
        for name in timings
        if name.startswith(("dashboard_page", "daily_report_page", "api_daily_json"))
        and timings[name]["median_ms"] is not None
    }
    result = {
        "database": database,
        "requested_size": wanted,
        "counts": counts,
        "generation_seconds": generation_seconds,
        "target_ms": TARGET_MS,
        "under_target": aims,
        "note": arguments.note,
        "ratio_to_baseline_of_the_day": ratios,
        "timings": timings,
        "queries": queries,
    }
    name = arguments.result_name or (
        "dashboard_postgresql" if database == "postgresql" else "dashboard_sqlite"
    )
    print(f"saved {save(name, result)}")
    if work_dir and not arguments.keep:
        shutil.rmtree(work_dir, ignore_errors=True)
    elif work_dir:
        print(f"data kept in {work_dir}")


if __name__ == "__main__":
    main()
