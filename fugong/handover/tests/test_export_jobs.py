"""A long handover list's xlsx is written by a background job: offered on GET, started by POST,
the browser goes to the job's page; the file (full phone numbers for the district liaison) is
only its owner's; the job reads the list as its owner again when it runs, and audits the export."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from fugong.audit.models import AuditAction, AuditEvent
from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts
from fugong.handover.models import HandoverList
from fugong.jobs.models import Job, JobStatus

from .test_views import lists  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_jobs(settings):
    settings.FUGONG_EXPORT_INLINE_MAX_ROWS = 0


def mine():
    return HandoverList.objects.get(district_code="430603", kind="reminder")


def test_a_long_list_is_exported_by_a_job(
    client,
    park,
    lists,  # noqa: F811
    as_jobs,
    django_capture_on_commit_callbacks,
):
    item = mine()
    client.force_login(park.district)
    url = reverse("handover:export", args=[item.pk])
    before = database_counts()
    offer = client.get(url)
    assert offer.status_code == 200 and 'id="export-job-offer"' in offer.content.decode()
    assert_nothing_written(before)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    job = Job.objects.get()
    assert response.url == reverse("jobs:detail", args=[job.pk])
    assert job.kind == "handover.export_xlsx" and job.status == JobStatus.SUCCEEDED
    assert job.result == {"entries": 1, "full_phones": True}
    download = client.get(reverse("jobs:result", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert "13655556666" in [cell.value for cell in sheet[2]]
    event = AuditEvent.objects.get(action=AuditAction.PERSONAL_DATA_EXPORTED)
    assert event.actor == park.district
    # Not the command post's, though it may read the list.
    client.force_login(park.command)
    assert client.get(reverse("jobs:result", args=[job.pk])).status_code == 404
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404


def test_the_job_reads_the_list_as_its_owner_again(
    client,
    park,
    lists,  # noqa: F811
    as_jobs,
    django_capture_on_commit_callbacks,
):
    client.force_login(park.district)
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(reverse("handover:export", args=[mine().pk]))
    park.district.role = "inspector"
    park.district.district_code = ""
    park.district.save()
    for callback in callbacks:
        callback()
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and not job.result_file
    assert not AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_EXPORTED).exists()


# Who may read the list starts its export; the rest write nothing (another district: 404).
EXPORT = {"command": 302, "district": 302}


@pytest.mark.parametrize("role", PARK_ROLES)
def test_exporting_a_list_by_role(client, park, lists, as_jobs, role, settings):  # noqa: F811
    user = park.users()[role]
    client.force_login(user)
    url = reverse("handover:export", args=[mine().pk])
    before = database_counts()
    assert client.get(url).status_code == {"command": 200, "district": 200}.get(role, 403)
    response = client.post(url)
    assert response.status_code == EXPORT.get(role, 403)
    if role in EXPORT:
        assert Job.objects.filter(owner=user, kind="handover.export_xlsx").count() == 1
    else:
        assert_nothing_written(before)
    # Small lists are downloaded at once.
    settings.FUGONG_EXPORT_INLINE_MAX_ROWS = 5000
    assert client.get(url).status_code == {"command": 200, "district": 200}.get(role, 403)
