"""The gate benchmark's park and its bodies: a fresh database with one enterprise, its workers
with passes, one gate and a device token; check bodies; and the bare ``sqlite3.executemany``
baseline the batches are compared with."""

from __future__ import annotations

import base64
import csv
import http.client
import io
import json
import math
import os
import random
import secrets
import signal
import sqlite3
import threading
import time
import uuid
from pathlib import Path

from harness import HOST, post

WORKERS = 2_000
BATCH = 1_000

# ----- set-up --------------------------------------------------------------------------------


def keys_in_environment() -> None:
    """Production-style keys, shared by this process (which writes the data) and the server."""
    os.environ["FUGONG_DATA_KEYS"] = (
        f"bench:{base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip('=')}"
    )
    os.environ["FUGONG_LOOKUP_KEY"] = base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


def make_park(workers: int) -> dict:
    """An enterprise with ``workers`` imported workers, a pass each, a gate and a device token."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db.models import Count
    from django.utils import timezone
    from stdnum.cn import uscc

    from fugong.accounts.models import User
    from fugong.core.roles import Role
    from fugong.enterprises.models import Enterprise
    from fugong.gate.models import Gate
    from fugong.gate.services import gate_device_create
    from fugong.workforce.imports import COLUMNS, worker_import
    from fugong.workforce.models import Worker, WorkerPass
    from fugong.workforce.services import pass_token, passes_issue_missing
    from fugong.workforce.synthetic import roster_rows

    # Names of their own: a PostgreSQL database may be shared with the other benchmarks.
    rng = random.SystemRandom()
    command = User(username=f"bench-gate-{secrets.token_hex(4)}", role=Role.COMMAND)
    command.full_name = command.username
    command.set_unusable_password()
    command.save()
    body = "91430600MA4" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(6))
    enterprise = Enterprise.objects.create(
        name=f"闸机基准企业 {body[-6:]}", credit_code=body + uscc.calc_check_digit(body)
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.header for column in COLUMNS])
    writer.writerows(roster_rows(workers, seed=11, today=timezone.localdate()))
    upload = SimpleUploadedFile("roster.csv", buffer.getvalue().encode("utf-8"))
    report = worker_import(actor=command, enterprise=enterprise, upload=upload)
    assert report.ok and report.created == workers, report.errors[:5]
    passes_issue_missing(actor=command, enterprise=enterprise, valid_days=30)
    tokens = [pass_token(p) for p in WorkerPass.objects.filter(worker__enterprise=enterprise)]
    gate = Gate.objects.create(name="东门", enterprise=enterprise)
    _device, device_token = gate_device_create(actor=command, gate=gate, name="bench")
    clearances = dict(
        Worker.objects.filter(enterprise=enterprise)
        .order_by()
        .values_list("clearance")
        .annotate(n=Count("id"))
    )
    return {
        "gate": gate,
        "device_token": device_token,
        "pass_tokens": tokens,
        "clearances": clearances,
    }


def check_body(client_id: str, pass_token: str, rng: random.Random) -> str:
    temperature = f"{36 + rng.randrange(10) / 10:.1f}"
    return (
        f'{{"client_id":"{client_id}","mask":true,"disinfected":true,'
        f'"temperature":"{temperature}","spo2":{95 + rng.randrange(5)},'
        f'"pass_token":"{pass_token}"}}'
    )


def gate_rows(gate) -> int:
    """The gate's checks once the server has finished: requests wrk left in flight at its
    cut-off are still answered (to nobody), so wait until the count holds still for a second."""
    from django.db import connection

    from fugong.gate.models import GateCheck

    previous = -1
    while True:
        connection.close()  # a fresh look at what the server wrote
        count = GateCheck.objects.filter(gate=gate).count()
        if count == previous:
            return count
        previous = count
        time.sleep(1)


def sqlite_baseline(work_dir: Path, rows: int, gate, device_id: int, workers: list[int]) -> dict:
    """``sqlite3.executemany`` of ``rows`` gate_gatecheck rows, 1,000 per transaction, into a copy
    of the table (columns and indexes) in a fresh file with the app's PRAGMAs."""
    from django.db import connections
    from django.db.backends.sqlite3.base import DatabaseWrapper
    from django.utils import timezone

    from fugong.gate.models import GateCheck
    from fugong.gate.services import CHECK_FIELDS

    memory = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
    wrapper = DatabaseWrapper(
        connections.configure_settings({"default": memory, "baseline": memory})["baseline"],
        "baseline",
    )
    with wrapper.schema_editor(collect_sql=True, atomic=False) as editor:
        editor.create_model(GateCheck)
    wrapper.close()
    path = work_dir / "baseline.sqlite3"
    database = sqlite3.connect(path, isolation_level=None)
    for pragma in (
        "journal_mode=WAL",
        "synchronous=FULL",
        "foreign_keys=OFF",  # the parent tables are not in this file
        "busy_timeout=30000",
        "cache_size=-65536",
        "temp_store=MEMORY",
    ):
        database.execute(f"PRAGMA {pragma}")
    for statement in editor.collected_sql:
        database.execute(statement)
    columns = [GateCheck._meta.get_field(name).column for name in CHECK_FIELDS]
    now = timezone.now()
    moment = now.isoformat(sep=" ").replace("+00:00", "")
    day = timezone.localdate(now).isoformat()
    rng = random.Random(5)
    batches = [
        [
            (
                uuid.uuid4().hex,
                secrets.token_hex(32),
                gate.pk,
                gate.enterprise_id,
                None,
                device_id,
                rng.choice(workers),
                gate.enterprise_id,  # the worker's enterprise: the gate's
                None,
                True,
                True,
                f"{36 + rng.randrange(10) / 10:.1f}",
                None,
                "",
                95 + rng.randrange(5),
                "admitted",
                "[]",
                False,
                None,  # snapshot_at, server_verdict, server_reasons, disputed: an online check
                "",
                "[]",
                False,
                moment,
                day,
                moment,
            )
            for _ in range(BATCH)
        ]
        for _ in range(math.ceil(rows / BATCH))
    ]
    statement = f"INSERT INTO gate_gatecheck ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    started = time.perf_counter()
    for batch in batches:
        database.execute("BEGIN IMMEDIATE")
        database.executemany(statement, batch)
        database.execute("COMMIT")
    elapsed = time.perf_counter() - started
    database.close()
    inserted = len(batches) * BATCH
    return {
        "rows": inserted,
        "seconds": round(elapsed, 3),
        "rows_per_second": round(inserted / elapsed),
    }


def crash_run(
    port: int, path: str, token: str, tokens: list[str], threads: int, kill_after: float, server
) -> list[list]:
    """Threads post single checks until the server dies; each logs [client id, body, status]
    (status None: sent, or about to be, without an answer). SIGKILL after ``kill_after`` s."""
    logs: list[list[list]] = [[] for _ in range(threads)]

    def client(log: list[list], seed: int) -> None:
        rng = random.Random(seed)
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        deadline = time.monotonic() + kill_after + 30
        while time.monotonic() < deadline:
            client_id = str(uuid.uuid4())
            body = check_body(client_id, rng.choice(tokens), rng).encode()
            entry = [client_id, body, None]
            log.append(entry)
            try:
                entry[2], _answer = post(connection, path, body, token)
            except (OSError, http.client.HTTPException):
                break  # the server is gone
        connection.close()

    workers = [threading.Thread(target=client, args=(log, index)) for index, log in enumerate(logs)]
    for worker in workers:
        worker.start()
    time.sleep(kill_after)
    server.kill(signal.SIGKILL)
    for worker in workers:
        worker.join()
    return [entry for log in logs for entry in log]


def resend(port: int, path: str, token: str, entries: list[list], threads: int) -> dict:
    """Post the same bodies again; count the answers (status, and "status" in the body)."""
    counts: dict[str, int] = {}
    lock = threading.Lock()
    pending = list(entries)

    def client() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        while True:
            with lock:
                if not pending:
                    break
                _client_id, body, _status = pending.pop()
            status, answer = post(connection, path, body, token)
            kind = json.loads(answer).get("status", "?") if status < 300 else "error"
            with lock:
                key = f"{status} {kind}"
                counts[key] = counts.get(key, 0) + 1
        connection.close()

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return counts


def stored_client_ids(client_ids: list[str]) -> list[str]:
    from django.db import connection

    from fugong.gate.models import GateCheck

    connection.close()
    found: list[str] = []
    for start in range(0, len(client_ids), 500):
        chunk = [uuid.UUID(value) for value in client_ids[start : start + 500]]
        found.extend(
            str(value)
            for value in GateCheck.objects.filter(client_id__in=chunk).values_list(
                "client_id", flat=True
            )
        )
    return found


def batch_bodies(count: int, tokens: list[str], seed: int) -> list[bytes]:
    rng = random.Random(seed)
    return [
        (
            '{"checks":['
            + ",".join(check_body(str(uuid.uuid4()), rng.choice(tokens), rng) for _ in range(BATCH))
            + "]}"
        ).encode()
        for _ in range(count)
    ]
