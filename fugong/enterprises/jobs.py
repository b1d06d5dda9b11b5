"""The enterprises' background job: a large import (``imports.enterprise_import_enqueue``)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong.jobs.progress import JobContext
from fugong.jobs.registry import JobOutcome, register_job_kind

from .imports import ENTERPRISE_IMPORT_JOB, ImportReport, enterprise_import


def rejected_message(report: ImportReport) -> str:
    return _("Nothing was imported: %(bad)s of %(total)s rows have problems.") % {
        "bad": report.bad_rows,
        "total": report.total,
    }


def run_enterprise_import(context: JobContext) -> JobOutcome:
    with context.open_input() as upload:
        report = enterprise_import(actor=context.owner, upload=upload, progress=context)
    result = {**report.as_dict(), "bad_rows": report.bad_rows}
    if report.ok:
        return JobOutcome(result=result)
    return JobOutcome(result=result, error=rejected_message(report), error_code="import_rejected")


register_job_kind(
    ENTERPRISE_IMPORT_JOB,
    run=run_enterprise_import,
    title=gettext_lazy("Enterprise import"),
    result_template="enterprises/_import_report.html",
)
