"""Starting jobs, their life in the worker, recovery after a dead worker, and their expiry.

``job_enqueue`` is what domain code calls; the rest is called by the task (``tasks.run_job``),
by the worker's command (recovery at start and every minute) and by the retention command.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.core.files import Upload, atomic_storing_files, store_file

from .models import FINISHED, Job, JobStatus
from .registry import JobOutcome, job_kind

logger = logging.getLogger(__name__)


def job_enqueue(
    *,
    actor: User,
    kind: str,
    parameters: dict[str, Any],
    scope: int | None = None,
    input_file: Upload | bytes | None = None,
) -> Job:
    """Record a job for ``actor`` and queue it for a worker once the transaction commits. The
    caller has checked that the actor may do what the job does (the job checks again when it
    runs). ``input_file``, an upload the job reads, is kept in private storage until it ends."""
    if job_kind(kind) is None:
        raise ValueError(f"no job kind {kind!r} is registered")
    with atomic_storing_files():
        job = Job(
            id=uuid.uuid4(),
            kind=kind,
            owner=actor,
            scope=scope,
            parameters=parameters,
            language=translation.get_language() or "",
            stage=_("Waiting for a worker"),
        )
        if input_file is not None:
            content = input_file if isinstance(input_file, bytes) else input_file.read()
            job.input_file = store_file(f"jobs/{job.pk}/input", content)
        job.full_clean()
        job.save(force_insert=True)
        transaction.on_commit(lambda: _enqueue_task(job.pk))
    return job


def runs_as_job(upload: Upload) -> bool:
    """Whether an import of this file runs in the background: larger than
    ``FUGONG_IMPORT_INLINE_MAX_BYTES`` (a file over the import limit ``FUGONG_IMPORT_MAX_BYTES``
    stays inline, to be refused at once)."""
    size = getattr(upload, "size", None)
    return size is not None and (
        settings.FUGONG_IMPORT_INLINE_MAX_BYTES < size <= settings.FUGONG_IMPORT_MAX_BYTES
    )


def _enqueue_task(job_id: uuid.UUID) -> None:
    from .tasks import run_job

    result = run_job.enqueue(str(job_id))
    # The immediate backend (tests) has run the job by now; the task id is only informative.
    Job.objects.filter(pk=job_id, task_id="").update(task_id=str(result.id)[:64])


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def job_claim(job_id: uuid.UUID | str) -> Job | None:
    """Mark a queued job running in this process (None: it is not queued any more: finished, or
    claimed by another attempt)."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        heartbeat_at=now,
        worker=worker_name()[:200],
        done=0,
        total=None,
        stage=_("Starting"),
    )
    if not claimed:
        return None
    return Job.objects.select_related("owner").get(pk=job_id)


def job_succeed(*, job: Job, outcome: JobOutcome) -> None:
    """Record what a job's code returned: its result, its file, or its refusal."""
    now = timezone.now()
    with atomic_storing_files():
        if outcome.file is not None:
            job.result_file = store_file(f"jobs/{job.pk}/result", outcome.file.content)
            job.result_file_name = outcome.file.name[:200]
            job.result_content_type = outcome.file.content_type[:100]
        job.result = outcome.result
        if outcome.error is not None:
            job.status = JobStatus.FAILED
            job.error_code = outcome.error_code[:64]
            job.error_message = outcome.error
        else:
            job.status = JobStatus.SUCCEEDED
        _finish(job, now)
    _delete_input(job)


def job_fail(*, job: Job, code: str, message: str) -> None:
    _fail(job, code, message, timezone.now())
    _delete_input(job)


def _fail(job: Job, code: str, message: str, now: Any) -> None:
    job.status = JobStatus.FAILED
    job.error_code = code[:64]
    job.error_message = message
    _finish(job, now)


def _finish(job: Job, now: Any) -> None:
    job.finished_at = now
    job.heartbeat_at = now
    job.stage = ""
    job.expires_at = now + timedelta(days=settings.FUGONG_JOB_RESULT_DAYS)
    job.save(
        update_fields=[
            "status",
            "result",
            "result_file",
            "result_file_name",
            "result_content_type",
            "error_code",
            "error_message",
            "finished_at",
            "heartbeat_at",
            "stage",
            "expires_at",
        ]
    )


def _delete_input(job: Job) -> None:
    if job.input_file:
        _delete_file(job.input_file)
        Job.objects.filter(pk=job.pk).update(input_file="")
        job.input_file = ""


def _delete_file(name: str) -> None:
    try:
        storages["default"].delete(name)
    except OSError:
        logger.exception("Could not delete the job file %s", name)


# ----- a worker that died --------------------------------------------------------------------


def _process_gone(worker: str) -> bool:
    """Whether ``host:pid`` names a process of this machine that no longer runs."""
    host, _sep, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # someone else's process: it exists
        return False
    return False


def job_recover_stale(*, now: Any = None) -> list[Job]:
    """Jobs left "running" by a worker that died (killed, the machine restarted): their
    heartbeat is older than ``FUGONG_JOB_STALE_SECONDS``, or their worker's process on this
    machine no longer exists. Their write transaction was rolled back with the worker, so nothing
    of them was saved: each is queued again while it has attempts left (and its kind allows it),
    else marked failed with a message that says so. Returns the jobs recovered."""
    now = now or timezone.now()
    limit = now - timedelta(seconds=settings.FUGONG_JOB_STALE_SECONDS)
    running = Job.objects.filter(status=JobStatus.RUNNING)
    stale = list(running.filter(Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True)))
    stale += [
        job
        for job in running.exclude(pk__in=[job.pk for job in stale]).exclude(worker="")
        if _process_gone(job.worker)
    ]
    recovered = []
    for job in stale:
        kind = job_kind(job.kind)
        with transaction.atomic():
            # Only if it is still the same attempt, still running.
            current = (
                Job.objects.select_for_update()
                .filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts)
                .first()
            )
            if current is None:
                continue
            _fail_task(current.task_id)
            if (
                kind is not None
                and kind.retry
                and current.attempts < settings.FUGONG_JOB_MAX_ATTEMPTS
            ):
                current.status = JobStatus.QUEUED
                current.task_id = ""
                with translation.override(current.language or None):
                    current.stage = _("The worker stopped; waiting to run again")
                current.save(update_fields=["status", "task_id", "stage"])
                transaction.on_commit(functools.partial(_enqueue_task, current.pk))
                logger.warning("Job %s: its worker stopped; queued again", current.pk)
            else:
                with translation.override(current.language or None):
                    message = _(
                        "The worker stopped during the job; nothing was saved. Start it again."
                    )
                _fail(current, "worker_lost", message, now)
                logger.warning("Job %s: its worker stopped; marked failed", current.pk)
        if current.status == JobStatus.FAILED:
            _delete_input(current)
        recovered.append(current)
    return recovered + _requeue_lost(limit)


def _requeue_lost(limit: Any) -> list[Job]:
    """Queued jobs whose task will never run them: its enqueue never happened (the process
    stopped between the commit and it), or its task left the queue without claiming the job (a
    worker died in between, or failed before). They are queued again."""
    from django_tasks_db.models import DBTaskResult

    waiting = list(Job.objects.filter(status=JobStatus.QUEUED, created_at__lt=limit))
    if not waiting:
        return []
    tasks = {
        str(pk): status
        for pk, status in DBTaskResult.objects.filter(
            pk__in=[job.task_id for job in waiting if job.task_id]
        ).values_list("pk", "status")
    }
    lost = [job for job in waiting if tasks.get(job.task_id) != "READY"]
    for job in lost:
        # Only if nothing changed it meanwhile; the new task's id replaces the lost one's.
        if Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED, task_id=job.task_id).update(
            task_id=""
        ):
            _enqueue_task(job.pk)
            logger.warning("Job %s: its task was lost; queued again", job.pk)
    return lost


def _fail_task(task_id: str) -> None:
    """django-tasks-db leaves a dead worker's task RUNNING forever: mark it failed too."""
    if not task_id:
        return
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(pk=task_id, status="RUNNING").update(
        status="FAILED", finished_at=timezone.now()
    )


# ----- expiry --------------------------------------------------------------------------------


def job_cleanup_expired(*, now: Any = None) -> int:
    """Delete finished jobs past their ``expires_at`` with their files, and the django-tasks
    rows of tasks finished as long ago. Returns how many jobs were deleted."""
    now = now or timezone.now()
    expired = Job.objects.filter(status__in=FINISHED, expires_at__lt=now)
    count = 0
    for job in expired.only("pk", "input_file", "result_file"):
        for name in (job.input_file, job.result_file):
            if name:
                _delete_file(name)
        Job.objects.filter(pk=job.pk).delete()
        count += 1
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(
        status__in=["SUCCESSFUL", "FAILED"],
        finished_at__lt=now - timedelta(days=settings.FUGONG_JOB_RESULT_DAYS),
    ).delete()
    return count
