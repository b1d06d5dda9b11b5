"""Reads on workers, within the caller's scope. Searching by ID or phone number goes through
the keyed digest: the number itself is never stored, logged or put in a URL."""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from fugong.accounts.models import User
from fugong.core.errors import NotFoundError
from fugong.core.identity import normalize_identity_number
from fugong.core.roles import Action, Role, require
from fugong.core.scoping import enterprise_scope_q
from fugong.core.text import normalize_name
from fugong.core.validators import normalize_phone
from fugong.screening.models import ClearanceChange

from .models import Clearance, DocumentType, Employment, Worker, WorkerPass
from .personal import document_digest, phone_digest


def worker_scope(actor: User) -> QuerySet[Worker]:
    require(actor, Action.WORKERS_VIEW)
    return Worker.objects.filter(enterprise_scope_q(actor, "enterprise"))


def worker_list(
    *,
    actor: User,
    query: str = "",
    clearance: str = "",
    enterprise_id: int | None = None,
    number: str = "",
) -> QuerySet[Worker]:
    """Workers in scope. ``clearance`` is as of today (an observation that ended counts as
    cleared); ``number`` is a full ID, passport or phone number, matched by digest."""
    workers = worker_scope(actor).select_related("enterprise")
    # Names are stored normalised (fugong.core.text): the query is normalised the same way, so
    # ``王 芳`` finds ``王芳`` and ``ＳＭＩＴＨ`` finds ``Smith``.
    query = normalize_name(query)
    if query:
        workers = workers.filter(Q(full_name__icontains=query) | Q(department__icontains=query))
    if enterprise_id:
        workers = workers.filter(enterprise_id=enterprise_id)
    today = timezone.localdate()
    if clearance == Clearance.OBSERVATION:
        workers = workers.filter(clearance=Clearance.OBSERVATION, observation_until__gte=today)
    elif clearance == Clearance.CLEARED:
        workers = workers.filter(
            Q(clearance=Clearance.CLEARED)
            | Q(clearance=Clearance.OBSERVATION, observation_until__lt=today)
        )
    elif clearance == Clearance.NOT_CLEARED:
        workers = workers.filter(clearance=Clearance.NOT_CLEARED)
    if number:
        workers = workers.filter(document_digest__in=_digests_for(number)) | workers.filter(
            phone_digest=phone_digest(normalize_phone(number))
        )
    return workers.order_by("full_name", "id")


def _digests_for(number: str) -> list[str]:
    text = normalize_identity_number(number)
    return [document_digest(document_type, text) for document_type in DocumentType.values]


def worker_get(*, actor: User, worker_id: int | str) -> Worker:
    try:
        return worker_scope(actor).select_related("enterprise").get(pk=int(worker_id))
    except (Worker.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


def _current_employment(worker: Worker) -> Employment | None:
    if worker.enterprise_id is None:
        return None
    return worker.employments.filter(
        ended_on__isnull=True, enterprise_id=worker.enterprise_id
    ).first()


def worker_employments(*, actor: User, worker: Worker) -> QuerySet[Employment]:
    """The worker's employments: every one for the command post; for the others (who see the
    worker through the enterprise employing them now) the current one only. Where the person
    worked before is not the new employer's to know."""
    employments = worker.employments.select_related("enterprise")
    if actor.role == Role.COMMAND:
        return employments
    current = _current_employment(worker)
    return employments.filter(pk=current.pk) if current else employments.none()


def clearance_history(*, actor: User, worker: Worker) -> QuerySet[ClearanceChange]:
    """The worker's clearance changes, newest first: every one for the command post; for the
    others those recorded for the enterprise employing the worker now since its current
    employment started (a move or a rehire starts clean, see services._join)."""
    changes = ClearanceChange.objects.filter(worker=worker).select_related("run")
    if actor.role != Role.COMMAND:
        current = _current_employment(worker)
        if current is None:
            return changes.none()
        since = timezone.make_aware(datetime.combine(current.started_on, time.min))
        changes = changes.filter(enterprise_id=current.enterprise_id, run__created_at__gte=since)
    return changes.order_by("-run__created_at", "-id")


def clearance_counts(*, actor: User) -> dict[str, int]:
    workers = worker_scope(actor)
    today = timezone.localdate()
    return {
        Clearance.CLEARED: workers.filter(
            Q(clearance=Clearance.CLEARED)
            | Q(clearance=Clearance.OBSERVATION, observation_until__lt=today)
        ).count(),
        Clearance.OBSERVATION: workers.filter(
            clearance=Clearance.OBSERVATION, observation_until__gte=today
        ).count(),
        Clearance.NOT_CLEARED: workers.filter(clearance=Clearance.NOT_CLEARED).count(),
    }


def live_pass(worker: Worker) -> WorkerPass | None:
    return worker.passes.filter(
        revoked_at__isnull=True, expires_on__gte=timezone.localdate()
    ).first()


def badge_workers(*, actor: User, enterprise_id: int) -> QuerySet[Worker]:
    """The workers of one enterprise with a live pass, for printing badge sheets."""
    require(actor, Action.PASSES_MANAGE)
    return (
        worker_scope(actor)
        .filter(
            enterprise_id=enterprise_id,
            passes__revoked_at__isnull=True,
            passes__expires_on__gte=timezone.localdate(),
        )
        .select_related("enterprise")
        .order_by("department", "full_name")
        .distinct()
    )


def audited_worker_ids(*, actor: User, query: str) -> QuerySet[Worker, str]:
    """The ids, as the audit trail writes them (text), of the workers a query names: the last
    one to four characters of the document number (what the masked number shows: ``1230``,
    ``123X``), or part of the name, normalised like the stored names. Every worker, those who
    have left included: it serves the audit trail, which only the command post reads."""
    require(actor, Action.AUDIT_VIEW)
    name = normalize_name(query)
    workers = Worker.objects.all()
    digits = name.upper()
    if digits and len(digits) <= 4 and all(c.isdigit() or c == "X" for c in digits):
        workers = workers.filter(document_masked__endswith=digits)
    elif name:
        workers = workers.filter(full_name__icontains=name)
    else:
        workers = workers.none()
    return workers.annotate(id_text=Cast("pk", CharField())).values_list("id_text", flat=True)
