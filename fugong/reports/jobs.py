"""The reports' background job: the daily report as xlsx when the table is large (over
``FUGONG_EXPORT_INLINE_MAX_ROWS`` enterprises in the caller's scope). The file is the job's
result, kept for download for ``FUGONG_JOB_RESULT_DAYS``. ``manage.py daily_report --format
xlsx`` stays synchronous."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong.accounts.models import User
from fugong.core.replica import replica_reads
from fugong.core.roles import Action, require
from fugong.jobs.models import Job
from fugong.jobs.progress import JobContext
from fugong.jobs.registry import JobOutcome, ResultFile, register_job_kind
from fugong.jobs.services import job_enqueue

from . import exports, selectors

DAILY_XLSX_JOB = "reports.daily_xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def daily_xlsx_name(day: date) -> str:
    return f"daily-report-{day.isoformat()}.xlsx"


def daily_xlsx_runs_as_job(*, actor: User) -> bool:
    """Whether the table (one row per enterprise in the actor's scope) is large enough to be
    written in the background."""
    limit: int = settings.FUGONG_EXPORT_INLINE_MAX_ROWS
    return selectors.report_scope(actor).count() > limit


def daily_xlsx_enqueue(*, actor: User, day: date, language: str) -> Job:
    require(actor, Action.REPORTS_VIEW)
    return job_enqueue(
        actor=actor,
        kind=DAILY_XLSX_JOB,
        parameters={"day": day.isoformat(), "language": language},
    )


def run_daily_xlsx(context: JobContext) -> JobOutcome:
    actor = context.owner
    require(actor, Action.REPORTS_VIEW)  # again: the owner may have lost the role
    day = date.fromisoformat(context.parameters["day"])
    context.stage(_("Computing the figures"))
    with replica_reads():
        figures = selectors.daily_figures(actor=actor, day=day)
        context.stage(_("Writing the workbook"), total=len(figures.enterprises))
        content = exports.daily_report_xlsx(
            figures, context.parameters.get("language") or "zh-hans", advance=context.advance
        )
    return JobOutcome(
        result={"day": day.isoformat(), "enterprises": len(figures.enterprises)},
        file=ResultFile(daily_xlsx_name(day), content, XLSX),
    )


register_job_kind(DAILY_XLSX_JOB, run=run_daily_xlsx, title=gettext_lazy("Daily report (xlsx)"))
