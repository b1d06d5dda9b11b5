"""A long bulletin's .docx is written by a background job: offered on GET, started by POST, the
browser goes to the job's page; the API answers 202 with the job; the file is only its owner's,
and the job reads the bulletin as its owner again when it runs."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document

from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts
from fugong.jobs.models import Job, JobStatus

from .conftest import draft, published
from .test_api import auth

pytestmark = pytest.mark.django_db

BULLETIN_READERS = {"command", "liaison", "other_liaison", "inspector", "officer"}


@pytest.fixture
def as_jobs(settings):
    settings.FUGONG_DOCX_INLINE_MAX_PARAGRAPHS = 0


def test_a_long_bulletin_is_written_by_a_job(
    client, park, as_jobs, django_capture_on_commit_callbacks
):
    bulletin = published(park)
    client.force_login(park.liaison)
    url = reverse("bulletins:docx", args=[bulletin.pk])
    before = database_counts()
    offer = client.get(url)
    assert offer.status_code == 200 and 'id="export-job-offer"' in offer.content.decode()
    assert_nothing_written(before)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    job = Job.objects.get()
    assert response.url == reverse("jobs:detail", args=[job.pk])
    assert job.kind == "bulletins.docx" and job.status == JobStatus.SUCCEEDED
    assert job.result["bulletin_id"] == bulletin.pk and job.result["paragraphs"] > 0
    download = client.get(reverse("jobs:result", args=[job.pk]))
    assert download["Content-Disposition"].endswith(f'bulletin-{bulletin.year}-01.docx"')
    text = "\n".join(
        p.text for p in Document(io.BytesIO(b"".join(download.streaming_content))).paragraphs
    )
    assert bulletin.title in text
    client.force_login(park.command)
    assert client.get(reverse("jobs:result", args=[job.pk])).status_code == 404


def test_the_job_reads_the_bulletin_as_its_owner_again(
    client, park, as_jobs, django_capture_on_commit_callbacks
):
    a_draft = draft(park)
    client.force_login(park.command)
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(reverse("bulletins:docx", args=[a_draft.pk]))
    park.command.role = "liaison"
    park.command.save(update_fields=["role"])
    for callback in callbacks:
        callback()
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and job.error_code == "not_found"
    assert not job.result_file


def test_the_api_answers_202_with_the_job(
    client, park, as_jobs, django_capture_on_commit_callbacks
):
    bulletin = published(park)
    headers = auth(park.command)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"/api/v1/bulletins/{bulletin.pk}/docx", **headers)
    assert response.status_code == 202
    body = response.json()
    assert body["kind"] == "bulletins.docx"
    polled = client.get(body["url"], **headers).json()
    assert polled["status"] == "succeeded" and polled["result_file"]["name"].endswith(".docx")
    assert client.get(polled["result_file"]["url"], **headers).status_code == 200


@pytest.mark.parametrize("role", PARK_ROLES)
def test_starting_a_docx_job_by_role(client, park, as_jobs, role):
    bulletin = published(park)
    user = park.users()[role]
    headers = auth(user)
    client.force_login(user)
    before = database_counts()
    page = client.post(reverse("bulletins:docx", args=[bulletin.pk]))
    api = client.get(f"/api/v1/bulletins/{bulletin.pk}/docx", **headers)
    if role in BULLETIN_READERS:
        assert (page.status_code, api.status_code) == (302, 202)
        assert Job.objects.filter(owner=user, kind="bulletins.docx").count() == 2
    else:
        # Not a reader at all: 403; the other enterprise's officer: not in their scope, 404.
        expected = 404 if role == "other_officer" else 403
        assert (page.status_code, api.status_code) == (expected, expected)
        assert_nothing_written(before)
