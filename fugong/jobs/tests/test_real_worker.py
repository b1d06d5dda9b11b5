"""A real worker process (``fugong db_worker``) on the test database: progress is visible to
other connections while a job runs, and a worker killed with SIGKILL in the middle of a job's
write transaction leaves nothing written; the next worker finds the job, runs it again while it
has attempts left, then marks it failed with a clear message."""

from __future__ import annotations

import pytest

from fugong.audit.models import AuditEvent
from fugong.jobs import services
from fugong.jobs.models import Job, JobStatus

from .worker import WorkerProcess, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker(tmp_path, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    process = WorkerProcess(tmp_path)
    yield process
    process.stop()


def job_state(job):
    return Job.objects.values("status", "done", "total", "stage", "attempts").get(pk=job.pk)


def test_progress_is_visible_while_the_job_runs(park, worker):
    from fugong.jobs.tests import kinds  # noqa: F401  (the kinds this process enqueues)

    worker.start()
    job = services.job_enqueue(
        actor=park.officer, kind="tests.count", parameters={"n": 30, "delay": 0.1}
    )
    seen = wait_for(
        lambda: (
            (state := job_state(job))["status"] == "running" and 0 < state["done"] < 30 and state
        ),
        what="progress while running",
        worker=worker,
    )
    assert seen["total"] == 30 and seen["stage"] == "Counting"
    wait_for(lambda: job_state(job)["status"] == "succeeded", what="the end", worker=worker)


def test_a_worker_killed_mid_write_leaves_nothing_and_the_job_is_recovered(park, worker, tmp_path):
    from fugong.jobs.tests import kinds  # noqa: F401

    marker = tmp_path / "marker"
    job = services.job_enqueue(
        actor=park.officer, kind="tests.slow_write", parameters={"marker": str(marker)}
    )
    for attempt in (1, 2):
        worker.start()
        wait_for(marker.exists, what=f"attempt {attempt} inside its transaction", worker=worker)
        worker.kill()
        marker.unlink()
        assert not AuditEvent.objects.filter(target_type="jobs.test").exists()
        state = job_state(job)
        # django-tasks-db alone would leave it so for ever.
        assert (state["status"], state["attempts"]) == ("running", attempt)
    # The next worker, at its start, finds the dead worker's job: no attempts left, failed.
    worker.start()
    wait_for(lambda: job_state(job)["status"] == JobStatus.FAILED, what="recovery", worker=worker)
    job.refresh_from_db()
    assert job.error_code == "worker_lost" and "nothing was saved" in job.error_message
    assert not AuditEvent.objects.filter(target_type="jobs.test").exists()
    from django_tasks_db.models import DBTaskResult

    assert not DBTaskResult.objects.filter(status="RUNNING").exists()
