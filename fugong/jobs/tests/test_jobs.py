"""The job framework: enqueueing, running (the immediate backend), results and failures,
reading by the owner only, recovery of jobs a dead worker left, expiry, the queue's health."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone

from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts
from fugong.jobs import selectors, services
from fugong.jobs.models import Job, JobStatus
from fugong.jobs.tests import kinds  # noqa: F401  (registers the test kinds)


def run(capture, **kwargs) -> Job:
    with capture(execute=True):
        job = services.job_enqueue(**kwargs)
    job.refresh_from_db()
    return job


def test_a_job_runs_once_committed_and_keeps_its_result(park, django_capture_on_commit_callbacks):
    job = run(
        django_capture_on_commit_callbacks,
        actor=park.officer,
        kind="tests.count",
        parameters={"n": 5, "file": True},
        scope=park.a.pk,
        input_file=b"hello",
    )
    assert job.status == JobStatus.SUCCEEDED
    assert job.result == {"n": 5, "input": "hello"}
    assert job.attempts == 1 and job.task_id
    assert job.input_file == ""  # the upload is deleted once the job ends
    assert job.result_file and storages["default"].exists(job.result_file)
    assert job.expires_at - job.finished_at == timedelta(days=7)


def test_a_job_is_not_queued_before_its_transaction_commits(park):
    job = services.job_enqueue(actor=park.officer, kind="tests.count", parameters={"n": 1})
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.task_id == ""


def test_an_unknown_kind_is_a_programming_error(park):
    with pytest.raises(ValueError):
        services.job_enqueue(actor=park.officer, kind="nope", parameters={})


def test_a_business_refusal_fails_the_job_with_its_message(
    park, django_capture_on_commit_callbacks
):
    job = run(
        django_capture_on_commit_callbacks, actor=park.officer, kind="tests.refuse", parameters={}
    )
    assert job.status == JobStatus.FAILED
    assert (job.error_code, job.error_message) == ("refused_for_the_test", "This is refused.")


def test_a_crash_fails_the_job_without_showing_the_trace(
    park, django_capture_on_commit_callbacks, client
):
    job = run(
        django_capture_on_commit_callbacks, actor=park.officer, kind="tests.crash", parameters={}
    )
    assert job.status == JobStatus.FAILED and job.error_code == "internal_error"
    assert "secret" not in job.error_message and str(job.pk) in job.error_message
    client.force_login(park.officer)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert 'data-job-status="failed"' in page and "secret" not in page


def test_progress_is_throttled(park, settings):
    from fugong.jobs.progress import JobContext

    job = Job.objects.create(kind="tests.count", owner=park.officer)
    context = JobContext(job)
    context.stage("Counting", total=100_000)
    for done in range(100_000):
        context.advance(done)
    assert context.writes == 1  # the stage; the loop took less than the interval
    settings.FUGONG_JOB_PROGRESS_INTERVAL = 0
    context = JobContext(job)
    context.advance(7, 10)
    job.refresh_from_db()
    assert (job.done, job.total, job.percent) == (7, 10, 70)


# ----- reading: the owner only ---------------------------------------------------------------


@pytest.fixture
def officers_job(park, django_capture_on_commit_callbacks):
    return run(
        django_capture_on_commit_callbacks,
        actor=park.officer,
        kind="tests.count",
        parameters={"n": 1, "file": True},
    )


# Every role may read its own jobs; only the officer owns this one: the rest get 404.
OWN = {"officer": 200}


@pytest.mark.parametrize("role", PARK_ROLES)
def test_job_pages_by_role(client, park, officers_job, role):
    client.force_login(park.users()[role])
    before = database_counts()
    assert client.get(reverse("jobs:list")).status_code == 200
    listed = str(officers_job.pk) in client.get(reverse("jobs:list")).content.decode()
    assert listed == (role == "officer")
    detail = client.get(reverse("jobs:detail", args=[officers_job.pk]))
    assert detail.status_code == OWN.get(role, 404)
    result = client.get(reverse("jobs:result", args=[officers_job.pk]))
    assert result.status_code == OWN.get(role, 404)
    if result.status_code == 200:
        assert b"".join(result.streaming_content) == b"counted 1"
    assert_nothing_written(before)


@pytest.mark.parametrize("role", PARK_ROLES)
def test_job_api_by_role(client, park, officers_job, role):
    client.force_login(park.users()[role])
    before = database_counts()
    listed = client.get("/api/v1/jobs")
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["items"]] == (
        [str(officers_job.pk)] if role == "officer" else []
    )
    response = client.get(f"/api/v1/jobs/{officers_job.pk}")
    assert response.status_code == OWN.get(role, 404)
    if response.status_code == 200:
        body = response.json()
        assert body["status"] == "succeeded" and body["result"]["n"] == 1
        assert body["result_file"]["url"] == f"/api/v1/jobs/{officers_job.pk}/result"
    result = client.get(f"/api/v1/jobs/{officers_job.pk}/result")
    assert result.status_code == OWN.get(role, 404)
    assert_nothing_written(before)


def test_a_malformed_or_unknown_job_id_is_404(client, park):
    client.force_login(park.officer)
    assert client.get("/api/v1/jobs/not-a-uuid").status_code == 404
    assert client.get("/api/v1/jobs/00000000-0000-0000-0000-000000000000").status_code == 404


def test_a_running_job_page_polls_and_a_finished_one_does_not(client, park, officers_job):
    client.force_login(park.officer)
    running = Job.objects.create(kind="tests.count", owner=park.officer, status="running")
    page = client.get(reverse("jobs:detail", args=[running.pk]), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in page.content.decode()
    assert page.templates[0].name == "jobs/_status.html"
    page = client.get(reverse("jobs:detail", args=[officers_job.pk]))
    assert "hx-trigger" not in page.content.decode().split('id="job-status"')[1]


# ----- a worker that died --------------------------------------------------------------------


def _running(park, *, attempts=1, heartbeat_age=600, worker="elsewhere:1", kind="tests.count"):
    now = timezone.now()
    return Job.objects.create(
        kind=kind,
        owner=park.officer,
        status=JobStatus.RUNNING,
        attempts=attempts,
        started_at=now - timedelta(seconds=heartbeat_age),
        heartbeat_at=now - timedelta(seconds=heartbeat_age),
        worker=worker,
        parameters={"n": 1},
    )


def test_a_stale_job_is_queued_again_while_it_has_attempts_left(
    park, django_capture_on_commit_callbacks
):
    job = _running(park, attempts=1)
    fresh = _running(park, attempts=1, heartbeat_age=5)
    with django_capture_on_commit_callbacks(execute=True):
        recovered = services.job_recover_stale()
    assert [recovered_job.pk for recovered_job in recovered] == [job.pk]
    job.refresh_from_db()
    # Queued again and, with the immediate backend, run at once: the second attempt.
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 2
    fresh.refresh_from_db()
    assert fresh.status == JobStatus.RUNNING


def test_a_stale_job_without_attempts_left_fails_with_a_clear_message(park):
    job = _running(park, attempts=2)
    once = _running(park, attempts=1, kind="tests.slow_write_once")
    services.job_recover_stale()
    for failed in (job, once):
        failed.refresh_from_db()
        assert failed.status == JobStatus.FAILED and failed.error_code == "worker_lost"
        assert "nothing was saved" in failed.error_message
        assert failed.expires_at is not None


def test_a_job_whose_process_is_gone_is_stale_at_once(park):
    import socket

    job = _running(park, attempts=2, heartbeat_age=1, worker=f"{socket.gethostname()}:999999999")
    alive = _running(park, attempts=2, heartbeat_age=1, worker=services.worker_name())
    services.job_recover_stale()
    job.refresh_from_db()
    alive.refresh_from_db()
    assert (job.status, alive.status) == (JobStatus.FAILED, JobStatus.RUNNING)


# ----- expiry and health ---------------------------------------------------------------------


def test_expired_jobs_are_deleted_with_their_files(park, officers_job):
    name = officers_job.result_file
    assert services.job_cleanup_expired() == 0
    later = officers_job.expires_at + timedelta(seconds=1)
    assert services.job_cleanup_expired(now=later) == 1
    assert not Job.objects.filter(pk=officers_job.pk).exists()
    assert not storages["default"].exists(name)


def test_queue_health(park):
    now = timezone.now()
    assert selectors.job_queue_health(now=now) == {
        "queued": 0,
        "oldest_queued_seconds": None,
        "running": 0,
        "last_worker_activity_seconds": None,
    }
    queued = Job.objects.create(kind="tests.count", owner=park.officer)
    Job.objects.filter(pk=queued.pk).update(created_at=now - timedelta(seconds=30))
    _running(park, heartbeat_age=12)
    health = selectors.job_queue_health(now=now)
    assert health["queued"] == 1 and health["running"] == 1
    assert 29 <= health["oldest_queued_seconds"] <= 31
    assert 11 <= health["last_worker_activity_seconds"] <= 13


def test_a_queued_job_whose_task_was_lost_is_queued_again(
    park, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    old = timezone.now() - timedelta(minutes=10)
    with django_capture_on_commit_callbacks(execute=True):
        waiting = services.job_enqueue(actor=park.officer, kind="tests.count", parameters={"n": 1})
        lost = services.job_enqueue(actor=park.officer, kind="tests.count", parameters={"n": 1})
        never = services.job_enqueue(actor=park.officer, kind="tests.count", parameters={"n": 1})
    Job.objects.update(created_at=old)
    lost.refresh_from_db()
    DBTaskResult.objects.filter(pk=lost.task_id).update(status="FAILED")
    Job.objects.filter(pk=never.pk).update(task_id="")
    with django_capture_on_commit_callbacks(execute=True):
        recovered = services.job_recover_stale()
    assert {job.pk for job in recovered} == {lost.pk, never.pk}
    for job in (waiting, lost, never):
        job.refresh_from_db()
        assert job.status == JobStatus.QUEUED
        assert DBTaskResult.objects.get(pk=job.task_id).status == "READY"
