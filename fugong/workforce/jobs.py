"""The workforce's background jobs: a large roster import (``imports.worker_import_enqueue``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong.enterprises.selectors import enterprise_get
from fugong.jobs.progress import JobContext
from fugong.jobs.registry import JobOutcome, register_job_kind

from .imports import ROSTER_IMPORT_JOB, WorkerImportReport, worker_import


def import_result(report: WorkerImportReport, enterprise_id: int) -> dict[str, Any]:
    return {**report.as_dict(), "bad_rows": report.bad_rows, "enterprise_id": enterprise_id}


def rejected_message(report: WorkerImportReport) -> str:
    return _("Nothing was imported: %(bad)s of %(total)s rows have problems.") % {
        "bad": report.bad_rows,
        "total": report.total,
    }


def run_roster_import(context: JobContext) -> JobOutcome:
    # As its owner, who may have lost the enterprise meanwhile (then: not found).
    enterprise = enterprise_get(
        actor=context.owner, enterprise_id=context.parameters["enterprise_id"]
    )
    with context.open_input() as upload:
        report = worker_import(
            actor=context.owner,
            enterprise=enterprise,
            upload=upload,
            numbers_checked=context.parameters.get("numbers_checked", False),
            progress=context,
        )
    result = import_result(report, enterprise.pk)
    if report.ok:
        return JobOutcome(result=result)
    return JobOutcome(result=result, error=rejected_message(report), error_code="import_rejected")


register_job_kind(
    ROSTER_IMPORT_JOB,
    run=run_roster_import,
    title=gettext_lazy("Roster import"),
    result_template="workforce/_import_report.html",
)
