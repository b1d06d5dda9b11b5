"""``fugong db_worker``: django-tasks-db's worker, plus recovery of the jobs a dead worker left.

django-tasks-db has no notion of a worker that died: a task whose worker was killed stays
RUNNING for ever. This command takes the place of django-tasks-db's own (``fugong.jobs`` is
listed before ``django_tasks_db`` in ``INSTALLED_APPS``, and Django takes a command from the
first app that has it) and, before the worker starts and then every ``FUGONG_JOB_SWEEP_SECONDS``
from a thread of its own, recovers such jobs (``services.job_recover_stale``) and deletes
the expired jobs' results (``services.job_cleanup_expired``). The same thread runs the upkeep
the domain apps register (``registry.register_upkeep``: the gate's monthly partitions made
ahead), at start and then when each is due. All options are django-tasks-db's.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.db import connection
from django_tasks_db.management.commands import db_worker

from fugong.jobs import services
from fugong.jobs.registry import upkeep_all

logger = logging.getLogger("fugong.jobs")


def sweep() -> None:
    try:
        for job in services.job_recover_stale():
            logger.warning("Job %s: its worker had stopped; now %s", job.pk, job.status)
        services.job_cleanup_expired()
    except Exception:  # the next sweep tries again; the worker goes on
        logger.exception("Recovering stale jobs failed")


def upkeep(last_runs: dict[str, float], now: float | None = None) -> list[str]:
    """Run the registered upkeep that is due (never run, or ``every_seconds`` ago); returns
    the names run. One that fails is tried again at the next sweep."""
    now = time.monotonic() if now is None else now
    ran = []
    for task in upkeep_all():
        last = last_runs.get(task.name)
        if last is not None and now - last < task.every_seconds:
            continue
        try:
            task.run()
        except Exception:  # the next sweep tries again; the worker goes on
            logger.exception("Upkeep %s failed", task.name)
            continue
        last_runs[task.name] = now
        ran.append(task.name)
    return ran


def _sweeper(stop: threading.Event, last_runs: dict[str, float]) -> None:
    while not stop.wait(settings.FUGONG_JOB_SWEEP_SECONDS):
        sweep()
        upkeep(last_runs)
        connection.close()


class Command(db_worker.Command):
    help = "Run a background worker; jobs left running by a worker that died are recovered."

    def handle(self, *args: Any, **options: Any) -> None:
        sweep()
        last_runs: dict[str, float] = {}
        upkeep(last_runs)
        connection.close()
        stop = threading.Event()
        threading.Thread(
            target=_sweeper, args=(stop, last_runs), name="job-sweeper", daemon=True
        ).start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
