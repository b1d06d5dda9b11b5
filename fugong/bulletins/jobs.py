"""The bulletins' background job: the .docx of a long bulletin (more than
``FUGONG_DOCX_INLINE_MAX_PARAGRAPHS`` paragraphs of text). The file is the job's result, kept
for its owner's download for ``FUGONG_JOB_RESULT_DAYS``."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong.accounts.models import User
from fugong.jobs.models import Job
from fugong.jobs.progress import JobContext
from fugong.jobs.registry import JobOutcome, ResultFile, register_job_kind
from fugong.jobs.services import job_enqueue

from . import selectors
from .exports import bulletin_docx, bulletin_file_name, bulletin_paragraphs
from .models import Bulletin

DOCX_JOB = "bulletins.docx"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_runs_as_job(bulletin: Bulletin) -> bool:
    limit: int = settings.FUGONG_DOCX_INLINE_MAX_PARAGRAPHS
    return bulletin_paragraphs(bulletin) > limit


def docx_enqueue(*, actor: User, bulletin: Bulletin) -> Job:
    """Queue the .docx of a bulletin ``actor`` may read (``selectors.bulletin_get``)."""
    return job_enqueue(actor=actor, kind=DOCX_JOB, parameters={"bulletin_id": bulletin.pk})


def run_docx(context: JobContext) -> JobOutcome:
    # Read as the owner now: a draft they may no longer see is "not found".
    bulletin = selectors.bulletin_get(
        actor=context.owner, bulletin_id=context.parameters["bulletin_id"]
    )
    paragraphs = bulletin_paragraphs(bulletin)
    context.stage(_("Writing the document"), total=paragraphs)
    content = bulletin_docx(bulletin, advance=context.advance)
    return JobOutcome(
        result={"bulletin_id": bulletin.pk, "paragraphs": paragraphs},
        file=ResultFile(bulletin_file_name(bulletin), content, DOCX),
    )


register_job_kind(DOCX_JOB, run=run_docx, title=gettext_lazy("Supervision bulletin (.docx)"))
