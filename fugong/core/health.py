"""The readiness check behind ``GET /api/v1/health``: the database and the job queue, apart.

- ``unavailable`` (HTTP 503): the database does not answer; nothing works, the load balancer
  or the monitoring should take this server out and wake someone.
- ``degraded`` (HTTP 200): the database answers, but the job queue looks stuck (the oldest job
  ready to run has waited longer than ``FUGONG_HEALTH_QUEUE_MAX_WAIT``: no worker is running) or
  could not be read. Pages and the gate work; imports and exports wait.
- ``ok`` (HTTP 200).

Nothing here raises: a failure of a part is that part's status, never a 500. Error details go to
the server's log (with the request id), not into the public answer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Literal, TypedDict

from django.conf import settings
from django.db import connection
from django.utils import timezone

logger = logging.getLogger(__name__)


class DatabaseHealth(TypedDict):
    status: Literal["ok", "unavailable"]
    vendor: str
    latency_ms: float | None


class JobsHealth(TypedDict):
    status: Literal["ok", "degraded", "unknown"]
    queued: int | None  # ready to run now
    running: int | None
    oldest_queued_seconds: float | None  # how long the oldest job ready to run has waited
    last_finished_at: datetime | None


class Health(TypedDict):
    status: Literal["ok", "degraded", "unavailable"]
    database: DatabaseHealth
    jobs: JobsHealth


def database_health() -> DatabaseHealth:
    started = time.perf_counter()
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("health: the database does not answer")
        return {"status": "unavailable", "vendor": connection.vendor, "latency_ms": None}
    latency = round((time.perf_counter() - started) * 1000, 2)
    return {"status": "ok", "vendor": connection.vendor, "latency_ms": latency}


def _unknown_jobs() -> JobsHealth:
    return {
        "status": "unknown",
        "queued": None,
        "running": None,
        "oldest_queued_seconds": None,
        "last_finished_at": None,
    }


def job_queue_health() -> JobsHealth:
    """The queue of django-tasks' database backend, read from its table directly.

    (Swappable: a jobs app's own selector can take its place in ``JOB_QUEUE_HEALTH``.)"""
    try:
        from django.db.models import Case, F, Max, Min, When
        from django_tasks_db.models import DBTaskResult, get_date_max

        now = timezone.now()
        tasks = DBTaskResult.objects.order_by()
        ready = tasks.ready()
        queued = ready.count()
        # A job may run from when it was enqueued, or from its run_after when it was delayed.
        runnable_since = Case(
            When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after")
        )
        oldest = ready.aggregate(oldest=Min(runnable_since))["oldest"]
        running = tasks.running().count()
        last = tasks.finished().aggregate(last=Max("finished_at"))["last"]
    except Exception:
        logger.exception("health: the job queue could not be read")
        return {**_unknown_jobs(), "status": "degraded"}
    waited = round((now - oldest).total_seconds(), 1) if oldest is not None else None
    stuck = waited is not None and waited > settings.FUGONG_HEALTH_QUEUE_MAX_WAIT
    return {
        "status": "degraded" if stuck else "ok",
        "queued": queued,
        "running": running,
        "oldest_queued_seconds": waited,
        "last_finished_at": last,
    }


JOB_QUEUE_HEALTH: Callable[[], JobsHealth] = job_queue_health


def readiness() -> Health:
    database = database_health()
    if database["status"] != "ok":
        return {"status": "unavailable", "database": database, "jobs": _unknown_jobs()}
    try:
        jobs = JOB_QUEUE_HEALTH()
    except Exception:
        logger.exception("health: the job queue check failed")
        jobs = {**_unknown_jobs(), "status": "degraded"}
    return {
        "status": "ok" if jobs["status"] == "ok" else "degraded",
        "database": database,
        "jobs": jobs,
    }
