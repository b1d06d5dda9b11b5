"""Job kinds for the tests (registered when this module is imported; the worker subprocess of
the SIGKILL test imports it through ``FUGONG_JOB_MODULES``)."""

from __future__ import annotations

import time
from pathlib import Path

from django.db import transaction

from fugong.audit.models import AuditEvent
from fugong.core.errors import ApplicationError
from fugong.jobs.registry import JobOutcome, ResultFile, register_job_kind


def count(context):
    n = context.parameters["n"]
    delay = context.parameters.get("delay", 0)
    context.stage("Counting", total=n)
    for done in range(1, n + 1):
        if delay:
            time.sleep(delay)
        context.advance(done)
    data = context.open_input().read() if context.job.input_file else b""
    file = None
    if context.parameters.get("file"):
        file = ResultFile("count.txt", b"counted %d" % n, "text/plain")
    return JobOutcome(result={"n": n, "input": data.decode()}, file=file)


def refuse(context):
    raise ApplicationError("This is refused.", code="refused_for_the_test")


def crash(context):
    raise RuntimeError("secret stack detail")


def slow_write(context):
    """Writes a row in its transaction, says so through a marker file, then waits to be
    killed."""
    context.stage("Saving")
    with transaction.atomic():
        AuditEvent.objects.create(
            action="user.created", target_type="jobs.test", target_id="half", summary="half"
        )
        Path(context.parameters["marker"]).write_text("written")
        time.sleep(context.parameters.get("sleep", 60))
    return JobOutcome(result={"saved": True})


register_job_kind("tests.count", run=count, title="Counting")
register_job_kind("tests.refuse", run=refuse, title="Refusing")
register_job_kind("tests.crash", run=crash, title="Crashing")
register_job_kind("tests.slow_write", run=slow_write, title="Slow write")
register_job_kind("tests.slow_write_once", run=slow_write, title="Slow write", retry=False)
