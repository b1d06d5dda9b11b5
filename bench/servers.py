"""Benchmark: gunicorn against granian, as ``fugong serve`` starts them, on this application.

    .venv/bin/python bench/servers.py [--seconds 10] [--rounds 2] [--workers 2] [--postgres URL]

One fresh database (SQLite, or PostgreSQL with ``--postgres``) holds the gate benchmark's park
(one enterprise, 2,000 workers with passes, a gate and its device token) and a small city for the
dashboard (``generate_scale_data``: 200 enterprises, 10,000 workers, 14 days of gate checks).
Then, for each round, each server in turn is started with ``fugong serve --server NAME
--workers N`` (the production settings, the application's JSON access log on, the server's own
off) and measured with the same load:

- single gate checks, ``POST /api/v1/gates/{id}/checks`` with the device token under wrk
  (``-t2 -c16``): checks/s, p50/p99;
- batches of 1,000 checks from one client in sequence: checks/s, batch p50;
- the command post's dashboard page, ``GET /reports/`` with a signed-in, two-factor-verified
  session under wrk (``-t2 -c8``): requests/s, p50/p99;
- the readiness check ``GET /api/v1/health`` (``-c16``): the floor of a request.

The servers alternate (gunicorn, granian, gunicorn, granian…) so that a noisy neighbour on the
machine falls on both. Results: bench/results/servers_<database>.json.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import REPOSITORY, fresh_environment, save
from gate_park import BATCH, batch_bodies, keys_in_environment, make_park
from harness import (
    HOST,
    LUA,
    VENV_BIN,
    CpuWatch,
    Server,
    lua_script,
    port_is_free,
    quiet,
    send_batches,
    wrk,
)

SERVERS = ("gunicorn", "granian")


class Served(Server):
    """The application as ``fugong serve --server KIND`` runs it (the process execs the server)."""

    def __init__(self, kind: str, port: int, workers: int, env: dict, log: Path) -> None:
        self.kind, self.port, self.log_path = kind, port, log
        command = [
            str(VENV_BIN / "fugong"),
            "serve",
            f"--server={kind}",
            f"--workers={workers}",
            f"--bind={HOST}:{port}",
        ]
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            command,
            cwd=REPOSITORY,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def get_script(directory: Path, name: str, path: str, cookie: str) -> Path:
    """wrk's script for GETs of ``path`` with a session cookie, counting statuses."""
    text = LUA.replace("local path = PATH", "local path = nil").replace("HEALTH", f'"{path}"')
    text = text.replace("PATH", "nil").replace("AUTHORIZATION", '""').replace("TOKENS", "{}")
    text = f'wrk.headers["Cookie"] = "{cookie}"\n' + text
    script = directory / f"{name}.lua"
    script.write_text(text, encoding="utf-8")
    return script


def signed_in_command_post() -> str:
    """A session cookie of a command post user of the scale data, its second factor passed."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from fugong.accounts.models import User
    from fugong.core.roles import Role

    user = User.objects.filter(role=Role.COMMAND, username__startswith="scale").first()
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def median_of(runs: list[dict], key: str) -> float:
    return round(statistics.median(run[key] for run in runs), 2)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10, help="length of each load phase")
    parser.add_argument("--rounds", type=int, default=2, help="each server is measured this often")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--postgres", help="a DATABASE_URL to run against PostgreSQL")
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
    from django.core.management import call_command
    from django.utils import timezone

    settings.SECRET_KEY = secrets.token_urlsafe(50)  # the server signs passes and sessions with it
    database = "postgresql" if arguments.postgres else "sqlite"
    if arguments.postgres:
        CpuWatch.database_processes = ("postgres",)
    started = time.perf_counter()
    # The scale data wants an empty database: first, then the gate's park beside it.
    call_command("generate_scale_data", enterprises=200, workers=10_000, days=14, seed=7)
    park = make_park(2_000)
    cookie = signed_in_command_post()
    print(f"set-up in {time.perf_counter() - started:.1f} s", flush=True)
    gate, device_token, tokens = park["gate"], park["device_token"], park["pass_tokens"]
    single_path = f"/api/v1/gates/{gate.pk}/checks"
    batch_path = f"/api/v1/gates/{gate.pk}/checks/batch"
    dashboard_path = f"/reports/?date={timezone.localdate().isoformat()}"
    checks_lua = lua_script(work_dir, "checks", single_path, device_token, tokens)
    health_lua = lua_script(work_dir, "health", None, device_token, tokens)
    dashboard_lua = get_script(work_dir, "dashboard", dashboard_path, cookie)
    env = {
        **os.environ,
        # The production settings, the rate limits raised (bench/bench_settings.py).
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": str(Path(__file__).resolve().parent),
        "FUGONG_SECRET_KEY": settings.SECRET_KEY,
        "FUGONG_ALLOWED_HOSTS": HOST,
        "FUGONG_SECURE_SSL_REDIRECT": "0",
        "FUGONG_DATA_DIR": str(work_dir),
        "PYTHONUNBUFFERED": "1",
    }
    logs = work_dir / "logs"
    logs.mkdir()
    # The production settings keep static files in a manifest: collect them as a deployment does.
    subprocess.run(
        [str(VENV_BIN / "fugong"), "collectstatic", "--noinput", "-v0"], env=env, check=True
    )
    seconds, port = arguments.seconds, arguments.port
    runs: dict[str, list[dict]] = {name: [] for name in SERVERS}
    seed = 100
    try:
        for round_number in range(arguments.rounds):
            for kind in SERVERS:
                seed += 1
                server = Served(kind, port, arguments.workers, env, logs / f"{kind}-{seed}.log")
                try:
                    server.wait_until_ready()
                    wrk(port, checks_lua, single_path, 16, 2)  # warm-up
                    wrk(port, dashboard_lua, dashboard_path, 4, 2)
                    run: dict = {"round": round_number + 1}
                    with CpuWatch(server) as watch:
                        run["single"] = wrk(port, checks_lua, single_path, 16, seconds)
                    quiet(f"{kind} single checks", watch, run["single"])
                    bodies = batch_bodies(max(5, seconds), tokens, seed=seed)
                    with CpuWatch(server) as watch:
                        run["batch"] = send_batches(
                            port, batch_path, device_token, bodies, 1, BATCH
                        )
                    quiet(f"{kind} batches", watch, run["batch"])
                    with CpuWatch(server) as watch:
                        run["dashboard"] = wrk(port, dashboard_lua, dashboard_path, 8, seconds)
                    quiet(f"{kind} dashboard", watch, run["dashboard"])
                    with CpuWatch(server) as watch:
                        run["health"] = wrk(port, health_lua, "/api/v1/health", 16, seconds)
                    quiet(f"{kind} health", watch, run["health"])
                finally:
                    server.stop()
                log_text = server.log_path.read_text(errors="replace")
                run["tracebacks_in_log"] = log_text.count("Traceback")
                run["access_log_lines"] = log_text.count('"request_id"')
                runs[kind].append(run)
                print(
                    f"round {round_number + 1} {kind:8}  single {run['single']['requests_per_second']:>5}/s "
                    f"p50 {run['single']['p50_ms']:>6} ms | batch "
                    f"{run['batch']['checks_per_second']:>6} checks/s p50 {run['batch']['batch_p50_ms']} ms"
                    f" | dashboard {run['dashboard']['requests_per_second']:>4}/s p50 "
                    f"{run['dashboard']['p50_ms']} ms | health {run['health']['requests_per_second']}/s"
                    f" | statuses {run['single']['statuses']} {run['dashboard']['statuses']}",
                    flush=True,
                )
    except BaseException:
        print(f"the server logs and the data are kept in {work_dir}", file=sys.stderr)
        raise

    summary = {}
    for kind, measured in runs.items():
        summary[kind] = {
            "single_checks_per_second": median_of(
                [r["single"] for r in measured], "requests_per_second"
            ),
            "single_p50_ms": median_of([r["single"] for r in measured], "p50_ms"),
            "single_p99_ms": median_of([r["single"] for r in measured], "p99_ms"),
            "batch_checks_per_second": median_of(
                [r["batch"] for r in measured], "checks_per_second"
            ),
            "batch_p50_ms": median_of([r["batch"] for r in measured], "batch_p50_ms"),
            "dashboard_requests_per_second": median_of(
                [r["dashboard"] for r in measured], "requests_per_second"
            ),
            "dashboard_p50_ms": median_of([r["dashboard"] for r in measured], "p50_ms"),
            "dashboard_p99_ms": median_of([r["dashboard"] for r in measured], "p99_ms"),
            "health_requests_per_second": median_of(
                [r["health"] for r in measured], "requests_per_second"
            ),
            "health_p50_ms": median_of([r["health"] for r in measured], "p50_ms"),
        }
    print("medians over the rounds:")
    for kind, figures in summary.items():
        print(f"  {kind:8} {figures}")
    result = {
        "database": database,
        "workers": arguments.workers,
        "server_command": "fugong serve --server NAME --workers N (sync workers / 1 blocking thread)",
        "load": (
            f"single checks wrk -t2 -c16 -d{seconds}s; batches of {BATCH} from one client; "
            f"dashboard wrk -t2 -c8 -d{seconds}s (command post session); health wrk -c16"
        ),
        "dashboard_data": "generate_scale_data: 200 enterprises, 10,000 workers, 14 days",
        "summary": summary,
        "runs": runs,
    }
    print(f"saved {save(f'servers_{database}', result)}")
    shutil.rmtree(work_dir, ignore_errors=True)
    failures = sum(r["tracebacks_in_log"] for measured in runs.values() for r in measured)
    failures += sum(
        count
        for measured in runs.values()
        for r in measured
        for phase in ("single", "dashboard", "health")
        for status, count in r[phase]["statuses"].items()
        if status >= 400
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
