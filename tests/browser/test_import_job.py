"""A 100,000-row roster imports as a background job in a real worker process: the page shows
its progress, the user leaves it, comes back through "My jobs" and finds the finished report."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone

from fugong.jobs.models import Job, JobStatus
from fugong.jobs.tests.worker import WorkerProcess
from fugong.workforce.models import Worker

from .conftest import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)
ROWS = 100_000


def write_roster(path, rows: int) -> None:
    """As bench/roster_import.py writes it (XlsxWriter), in constant-memory mode for speed."""
    import xlsxwriter

    from fugong.workforce.imports import COLUMNS
    from fugong.workforce.synthetic import roster_rows

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("花名册")
    sheet.write_row(0, 0, [column.header for column in COLUMNS])
    for index, values in enumerate(roster_rows(rows, seed=7, today=timezone.localdate()), 1):
        for column, value in enumerate(values):
            if value != "":
                sheet.write_string(index, column, value)
    workbook.close()


def test_a_large_roster_imports_as_a_job_the_user_can_leave(page, park, tmp_path, settings):
    # The live server queues the job in the database, for the worker process (not at once).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    roster = tmp_path / "花名册-10万.xlsx"
    write_roster(roster, ROWS)
    worker = WorkerProcess(tmp_path).start()
    try:
        login(page, "officer")
        page.goto(page.base_url + "/workers/import/")
        page.set_input_files("#id_file", str(roster))
        started = time.monotonic()
        page.click("#roster-import-button")
        page.wait_for_selector("#job-status")
        job = Job.objects.get(owner=park.officer)
        assert page.url.endswith(f"/jobs/{job.pk}/")
        # The progress shows while the worker reads and checks the rows (the page polls it).
        try:
            page.wait_for_selector(
                '#job-status[data-job-status="running"] #job-progress-bar', timeout=60_000
            )
        except Exception as error:
            state = Job.objects.values("status", "stage", "done", "total").get(pk=job.pk)
            raise AssertionError(f"{state}\n{worker.log()}") from error
        screenshot(page, "40-roster-import-job-running")
        # Leave for another page, come back through the account menu's "My jobs".
        page.goto(page.base_url + "/")
        page.click("#user-menu")
        page.click('a.dropdown-item[href="/jobs/"]')
        page.wait_for_selector(f'#jobs-table tr[data-job-id="{job.pk}"]')
        page.click(f'#jobs-table tr[data-job-id="{job.pk}"] a')
        page.wait_for_selector('#job-status[data-job-status="succeeded"]', timeout=120_000)
        elapsed = time.monotonic() - started
        result = page.inner_text("#roster-result")
        assert "100000" in result.replace(",", "")
        screenshot(page, "41-roster-import-job-done")
    finally:
        worker.stop()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result["created"] == ROWS
    assert Worker.objects.filter(enterprise=park.a).count() == ROWS
    print(f"100,000-row import as a job, from the click to the report: {elapsed:.1f} s")
