"""A large enterprise import runs as a background job, with the inline import's report."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts
from fugong.enterprises.models import Enterprise
from fugong.jobs.models import Job, JobStatus

from .test_imports import good_rows, workbook_upload


@pytest.fixture
def as_jobs(settings):
    settings.FUGONG_IMPORT_INLINE_MAX_BYTES = 0


def test_a_large_enterprise_import_runs_as_a_job(
    client, park, as_jobs, django_capture_on_commit_callbacks
):
    client.force_login(park.command)
    before = Enterprise.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("enterprises:import"), {"file": workbook_upload(good_rows())}
        )
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED and job.result["created"] == 3
    assert Enterprise.objects.count() == before + 3
    page = client.get(response.url).content.decode()
    assert 'id="import-result"' in page


def test_a_refused_enterprise_import_job_over_the_api(
    client, park, as_jobs, django_capture_on_commit_callbacks
):
    rows = good_rows()
    rows[1][1] = "not a code"
    client.force_login(park.command)
    before = Enterprise.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/enterprises/import", {"file": workbook_upload(rows)})
    assert response.status_code == 202
    polled = client.get(response.json()["url"]).json()
    assert polled["status"] == "failed" and polled["error"]["code"] == "import_rejected"
    assert polled["result"]["errors"][0]["row"] == 3
    assert Enterprise.objects.count() == before


@pytest.mark.parametrize("role", PARK_ROLES)
def test_only_the_command_post_starts_an_enterprise_import_job(client, park, as_jobs, role):
    client.force_login(park.users()[role])
    before = database_counts()
    response = client.post(reverse("enterprises:import"), {"file": workbook_upload(good_rows())})
    if role == "command":
        assert response.status_code == 302 and Job.objects.count() == 1
    else:
        assert response.status_code == 403
        assert_nothing_written(before)
