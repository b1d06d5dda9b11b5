"""Writes on workers: register, edit, leave, move, and take on again (a person who left, or is
moved, starts clean with the new employer); the scope checks the other writes share.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.errors import ApplicationError, ConflictError, NotFoundError
from fugong.core.identity import SUSPICIOUS_MESSAGE, possibly_truncated
from fugong.core.roles import Action, require
from fugong.core.scoping import enterprise_scope_q
from fugong.enterprises.models import Enterprise
from fugong.screening.engine import HOLD_WITHOUT_DETAIL, Stay, assess_new
from fugong.screening.models import ScreeningRun

from ..clearance import closures_covering, open_closures, rescreen
from ..models import DocumentType, Employment, TravelRecord, Worker, WorkerPass
from ..personal import parse_document, parse_phone, stored_phone
from .fields import (
    SCREENED_FIELDS,
    WORKER_FIELDS,
    check_travel,
    check_worker_fields,
    on_another_roster_message,
)

# The data of one employment, cleared when the worker joins another enterprise (a move, or a
# rehire after a leave): contact and workplace details, and the health and travel declarations
# the old employer collected. Travel records are deleted too. What the new employer gives with
# the registration is then set. Kept: the person (name, document, birth date, sex) and the
# district of residence (required; handover lists go there). A medical hold is kept without its
# details (``HOLD_WITHOUT_DETAIL``).
CLEARED_ON_JOIN: dict[str, str | None] = {
    "phone_cipher": "",
    "phone_digest": "",
    "phone_masked": "",
    "department": "",
    "shift": "",
    "dormitory_room": "",
    "shuttle_route": "",
    "holiday_location_code": "",
    "returned_on": None,
    "contact_on": None,
    "contact_reason": "",
    "symptoms": "",
    "health_code": "",
    "health_code_on": None,
}


def _scope_enterprise(actor: User, enterprise: Enterprise) -> None:
    if not Enterprise.objects.filter(enterprise_scope_q(actor), pk=enterprise.pk).exists():
        raise NotFoundError()


def _require_worker_in_scope(actor: User, worker: Worker) -> None:
    """Workers are changed only through their current enterprise, within the actor's scope."""
    if worker.enterprise_id is None:
        raise NotFoundError()
    _scope_enterprise(actor, Enterprise(pk=worker.enterprise_id))


def _rescreen_one(worker: Worker, actor: User, trigger: str = ScreeningRun.Trigger.WORKER) -> None:
    rescreen(
        workers_filter=Q(pk=worker.pk),
        trigger=trigger,
        actor=actor,
        description=worker.full_name,
        enterprise=worker.enterprise,
    )


@transaction.atomic
def worker_register(
    *,
    actor: User,
    enterprise: Enterprise,
    document_type: str = DocumentType.RESIDENT_ID,
    document_number: str,
    phone: str = "",
    travel: Sequence[Stay] = (),
    started_on: date | None = None,
    confirm_suspicious_number: bool = False,
    **fields: Any,
) -> Worker:
    """Register a worker with the enterprise. A person on another enterprise's roster is refused
    (409 ``on_another_roster``); one who has left keeps their one record and starts clean here.
    A resident ID ending in 000, perhaps cut by a spreadsheet, is refused (``suspicious_number``
    on ``document_number``) unless ``confirm_suspicious_number`` says it was checked against the
    ID card."""
    require(actor, Action.WORKERS_MANAGE)
    _scope_enterprise(actor, enterprise)
    today = timezone.localdate()
    fields = {key: value for key, value in fields.items() if key in WORKER_FIELDS}
    errors = check_worker_fields(fields, today=today)
    try:
        document = parse_document(document_type, document_number, today=today)
    except ValidationError as error:
        errors.setdefault("document_number", []).extend(error.messages)
        document = None
    if (
        document is not None
        and document.document_type == DocumentType.RESIDENT_ID
        and possibly_truncated(document.number)
        and not confirm_suspicious_number
    ):
        errors.setdefault("document_number", []).append(str(SUSPICIOUS_MESSAGE))
    try:
        phone = parse_phone(phone)
    except ValidationError as error:
        errors.setdefault("phone", []).extend(error.messages)
    travel_problems = check_travel(list(travel), today=today)
    if travel_problems:
        errors["travel"] = travel_problems
    for key in ("full_name", "residence_code"):
        if key not in fields:
            errors.setdefault(key, []).append(_("Required."))
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, fields=errors)
    assert document is not None  # a number that could not be read is in ``errors``
    existing = Worker.objects.select_for_update().filter(document_digest=document.digest).first()
    if existing is not None:
        if existing.enterprise_id == enterprise.pk:
            raise ConflictError(_("This worker is already on the enterprise's roster."))
        if existing.enterprise_id is not None:
            message = on_another_roster_message()
            raise ConflictError(
                message, code="on_another_roster", fields={"document_number": [message]}
            )
        # Someone who has left: taken on again, on their one record, starting clean.
        _join(
            actor=actor,
            worker=existing,
            enterprise=enterprise,
            started_on=started_on or today,
            fields=fields,
            phone=phone,
            travel=list(travel),
        )
        audit_event_record(
            actor=actor,
            action=AuditAction.WORKER_REHIRED,
            target=existing,
            enterprise=enterprise,
            summary=existing.full_name,
        )
        existing.refresh_from_db()
        return existing
    outcome = assess_new(
        fields,
        list(travel),
        today=today,
        closed=closures_covering(
            open_closures(enterprise.pk), enterprise.pk, fields.get("department") or ""
        ),
    )
    worker = Worker(
        enterprise=enterprise,
        clearance=outcome.clearance,
        observation_until=outcome.until,
        clearance_reasons=list(outcome.reasons),
        clearance_computed_at=timezone.now(),
        **document.stored(),
        **stored_phone(phone),
        **fields,
    )
    try:
        with transaction.atomic():
            worker.save()
    except IntegrityError as error:
        raise ConflictError(
            _("This worker was registered at the same moment; reload the page.")
        ) from error
    Employment.objects.create(
        worker=worker,
        enterprise=enterprise,
        started_on=started_on or today,
        department=worker.department,
    )
    TravelRecord.objects.bulk_create(
        TravelRecord(worker=worker, division_code=code, from_date=start, to_date=end)
        for code, start, end in travel
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.WORKER_CREATED,
        target=worker,
        enterprise=enterprise,
        summary=worker.full_name,
    )
    worker.refresh_from_db()
    return worker


@transaction.atomic
def worker_update(
    *,
    actor: User,
    worker: Worker,
    phone: str | None = None,
    travel: Sequence[Stay] | None = None,
    **fields: Any,
) -> Worker:
    """Change a worker's data; the clearance is recomputed when screened data changes."""
    require(actor, Action.WORKERS_MANAGE)
    worker = Worker.objects.select_for_update().get(pk=worker.pk)
    _require_worker_in_scope(actor, worker)
    today = timezone.localdate()
    fields = {key: value for key, value in fields.items() if key in WORKER_FIELDS}
    errors = check_worker_fields(fields, today=today)
    if phone is not None:
        try:
            phone = parse_phone(phone)
        except ValidationError as error:
            errors.setdefault("phone", []).extend(error.messages)
    if travel is not None:
        travel_problems = check_travel(list(travel), today=today)
        if travel_problems:
            errors["travel"] = travel_problems
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, fields=errors)
    changed = [key for key, value in fields.items() if getattr(worker, key) != value]
    for key in changed:
        setattr(worker, key, fields[key])
    if phone is not None:
        new_phone = stored_phone(phone)
        if new_phone["phone_digest"] != worker.phone_digest:
            for key, value in new_phone.items():
                setattr(worker, key, value)
            changed.append("phone")
    if travel is not None:
        current = sorted(
            worker.travel.values_list("division_code", "from_date", "to_date"), key=str
        )
        if current != sorted(travel, key=str):
            worker.travel.all().delete()
            TravelRecord.objects.bulk_create(
                TravelRecord(worker=worker, division_code=code, from_date=start, to_date=end)
                for code, start, end in travel
            )
            changed.append("travel")
    if not changed:
        return worker
    if "contact_on" in changed:
        worker.contact_reason = ""  # a date typed by hand has no recorded reason
    worker.save()
    if set(changed) & {*SCREENED_FIELDS, "travel", "department"}:
        _rescreen_one(worker, actor)
    audit_event_record(
        actor=actor,
        action=AuditAction.WORKER_UPDATED,
        target=worker,
        enterprise=worker.enterprise,
        summary=worker.full_name,
        data={"fields": sorted(changed)},
    )
    worker.refresh_from_db()
    return worker


def _end_employment(worker: Worker, on: date) -> None:
    Employment.objects.filter(worker=worker, ended_on__isnull=True).update(ended_on=on)


def _revoke_live_pass(worker: Worker, actor: User, reason: str) -> None:
    WorkerPass.objects.filter(worker=worker, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor, revoke_reason=reason[:200]
    )


@transaction.atomic
def worker_leave(*, actor: User, worker: Worker, on: date | None = None) -> Worker:
    """The worker no longer works for their enterprise: the employment ends, the pass is revoked."""
    require(actor, Action.WORKERS_MANAGE)
    worker = Worker.objects.select_for_update().get(pk=worker.pk)
    _require_worker_in_scope(actor, worker)
    enterprise = worker.enterprise
    _end_employment(worker, on or timezone.localdate())
    _revoke_live_pass(worker, actor, _("left the enterprise"))
    worker.enterprise = None
    worker.save(update_fields=["enterprise", "updated_at"])
    audit_event_record(
        actor=actor,
        action=AuditAction.WORKER_LEFT,
        target=worker,
        enterprise=enterprise,
        summary=worker.full_name,
    )
    return worker


def _join(
    *,
    actor: User,
    worker: Worker,
    enterprise: Enterprise,
    started_on: date,
    fields: dict[str, Any] | None = None,
    phone: str = "",
    travel: Sequence[Stay] = (),
) -> None:
    """Start ``worker``'s employment with ``enterprise`` afresh. The worker has no current
    employer when this is called (they left, or their employment was just ended).

    The data of the old employment is cleared, what the new employer gives is set, and the
    clearance is recomputed. That re-screening is recorded while the worker belongs to no
    enterprise, so its before-and-after stays out of the new (and the old) enterprise's sight.
    """
    for key, value in CLEARED_ON_JOIN.items():
        setattr(worker, key, value)
    # A hold from an open abnormal event stays (a person with a fever is not cleared by a
    # move); the new employer learns that the person is held, not where or why.
    worker.medical_hold = HOLD_WITHOUT_DETAIL if worker.medical_hold else ""
    for key, value in (fields or {}).items():
        if key in WORKER_FIELDS:
            setattr(worker, key, value)
    for key, value in stored_phone(phone or "").items():
        setattr(worker, key, value)
    worker.enterprise = None
    worker.save()
    worker.travel.all().delete()
    TravelRecord.objects.bulk_create(
        TravelRecord(worker=worker, division_code=code, from_date=start, to_date=end)
        for code, start, end in travel
    )
    _rescreen_one(worker, actor)
    worker.enterprise = enterprise
    worker.save(update_fields=["enterprise", "updated_at"])
    Employment.objects.create(
        worker=worker, enterprise=enterprise, started_on=started_on, department=worker.department
    )


@transaction.atomic
def worker_move(*, actor: User, worker: Worker, enterprise: Enterprise) -> Worker:
    """The command post moves a worker to ``enterprise`` (the old employer need not have
    recorded the leave): the old employment ends and the pass is revoked; the new employment
    starts clean (see ``_join``), so the new employer fills in the screening data. Both
    enterprises' trails record it. A worker with no current employer is simply taken on."""
    require(actor, Action.WORKERS_MOVE)
    _scope_enterprise(actor, enterprise)
    worker = Worker.objects.select_for_update().get(pk=worker.pk)
    if not Worker.objects.filter(enterprise_scope_q(actor, "enterprise"), pk=worker.pk).exists():
        raise NotFoundError()
    if worker.enterprise_id == enterprise.pk:
        raise ConflictError(_("This worker is already on the enterprise's roster."))
    today = timezone.localdate()
    previous = worker.enterprise
    if previous is not None:
        _end_employment(worker, today)
        _revoke_live_pass(worker, actor, _("moved to another enterprise"))
    _join(actor=actor, worker=worker, enterprise=enterprise, started_on=today)
    # One row in each enterprise's trail; neither names the other enterprise in its summary
    # (the timelines show summaries to the enterprise's own staff).
    if previous is not None:
        audit_event_record(
            actor=actor,
            action=AuditAction.WORKER_MOVED,
            target=worker,
            enterprise=previous,
            summary=worker.full_name,
            data={"from_enterprise": previous.pk, "to_enterprise": enterprise.pk},
        )
    audit_event_record(
        actor=actor,
        action=AuditAction.WORKER_MOVED_IN,
        target=worker,
        enterprise=enterprise,
        summary=worker.full_name,
        data={"from_enterprise": previous.pk if previous else None, "to_enterprise": enterprise.pk},
    )
    worker.refresh_from_db()
    return worker
