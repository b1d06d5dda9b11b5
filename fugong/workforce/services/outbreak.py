"""What outbreak response (the cases app, a layer above) changes on workers: a confirmed close
contact's date of contact, and the closure of a department or a whole enterprise. Each write
re-screens the workers it concerns at once (trigger ``case``), so the gate and the kiosk's next
snapshot deny them.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.errors import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    full_clean_or_raise,
)
from fugong.core.roles import Action, require
from fugong.core.scoping import enterprise_scope_q
from fugong.enterprises.models import Enterprise
from fugong.screening.models import ScreeningRun

from ..clearance import rescreen
from ..models import DepartmentClosure, Worker
from .workers import _scope_enterprise


@transaction.atomic
def worker_contact_record(*, actor: User, worker: Worker, contact_on: date, reason: str) -> Worker:
    """The command post confirmed ``worker`` as a close contact, last in contact on
    ``contact_on``: the worker's ``contact_on`` becomes the later of the date it holds and this
    one (observation runs from the last contact), ``reason`` says why (the case), and the
    clearance is recomputed now."""
    require(actor, Action.CONTACTS_DECIDE)
    worker = Worker.objects.select_for_update().get(pk=worker.pk)
    # As for a move: a worker who has left (no enterprise) is in the command post's scope.
    if not Worker.objects.filter(enterprise_scope_q(actor, "enterprise"), pk=worker.pk).exists():
        raise NotFoundError()
    if contact_on > timezone.localdate():
        raise ApplicationError(
            _("This date is in the future."),
            code="invalid",
            fields={"contact_on": [_("This date is in the future.")]},
        )
    previous = worker.contact_on
    if previous is None or contact_on >= previous:
        worker.contact_on = contact_on
        worker.contact_reason = reason[:200]
        worker.save(update_fields=["contact_on", "contact_reason", "updated_at"])
    rescreen(
        workers_filter=Q(pk=worker.pk),
        trigger=ScreeningRun.Trigger.CASE,
        actor=actor,
        description=worker.full_name,
        enterprise=worker.enterprise,
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.WORKER_UPDATED,
        target=worker,
        enterprise=worker.enterprise,
        summary=worker.full_name,
        data={
            "fields": ["contact_on"],
            "contact_on": worker.contact_on.isoformat() if worker.contact_on else None,
            "reason": reason[:200],
        },
    )
    worker.refresh_from_db()
    return worker


def _rescreen_enterprise(
    actor: User, enterprise: Enterprise, department: str, description: str
) -> None:
    workers = Q(enterprise=enterprise)
    if department:
        workers &= Q(department=department)
    rescreen(
        workers_filter=workers,
        trigger=ScreeningRun.Trigger.CASE,
        actor=actor,
        description=description,
        enterprise=enterprise,
    )


def closure_label(closure: DepartmentClosure) -> str:
    """What is closed, for summaries: the department, or the whole enterprise."""
    return closure.department or _("the whole enterprise")


@transaction.atomic
def closure_open(
    *,
    actor: User,
    enterprise: Enterprise,
    department: str = "",
    reason: str,
    case_reference: str = "",
    case_number: int | None = None,
) -> DepartmentClosure:
    """Close a department or workshop of ``enterprise`` (blank: the whole enterprise): its
    workers are re-screened at once and are not cleared (``closed``) until it reopens. A
    department no worker of the enterprise belongs to is refused; so is closing what is
    already closed (a department of a closed enterprise included)."""
    require(actor, Action.CONTAINMENT_MANAGE)
    _scope_enterprise(actor, enterprise)
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    department = " ".join((department or "").split())
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("Give the reason for the closure."),
            code="invalid",
            fields={"reason": [_("Required.")]},
        )
    if (
        department
        and not Worker.objects.filter(enterprise=enterprise, department=department).exists()
    ):
        message = _("No worker of this enterprise belongs to this department or workshop.")
        raise ApplicationError(message, code="invalid", fields={"department": [message]})
    open_closures = DepartmentClosure.objects.filter(
        enterprise=enterprise, reopened_at__isnull=True
    )
    if open_closures.filter(department="").exists():
        raise ConflictError(_("The whole enterprise is already closed."), code="already_closed")
    if department and open_closures.filter(department=department).exists():
        raise ConflictError(
            _("This department or workshop is already closed."), code="already_closed"
        )
    closure = DepartmentClosure(
        enterprise=enterprise,
        department=department,
        reason=reason[:300],
        case_reference=case_reference[:120],
        case_number=case_number,
        closed_at=timezone.now(),
        closed_by=actor,
    )
    full_clean_or_raise(closure, exclude=["enterprise", "closed_by", "reopened_by"])
    try:
        with transaction.atomic():
            closure.save()
    except IntegrityError as error:  # pragma: no cover - the same closure at the same moment
        raise ConflictError(
            _("This department or workshop is already closed."), code="already_closed"
        ) from error
    _rescreen_enterprise(actor, enterprise, department, closure_label(closure))
    audit_event_record(
        actor=actor,
        action=AuditAction.CONTAINMENT_STARTED,
        target=closure,
        enterprise=enterprise,
        summary=f"{closure_label(closure)}: {closure.reason}"[:300],
        data={
            "department": department,
            "case": case_number,
            "case_reference": closure.case_reference,
        },
    )
    return closure


@transaction.atomic
def closure_reopen(*, actor: User, closure: DepartmentClosure) -> DepartmentClosure:
    """Reopen a closed department or enterprise: its workers are re-screened at once (the
    other reasons they may have to stay out still count)."""
    require(actor, Action.CONTAINMENT_MANAGE)
    closure = (
        DepartmentClosure.objects.select_for_update()
        .select_related("enterprise")
        .get(pk=closure.pk)
    )
    _scope_enterprise(actor, closure.enterprise)
    if closure.reopened_at is not None:
        raise ConflictError(_("This closure has already been lifted."), code="already_reopened")
    closure.reopened_at = timezone.now()
    closure.reopened_by = actor
    closure.save(update_fields=["reopened_at", "reopened_by"])
    _rescreen_enterprise(actor, closure.enterprise, closure.department, closure_label(closure))
    audit_event_record(
        actor=actor,
        action=AuditAction.CONTAINMENT_LIFTED,
        target=closure,
        enterprise=closure.enterprise,
        summary=closure_label(closure),
        data={"department": closure.department, "case": closure.case_number},
    )
    return closure
