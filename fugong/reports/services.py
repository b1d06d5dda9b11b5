"""Writes of the reports app: the headcounts enterprises declare."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.errors import ApplicationError, NotFoundError, full_clean_or_raise
from fugong.core.roles import Action, require
from fugong.core.scoping import enterprise_scope_q
from fugong.enterprises.models import Enterprise
from fugong.gate.models import AttendanceCount

from .models import HeadcountDeclaration


@transaction.atomic
def headcount_declare(
    *,
    actor: User,
    enterprise: Enterprise,
    day: date,
    workers: int,
    note: str = "",
    at: datetime | None = None,
) -> HeadcountDeclaration:
    """Declare how many of an enterprise's workers were on duty on ``day`` (today or earlier),
    for an enterprise without gate records that day; a second declaration for the same day
    replaces the first. Gate records, when they exist, are the figure and the declaration is
    refused."""
    require(actor, Action.HEADCOUNT_DECLARE)
    registered_at = (
        Enterprise.objects.filter(enterprise_scope_q(actor), pk=enterprise.pk)
        .values_list("created_at", flat=True)
        .first()
    )
    if registered_at is None:
        raise NotFoundError()
    now = at or timezone.now()
    if day > timezone.localdate(now):
        message = _("Workers on duty can be declared for today or an earlier day.")
        raise ApplicationError(message, fields={"date": [message]})
    if day < timezone.localdate(registered_at):
        message = _("The enterprise was not yet registered on that day.")
        raise ApplicationError(message, fields={"date": [message]})
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 0:
        message = _("Give the number of workers on duty, 0 or more.")
        raise ApplicationError(message, fields={"workers": [message]})
    if AttendanceCount.objects.filter(enterprise=enterprise, day=day, workers__gt=0).exists():
        message = _(
            "This enterprise has gate records for that day: its workers on duty are counted "
            "from them."
        )
        raise ApplicationError(message, fields={"date": [message]}, code="gate_records")
    declaration = (
        HeadcountDeclaration.objects.select_for_update()
        .filter(enterprise=enterprise, day=day)
        .first()
    )
    previous = declaration.workers if declaration else None
    note = (note or "").strip()
    if declaration is not None and (declaration.workers, declaration.note) == (workers, note):
        return declaration  # the same declaration again (a retry): nothing to write
    if declaration is None:
        declaration = HeadcountDeclaration(enterprise=enterprise, day=day, created_at=now)
    declaration.workers = workers
    declaration.note = note
    declaration.declared_by = actor
    full_clean_or_raise(declaration)
    declaration.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.HEADCOUNT_DECLARED,
        target=declaration,
        enterprise=enterprise,
        summary=_("%(day)s: %(workers)d workers on duty declared")
        % {"day": day.isoformat(), "workers": workers},
        data={"day": day.isoformat(), "workers": workers, "previous": previous},
        at=now,
    )
    return declaration
