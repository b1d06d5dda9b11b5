"""Daily follow-up (健康打卡 / 医学观察随访): a worker's temperature and symptoms, morning and
afternoon, declared on their phone through their pass or entered by the health officer.

- ``follow_up_self_report``: the worker, through the signed token of their pass (no account).
  Looks are limited per client address (``FUGONG_RATE_LIMITS["follow_up_page"]``); a revoked,
  expired, forged or unknown pass is refused (4xx) and nothing is written. Always today.
- ``follow_up_record``: the enterprise's health officer (their own workers) or the command post
  (every worker), for today or an earlier day (never a future one).

A temperature outside 30–45 °C is refused; one declaration per worker, day and period (a second
one is refused with 409, never replaces the first). A temperature at or above the screening
policy's fever threshold, or any symptom, marks the declaration abnormal and raises an abnormal
event through the gate (``abnormal_event_from_follow_up``: medical hold and re-screening, as a
fever at a gate does).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.errors import ApplicationError, ConflictError, NotFoundError
from fugong.core.ratelimit import rate_limit_hit
from fugong.core.roles import Action, require
from fugong.core.scoping import enterprise_scope_q
from fugong.gate import rules
from fugong.gate.services import abnormal_event_from_follow_up, thresholds_on
from fugong.workforce.models import Worker
from fugong.workforce.services import pass_resolve

from .models import FollowUp, FollowUpChannel, FollowUpPeriod

# The symptoms a declaration offers (stored by code; shown translated).
SYMPTOMS: dict[str, Any] = {
    "cough": gettext_lazy("Cough"),
    "sore_throat": gettext_lazy("Sore throat"),
    "fatigue": gettext_lazy("Fatigue"),
    "smell_taste": gettext_lazy("Loss of smell or taste"),
    "breathless": gettext_lazy("Shortness of breath"),
    "muscle_pain": gettext_lazy("Muscle aches"),
    "diarrhoea": gettext_lazy("Diarrhoea"),
    "other": gettext_lazy("Other discomfort"),
}
RATE_LIMIT = "follow_up_page"


@dataclass(frozen=True)
class Declaration:
    """What a declaration says, before it is checked."""

    period: str
    temperature: Any
    symptoms: list[str]
    note: str = ""


def symptom_labels(codes: list[str]) -> list[str]:
    return [str(SYMPTOMS.get(code, code)) for code in codes]


def _temperature(value: Any) -> Decimal:
    try:
        temperature = Decimal(str(value).strip().replace("，", ".").replace(",", "."))
    except (InvalidOperation, ValueError, TypeError):
        temperature = Decimal("NaN")
    low, high = rules.TEMPERATURE_RANGE
    if not temperature.is_finite() or not low <= temperature <= high:
        message = _("Enter a body temperature between 30 and 45 °C.")
        raise ApplicationError(
            message, code="invalid_reading", fields={"temperature": [message]}, status=422
        )
    return temperature.quantize(Decimal("0.1"))


def _checked(declaration: Declaration, day: date) -> tuple[str, Decimal, list[str], str]:
    if declaration.period not in FollowUpPeriod.values:
        message = _("Choose morning or afternoon.")
        raise ApplicationError(message, fields={"period": [message]})
    if day > timezone.localdate():
        message = _("A declaration cannot be made for a day in the future.")
        raise ApplicationError(message, code="future_day", fields={"day": [message]})
    temperature = _temperature(declaration.temperature)
    symptoms = list(dict.fromkeys(declaration.symptoms or []))
    unknown = [code for code in symptoms if code not in SYMPTOMS]
    if unknown:
        message = _("Unknown symptom.")
        raise ApplicationError(message, fields={"symptoms": [message]})
    return declaration.period, temperature, symptoms, (declaration.note or "").strip()[:300]


def _record(
    *,
    actor: User | None,
    worker: Worker,
    day: date,
    declaration: Declaration,
    channel: str,
) -> FollowUp:
    period, temperature, symptoms, note = _checked(declaration, day)
    # One declaration per worker, day and period: a second one is refused, never replaces.
    Worker.objects.select_for_update().filter(pk=worker.pk).first()
    if FollowUp.objects.filter(worker=worker, day=day, period=period).exists():
        raise ConflictError(
            _("The %(period)s declaration of %(day)s has already been made.")
            % {"period": FollowUpPeriod(period).label, "day": day.isoformat()},
            code="already_declared",
        )
    fever = temperature >= thresholds_on(day).fever
    now = timezone.now()
    follow_up = FollowUp(
        worker=worker,
        enterprise_id=worker.enterprise_id,
        day=day,
        period=period,
        temperature=temperature,
        symptoms=symptoms,
        note=note,
        abnormal=fever or bool(symptoms),
        channel=channel,
        recorded_by=actor,
        recorded_at=now,
    )
    try:
        with transaction.atomic():
            follow_up.save()
    except IntegrityError as error:  # the same period declared at the same moment
        raise ConflictError(
            _("This declaration has already been made."), code="already_declared"
        ) from error
    if follow_up.abnormal:
        summary = " ".join([*([f"{temperature} °C"] if fever else []), *symptom_labels(symptoms)])
        follow_up.abnormal_event = abnormal_event_from_follow_up(
            actor=actor,
            worker=worker,
            occurred_at=now
            if day == timezone.localdate()
            else timezone.make_aware(datetime.combine(day, datetime.min.time())),
            temperature=temperature if fever else None,
            symptoms=symptoms,
            summary=summary,
        )
        follow_up.save(update_fields=["abnormal_event"])
    audit_event_record(
        actor=actor,
        action=AuditAction.FOLLOW_UP_RECORDED,
        target=worker,
        enterprise=worker.enterprise,
        summary=f"{day:%Y-%m-%d} {FollowUpPeriod(period).label}"
        + (f" · {_('abnormal')}" if follow_up.abnormal else ""),
        data={"channel": channel, "abnormal": follow_up.abnormal},
    )
    return follow_up


def follow_up_worker(*, actor: User, worker_id: int | str) -> Worker:
    """A worker whose declarations the actor may enter: the officer's own enterprise's, any for
    the command post (404 outside the scope)."""
    require(actor, Action.FOLLOW_UPS_RECORD)
    try:
        return (
            Worker.objects.filter(enterprise_scope_q(actor, "enterprise"))
            .select_related("enterprise")
            .get(pk=int(worker_id))
        )
    except (Worker.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


@transaction.atomic
def follow_up_record(
    *, actor: User, worker_id: int | str, day: date, declaration: Declaration
) -> FollowUp:
    """The health officer or the command post enters a worker's declaration."""
    worker = follow_up_worker(actor=actor, worker_id=worker_id)
    return _record(
        actor=actor,
        worker=worker,
        day=day,
        declaration=declaration,
        channel=FollowUpChannel.OFFICER,
    )


def follow_up_pass_worker(*, token: str, client: str) -> Worker:
    """The worker whose pass ``token`` is, counting one look of ``client`` against the rate
    limit first (429 over it); a forged or unknown pass 404, a revoked or expired one 409."""
    rate_limit_hit(RATE_LIMIT, client or "unknown")
    worker = pass_resolve(token).worker
    if worker.enterprise_id is None:  # left their enterprise: the pass no longer grants anything
        raise ConflictError(_("This pass is no longer valid."), code="pass_expired")
    return worker


def follow_up_self_report_for(*, worker: Worker, declaration: Declaration) -> FollowUp:
    """The worker declares today's temperature and symptoms; ``worker`` is the one
    ``follow_up_pass_worker`` resolved from their pass (the phone page resolves it once)."""
    with transaction.atomic():
        return _record(
            actor=None,
            worker=worker,
            day=timezone.localdate(),
            declaration=declaration,
            channel=FollowUpChannel.PASS,
        )


def follow_up_self_report(*, token: str, client: str, declaration: Declaration) -> FollowUp:
    """The worker declares through the signed token of their pass (rate-limited)."""
    worker = follow_up_pass_worker(token=token, client=client)
    return follow_up_self_report_for(worker=worker, declaration=declaration)
