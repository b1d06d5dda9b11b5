"""A real ``fugong db_worker`` process for tests, on the test database (SQLite file or
PostgreSQL database), started and stopped (or killed) by the test."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]


class WorkerProcess:
    def __init__(self, log_dir: Path, *, modules: str = "fugong.jobs.tests.kinds") -> None:
        self.log_dir = log_dir
        self.modules = modules
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> WorkerProcess:
        self.starts += 1
        media = settings.STORAGES["default"]["OPTIONS"]["location"]
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "fugong.jobs.tests.worker_settings",
            "FUGONG_TEST_DATABASE": str(connection.settings_dict["NAME"]),
            "FUGONG_TEST_MEDIA": str(media),
            "FUGONG_TEST_JOB_MODULES": self.modules,
        }
        log = (self.log_dir / f"worker-{self.starts}.log").open("wb")
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("fugong")),
                "db_worker",
                "--interval",
                "0.1",
                "--no-startup-delay",
                "--no-reload",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        return self

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self) -> str:
        return "\n".join(
            path.read_text(errors="replace") for path in sorted(self.log_dir.glob("worker-*.log"))
        )


def wait_for(
    condition, *, timeout: float = 30, what: str = "", worker: WorkerProcess | None = None
):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}\n{worker.log() if worker else ''}")
