"""What a running job's code gets: its parameters, its input file, and progress reporting.

Progress is written to the job's row on the worker's connection, outside any transaction, so
that it is committed at once and the page polling the job sees it. A write inside an open
transaction would stay invisible until the commit (and on SQLite, the transaction holds the
database's write lock, so no other connection can write meanwhile either): jobs therefore do
their long reading and checking outside the write transaction, reporting progress, and set the
stage "Saving" before the one transaction that writes. Updates are throttled to one every
``FUGONG_JOB_PROGRESS_INTERVAL`` seconds (0.5 by default); ``stage()`` always writes.
"""

from __future__ import annotations

import time
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.files.storage import storages
from django.db import connection
from django.utils import timezone

from .models import Job

if TYPE_CHECKING:
    from typing import Any

    from django_stubs_ext import StrPromise

    from fugong.accounts.models import User


class Progress:
    """Where domain code reports progress: this one discards it (an import run inline), a
    job's ``JobContext`` writes it to the job."""

    def stage(self, text: str | StrPromise, *, total: int | None = None, done: int = 0) -> None:
        """Enter a new stage ("Checking rows", "Saving")."""

    def advance(self, done: int, total: int | None = None) -> None:
        """``done`` of ``total`` units of the current stage."""


class JobContext(Progress):
    def __init__(self, job: Job) -> None:
        self.job = job
        self.interval: float = settings.FUGONG_JOB_PROGRESS_INTERVAL
        self._last_write = 0.0
        self._stage = job.stage
        self._total = job.total
        self.writes = 0  # progress updates written (for the measurements)

    @property
    def owner(self) -> User:
        return self.job.owner

    @property
    def parameters(self) -> dict[str, Any]:
        return self.job.parameters

    @property
    def scope(self) -> int | None:
        return self.job.scope

    def open_input(self) -> IO[bytes]:
        """The uploaded file the job was started with (from private storage)."""
        if not self.job.input_file:
            raise FileNotFoundError("this job has no input file")
        return storages["default"].open(self.job.input_file, "rb")  # type: ignore[no-any-return]

    def stage(self, text: str | StrPromise, *, total: int | None = None, done: int = 0) -> None:
        """Enter a new stage ("Checking rows", "Saving"): written at once."""
        self._stage = str(text)[:200]
        self._total = total
        self._write(done)

    def advance(self, done: int, total: int | None = None) -> None:
        """``done`` of ``total`` units of the current stage; written at most every interval."""
        if total is not None:
            self._total = total
        now = time.monotonic()
        if now - self._last_write < self.interval:
            return
        self._write(done)

    def _write(self, done: int) -> None:
        self._last_write = time.monotonic()
        if in_transaction():
            # Invisible to others until the commit: the stage set before the transaction shows.
            return
        Job.objects.filter(pk=self.job.pk).update(
            stage=self._stage, done=done, total=self._total, heartbeat_at=timezone.now()
        )
        self.writes += 1


def in_transaction() -> bool:
    """Whether the code runs inside a transaction (a test case's own blocks aside)."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)
