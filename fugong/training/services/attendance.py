"""Recording who attended a session: ticked on the page, a pass scanned at the session, or (see
``imports``) a file. Every way ends in ``_record``, which checks the whole set before writing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.errors import ApplicationError, ConflictError, NotFoundError
from fugong.core.scoping import enterprise_scope_q
from fugong.enterprises.models import Enterprise
from fugong.workforce.models import Worker
from fugong.workforce.services import pass_resolve

from ..models import AttendanceMethod, TrainingAttendance, TrainingSession
from .sessions import _lock, require_manages


def other_enterprise_error(worker: Worker) -> ApplicationError:
    return ApplicationError(
        _("%(name)s works for another enterprise than the session's.") % {"name": worker.full_name},
        code="other_enterprise",
        fields={"worker_ids": [_("Works for another enterprise.")]},
    )


def check_attendee(session: TrainingSession, worker: Worker) -> None:
    """A worker may attend a session of their own enterprise, or a park-wide one."""
    if worker.enterprise_id is None or (
        session.enterprise_id is not None and worker.enterprise_id != session.enterprise_id
    ):
        raise other_enterprise_error(worker)


def _check_held(session: TrainingSession) -> None:
    if session.held_on > timezone.localdate():
        raise ConflictError(
            _("Attendance is taken on or after the day of the session."), code="not_yet_held"
        )


def _in_scope(actor: User, worker_ids: Sequence[int]) -> dict[int, Worker]:
    return {
        worker.pk: worker
        for worker in Worker.objects.filter(pk__in=worker_ids).filter(
            enterprise_scope_q(actor, "enterprise")
        )
    }


def _record(
    *,
    actor: User,
    session: TrainingSession,
    workers: Sequence[Worker],
    method: str,
    at: datetime | None = None,
) -> list[TrainingAttendance]:
    """Write the attendance of ``workers`` not recorded yet (inside the caller's transaction, the
    session locked); the new rows. Everything is checked before anything is written."""
    if at is None:
        _check_held(session)
    for worker in workers:
        check_attendee(session, worker)
    done = set(
        TrainingAttendance.objects.filter(
            session=session, worker_id__in=[worker.pk for worker in workers]
        ).values_list("worker_id", flat=True)
    )
    now = at or timezone.now()
    rows = [
        TrainingAttendance(
            session=session,
            worker=worker,
            enterprise_id=worker.enterprise_id or 0,  # checked above: never None here
            held_on=session.held_on,
            method=method,
            recorded_by=actor,
            recorded_at=now,
        )
        for worker in {worker.pk: worker for worker in workers if worker.pk not in done}.values()
    ]
    TrainingAttendance.objects.bulk_create(rows)
    by_enterprise: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        by_enterprise[row.enterprise_id].append(row.worker_id)
    for enterprise_id, ids in sorted(by_enterprise.items()):
        audit_event_record(
            actor=actor,
            action=AuditAction.TRAINING_ATTENDANCE_RECORDED
            if method != AttendanceMethod.IMPORTED
            else AuditAction.TRAINING_ATTENDANCE_IMPORTED,
            target=session,
            enterprise=Enterprise(pk=enterprise_id),
            summary=str(len(ids)),
            data={"method": method, "worker_ids": ids},
            at=at,
        )
    return rows


@transaction.atomic
def attendance_tick(
    *,
    actor: User,
    session: TrainingSession,
    worker_ids: Sequence[int],
    at: datetime | None = None,
) -> list[TrainingAttendance]:
    """Record the ticked workers as present (those recorded already stay as they are). A worker
    outside the actor's scope is 404; one of another enterprise than the session's is 400;
    either way nothing is written."""
    require_manages(actor, session)
    session = _lock(session)
    ids = sorted(set(worker_ids))
    workers = _in_scope(actor, ids)
    if len(workers) != len(ids):
        raise NotFoundError(_("Some of these workers were not found."))
    return _record(
        actor=actor,
        session=session,
        workers=[workers[pk] for pk in ids],
        method=AttendanceMethod.TICKED,
        at=at,
    )


@transaction.atomic
def attendance_scan(*, actor: User, session: TrainingSession, token: str) -> tuple[Worker, bool]:
    """The worker behind a scanned pass, recorded as present; (worker, newly recorded). The same
    pass scanned again is answered as already present. A pass of a worker the actor may not see
    is answered like an unknown one."""
    require_manages(actor, session)
    session = _lock(session)
    worker_pass = pass_resolve(token)
    worker = _in_scope(actor, [worker_pass.worker_id]).get(worker_pass.worker_id)
    if worker is None:
        raise ApplicationError(_("This pass is unknown."), code="pass_unknown", status=404)
    created = _record(
        actor=actor, session=session, workers=[worker], method=AttendanceMethod.SCANNED
    )
    return worker, bool(created)


@transaction.atomic
def attendance_remove(*, actor: User, session: TrainingSession, worker_id: int) -> None:
    """Take a worker off the session's attendance (ticked by mistake)."""
    require_manages(actor, session)
    session = _lock(session)
    attendance = (
        TrainingAttendance.objects.filter(session=session, worker_id=worker_id)
        .filter(enterprise_scope_q(actor, "enterprise"))
        .first()
    )
    if attendance is None:
        raise NotFoundError()
    attendance.delete()
    audit_event_record(
        actor=actor,
        action=AuditAction.TRAINING_ATTENDANCE_REMOVED,
        target=session,
        enterprise=Enterprise(pk=attendance.enterprise_id),
        data={"worker_id": worker_id},
    )
