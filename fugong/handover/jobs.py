"""The handover lists' background job: the xlsx export of a long list (more than
``FUGONG_EXPORT_INLINE_MAX_ROWS`` people). The file is the job's result, kept for its owner's
download for ``FUGONG_JOB_RESULT_DAYS``; the export is recorded in the audit trail when the
job writes it."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.roles import Action, Role, user_can
from fugong.jobs.models import Job
from fugong.jobs.progress import JobContext
from fugong.jobs.registry import JobOutcome, ResultFile, register_job_kind
from fugong.jobs.services import job_enqueue

from . import selectors
from .exports import handover_xlsx
from .models import HandoverList
from .services import handover_label

EXPORT_JOB = "handover.export_xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_name(handover_list: HandoverList) -> str:
    return f"handover-{handover_list.district_code}-{handover_list.kind}-{handover_list.as_of}.xlsx"


def export_runs_as_job(handover_list: HandoverList) -> bool:
    limit: int = settings.FUGONG_EXPORT_INLINE_MAX_ROWS
    return handover_list.entry_count > limit


def export_full_phones(actor: User) -> bool:
    """District liaisons get full phone numbers (they call these people); others masked."""
    return actor.role == Role.DISTRICT_LIAISON and user_can(actor, Action.WORKERS_REVEAL_PHONE)


def handover_export(
    *,
    actor: User,
    handover_list: HandoverList,
    advance: Callable[[int], object] | None = None,
) -> tuple[bytes, bool]:
    """The list as xlsx for ``actor`` (who may read it), recorded in the audit trail."""
    full_phones = export_full_phones(actor)
    content = handover_xlsx(handover_list, full_phones=full_phones, advance=advance)
    audit_event_record(
        actor=actor,
        action=AuditAction.PERSONAL_DATA_EXPORTED,
        target=handover_list,
        summary=handover_label(handover_list),
        data={"entries": handover_list.entry_count, "full_phones": full_phones},
    )
    return content, full_phones


def export_enqueue(*, actor: User, handover_list: HandoverList) -> Job:
    """Queue the export of a list ``actor`` may read (``selectors.handover_get``)."""
    return job_enqueue(actor=actor, kind=EXPORT_JOB, parameters={"list_id": handover_list.pk})


def run_export(context: JobContext) -> JobOutcome:
    # Read as the owner now: a list outside their district or role any more is "not found".
    handover_list = selectors.handover_get(
        actor=context.owner, list_id=context.parameters["list_id"]
    )
    context.stage(_("Writing the workbook"), total=handover_list.entry_count)
    content, full_phones = handover_export(
        actor=context.owner, handover_list=handover_list, advance=context.advance
    )
    return JobOutcome(
        result={"entries": handover_list.entry_count, "full_phones": full_phones},
        file=ResultFile(export_name(handover_list), content, XLSX),
    )


register_job_kind(EXPORT_JOB, run=run_export, title=gettext_lazy("Handover list (xlsx)"))
