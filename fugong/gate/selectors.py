"""Reads at the gate and about gates, within the caller's scope.

A gate operator sees only their own gate and, of the workers, the minimum to admit or deny one
person: name, masked document number, department, clearance today. A gate knows only its own
people: its enterprise's current workers (a park gate: every enterprise's).
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any, NotRequired, TypedDict

from django.conf import settings
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.core.divisions import division_name
from fugong.core.errors import ApplicationError, NotFoundError
from fugong.core.roles import Action, Role, require
from fugong.core.scoping import enterprise_scope_q
from fugong.core.text import normalize_name
from fugong.screening.engine import areas_in_force, policy_on
from fugong.training.selectors import first_training_days
from fugong.workforce.models import Worker, WorkerPass
from fugong.workforce.services import pass_token

from . import offline
from .declarations import DeclarationStatus, declaration_status
from .models import AbnormalEvent, EventStatus, Gate, GateCheck, GateOperator, Verdict
from .services import thresholds_on


def gate_scope(actor: User) -> QuerySet[Gate]:
    require(actor, Action.GATES_VIEW)
    gates = Gate.objects.select_related("enterprise")
    if actor.role == Role.COMMAND:
        return gates
    return gates.filter(enterprise__isnull=False).filter(enterprise_scope_q(actor, "enterprise"))


def gate_list(*, actor: User, day: date | None = None) -> QuerySet[Gate]:
    day = day or timezone.localdate()
    return (
        gate_scope(actor)
        .annotate(
            admitted=Count("checks", filter=Q(checks__check_date=day, checks__verdict="admitted")),
            denied=Count("checks", filter=Q(checks__check_date=day, checks__verdict="denied")),
            disputed=Count("checks", filter=Q(checks__check_date=day, checks__disputed=True)),
        )
        .order_by("enterprise__name", "name", "id")
    )


def gate_get(*, actor: User, gate_id: int | str) -> Gate:
    try:
        return gate_scope(actor).get(pk=int(gate_id))
    except (Gate.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


def operator_gate(actor: User) -> Gate:
    """The gate a gate operator works at, or the business error explaining why there is none."""
    require(actor, Action.GATE_OPERATE)
    post = GateOperator.objects.select_related("gate__enterprise").filter(user=actor).first()
    gate = post.gate if post and post.gate.is_active else None
    # A post that no longer fits (the operator moved to another enterprise) is no post.
    if gate is not None and gate.enterprise_id not in (None, actor.enterprise_id):
        gate = None
    if gate is None:
        raise ApplicationError(
            _("No gate is assigned to this account; ask the command post."),
            code="no_gate",
            status=409,
        )
    return gate


def gate_operators(*, gate: Gate) -> QuerySet[User]:
    """The active users posted at ``gate`` (read on the gate's page, found in scope first)."""
    return User.objects.filter(
        pk__in=GateOperator.objects.filter(gate=gate).values("user"), is_active=True
    ).order_by("full_name", "username")


def gate_operator_candidates(*, gate: Gate) -> QuerySet[User]:
    """Who may be posted at ``gate``: active gate operators of its enterprise (any, for a park
    gate's: the wharf's operator belongs to no enterprise, or to one that shares the gate)."""
    operators = User.objects.filter(role=Role.GATE_OPERATOR, is_active=True)
    if gate.enterprise_id is not None:
        operators = operators.filter(enterprise_id=gate.enterprise_id)
    return operators.order_by("full_name", "username")


def gate_checks(*, actor: User, gate: Gate, day: date | None = None) -> QuerySet[GateCheck]:
    """A day's checks at ``gate`` (found in the actor's scope with ``gate_get``). A gate lists only
    its own people: a worker who was not the gate's enterprise's when checked (possible only for
    checks recorded before gates were limited to their own people) is left out of the row
    (``hide_worker``) for anyone but the command post, who sees every enterprise's workers."""
    day = day or timezone.localdate()
    checks = (
        GateCheck.objects.filter(gate=gate, check_date=day)
        .select_related("worker", "visitor", "operator")
        .order_by("-occurred_at", "-id")
    )
    if actor.role != Role.COMMAND and gate.enterprise_id is not None:
        checks = checks.annotate(
            hide_worker=ExpressionWrapper(
                Q(worker__isnull=False)
                & ~Q(worker_enterprise=F("enterprise"), worker_enterprise__isnull=False),
                output_field=BooleanField(),
            )
        )
    return checks


def _gate_people_q(gate: Gate, prefix: str = "") -> Q:
    """The gate's own people: its enterprise's current workers; at a park gate, every
    enterprise's (not someone who has left them all)."""
    if gate.enterprise_id:
        return Q(**{f"{prefix}enterprise_id": gate.enterprise_id})
    return Q(**{f"{prefix}enterprise__isnull": False})


def _gate_workers(gate: Gate) -> QuerySet[Worker]:
    return Worker.objects.filter(_gate_people_q(gate))


def gate_search(*, gate: Gate, query: str) -> list[Worker]:
    """Workers at this gate by name, or by the last digits of the document number (which the
    masked number shows anyway). Names are stored normalised (``fugong.core.text``) and the
    query is normalised the same way, so ``王 芳`` finds ``王芳`` and ``ＳＭＩＴＨ`` ``Smith``."""
    name = normalize_name(query)
    if not name:
        return []
    workers = _gate_workers(gate).select_related("enterprise")
    digits = name.upper()
    if len(digits) <= 4 and all(character.isdigit() or character == "X" for character in digits):
        workers = workers.filter(document_masked__endswith=digits)
    else:
        workers = workers.filter(full_name__icontains=name)
    return list(workers.order_by("full_name", "id")[:20])


def gate_snapshot(*, gate: Gate) -> dict[str, Any]:
    """What the kiosk keeps to work offline: the thresholds, the live passes of the gate's
    workers with their clearance today, and the risk areas for visitors' origins; stamped with
    the gate and the time it was made, signed, for the kiosk to send back with its offline
    checks (see offline.py)."""
    now = timezone.now()
    today = timezone.localdate(now)
    thresholds = thresholds_on(today)
    levels = policy_on(today).observation_levels
    passes = (
        WorkerPass.objects.filter(
            revoked_at__isnull=True, expires_on__gte=today, worker__in=_gate_workers(gate)
        )
        .select_related("worker")
        .order_by("worker__full_name")
    )
    trained, admitted = _training_facts(passes.values("worker_id"))
    return {
        "gate": {"id": gate.pk, "name": str(gate), "enterprise_id": gate.enterprise_id},
        "generated_at": timezone.localtime(now).isoformat(),
        "stamp": offline.stamp_make(gate.pk, now),
        "max_age": int(offline.max_age().total_seconds()),
        "date": today.isoformat(),
        "thresholds": {
            "fever": str(thresholds.fever),
            "spo2": thresholds.spo2,
            "training": thresholds.training,
        },
        "risk_areas": [
            {"prefix": area.prefix, "name": division_name(area.division_code), "level": area.level}
            for area in areas_in_force(today)
            if area.level in levels and (area.ends_on is None or area.ends_on >= today)
        ],
        "city_prefix": settings.FUGONG_PARK_CITY_PREFIX,
        "passes": [
            {
                # A digest, not the pass: a lost kiosk gives away nobody's pass.
                "digest": hashlib.sha256(pass_token(worker_pass).encode()).hexdigest(),
                "expires_on": worker_pass.expires_on.isoformat(),
                "worker": {
                    **_person(worker_pass.worker, today),
                    # For the training rule at a first admission (see rules.py).
                    "trained": worker_pass.worker_id in trained
                    and trained[worker_pass.worker_id] <= today,
                    "first_admission": worker_pass.worker_id not in admitted,
                },
            }
            for worker_pass in passes
        ],
    }


def _training_facts(worker_ids: QuerySet[Any, Any]) -> tuple[dict[int, date], set[int]]:
    """The day each worker was first trained, and who has been admitted before (a subquery of
    the workers: a gate may have thousands)."""
    admitted = set(
        GateCheck.objects.filter(worker_id__in=worker_ids, verdict=Verdict.ADMITTED)
        .values_list("worker_id", flat=True)
        .distinct()
    )
    return first_training_days(worker_ids), admitted


class PersonCard(TypedDict):
    """A worker as the gate sees them (the API's ``PersonOut``)."""

    id: int
    name: str
    document: str
    department: str
    enterprise_id: int | None
    clearance: str
    observation_until: str | None
    # The daily health declaration's status (fugong.gate.declarations): not in the snapshot.
    declaration: NotRequired[DeclarationStatus | None]


def _person(worker: Worker, day: date) -> PersonCard:
    return {
        "id": worker.pk,
        "name": worker.full_name,
        "document": worker.document_masked,
        "department": worker.department,
        "enterprise_id": worker.enterprise_id,
        "clearance": worker.clearance_on(day),
        "observation_until": worker.observation_until.isoformat()
        if worker.observation_until
        else None,
    }


def person_card(worker: Worker) -> PersonCard:
    """The worker as the kiosk shows them, with their health declaration's status today."""
    today = timezone.localdate()
    card = _person(worker, today)
    card["declaration"] = declaration_status(worker, today)
    return card


def event_scope(actor: User) -> QuerySet[AbnormalEvent]:
    require(actor, Action.GATE_EVENTS_FOLLOW)
    events = AbnormalEvent.objects.select_related(
        "gate", "enterprise", "worker", "visitor", "gate_check"
    )
    if actor.role == Role.COMMAND:
        return events
    # The gate's enterprise (its observation room) and the worker's own enterprise both follow:
    # the worker's enterprise when the check was made, not a later employer's.
    return events.filter(
        (Q(enterprise__isnull=False) & enterprise_scope_q(actor, "enterprise"))
        | (
            Q(gate_check__worker_enterprise__isnull=False)
            & enterprise_scope_q(actor, "gate_check__worker_enterprise")
        )
    )


def event_list(*, actor: User, open_only: bool = False) -> QuerySet[AbnormalEvent]:
    events = event_scope(actor)
    if open_only:
        events = events.exclude(status=EventStatus.CLOSED)
    return events.order_by("-occurred_at", "-id")


def event_get(*, actor: User, event_id: int | str) -> AbnormalEvent:
    try:
        return event_scope(actor).get(pk=int(event_id))
    except (AbnormalEvent.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


def gate_identify(
    *, gate: Gate, pass_token: str = "", worker_id: int | None = None
) -> tuple[PersonCard | None, list[str]]:
    """(the person's card or None, the reasons that would stop them) for a pass or a worker
    picked at this gate. Nothing is recorded. Only the gate's own people are found: another
    enterprise's pass is an unknown pass, another enterprise's worker not found (404), the very
    answers for a pass or a worker that does not exist."""
    from . import rules
    from .services import _pass_code

    today = timezone.localdate()
    problems: list[str] = []
    worker = None
    if pass_token:
        code = _pass_code(pass_token)
        worker_pass = (
            WorkerPass.objects.select_related("worker")
            .filter(_gate_people_q(gate, "worker__"), code=code)
            .first()
            if code
            else None
        )
        if worker_pass is None:
            return None, [rules.PASS_UNKNOWN]
        worker = worker_pass.worker
        if worker_pass.revoked_at is not None:
            problems.append(rules.PASS_REVOKED)
        elif worker_pass.expires_on < today:
            problems.append(rules.PASS_EXPIRED)
    elif worker_id:
        worker = _gate_workers(gate).filter(pk=worker_id).first()
        if worker is None:
            raise NotFoundError()
    else:
        raise ApplicationError(_("Scan a pass or pick a worker."))
    clearance = worker.clearance_on(today)
    if clearance == "not_cleared":
        problems.append(rules.NOT_CLEARED)
    elif clearance == "observation":
        problems.append(rules.UNDER_OBSERVATION)
    card = _person(worker, today)
    card["declaration"] = declaration_status(worker, today)
    return card, problems


def operator_gate_today(*, actor: User) -> tuple[Gate | None, dict[str, int]]:
    """The operator's gate (or None) and today's admitted and denied counts there."""
    try:
        gate = operator_gate(actor)
    except ApplicationError:
        return None, {}
    return gate, gate_day_counts(gate=gate, day=timezone.localdate())


def gate_day_counts(*, gate: Gate, day: date) -> dict[str, int]:
    """How many were admitted and denied at a gate on a day, and how many of those verdicts,
    given offline from an old or unverified copy, the server disputes."""
    return GateCheck.objects.filter(gate=gate, check_date=day).aggregate(
        admitted=Count("id", filter=Q(verdict="admitted")),
        denied=Count("id", filter=Q(verdict="denied")),
        disputed=Count("id", filter=Q(disputed=True)),
    )
