"""Containment: the command post closes a department or workshop of an enterprise, or the whole
enterprise (and may suspend it), naming a case; and reopens it.

A closure is a ``fugong.workforce.models.DepartmentClosure`` (workforce, a layer below, names
the case by number and reference). While it is open, re-screening gives the workers it covers
the blocking reason ``closed``: they are not cleared, so the gate and the offline kiosk (which
deny anyone not cleared) deny them, with no change to the gate's rules. Closing and reopening
re-screen those workers at once.

A drill case closes nothing: its workers would really be denied at the gate.

Suspending the enterprise goes through the resumption app's ``enterprise_suspend`` (its reason
names the case) together with a closure of the whole enterprise; reopening lifts the closure
only: the suspension ends through the enterprise's reinstatement, as any other.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.core.errors import ApplicationError, NotFoundError
from fugong.core.roles import Action, require
from fugong.core.scoping import enterprise_scope_q
from fugong.enterprises.models import Enterprise
from fugong.resumption.services import enterprise_suspend
from fugong.workforce.models import DepartmentClosure
from fugong.workforce.services import closure_open, closure_reopen

from .models import Case, CaseEntryKind
from .services import case_entry_add


def case_reference(case: Case) -> str:
    """How a closure names its case (workforce keeps it as text)."""
    return f"#{case.pk}"


# ----- reads ---------------------------------------------------------------------------------


def closure_scope(actor: User) -> QuerySet[DepartmentClosure]:
    """Closures of the enterprises the actor sees (command post: all; liaison: theirs;
    enterprise officer: their own)."""
    require(actor, Action.CASES_VIEW)
    return DepartmentClosure.objects.filter(enterprise_scope_q(actor, "enterprise"))


def closure_list(
    *,
    actor: User,
    case_id: int | None = None,
    enterprise_id: int | None = None,
    open_only: bool = False,
) -> QuerySet[DepartmentClosure]:
    closures = closure_scope(actor).select_related("enterprise", "closed_by", "reopened_by")
    if case_id is not None:
        closures = closures.filter(case_number=case_id)
    if enterprise_id is not None:
        closures = closures.filter(enterprise_id=enterprise_id)
    if open_only:
        closures = closures.filter(reopened_at__isnull=True)
    return closures.order_by("reopened_at", "-closed_at", "-id")


def closure_get(*, actor: User, closure_id: int | str) -> DepartmentClosure:
    try:
        return closure_scope(actor).select_related("enterprise").get(pk=int(closure_id))
    except (DepartmentClosure.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


def open_closures_of(enterprise: Enterprise) -> list[DepartmentClosure]:
    """The open closures of an enterprise the caller already may see (its page)."""
    return list(
        DepartmentClosure.objects.filter(enterprise=enterprise, reopened_at__isnull=True).order_by(
            "department", "id"
        )
    )


def closable_departments(enterprise: Enterprise) -> list[str]:
    """The departments and workshops the enterprise's workers belong to."""
    return sorted(
        set(
            enterprise.workers.exclude(department="")
            .values_list("department", flat=True)
            .distinct()
        )
    )


def _what_happened(closure: DepartmentClosure, enterprise: str, *, closed: bool) -> str:
    values = {"department": closure.department, "enterprise": enterprise}
    if closure.department:
        if closed:
            return _("%(department)s of %(enterprise)s closed") % values
        return _("%(department)s of %(enterprise)s reopened") % values
    if closed:
        return _("%(enterprise)s closed as a whole") % values
    return _("%(enterprise)s reopened") % values


# ----- writes --------------------------------------------------------------------------------


@transaction.atomic
def containment_close(
    *,
    actor: User,
    case: Case,
    enterprise_id: int | str,
    department: str = "",
    suspend_enterprise: bool = False,
    reason: str,
) -> DepartmentClosure:
    """Close a department or workshop of an enterprise (``department`` blank: the whole
    enterprise) over ``case``; with ``suspend_enterprise``, suspend the enterprise too (the
    whole enterprise only). The case's timeline and the audit trail record it."""
    require(actor, Action.CONTAINMENT_MANAGE)
    if case.is_drill:
        raise ApplicationError(
            _("A drill case closes no real department or enterprise."), code="drill"
        )
    try:
        enterprise = Enterprise.objects.filter(enterprise_scope_q(actor)).get(pk=int(enterprise_id))
    except (Enterprise.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error
    department = " ".join((department or "").split())
    reason = (reason or "").strip()
    if suspend_enterprise and department:
        message = _("Suspending concerns the whole enterprise: leave the department blank.")
        raise ApplicationError(message, code="invalid", fields={"department": [message]})
    reference = case_reference(case)
    closure = closure_open(
        actor=actor,
        enterprise=enterprise,
        department=department,
        reason=reason,
        case_reference=reference,
        case_number=case.pk,
    )
    suspension_id = None
    if suspend_enterprise:
        suspension = enterprise_suspend(
            actor=actor,
            enterprise=enterprise,
            reason=_("Case %(case)s: %(reason)s") % {"case": reference, "reason": reason},
            audit_data={"case": case.pk, "closure": closure.pk},
        )
        suspension_id = suspension.pk
    summary = _what_happened(closure, enterprise.name, closed=True) + ": " + reason
    if suspend_enterprise:
        summary += " (" + _("enterprise suspended") + ")"
    case_entry_add(
        case=case,
        kind=CaseEntryKind.CONTAINMENT,
        actor=actor,
        summary=summary,
        data={
            "closure": closure.pk,
            "enterprise": enterprise.pk,
            "department": department,
            "suspension": suspension_id,
            "action": "closed",
        },
    )
    return closure


@transaction.atomic
def containment_reopen(*, actor: User, closure_id: int | str) -> DepartmentClosure:
    """Reopen a closed department or enterprise; its workers are re-screened at once."""
    require(actor, Action.CONTAINMENT_MANAGE)
    closure = closure_get(actor=actor, closure_id=closure_id)
    closure = closure_reopen(actor=actor, closure=closure)
    case = Case.objects.filter(pk=closure.case_number).first() if closure.case_number else None
    if case is not None:
        case_entry_add(
            case=case,
            kind=CaseEntryKind.CONTAINMENT,
            actor=actor,
            summary=_what_happened(closure, closure.enterprise.name, closed=False),
            data={"closure": closure.pk, "action": "reopened"},
        )
    return closure
