"""The one django-tasks task: run a job by its id with the code its kind registered."""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from fugong.core.errors import ApplicationError

from . import services
from .models import Job, JobStatus
from .progress import JobContext
from .registry import job_kind

logger = logging.getLogger(__name__)


@task()
def run_job(job_id: str) -> None:
    job = services.job_claim(job_id)
    if job is None:
        return
    heartbeat = _Heartbeat(job) if not connection.in_atomic_block else None
    try:
        with translation.override(job.language or None):
            _run(job)
    finally:
        if heartbeat is not None:
            heartbeat.stop()


def _run(job: Job) -> None:
    kind = job_kind(job.kind)
    if kind is None:
        services.job_fail(
            job=job, code="unknown_kind", message=_("This kind of job is no longer known.")
        )
        return
    context = JobContext(job)
    try:
        outcome = kind.run(context)
    except ApplicationError as error:
        services.job_fail(job=job, code=error.code, message=error.message)
        return
    except Exception:
        # The trace goes to the log; the owner reads a message without it.
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        services.job_fail(
            job=job,
            code="internal_error",
            message=_(
                "The job stopped on an unexpected error; nothing was saved. Try again, and if "
                "it happens again tell the administrator the job's number: %(id)s."
            )
            % {"id": job.pk},
        )
        return
    services.job_succeed(job=job, outcome=outcome)


class _Heartbeat:
    """Writes the job's ``heartbeat_at`` every ``FUGONG_JOB_HEARTBEAT_SECONDS`` from a thread
    (with its own database connection) while the job runs, so that a job busy in a long step
    without progress updates is not taken for one whose worker died. On SQLite the write waits
    while the job's own write transaction holds the lock: the stale limit allows for that."""

    def __init__(self, job: Job) -> None:
        self.job_id = job.pk
        self.interval = float(settings.FUGONG_JOB_HEARTBEAT_SECONDS)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"job-{job.pk}", daemon=True)
        if self.interval > 0:
            self._thread.start()

    def _beat(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                try:
                    Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except Exception:  # a locked database: the next beat tries again
                    logger.warning("Job %s: heartbeat not written", self.job_id, exc_info=True)
        finally:
            connection.close()  # the thread's own connection

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=1)
