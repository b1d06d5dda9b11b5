"""Abnormal events: raising one from a check (the worker's medical hold and re-screening) and
the steps that follow it (re-check, release, fever clinic, outcome), which lift or keep the hold.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.errors import ApplicationError, ConflictError, NotFoundError
from fugong.core.roles import Action, Role, require
from fugong.core.scoping import enterprise_scope_q
from fugong.enterprises.models import Enterprise
from fugong.screening.models import ScreeningRun
from fugong.workforce.clearance import rescreen
from fugong.workforce.models import Worker

from .. import rules
from ..models import (
    AbnormalEvent,
    EventKind,
    EventOutcome,
    EventSource,
    EventStatus,
    EventStep,
    GateCheck,
    StepAction,
)


def _raise_event(
    check: GateCheck, decision: rules.Decision, operator: User | None
) -> AbnormalEvent:
    temperature = check.temperature_recheck or check.temperature
    worker = check.worker
    event = AbnormalEvent.objects.create(
        gate_check=check,
        gate=check.gate,
        enterprise=check.gate.enterprise or (worker.enterprise if worker is not None else None),
        worker=worker,
        visitor=check.visitor,
        kind=decision.abnormal,
        temperature=temperature if rules.FEVER in decision.reasons else None,
        spo2=check.spo2 if rules.LOW_SPO2 in decision.reasons else None,
        occurred_at=check.occurred_at,
    )
    if worker is not None:
        detail = []
        if event.temperature is not None:
            detail.append(f"{event.temperature} °C")
        if event.spo2 is not None:
            detail.append(f"SpO2 {event.spo2}%")
        when = timezone.localtime(check.occurred_at)
        hold = f"{when:%Y-%m-%d %H:%M} {check.gate.name} {' '.join(detail)}"
        Worker.objects.filter(pk=worker.pk).update(medical_hold=hold[:200])
        rescreen(
            workers_filter=Q(pk=worker.pk),
            trigger=ScreeningRun.Trigger.GATE,
            actor=operator,
            description=str(event),
            enterprise=worker.enterprise,
        )
    audit_event_record(
        actor=operator,
        action=AuditAction.GATE_EVENT_RAISED,
        target=event,
        enterprise=event.enterprise,
        summary=f"{event.get_kind_display()} · {check.gate}",
    )
    return event


def _event_in_scope(actor: User, event: AbnormalEvent) -> None:
    """The gate's enterprise and the worker's own (when the check was made: not a later
    employer) both follow an event."""
    require(actor, Action.GATE_EVENTS_FOLLOW)
    if actor.role == Role.COMMAND:
        return
    # A follow-up's event has no gate check: its enterprise is the worker's when declared.
    worker_enterprise = event.gate_check.worker_enterprise_id if event.gate_check else None
    enterprises = {pk for pk in (event.enterprise_id, worker_enterprise) if pk is not None}
    if not Enterprise.objects.filter(enterprise_scope_q(actor), pk__in=enterprises).exists():
        raise NotFoundError()


@transaction.atomic
def abnormal_event_step(
    *,
    actor: User,
    event: AbnormalEvent,
    action: str,
    temperature: Decimal | None = None,
    spo2: int | None = None,
    outcome: str = "",
    note: str = "",
    at: datetime | None = None,
) -> AbnormalEvent:
    """Record what happened next: a re-check in the observation room, release, a fever clinic,
    an outcome. The outcome "cleared" lifts the worker's medical hold and re-screens them.
    ``at`` backdates the step (the demo park's history); by default it is now."""
    event = AbnormalEvent.objects.select_for_update().get(pk=event.pk)
    _event_in_scope(actor, event)
    if action not in StepAction.values:
        raise ApplicationError(_("Unknown step."), fields={"action": [_("Unknown step.")]})
    if event.status == EventStatus.CLOSED and action != StepAction.OUTCOME:
        raise ConflictError(_("This event is closed; only its outcome can still change."))
    low, high = rules.TEMPERATURE_RANGE
    if temperature is not None and not low <= temperature <= high:
        message = _("%(value)s °C is not a body temperature: check the reading (30–45 °C).") % {
            "value": temperature
        }
        raise ApplicationError(
            message, code="invalid_reading", fields={"temperature": [message]}, status=422
        )
    if spo2 is not None and not rules.SPO2_RANGE[0] <= spo2 <= rules.SPO2_RANGE[1]:
        message = _("%(value)s%% is not an SpO2 reading: check it (50–100%%).") % {"value": spo2}
        raise ApplicationError(
            message, code="invalid_reading", fields={"spo2": [message]}, status=422
        )
    if outcome and action != StepAction.OUTCOME:
        message = _("An outcome is recorded with the step “Outcome recorded”.")
        raise ApplicationError(message, fields={"outcome": [message]})
    if action == StepAction.RECHECK and temperature is None and spo2 is None:
        raise ApplicationError(
            _("Enter the readings of the re-check."), fields={"temperature": [_("Required.")]}
        )
    if action == StepAction.OUTCOME and outcome not in EventOutcome.values:
        raise ApplicationError(_("Choose the outcome."), fields={"outcome": [_("Required.")]})
    if action == StepAction.RELEASE:
        outcome = EventOutcome.CLEARED
    now = at or timezone.now()
    EventStep.objects.create(
        event=event,
        action=action,
        temperature=temperature,
        spo2=spo2,
        outcome=outcome,
        note=(note or "").strip()[:500],
        actor=actor,
        at=now,
    )
    if action == StepAction.RECHECK:
        event.status = EventStatus.RECHECKED
    elif action == StepAction.FEVER_CLINIC:
        event.status = EventStatus.FEVER_CLINIC
    if outcome:
        event.outcome = outcome
        event.status = EventStatus.CLOSED
        event.closed_at = now
    event.save()
    if event.worker_id and outcome:
        hold = Worker.objects.get(pk=event.worker_id).medical_hold
        if outcome != EventOutcome.CLEARED:
            hold = hold or str(event)
        else:
            # Cleared of this event; another one still open keeps the worker held.
            still_open = (
                AbnormalEvent.objects.filter(worker_id=event.worker_id)
                .exclude(status=EventStatus.CLOSED)
                .exclude(pk=event.pk)
                .order_by("-occurred_at")
                .first()
            )
            hold = str(still_open) if still_open else ""
        Worker.objects.filter(pk=event.worker_id).update(medical_hold=hold)
        rescreen(
            workers_filter=Q(pk=event.worker_id),
            trigger=ScreeningRun.Trigger.GATE,
            actor=actor,
            description=f"{event} · {event.get_outcome_display()}",
            enterprise=event.enterprise,
        )
    audit_event_record(
        actor=actor,
        action=AuditAction.GATE_EVENT_STEP,
        target=event,
        enterprise=event.enterprise,
        at=now,
        summary=" · ".join(
            [
                str(StepAction(action).label),
                *([str(EventOutcome(outcome).label)] if outcome else []),
            ]
        ),
    )
    return event


def abnormal_event_from_follow_up(
    *,
    actor: User | None,
    worker: Worker,
    occurred_at: datetime,
    temperature: Decimal | None,
    symptoms: list[str],
    summary: str,
) -> AbnormalEvent:
    """An abnormal event raised by a worker's daily health declaration (a fever or a symptom),
    with no gate check and no gate: the worker is put on a medical hold and re-screened, as a
    confirmed fever at a gate does. An open event of the same day from a declaration is reused
    (the afternoon's fever after the morning's cough is the same episode). Runs in the caller's
    transaction (the follow-up's). ``summary`` says what was declared (kept in the hold)."""
    when = timezone.localtime(occurred_at)
    existing = (
        AbnormalEvent.objects.select_for_update()
        .filter(
            worker=worker,
            source=EventSource.FOLLOW_UP,
            occurred_at__date=when.date(),
        )
        .exclude(status=EventStatus.CLOSED)
        .first()
    )
    if existing is not None:
        return existing
    if temperature is not None and symptoms:
        kind = EventKind.FEVER_AND_SYMPTOMS
    elif temperature is not None:
        kind = EventKind.FEVER
    else:
        kind = EventKind.SYMPTOMS
    event = AbnormalEvent.objects.create(
        source=EventSource.FOLLOW_UP,
        gate_check=None,
        gate=None,
        enterprise=worker.enterprise,
        worker=worker,
        kind=kind,
        temperature=temperature,
        occurred_at=occurred_at,
    )
    hold = f"{when:%Y-%m-%d %H:%M} {EventSource.FOLLOW_UP.label} {summary}"
    Worker.objects.filter(pk=worker.pk).update(medical_hold=hold[:200])
    rescreen(
        workers_filter=Q(pk=worker.pk),
        trigger=ScreeningRun.Trigger.GATE,
        actor=actor,
        description=str(event),
        enterprise=worker.enterprise,
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.GATE_EVENT_RAISED,
        target=event,
        enterprise=event.enterprise,
        summary=f"{event.get_kind_display()} · {EventSource.FOLLOW_UP.label}",
    )
    return event
