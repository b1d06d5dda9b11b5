"""Reads on training, within the caller's scope.

A session of an enterprise is seen by whoever sees the enterprise; a park-wide session by every
role that may view training. Attendance rows are seen by the scope of the worker's enterprise
(kept on the row), so an officer sees only their own workers at a park-wide session.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from fugong.accounts.models import User
from fugong.core.errors import NotFoundError
from fugong.core.roles import Action, require
from fugong.core.scoping import enterprise_scope_q
from fugong.enterprises.models import Enterprise
from fugong.workforce.models import Worker

from .models import TrainingAttendance, TrainingMaterial, TrainingSession


def session_scope(actor: User) -> QuerySet[TrainingSession]:
    require(actor, Action.TRAINING_VIEW)
    scope = enterprise_scope_q(actor, "enterprise")
    if not scope:  # every enterprise (an empty Q would swallow the "or" below)
        return TrainingSession.objects.all()
    return TrainingSession.objects.filter(Q(enterprise__isnull=True) | scope)


def session_list(
    *, actor: User, enterprise_id: int | None = None, park_wide: bool = False
) -> QuerySet[TrainingSession]:
    """Sessions in scope, newest first, with the number of attendees the actor may see."""
    sessions = session_scope(actor).select_related("enterprise")
    if park_wide:
        sessions = sessions.filter(enterprise__isnull=True)
    elif enterprise_id:
        sessions = sessions.filter(enterprise_id=enterprise_id)
    return sessions.annotate(
        attendee_count=Count(
            "attendances",
            filter=Q(attendances__in=TrainingAttendance.objects.filter(_attendance_q(actor))),
        )
    ).order_by("-held_on", "-id")


def session_get(*, actor: User, session_id: int | str) -> TrainingSession:
    try:
        return (
            session_scope(actor).select_related("enterprise", "created_by").get(pk=int(session_id))
        )
    except (TrainingSession.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


def _attendance_q(actor: User) -> Q:
    return enterprise_scope_q(actor, "enterprise")


def session_attendances(*, actor: User, session: TrainingSession) -> QuerySet[TrainingAttendance]:
    require(actor, Action.TRAINING_VIEW)
    return (
        session.attendances.filter(_attendance_q(actor))
        .select_related("worker", "enterprise", "recorded_by")
        .order_by("worker__full_name", "id")
    )


def session_candidates(*, actor: User, session: TrainingSession) -> QuerySet[Worker]:
    """The workers in scope who may attend: the session's enterprise's (any enterprise's for a
    park-wide session), those who have left every enterprise excluded."""
    require(actor, Action.TRAINING_VIEW)
    workers = Worker.objects.filter(enterprise__isnull=False).filter(
        enterprise_scope_q(actor, "enterprise")
    )
    if session.enterprise_id is not None:
        workers = workers.filter(enterprise_id=session.enterprise_id)
    attended = TrainingAttendance.objects.filter(session=session, worker=OuterRef("pk"))
    return (
        workers.select_related("enterprise")
        .annotate(attended=Exists(attended))
        .order_by("enterprise__name", "full_name", "id")
    )


def material_get(*, actor: User, session_id: int | str, material_id: int | str) -> TrainingMaterial:
    session = session_get(actor=actor, session_id=session_id)
    try:
        return session.materials.get(pk=int(material_id))
    except (TrainingMaterial.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


def trained_worker_ids(worker_ids: Iterable[int], day: date) -> set[int]:
    """Of ``worker_ids``, those trained on ``day``: for the gate's rule (no role: the gate
    authorises its own requests)."""
    ids = sorted(set(worker_ids))
    if not ids:
        return set()
    return set(
        TrainingAttendance.objects.filter(worker_id__in=ids, held_on__lte=day)
        .values_list("worker_id", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class EnterpriseTraining:
    enterprise: Enterprise
    workers: int
    trained: int

    @property
    def untrained(self) -> int:
        return self.workers - self.trained


def training_counts(*, actor: User, enterprise_id: int | None = None) -> list[EnterpriseTraining]:
    """Per enterprise in scope: its workers now, how many of them are trained (today)."""
    require(actor, Action.TRAINING_VIEW)
    today = timezone.localdate()
    trained = TrainingAttendance.objects.filter(worker=OuterRef("pk"), held_on__lte=today)
    rows = (
        Worker.objects.filter(enterprise__isnull=False)
        .filter(enterprise_scope_q(actor, "enterprise"))
        .annotate(is_trained=Exists(trained))
        .values("enterprise_id")
        .annotate(workers=Count("id"), trained=Count("id", filter=Q(is_trained=True)))
    )
    if enterprise_id:
        rows = rows.filter(enterprise_id=enterprise_id)
    counts = {row["enterprise_id"]: (row["workers"], row["trained"]) for row in rows}
    enterprises = Enterprise.objects.filter(pk__in=counts).order_by("name")
    return [
        EnterpriseTraining(enterprise, counts[enterprise.pk][0], counts[enterprise.pk][1])
        for enterprise in enterprises
    ]


def untrained_workers(*, actor: User, enterprise_id: int | None = None) -> QuerySet[Worker]:
    """The workers in scope who have attended no session yet."""
    require(actor, Action.TRAINING_VIEW)
    today = timezone.localdate()
    trained = TrainingAttendance.objects.filter(worker=OuterRef("pk"), held_on__lte=today)
    workers = (
        Worker.objects.filter(enterprise__isnull=False)
        .filter(enterprise_scope_q(actor, "enterprise"))
        .exclude(Exists(trained))
    )
    if enterprise_id:
        workers = workers.filter(enterprise_id=enterprise_id)
    return workers.select_related("enterprise").order_by("enterprise__name", "full_name", "id")


def first_training_days(worker_ids: Iterable[int] | QuerySet[Any, Any]) -> dict[int, date]:
    """For each of ``worker_ids`` (ids, or a subquery of them) who has attended a session, the
    day of their first: a worker is trained on any day from it on. For the gate's rule (no role:
    the gate authorises its own requests); one query."""
    ids: list[int] | QuerySet[Any, Any] = (
        worker_ids if isinstance(worker_ids, QuerySet) else sorted(set(worker_ids))
    )
    if isinstance(ids, list) and not ids:
        return {}
    rows = (
        TrainingAttendance.objects.filter(worker_id__in=ids)
        .values("worker_id")
        .annotate(first=Min("held_on"))
    )
    return {row["worker_id"]: row["first"] for row in rows}
