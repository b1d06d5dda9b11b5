"""A large daily report xlsx is written by a background job: the page offers it, POST starts it
and goes to the job's page, the API answers 202; the file is the job's result, only its owner's,
and the job checks the owner's role again when it runs."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts
from fugong.enterprises.models import Enterprise
from fugong.jobs.models import Job, JobStatus

pytestmark = pytest.mark.django_db

READERS = {"command", "liaison", "other_liaison", "officer", "other_officer"}


@pytest.fixture
def as_jobs(settings):
    """Every xlsx export runs as a job (the threshold below any table)."""
    settings.FUGONG_EXPORT_INLINE_MAX_ROWS = -1


def sheet_rows(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def test_a_large_daily_xlsx_is_offered_then_runs_as_a_job(
    client, park, as_jobs, django_capture_on_commit_callbacks, settings
):
    Enterprise.objects.filter(pk=park.a.pk).update(name="=HYPERLINK(1)")
    client.force_login(park.command)
    day = timezone.localdate().isoformat()
    url = reverse("reports:daily_xlsx") + f"?date={day}"
    before = database_counts()
    offer = client.get(url)
    assert offer.status_code == 200 and 'id="export-job-offer"' in offer.content.decode()
    assert_nothing_written(before)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    assert job.kind == "reports.daily_xlsx" and job.status == JobStatus.SUCCEEDED
    assert job.parameters["day"] == day and job.result["enterprises"] == 2
    assert job.result_file_name == f"daily-report-{day}.xlsx"
    assert (job.expires_at - job.finished_at).days == settings.FUGONG_JOB_RESULT_DAYS
    page = client.get(response.url).content.decode()
    assert 'id="job-result-link"' in page
    download = client.get(reverse("jobs:result", args=[job.pk]))
    rows = sheet_rows(b"".join(download.streaming_content))
    assert len(rows) == 1 + 2
    assert "'=HYPERLINK(1)" in [row[0] for row in rows[1:]]  # still escaped
    # Nobody else gets the file.
    client.force_login(park.liaison)
    assert client.get(reverse("jobs:result", args=[job.pk])).status_code == 404


def test_the_job_checks_the_owners_role_again(
    client, park, as_jobs, django_capture_on_commit_callbacks
):
    client.force_login(park.liaison)
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(reverse("reports:daily_xlsx"))
    park.liaison.role = "inspector"
    park.liaison.save(update_fields=["role"])
    for callback in callbacks:
        callback()
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and job.error_code == "forbidden"
    assert not job.result_file


def test_the_api_answers_202_with_the_job_and_the_file_follows(
    client, park, as_jobs, django_capture_on_commit_callbacks
):
    client.force_login(park.command)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/api/v1/reports/daily", {"format": "xlsx"})
    assert response.status_code == 202
    body = response.json()
    assert body["kind"] == "reports.daily_xlsx" and body["status"] == "queued"
    polled = client.get(body["url"]).json()
    assert polled["status"] == "succeeded"
    assert polled["result_file"]["name"] == f"daily-report-{timezone.localdate()}.xlsx"
    download = client.get(polled["result_file"]["url"])
    assert download.status_code == 200
    assert len(sheet_rows(b"".join(download.streaming_content))) == 3
    # The JSON and text formats stay immediate.
    assert client.get("/api/v1/reports/daily").status_code == 200


def test_a_small_one_is_still_answered_at_once(client, park):
    client.force_login(park.command)
    response = client.get(reverse("reports:daily_xlsx"))
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    assert client.get("/api/v1/reports/daily", {"format": "xlsx"}).status_code == 200
    assert not Job.objects.exists()


@pytest.mark.parametrize("role", PARK_ROLES)
def test_starting_the_daily_xlsx_job_by_role(client, park, as_jobs, role):
    user = park.users()[role]
    client.force_login(user)
    before = database_counts()
    page = client.post(reverse("reports:daily_xlsx"))
    api = client.get("/api/v1/reports/daily", {"format": "xlsx"})
    if role in READERS:
        assert (page.status_code, api.status_code) == (302, 202)
        assert Job.objects.filter(owner=user, kind="reports.daily_xlsx").count() == 2
    else:
        assert (page.status_code, api.status_code) == (403, 403)
        assert_nothing_written(before)
