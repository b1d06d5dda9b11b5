"""The benchmarks' harness: production servers started and stopped on this machine, wrk and
its Lua script, plain HTTP clients posting bodies from threads, and a watch on the CPU that other
processes use meanwhile. Used by gate_checks.py (and any benchmark that measures a server)."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from common import REPOSITORY

HOST = "127.0.0.1"
VENV_BIN = Path(sys.executable).parent


# ----- servers ---------------------------------------------------------------------------------


class Server:
    """The WSGI app under gunicorn or granian, in its own process group, logging to a file."""

    def __init__(self, kind: str, port: int, workers: int, threads: int, env: dict, log: Path):
        self.kind, self.port, self.log_path = kind, port, log
        if kind == "gunicorn":
            command = [
                str(VENV_BIN / "gunicorn"),
                "fugong.wsgi:application",
                f"--bind={HOST}:{port}",
                f"--workers={workers}",
                f"--threads={threads}",  # 1: sync workers; more: gthread
                "--backlog=2048",
                "--log-level=warning",
                "--error-logfile=-",
            ]
        else:
            command = [
                str(VENV_BIN / "granian"),
                "--interface=wsgi",
                f"--host={HOST}",
                f"--port={port}",
                f"--workers={workers}",
                f"--blocking-threads={threads}",
                "--backlog=2048",
                "--log-level=warning",
                "fugong.wsgi:application",
            ]
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            command,
            cwd=REPOSITORY,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: one signal reaches every worker
        )

    def wait_until_ready(self) -> None:
        log, port = self.log_path, self.port
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited: see {log}\n{log.read_text()[-3000:]}")
            try:
                if http_get(port, "/api/v1/health") == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not answer within 60 s: see {log}")
            time.sleep(0.2)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """SIGTERM to the group, SIGKILL if it lingers; then every process of the group is gone."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # stray workers of the group, if any
        self.process.wait(timeout=30)
        self.log.close()

    def locked_errors(self) -> int:
        return self.log_path.read_text(errors="replace").count("database is locked")


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((HOST, port)) != 0


def http_get(port: int, path: str) -> int:
    connection = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


class CpuWatch:
    """CPU used by other processes during a phase (in % of one core): the machine must be quiet
    for the figures to mean anything. Ours: the server's process group, wrk, this process, and
    on PostgreSQL every process named postgres (its backends do the server's work)."""

    database_processes: tuple[str, ...] = ()

    def __init__(self, server: Server | None) -> None:
        self.group = server.process.pid if server else None

    @staticmethod
    def _busy() -> float:
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
        return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")

    def _group(self) -> float:
        total = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                text = (entry / "stat").read_text()
            except OSError:
                continue
            name = text[text.find("(") + 1 : text.rfind(")")]
            fields = text.rsplit(")", 1)[1].split()
            if (self.group is not None and int(fields[2]) == self.group) or (
                name in self.database_processes
            ):
                total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    @staticmethod
    def _ours() -> float:
        import resource

        return sum(
            usage.ru_utime + usage.ru_stime
            for usage in (
                resource.getrusage(resource.RUSAGE_SELF),
                resource.getrusage(resource.RUSAGE_CHILDREN),
            )
        )

    def __enter__(self):
        self.started = (time.monotonic(), self._busy(), self._group(), self._ours())
        return self

    def __exit__(self, *exc) -> None:
        wall, busy, group, ours = self.started
        wall = time.monotonic() - wall
        other = (self._busy() - busy) - (self._group() - group) - (self._ours() - ours)
        self.other_percent = round(max(0.0, other) / wall * 100)


def quiet(label: str, watch: CpuWatch, run: dict) -> None:
    run["other_processes_cpu_percent"] = watch.other_percent
    if watch.other_percent > 10:
        print(
            f"  warning: other processes used {watch.other_percent}% of a core during {label}: "
            "the machine was not quiet, rerun"
        )


# ----- wrk -------------------------------------------------------------------------------------

LUA = """\
-- Written by bench/gate_checks.py: a fresh client id per request, a random worker's pass.
local path = PATH
local headers = {["Content-Type"] = "application/json", ["Authorization"] = AUTHORIZATION}
local tokens = TOKENS
local run = nil
local threads = {}
local counter = 0
statuses = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

-- wrk passes a fresh run id and seed per invocation: client ids never repeat across runs.
function init(args)
  run = args[1]
  math.randomseed(tonumber(args[2]) + thread_id * 7919)
end

function request()
  if path == nil then
    return wrk.format("GET", HEALTH)
  end
  counter = counter + 1
  local client_id = string.format("%s-%04x-4%03x-8%03x-%012x", run, thread_id,
    math.random(0, 4095), math.random(0, 4095), counter)
  local body = string.format(
    '{"client_id":"%s","mask":true,"disinfected":true,"temperature":"%.1f","spo2":%d,'
    .. '"pass_token":"%s"}',
    client_id, 36 + math.random(0, 9) / 10, 95 + math.random(0, 4),
    tokens[math.random(#tokens)])
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(totals) do
    table.insert(parts, string.format('"%d":%d', status, count))
  end
  io.write("STATUSES {" .. table.concat(parts, ",") .. "}\\n")
end
"""


def lua_script(directory: Path, name: str, path: str | None, token: str, tokens: list[str]) -> Path:
    values = {
        "PATH": json.dumps(path) if path else "nil",
        "HEALTH": json.dumps("/api/v1/health"),
        "AUTHORIZATION": json.dumps(f"Bearer {token}"),
        "TOKENS": "{" + ",".join(json.dumps(t) for t in tokens) + "}",
    }
    text = re.sub("|".join(values), lambda match: values[match.group(0)], LUA)
    script = directory / f"{name}.lua"
    script.write_text(text, encoding="utf-8")
    return script


def to_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def wrk(port: int, script: Path, url_path: str, connections: int, seconds: int) -> dict:
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout=30s",
            "--latency",
            "-s",
            str(script),
            f"http://{HOST}:{port}{url_path}",
            "--",
            secrets.token_hex(4),
            str(random.SystemRandom().randrange(1, 1_000_000)),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "STATUSES" not in output or "Latency Distribution" not in output:
        raise RuntimeError(f"unexpected output from wrk:\n{output}")
    latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    statuses = json.loads(re.search(r"^STATUSES (.*)$", output, re.MULTILINE).group(1))
    return {
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "requests_per_second": round(float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])),
        "p50_ms": round(to_ms(latency["50"]), 2),
        "p90_ms": round(to_ms(latency["90"]), 2),
        "p99_ms": round(to_ms(latency["99"]), 2),
        "non_2xx_3xx": int(m[1])
        if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output))
        else 0,
        "socket_errors": sum(int(value) for value in errors.groups()) if errors else 0,
        "statuses": {int(status): count for status, count in sorted(statuses.items())},
        "connections": connections,
        "seconds": seconds,
    }


# ----- Python clients --------------------------------------------------------------------------


def post(connection: http.client.HTTPConnection, path: str, body: bytes, token: str):
    connection.request(
        "POST",
        path,
        body,
        {"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    response = connection.getresponse()
    return response.status, response.read()


def send_batches(
    port: int, path: str, token: str, bodies: list[bytes], clients: int, per_body: int
) -> dict:
    """Every body (of ``per_body`` items) posted once, by ``clients`` threads taking the next
    body in turn."""
    pending = list(reversed(bodies))
    lock = threading.Lock()
    totals = {"created": 0, "replayed": 0, "rejected": 0, "non_200": 0}
    latencies: list[float] = []

    def client() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=120)
        while True:
            with lock:
                if not pending:
                    break
                body = pending.pop()
            started = time.perf_counter()
            status, answer = post(connection, path, body, token)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    totals["non_200"] += 1
                    continue
                result = json.loads(answer)
                for key in ("created", "replayed", "rejected"):
                    totals[key] += result[key]
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    checks = len(bodies) * per_body
    return {
        "clients": clients,
        "batches": len(bodies),
        "checks": checks,
        "seconds": round(elapsed, 2),
        "checks_per_second": round(checks / elapsed),
        "batch_p50_ms": round(statistics.median(latencies) * 1000, 1),
        "batch_max_ms": round(max(latencies) * 1000, 1),
        **totals,
    }
