"""Reading jobs: each user sees their own (another's job is "not found", not "forbidden")."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.db.models import Count, Max, Min, QuerySet
from django.utils import timezone

from fugong.accounts.models import User
from fugong.core.errors import NotFoundError

from .models import Job, JobStatus


def job_list(*, actor: User) -> QuerySet[Job]:
    """The actor's own jobs, newest first (expired ones are deleted by the cleanup)."""
    return Job.objects.filter(owner=actor).order_by("-created_at")


def job_get(*, actor: User, job_id: uuid.UUID | str) -> Job:
    try:
        return job_list(actor=actor).get(pk=job_id)
    except (Job.DoesNotExist, ValueError, TypeError):
        raise NotFoundError() from None


def job_queue_health(*, now: Any = None) -> dict[str, Any]:
    """The state of the queue, for the health endpoint: jobs waiting and how long the oldest
    has waited, jobs running, and how long ago a worker last showed a sign of life (a job's
    start, progress or heartbeat, or its end). ``None`` where there is nothing to measure."""
    now = now or timezone.now()
    queued = Job.objects.filter(status=JobStatus.QUEUED).aggregate(
        oldest=Min("created_at"), count=Count("pk")
    )
    running = Job.objects.filter(status=JobStatus.RUNNING).count()
    last = Job.objects.aggregate(last=Max("heartbeat_at"))["last"]

    def seconds(delta: timedelta | None) -> float | None:
        return None if delta is None else round(delta.total_seconds(), 1)

    return {
        "queued": queued["count"],
        "oldest_queued_seconds": seconds(now - queued["oldest"] if queued["oldest"] else None),
        "running": running,
        "last_worker_activity_seconds": seconds(now - last if last else None),
    }
