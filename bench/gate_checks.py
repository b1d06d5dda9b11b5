"""Benchmark: gate checks over HTTP, as a production server answers them.

    .venv/bin/python bench/gate_checks.py [--seconds 15] [--server gunicorn] [--postgres postgres://…]

Sets up a fresh database (one enterprise, 2,000 workers with passes, one gate, one device token),
starts the WSGI app with the production settings, rate limits raised (``--workers 2``, sync
workers for gunicorn) on 127.0.0.1:8765, and measures, in one run on this machine:

1. single checks: ``POST /api/v1/gates/{id}/checks`` under wrk (``-t2 -c16``; a Lua script makes
   a fresh client id per request and picks one of the workers' pass tokens), and the trivial
   ``GET /api/v1/health`` on the same server with the same wrk settings: checks/s, p50/p99, and
   the ratio checks/s ÷ health req/s. The rows written are compared with the 201s wrk counted.
2. batch sync: ``POST …/checks/batch`` with 1,000 checks per request from one client in
   sequence and from two clients at once (Python, http.client, bodies built beforehand):
   checks/s, and the ratio to a bare ``sqlite3.executemany`` of as many equivalent rows into a
   copy of the gate_gatecheck table (same columns and indexes, the app's PRAGMAs, one commit per
   1,000 rows; no parent tables, so foreign keys are off there).
3. 32 concurrent writers: wrk ``-c32`` on single checks, once against the same server (2 sync
   workers: the 32 connections queue at the server) and once against 2 workers × 16 threads (32
   requests in the database at once); counts 5xx answers and "database is locked" in the
   server's log.
4. crash safety: 16 threads post checks and log each client id with its answer; the server's
   whole process group is killed with SIGKILL mid-run and started again. Every acknowledged
   check (201/200) must be in the database; then all of them are sent again and must come back
   as replays (200) without adding a row.

Before the servers start, single checks and batches are run in-process (Django's test client)
to count their queries and to time their parts. Every phase reports the CPU other processes used
meanwhile, and warns when the machine was not quiet. Needs wrk (``apt-get install wrk``).

Exits 1 when a check is lost or answered twice, a 5xx is answered or a server logs a traceback;
the aims (1,000 single checks/s, 20,000 checks/s in batches) are reported, not enforced.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import secrets
import shutil
import sys
import time
import uuid

from common import REPOSITORY, fresh_environment, save
from gate_park import (
    BATCH,
    WORKERS,
    batch_bodies,
    check_body,
    crash_run,
    gate_rows,
    keys_in_environment,
    make_park,
    resend,
    sqlite_baseline,
    stored_client_ids,
)
from harness import (
    HOST,
    CpuWatch,
    Server,
    lua_script,
    port_is_free,
    quiet,
    send_batches,
    wrk,
)

# ----- in-process: queries and time per request -----------------------------------------------


class Timers:
    """Wall time spent in chosen functions (patched for the duration), and in SQL statements."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.statements = 0
        self._restore: list[tuple] = []

    def wrap(self, owner, name: str, label: str) -> None:
        original = getattr(owner, name, None)
        if original is None:  # not in this version of the code (a run on an older commit)
            return
        self.seconds[label] = 0.0

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - started

        setattr(owner, name, timed)
        self._restore.append((owner, name, original))

    def sql(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds["SQL statements (in the database driver)"] += time.perf_counter() - started
            self.statements += 1

    def __enter__(self):
        from django.db import connection
        from django.db.backends.base.base import BaseDatabaseWrapper
        from ninja.operation import Operation

        from fugong.gate import api, reads, rules, services
        from fugong.gate.services import inputs, judging

        self.wrap(services, "gate_device_authenticate", "device token authentication")
        self.wrap(api, "rate_limit_hit", "rate limit count (one upsert)")
        self.wrap(BaseDatabaseWrapper, "connect", "  new database connection (+ PRAGMAs)")
        self.wrap(Operation, "_get_values", "body parsing and validation (ninja, pydantic)")
        self.wrap(api, "_to_input", "payload to CheckInput (model_dump for the digest)")
        self.wrap(services, "gate_checks_record", "gate_checks_record: reads, verdicts, write")
        self.wrap(services.checks, "_judge", "  _judge: reads and verdicts (no lock)")
        self.wrap(reads, "stored_checks", "    read: client ids stored already")
        self.wrap(reads, "passes_by_code", "    read: passes and their workers")
        self.wrap(reads, "workers_by_id", "    read: workers picked by id")
        self.wrap(reads, "thresholds_on", "    read: the screening policy of the day")
        self.wrap(judging, "_pass_code", "    pass token signatures (HMAC)")
        self.wrap(getattr(inputs, "_CANONICAL", None), "encode", "    payload digests (JSON)")
        self.wrap(rules, "decide", "    rules.decide (the verdicts)")
        self.wrap(judging, "instance_new", "    GateCheck instances")
        self.wrap(services.checks, "_store", "  _store: the inserts (write lock held)")
        self.wrap(services.checks, "insert_rows_returning", "    INSERT … ON CONFLICT … RETURNING")
        self.wrap(BaseDatabaseWrapper, "commit", "  COMMIT")
        self.wrap(api, "_result_out", "response items (_result_out)")
        self.wrap(Operation, "_result_to_response", "response validation and JSON (ninja)")
        self.wrap(BaseDatabaseWrapper, "close", "closing the connection (WAL checkpoint if last)")
        self.seconds["SQL statements (in the database driver)"] = 0.0
        self._wrapper = connection.execute_wrapper(self.sql)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._wrapper.__exit__(*exc)
        for owner, name, original in reversed(self._restore):
            setattr(owner, name, original)


def in_process(gate, device_token: str, tokens: list[str], requests: int) -> dict:
    """One single-check request and one batch request in-process (Django's test client, no HTTP
    server; the connection is closed after each request as a server does): their queries, and
    where their time goes."""
    from django.conf import settings
    from django.db import close_old_connections, connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.DEBUG = False
    # As in the servers (bench_settings.py): counted, never refused.
    settings.FUGONG_RATE_LIMITS = {
        name: (10**9, window) for name, (_count, window) in settings.FUGONG_RATE_LIMITS.items()
    }
    client = Client(HTTP_AUTHORIZATION=f"Bearer {device_token}")
    single_path = f"/api/v1/gates/{gate.pk}/checks"
    batch_path = f"/api/v1/gates/{gate.pk}/checks/batch"
    rng = random.Random(3)

    def post_single() -> None:
        body = check_body(str(uuid.uuid4()), rng.choice(tokens), rng)
        response = client.post(single_path, body, content_type="application/json")
        assert response.status_code == 201, response.content
        close_old_connections()

    def post_batch(body: bytes) -> None:
        response = client.post(batch_path, body, content_type="application/json")
        assert response.status_code == 200, response.content[:500]
        close_old_connections()

    def measure(run, count: int) -> dict:
        with Timers() as timers:
            started, cpu_started = time.perf_counter(), time.process_time()
            for _ in range(count):
                run()
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
        breakdown = {"whole request": round(elapsed / count * 1000, 3)}
        # The CPU this process used (Python and SQLite; not the waits for the disk or for a
        # core): what compares across runs when other work shares the machine.
        breakdown["  CPU time of the request (this process)"] = round(cpu / count * 1000, 3)
        for label, seconds in timers.seconds.items():
            breakdown[label] = round(seconds / count * 1000, 3)
        return breakdown

    for _ in range(20):  # warm up: imports, caches, the device's last-seen time
        post_single()
    with CaptureQueriesContext(connection) as captured:
        post_single()
    single_queries = [query["sql"] for query in captured.captured_queries]
    single = measure(post_single, requests)

    bodies = batch_bodies(8, tokens, seed=4)
    post_batch(bodies.pop())
    with CaptureQueriesContext(connection) as captured:
        post_batch(bodies.pop())
    batch_queries = [query["sql"] for query in captured.captured_queries]
    batch = measure(lambda: post_batch(bodies.pop()), 6)
    distinct: dict[str, int] = {}
    for sql in batch_queries:
        key = re.sub(r"\s+", " ", sql)[:100]
        distinct[key] = distinct.get(key, 0) + 1
    return {
        # BEGIN and COMMIT included; PostgreSQL's COPY (the bulk insert) is not in Django's log.
        "queries_per_single_check": len(single_queries),
        "queries_per_single_check_without_begin_commit": sum(
            1 for sql in single_queries if sql not in ("BEGIN", "BEGIN IMMEDIATE", "COMMIT")
        ),
        "single_check_queries": [re.sub(r"\s+", " ", sql)[:160] for sql in single_queries],
        "single_check_ms_in_process": single,
        "queries_per_batch_of_1000": len(batch_queries),
        "batch_queries_by_kind": distinct,
        "batch_of_1000_ms_in_process": batch,
    }


# ----- the run ---------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15, help="length of each load phase")
    parser.add_argument("--server", choices=["gunicorn", "granian"], default="gunicorn")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--postgres", help="a DATABASE_URL to run against PostgreSQL instead of SQLite"
    )
    arguments = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2
    if not port_is_free(arguments.port):
        print(f"something already listens on {HOST}:{arguments.port}", file=sys.stderr)
        return 2

    keys_in_environment()
    work_dir = fresh_environment(arguments.postgres)
    from django.conf import settings

    # Pass tokens are signed with SECRET_KEY: the same random key here and in the server.
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    database = "postgresql" if arguments.postgres else "sqlite"
    if arguments.postgres:
        CpuWatch.database_processes = ("postgres",)
    seconds = arguments.seconds

    started = time.perf_counter()
    park = make_park(WORKERS)
    gate, device_token, tokens = park["gate"], park["device_token"], park["pass_tokens"]
    from fugong.gate.models import GateDevice
    from fugong.workforce.models import Worker

    device_id = GateDevice.objects.get(gate=gate).pk
    worker_ids = list(
        Worker.objects.filter(enterprise=gate.enterprise).values_list("pk", flat=True)
    )
    print(
        f"set-up: {WORKERS} workers, {len(tokens)} passes, gate {gate.pk} "
        f"in {time.perf_counter() - started:.1f} s; clearances {park['clearances']}"
    )
    with CpuWatch(None) as watch:
        profile = in_process(gate, device_token, tokens, requests=300)
    quiet("the in-process requests", watch, profile)
    print(
        f"in-process: single check {profile['queries_per_single_check']} queries, "
        f"{profile['single_check_ms_in_process']['whole request']} ms; batch of 1,000 "
        f"{profile['queries_per_batch_of_1000']} queries, "
        f"{profile['batch_of_1000_ms_in_process']['whole request']} ms"
    )

    env = {
        **os.environ,
        # The production settings, the rate limits raised (bench/bench_settings.py): wrk sends
        # far more than one device may. The limit is still counted, as in production.
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": os.pathsep.join([str(REPOSITORY), str(REPOSITORY / "bench")]),
        "FUGONG_SECRET_KEY": settings.SECRET_KEY,
        "FUGONG_ALLOWED_HOSTS": HOST,
        "FUGONG_SECURE_SSL_REDIRECT": "0",
        "FUGONG_DATA_DIR": str(work_dir),
        "PYTHONUNBUFFERED": "1",
    }
    single_path = f"/api/v1/gates/{gate.pk}/checks"
    batch_path = f"/api/v1/gates/{gate.pk}/checks/batch"
    port = arguments.port
    logs = work_dir / "logs"
    logs.mkdir()
    result: dict = {
        "database": database,
        "load": f"wrk -t2 -c16 -d{seconds}s --latency (single checks, health); -c32 (32 writers)",
        "server": f"{arguments.server}, {arguments.workers} workers"
        + (" (sync)" if arguments.server == "gunicorn" else " (1 blocking thread each)"),
        "settings": "fugong.settings.production, rate limits raised (bench/bench_settings.py)",
        "machine_shared": "2 cores shared with other helpers' work (tests, builds) during the run",
        "workers_in_roster": WORKERS,
        **profile,
    }
    servers: list[Server] = []

    def start(name: str, threads: int = 1) -> Server:
        server = Server(arguments.server, port, arguments.workers, threads, env, logs / name)
        servers.append(server)
        server.wait_until_ready()
        return server

    try:
        # 1. single checks and the trivial endpoint, same server, same wrk settings.
        server = start("main.log")
        checks_lua = lua_script(work_dir, "checks", single_path, device_token, tokens)
        health_lua = lua_script(work_dir, "health", None, device_token, tokens)
        wrk(port, checks_lua, single_path, 16, 3)  # warm-up
        before = gate_rows(gate)
        load = os.getloadavg()[0]
        with CpuWatch(server) as watch:
            single = wrk(port, checks_lua, single_path, 16, seconds)
        quiet("single checks", watch, single)
        written = gate_rows(gate) - before
        with CpuWatch(server) as watch:
            health = wrk(port, health_lua, "/api/v1/health", 16, seconds)
        quiet("health", watch, health)
        single["rows_written"] = written
        single["rows_minus_201"] = written - single["statuses"].get(201, 0)
        # wrk stops with up to one request per connection in flight: written, never counted.
        single["rows_match_201"] = 0 <= single["rows_minus_201"] <= 16
        result["load_average_before"] = load
        result["single"] = single
        result["health"] = health
        result["single_to_health_ratio"] = round(
            single["requests_per_second"] / health["requests_per_second"], 3
        )
        print(
            f"single check  {single['requests_per_second']:>7} checks/s  "
            f"p50 {single['p50_ms']} ms  p99 {single['p99_ms']} ms  "
            f"statuses {single['statuses']}  non-2xx {single['non_2xx_3xx']}  "
            f"socket errors {single['socket_errors']}  rows written {written} "
            f"({single['rows_minus_201']:+} vs 201s: in flight at wrk's cut-off, at most 16: "
            f"{'OK' if single['rows_match_201'] else 'MISMATCH'})"
        )
        print(
            f"health        {health['requests_per_second']:>7} req/s     "
            f"p50 {health['p50_ms']} ms  p99 {health['p99_ms']} ms  "
            f"ratio checks/health {result['single_to_health_ratio']}"
        )

        # 2. batches of 1,000: one client in sequence, then two at once.
        warm = batch_bodies(2, tokens, seed=1)
        estimate = send_batches(port, batch_path, device_token, warm, 1, BATCH)
        count = max(5, min(400, math.ceil(estimate["checks_per_second"] * seconds / BATCH)))
        before = gate_rows(gate)
        bodies = batch_bodies(count, tokens, seed=2)
        with CpuWatch(server) as watch:
            sequential = send_batches(port, batch_path, device_token, bodies, 1, BATCH)
        quiet("batches, 1 client", watch, sequential)
        bodies = batch_bodies(count, tokens, seed=3)
        with CpuWatch(server) as watch:
            concurrent = send_batches(port, batch_path, device_token, bodies, 2, BATCH)
        quiet("batches, 2 clients", watch, concurrent)
        del bodies
        written = gate_rows(gate) - before
        with CpuWatch(None) as watch:
            baseline = sqlite_baseline(work_dir, sequential["checks"], gate, device_id, worker_ids)
        quiet("the executemany baseline", watch, baseline)
        result["batch_sequential"] = sequential
        result["batch_two_clients"] = concurrent
        result["batch_rows_written"] = written
        result["batch_created"] = sequential["created"] + concurrent["created"]
        result["executemany_baseline"] = baseline
        result["batch_to_baseline_ratio"] = round(
            sequential["checks_per_second"] / baseline["rows_per_second"], 3
        )
        for label, run in (("1 client ", sequential), ("2 clients", concurrent)):
            print(
                f"batch {label} {run['checks_per_second']:>7} checks/s  "
                f"({run['batches']} × {BATCH} in {run['seconds']} s, batch p50 "
                f"{run['batch_p50_ms']} ms; created {run['created']}, rejected "
                f"{run['rejected']}, non-200 {run['non_200']})"
            )
        print(
            f"executemany   {baseline['rows_per_second']:>7} rows/s    "
            f"ratio batch(1 client)/executemany {result['batch_to_baseline_ratio']}; "
            f"rows written {written} (created {result['batch_created']})"
        )

        # 3. 32 concurrent writers: queued at 2 sync workers, then 32 in the database at once.
        writers = {}
        before, locked = gate_rows(gate), server.locked_errors()
        with CpuWatch(server) as watch:
            queued = wrk(port, checks_lua, single_path, 32, seconds)
        quiet("32 writers", watch, queued)
        queued["rows_written"] = gate_rows(gate) - before
        queued["database_is_locked_in_log"] = server.locked_errors() - locked
        writers["queued_at_2_workers"] = queued
        server.stop()
        threaded = start("threaded.log", threads=16)
        before = gate_rows(gate)
        with CpuWatch(threaded) as watch:
            wide = wrk(port, checks_lua, single_path, 32, seconds)
        quiet("32 writers", watch, wide)
        wide["rows_written"] = gate_rows(gate) - before
        threaded.stop()
        wide["database_is_locked_in_log"] = threaded.locked_errors()
        wide["server"] = f"{arguments.server}, {arguments.workers} workers × 16 threads"
        writers["32_in_database"] = wide
        result["concurrent_writers"] = writers
        for label, run in writers.items():
            fives = sum(count for status, count in run["statuses"].items() if status >= 500)
            print(
                f"32 writers, {label:20} {run['requests_per_second']:>6} checks/s  "
                f"p99 {run['p99_ms']} ms  statuses {run['statuses']}  5xx {fives}  "
                f"'database is locked' in log {run['database_is_locked_in_log']}"
            )

        # 4. crash: SIGKILL the whole server mid-run, restart, check what was acknowledged.
        server = start("crash.log")
        before = gate_rows(gate)
        entries = crash_run(
            port, single_path, device_token, tokens, 16, max(3, seconds / 2), server
        )
        server.stop()
        server = start("after-crash.log")
        acknowledged = [entry for entry in entries if entry[2] in (200, 201)]
        other = [entry for entry in entries if entry[2] not in (None, 200, 201)]
        unanswered = [entry for entry in entries if entry[2] is None]
        found = stored_client_ids([entry[0] for entry in acknowledged])
        found_unanswered = stored_client_ids([entry[0] for entry in unanswered])
        rows_after_crash = gate_rows(gate)
        replays = resend(port, single_path, device_token, acknowledged, 8)
        rows_after_resend = gate_rows(gate)
        server.stop()
        crash = {
            "sent": len(entries),
            "acknowledged": len(acknowledged),
            "acknowledged_in_database": len(set(found)),
            "acknowledged_duplicates": len(found) - len(set(found)),
            "acknowledged_missing": len(acknowledged) - len(set(found)),
            "unacknowledged": len(unanswered),
            "unacknowledged_in_database": len(found_unanswered),
            "other_statuses_before_kill": len(other),
            "rows_written": rows_after_crash - before,
            "resend_answers": replays,
            "rows_added_by_resend": rows_after_resend - rows_after_crash,
        }
        crash["client_threads"] = 16
        crash["killed_after_seconds"] = max(3, seconds / 2)
        result["crash"] = crash
        print(
            f"crash         sent {crash['sent']}, acknowledged {crash['acknowledged']}, in "
            f"database {crash['acknowledged_in_database']}, missing "
            f"{crash['acknowledged_missing']}; unacknowledged {crash['unacknowledged']} of which "
            f"{crash['unacknowledged_in_database']} stored; resend {replays}, rows added "
            f"{crash['rows_added_by_resend']}"
        )
        result["database_is_locked_in_logs"] = sum(s.locked_errors() for s in servers)
        result["tracebacks_in_logs"] = sum(
            s.log_path.read_text(errors="replace").count("Traceback") for s in servers
        )
        print(
            f"server logs   'database is locked' {result['database_is_locked_in_logs']}, "
            f"tracebacks {result['tracebacks_in_logs']}"
        )
    except BaseException:
        print(f"the server logs and the data are kept in {work_dir}", file=sys.stderr)
        raise
    finally:
        for server in servers:
            server.stop()

    single_ok = result["single"]["requests_per_second"] >= 1000
    batch_ok = result["batch_sequential"]["checks_per_second"] >= 20000
    result["aims"] = {"single_1000_per_second": single_ok, "batch_20000_per_second": batch_ok}
    print(
        f"aims: single ≥1,000 checks/s {'met' if single_ok else 'NOT met'}; "
        f"batch ≥20,000 checks/s {'met' if batch_ok else 'NOT met'}"
    )
    print("in-process, ms per request (nested lines are part of the line above):")
    # A batch's milliseconds are also its microseconds per check (1,000 checks).
    print(f"  {'':52} {'single':>9} {'batch of 1,000 (= µs/check)':>28}")
    single_ms = profile["single_check_ms_in_process"]
    for label, value in single_ms.items():
        batch_ms = profile["batch_of_1000_ms_in_process"].get(label, "")
        print(f"  {label:52} {value:>9} {batch_ms:>28}")
    print(
        "queries of one single check (on PostgreSQL the insert is a COPY, which Django does not"
        " log):"
        if arguments.postgres
        else "queries of one single check:"
    )
    for sql in profile["single_check_queries"]:
        print(f"  {sql}")
    print("queries of one batch of 1,000, by kind:")
    for sql, count in profile["batch_queries_by_kind"].items():
        print(f"  {count:>5} × {sql}")
    name = f"gate_checks_{database}"
    print(f"saved {save(name, result)}")
    shutil.rmtree(work_dir, ignore_errors=True)
    problems = (
        (not result["single"]["rows_match_201"])
        + result["tracebacks_in_logs"]
        + crash["acknowledged_missing"]
        + crash["rows_added_by_resend"]
        + (crash["acknowledged"] - crash["resend_answers"].get("200 replayed", 0))
        + sum(
            count
            for run in (result["single"], *writers.values())
            for status, count in run["statuses"].items()
            if status >= 500
        )
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
