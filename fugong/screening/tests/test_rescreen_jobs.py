"""Re-screening many workers runs as a background job: the rule is saved at once, the page goes
to the job (workers done / total), the API answers 202; the job checks the owner's role again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fugong.accounts.models import User
from fugong.audit.models import AuditAction, AuditEvent
from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts
from fugong.jobs.models import Job, JobStatus
from fugong.jobs.progress import Progress
from fugong.screening.models import RiskArea, ScreeningPolicy, ScreeningRun
from fugong.workforce.clearance import rescreen_in_batches
from fugong.workforce.models import Clearance, Worker

from .test_services import workers  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_jobs(settings):
    """Every re-screening runs as a job (even of nobody)."""
    settings.FUGONG_RESCREEN_INLINE_MAX_WORKERS = -1


def area_form():
    return {
        "division_code": "420100",
        "level": "high",
        "starts_on": (timezone.localdate() - timedelta(days=20)).isoformat(),
    }


def policy_form():
    return {
        "effective_from": timezone.localdate().isoformat(),
        "observation_days": 21,
        "yellow_code_days": 7,
        "red_code_days": 14,
        "observation_levels": ["medium", "high"],
        "fever_threshold": "37.3",
        "spo2_threshold": 93,
    }


class Recorder(Progress):
    def __init__(self):
        self.calls = []

    def stage(self, text, *, total=None, done=0):
        self.calls.append(("stage", total, done))

    def advance(self, done, total=None):
        self.calls.append(("advance", done))


def test_under_the_threshold_the_rules_rescreen_at_once(client, park, workers):  # noqa: F811
    client.force_login(park.command)
    response = client.post(reverse("screening:area_add"), area_form())
    run = ScreeningRun.objects.get()
    assert response.url == reverse("screening:run", args=[run.pk])
    assert not Job.objects.exists()


def test_a_risk_area_over_the_threshold_rescreens_in_a_job(
    client,
    park,
    workers,  # noqa: F811
    as_jobs,
    django_capture_on_commit_callbacks,
):
    client.force_login(park.command)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("screening:area_add"), area_form())
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    assert RiskArea.objects.filter(division_code="420100").exists()
    assert job.kind == "screening.rescreen" and job.status == JobStatus.SUCCEEDED
    run = ScreeningRun.objects.get()
    assert job.result == {
        "run_id": run.pk,
        "examined": 2,
        "changed": 2,
        "duration_ms": run.duration_ms,
    }
    assert job.total == 2  # workers to re-screen (the last advance may be throttled)
    assert run.trigger == ScreeningRun.Trigger.RISK_AREA and run.created_by == park.command
    assert Worker.objects.get(pk=workers["wuhan"].pk).clearance == Clearance.OBSERVATION
    assert Worker.objects.get(pk=workers["home"].pk).clearance == Clearance.CLEARED
    page = client.get(response.url).content.decode()
    assert 'id="rescreen-result"' in page and reverse("screening:run", args=[run.pk]) in page


def test_the_rules_page_links_to_a_running_rescreening(
    client,
    park,
    workers,  # noqa: F811
    as_jobs,
):
    client.force_login(park.command)
    client.post(reverse("screening:policy_add"), policy_form())  # the job stays queued
    job = Job.objects.get()
    assert job.status == JobStatus.QUEUED and ScreeningPolicy.objects.exists()
    page = client.get(reverse("screening:rules")).content.decode()
    assert 'id="rescreen-jobs"' in page and reverse("jobs:detail", args=[job.pk]) in page
    # Not on another command post user's page.
    other = User.objects.create_user(username="command2", password="x", role="command")
    client.force_login(other)
    assert 'id="rescreen-jobs"' not in client.get(reverse("screening:rules")).content.decode()


def test_a_rescreening_job_checks_the_owners_role_again(
    client,
    park,
    workers,  # noqa: F811
    as_jobs,
    django_capture_on_commit_callbacks,
):
    client.force_login(park.command)
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(reverse("screening:rescreen"))
    park.command.role = "liaison"
    park.command.save(update_fields=["role"])
    for callback in callbacks:
        callback()
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and job.error_code == "forbidden"
    assert not ScreeningRun.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.RESCREENED).exists()


def test_rescreening_everyone_on_request_as_a_job_is_audited(
    client,
    park,
    workers,  # noqa: F811
    as_jobs,
    django_capture_on_commit_callbacks,
):
    client.force_login(park.command)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("screening:rescreen"))
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED and job.result["examined"] == 3
    event = AuditEvent.objects.get(action=AuditAction.RESCREENED)
    assert event.actor == park.command and event.data["trigger"] == "manual"
    # Another user does not see the job.
    client.force_login(park.liaison)
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404


def test_rescreening_in_batches_commits_each_and_reports_progress(park, workers):  # noqa: F811
    RiskArea.objects.create(
        division_code="420100",
        level="high",
        starts_on=timezone.localdate() - timedelta(days=20),
        created_by=park.command,
    )
    progress = Recorder()
    from django.db.models import Q

    run = rescreen_in_batches(
        workers_filter=Q(), trigger=ScreeningRun.Trigger.POLICY, progress=progress, batch=2
    )
    assert (run.examined, run.changed) == (3, 2)
    assert progress.calls == [("stage", 3, 0), ("advance", 2), ("advance", 3)]
    assert run.changes.count() == 2
    assert Worker.objects.filter(clearance=Clearance.OBSERVATION).count() == 2


def test_the_api_answers_202_with_the_job(
    client,
    park,
    workers,  # noqa: F811
    as_jobs,
    django_capture_on_commit_callbacks,
):
    client.force_login(park.command)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/risk-areas", area_form(), content_type="application/json")
    assert response.status_code == 202
    body = response.json()
    assert body["run"] is None and body["area"]["division_code"] == "420100"
    assert body["job"]["kind"] == "screening.rescreen" and body["job"]["status"] == "queued"
    polled = client.get(body["job"]["url"]).json()
    assert polled["status"] == "succeeded" and polled["result"]["examined"] == 2


# Only the command post starts a re-screening; the others write nothing.
@pytest.mark.parametrize("role", PARK_ROLES)
def test_policy_and_rescreening_as_jobs_by_role(client, park, as_jobs, role):
    user = park.users()[role]
    client.force_login(user)
    before = database_counts()
    policy = client.post(reverse("screening:policy_add"), policy_form())
    rescreen = client.post(reverse("screening:rescreen"))
    if role == "command":
        assert policy.status_code == rescreen.status_code == 302
        assert Job.objects.filter(owner=user, kind="screening.rescreen").count() == 2
    else:
        assert policy.status_code == rescreen.status_code == 403
        assert_nothing_written(before)
