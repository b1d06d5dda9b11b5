"""A large roster import runs as a background job: the page sends the user to the job's page,
the API answers 202 with the job, and the finished job holds the same report."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts
from fugong.jobs.models import Job, JobStatus
from fugong.workforce.models import Worker

from .test_imports import good_rows, upload


@pytest.fixture
def as_jobs(settings):
    """Every import runs as a job (the threshold at 0 bytes)."""
    settings.FUGONG_IMPORT_INLINE_MAX_BYTES = 0


def test_a_large_import_through_the_page_runs_as_a_job(
    client, park, as_jobs, django_capture_on_commit_callbacks
):
    client.force_login(park.officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("workforce:import"), {"enterprise": park.a.pk, "file": upload(good_rows())}
        )
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    assert (job.kind, job.owner, job.scope) == ("workforce.roster_import", park.officer, park.a.pk)
    assert job.status == JobStatus.SUCCEEDED and job.result["created"] == 3
    assert Worker.objects.filter(enterprise=park.a).count() == 3
    page = client.get(response.url).content.decode()
    assert 'id="roster-result"' in page and 'data-job-status="succeeded"' in page
    assert f"?enterprise={park.a.pk}" in page


def test_a_refused_import_job_keeps_its_report(
    client, park, as_jobs, django_capture_on_commit_callbacks
):
    rows = good_rows()
    rows[0][2] = "430603198506150010"  # a wrong check character
    client.force_login(park.officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("workforce:import"), {"enterprise": park.a.pk, "file": upload(rows)}
        )
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and job.error_code == "import_rejected"
    assert job.result["bad_rows"] == 1 and job.result["errors"][0]["row"] == 2
    assert not Worker.objects.exists()
    page = client.get(response.url).content.decode()
    assert 'id="roster-errors"' in page and 'id="job-error"' not in page


def test_an_import_job_over_the_api_answers_202_and_is_polled(
    client, park, as_jobs, django_capture_on_commit_callbacks
):
    client.force_login(park.officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/enterprises/{park.a.pk}/roster", {"file": upload(good_rows())}
        )
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["kind"] == "workforce.roster_import"
    polled = client.get(body["url"]).json()
    assert polled["status"] == "succeeded" and polled["result"]["created"] == 3
    assert polled["error"] is None and polled["percent"] is None


# The job is started only by who may import into the enterprise; the rest write nothing.
STARTS = {"command": 302, "officer": 302, "liaison": 403, "other_liaison": 403}


@pytest.mark.parametrize("role", PARK_ROLES)
def test_starting_an_import_job_by_role(client, park, as_jobs, role):
    client.force_login(park.users()[role])
    before = database_counts()
    response = client.post(
        reverse("workforce:import"), {"enterprise": park.a.pk, "file": upload(good_rows())}
    )
    if response.status_code == 302:
        assert Job.objects.filter(owner=park.users()[role]).count() == 1
    else:
        assert_nothing_written(before)
    assert response.status_code in (302, 400, 403, 404)
