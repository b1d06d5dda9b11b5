"""The screening app's background job: re-screening many workers after a rule change (or on
request), started by ``services._rescreen`` when they are over
``FUGONG_RESCREEN_INLINE_MAX_WORKERS``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from fugong.core.roles import Action, require
from fugong.jobs.progress import JobContext
from fugong.jobs.registry import JobOutcome, register_job_kind

from .rescreening import rescreen_workers
from .services import RESCREEN_JOB, audit_rescreened


def run_rescreen(context: JobContext) -> JobOutcome:
    # Again now: the owner may have lost the command post's role since (then: forbidden, and
    # the daily re-screening applies the rule instead).
    require(context.owner, Action.SCREENING_MANAGE)
    parameters = context.parameters
    run = rescreen_workers(
        division_prefix=parameters["division_prefix"],
        trigger=parameters["trigger"],
        actor=context.owner,
        description=parameters.get("description", ""),
        progress=context,
    )
    if parameters.get("audit"):
        audit_rescreened(actor=context.owner, run=run)
    return JobOutcome(
        result={
            "run_id": run.pk,
            "examined": run.examined,
            "changed": run.changed,
            "duration_ms": run.duration_ms,
        }
    )


register_job_kind(
    RESCREEN_JOB,
    run=run_rescreen,
    title=gettext_lazy("Re-screening workers"),
    result_template="screening/_rescreen_result.html",
    # Idempotent: each batch recomputes clearances from the facts; running again is harmless.
    retry=True,
)
