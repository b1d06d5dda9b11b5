"""Writes on workers: register, edit, leave, move; reveal personal data (audited); passes.

A person has one record whatever enterprise employs them. Registering (or importing) someone who
is on another enterprise's roster is refused: the old employer records the leave
(``worker_leave``) or the command post moves them (``worker_move``). Whoever takes on a worker
who has left, or is moved one, starts clean: the data of the old employment is cleared (see
``CLEARED_ON_JOIN``), and the new enterprise sees only its own employment's history.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.crypto import decrypt
from fugong.core.divisions import division_exists, division_get
from fugong.core.errors import (
    ApplicationError,
    ConflictError,
    NotFoundError,
)
from fugong.core.roles import Action, require
from fugong.core.scoping import enterprise_scope_q
from fugong.enterprises.models import Enterprise
from fugong.screening.engine import HOLD_WITHOUT_DETAIL, assess_new
from fugong.screening.models import ScreeningRun

from . import reveals
from .clearance import rescreen
from .models import DocumentType, Employment, HealthCode, TravelRecord, Worker, WorkerPass
from .personal import parse_document, parse_phone, stored_phone

# Fields a form, the API or an import may set directly.
WORKER_FIELDS = (
    "full_name",
    "department",
    "shift",
    "dormitory_room",
    "shuttle_route",
    "residence_code",
    "holiday_location_code",
    "returned_on",
    "contact_on",
    "symptoms",
    "health_code",
    "health_code_on",
)
# Changing any of these can change the clearance.
SCREENED_FIELDS = (
    "residence_code",
    "holiday_location_code",
    "returned_on",
    "contact_on",
    "symptoms",
    "health_code",
    "health_code_on",
)
MAX_TRAVEL_RECORDS = 30
# The data of one employment, cleared when the worker joins another enterprise (a move, or a
# rehire after a leave): contact and workplace details, and the health and travel declarations
# the old employer collected. Travel records are deleted too. What the new employer gives with
# the registration is then set. Kept: the person (name, document, birth date, sex) and the
# district of residence (required; handover lists go there). A medical hold is kept without its
# details (``HOLD_WITHOUT_DETAIL``).
CLEARED_ON_JOIN = {
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
    "symptoms": "",
    "health_code": "",
    "health_code_on": None,
}


def on_another_roster_message() -> str:
    """The refusal of a registration or import row whose person is on another enterprise's
    roster. It says whom to ask and nothing stored (not the enterprise, not the name)."""
    return _(
        "This person is on another enterprise's roster. Their employer must first record that "
        "they have left, or the command post must move them to this enterprise."
    )


def check_worker_fields(fields: dict, *, today: date) -> dict[str, list[str]]:
    """Field errors of the worker's own data, for the form and the API (the roster import has
    its own, faster parser applying the same rules)."""
    errors: dict[str, list[str]] = {}

    def fail(key, message):
        errors.setdefault(key, []).append(str(message))

    # Text fields sent empty or as null are stored as empty text.
    for key in (
        "department",
        "shift",
        "dormitory_room",
        "shuttle_route",
        "symptoms",
        "health_code",
    ):
        if key in fields:
            fields[key] = (fields[key] or "").strip()

    if "full_name" in fields:
        name = " ".join((fields["full_name"] or "").split())
        fields["full_name"] = name
        if not name:
            fail("full_name", _("Enter the worker's name."))
        elif len(name) > 100:
            fail("full_name", _("At most 100 characters."))
    if "residence_code" in fields:
        code = (fields["residence_code"] or "").strip()
        fields["residence_code"] = code
        division = division_get(code)
        if not code:
            fail(
                "residence_code", _("Enter the district of residence (county-level division code).")
            )
        elif division is None or not division.is_county_level:
            fail(
                "residence_code",
                _("“%(code)s” is not a county-level division code.") % {"code": code},
            )
    if "holiday_location_code" in fields and fields["holiday_location_code"] is None:
        fields["holiday_location_code"] = ""
    if fields.get("holiday_location_code"):
        code = fields["holiday_location_code"].strip()
        fields["holiday_location_code"] = code
        if not division_exists(code):
            fail("holiday_location_code", _("“%(code)s” is not a division code.") % {"code": code})
    for key in ("returned_on", "contact_on", "health_code_on"):
        value = fields.get(key)
        if value is not None and value > today:
            fail(key, _("This date is in the future."))
        elif value is not None and value.year < 2000:
            fail(key, _("“%(value)s” is too long ago.") % {"value": value.isoformat()})
    if "health_code" in fields and fields["health_code"] not in HealthCode.values:
        fail("health_code", _("Unknown health-code colour."))
    if fields.get("health_code") and not fields.get("health_code_on"):
        fail("health_code_on", _("Give the date of the health code."))
    return errors


def check_travel(travel, *, today: date) -> list[str]:
    problems = []
    if len(travel) > MAX_TRAVEL_RECORDS:
        problems.append(_("At most %(count)s places.") % {"count": MAX_TRAVEL_RECORDS})
    for code, start, end in travel:
        if not division_exists(code):
            problems.append(_("“%(code)s” is not a division code.") % {"code": code})
        if start and end and start > end:
            problems.append(_("A stay ends before it starts (%(code)s).") % {"code": code})
        if (start and start > today) or (end and end > today):
            problems.append(_("A stay lies in the future (%(code)s).") % {"code": code})
    return problems


def _scope_enterprise(actor, enterprise: Enterprise) -> None:
    if not Enterprise.objects.filter(enterprise_scope_q(actor), pk=enterprise.pk).exists():
        raise NotFoundError()


def _require_worker_in_scope(actor, worker: Worker) -> None:
    """Workers are changed only through their current enterprise, within the actor's scope."""
    if worker.enterprise_id is None:
        raise NotFoundError()
    _scope_enterprise(actor, Enterprise(pk=worker.enterprise_id))


def _rescreen_one(worker: Worker, actor, trigger=ScreeningRun.Trigger.WORKER) -> None:
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
    actor,
    enterprise: Enterprise,
    document_type: str = DocumentType.RESIDENT_ID,
    document_number: str,
    phone: str = "",
    travel: list[tuple] = (),
    started_on: date | None = None,
    **fields,
) -> Worker:
    """Register a worker with the enterprise. A person on another enterprise's roster is refused
    (409 ``on_another_roster``); one who has left keeps their one record and starts clean here."""
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
    outcome = assess_new(fields, list(travel), today=today)
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
    *, actor, worker: Worker, phone: str | None = None, travel: list[tuple] | None = None, **fields
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
    worker.save()
    if set(changed) & {*SCREENED_FIELDS, "travel"}:
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


def _revoke_live_pass(worker: Worker, actor, reason: str) -> None:
    WorkerPass.objects.filter(worker=worker, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor, revoke_reason=reason[:200]
    )


@transaction.atomic
def worker_leave(*, actor, worker: Worker, on: date | None = None) -> Worker:
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
    actor,
    worker: Worker,
    enterprise: Enterprise,
    started_on: date,
    fields: dict | None = None,
    phone: str = "",
    travel: list[tuple] = (),
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
def worker_move(*, actor, worker: Worker, enterprise: Enterprise) -> Worker:
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


def worker_reveal(*, actor, worker: Worker, field: str) -> str:
    """The full ID or phone number, for a role that needs it; every look is audited. Looks are
    limited per user and an unusual number alerts the command post (see ``reveals``): over a
    limit, ``429`` with the wait, the refusal recorded and no number."""
    action = {"document": Action.WORKERS_REVEAL_IDENTITY, "phone": Action.WORKERS_REVEAL_PHONE}.get(
        field
    )
    if action is None:
        raise ApplicationError(_("Unknown field."))
    require(actor, action)
    with transaction.atomic():
        reveals.lock_actor(actor)
        now = timezone.now()
        counts = reveals.reveal_counts(actor, now)
        refusal = reveals.reveal_refusal(actor, now, counts)
        if refusal is None:
            cipher = worker.document_cipher if field == "document" else worker.phone_cipher
            value = decrypt(cipher) if cipher else ""
            audit_event_record(
                actor=actor,
                action=AuditAction.PERSONAL_DATA_VIEWED,
                target=worker,
                enterprise=worker.enterprise,
                summary=worker.full_name,
                data={"field": field},
                at=now,
            )
            reveals.reveal_alert_if_unusual(actor=actor, now=now, counts_before=counts)
            return value
    # Outside the look's transaction, so that the refusal stays recorded when the error is raised.
    reveals.reveal_refusal_record(actor=actor, worker=worker, field=field, refusal=refusal, now=now)
    raise refusal.error()


# ----- passes --------------------------------------------------------------------------------

PASS_SALT = "fugong.workforce.pass"  # noqa: S105 - a signing namespace, not a secret
PASS_PREFIX = "FG1"  # noqa: S105 - the token format marker


def pass_token(worker_pass: WorkerPass) -> str:
    """What the QR code carries: the pass's random code, signed. Never the ID number."""
    return f"{PASS_PREFIX}.{signing.Signer(salt=PASS_SALT, sep='.').sign(worker_pass.code)}"


def pass_resolve(token: str) -> WorkerPass:
    """The pass behind a scanned token, or the business error saying why it is refused."""
    text = (token or "").strip()
    if not text.startswith(f"{PASS_PREFIX}."):
        raise ApplicationError(_("This is not a worker pass."), code="pass_unknown", status=404)
    try:
        code = signing.Signer(salt=PASS_SALT, sep=".").unsign(text[len(PASS_PREFIX) + 1 :])
    except signing.BadSignature as error:
        raise ApplicationError(
            _("This pass is forged or damaged."), code="pass_forged", status=404
        ) from error
    worker_pass = (
        WorkerPass.objects.select_related("worker", "worker__enterprise").filter(code=code).first()
    )
    if worker_pass is None:
        raise ApplicationError(_("This pass is unknown."), code="pass_unknown", status=404)
    if worker_pass.revoked_at is not None:
        raise ConflictError(_("This pass has been revoked."), code="pass_revoked")
    if worker_pass.expires_on < timezone.localdate():
        raise ConflictError(_("This pass has expired."), code="pass_expired")
    return worker_pass


def _issue(actor, worker: Worker, valid_days: int, now) -> WorkerPass:
    _revoke_live_pass(worker, actor, _("replaced by a new pass"))
    return WorkerPass.objects.create(
        worker=worker,
        code=secrets.token_urlsafe(12),
        issued_at=now,
        issued_by=actor,
        expires_on=timezone.localdate(now) + timedelta(days=valid_days),
    )


def _check_valid_days(valid_days: int) -> None:
    if not 1 <= valid_days <= 366:
        raise ApplicationError(
            _("A pass is valid for 1 to 366 days."), fields={"valid_days": [_("1 to 366.")]}
        )


@transaction.atomic
def pass_issue(*, actor, worker: Worker, valid_days: int = 30) -> WorkerPass:
    """Issue a pass to a worker of an enterprise in the actor's scope (revoking the old one)."""
    require(actor, Action.PASSES_MANAGE)
    _check_valid_days(valid_days)
    worker = Worker.objects.select_for_update().get(pk=worker.pk)
    _require_worker_in_scope(actor, worker)
    worker_pass = _issue(actor, worker, valid_days, timezone.now())
    audit_event_record(
        actor=actor,
        action=AuditAction.PASS_ISSUED,
        target=worker,
        enterprise=worker.enterprise,
        summary=worker.full_name,
    )
    return worker_pass


@transaction.atomic
def passes_issue_missing(*, actor, enterprise: Enterprise, valid_days: int = 30) -> int:
    """Issue passes to every worker of the enterprise who has no live pass; returns how many."""
    require(actor, Action.PASSES_MANAGE)
    _check_valid_days(valid_days)
    _scope_enterprise(actor, enterprise)
    now = timezone.now()
    today = timezone.localdate(now)
    expires_on = today + timedelta(days=valid_days)
    # Expired passes are closed first: a worker has at most one pass not revoked.
    WorkerPass.objects.filter(
        worker__enterprise=enterprise, revoked_at__isnull=True, expires_on__lt=today
    ).update(revoked_at=now, revoked_by=actor, revoke_reason=_("expired"))
    live = WorkerPass.objects.filter(revoked_at__isnull=True).values("worker")
    workers = list(
        Worker.objects.filter(enterprise=enterprise)
        .exclude(pk__in=live)
        .values_list("pk", flat=True)
    )
    WorkerPass.objects.bulk_create(
        (
            WorkerPass(
                worker_id=pk,
                code=secrets.token_urlsafe(12),
                issued_at=now,
                issued_by=actor,
                expires_on=expires_on,
            )
            for pk in workers
        ),
        batch_size=2000,
    )
    if workers:
        audit_event_record(
            actor=actor,
            action=AuditAction.PASS_ISSUED,
            target=enterprise,
            enterprise=enterprise,
            summary=_("%(count)s passes issued") % {"count": len(workers)},
            data={"count": len(workers)},
        )
    return len(workers)


@transaction.atomic
def pass_revoke(*, actor, worker_pass: WorkerPass, reason: str) -> WorkerPass:
    require(actor, Action.PASSES_MANAGE)
    worker_pass = (
        WorkerPass.objects.select_for_update().select_related("worker").get(pk=worker_pass.pk)
    )
    worker = worker_pass.worker
    _require_worker_in_scope(actor, worker)
    if worker_pass.revoked_at is not None:
        raise ConflictError(_("This pass has already been revoked."))
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason."), fields={"reason": [_("Required.")]})
    worker_pass.revoked_at = timezone.now()
    worker_pass.revoked_by = actor
    worker_pass.revoke_reason = reason[:200]
    worker_pass.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_event_record(
        actor=actor,
        action=AuditAction.PASS_REVOKED,
        target=worker,
        enterprise=worker.enterprise,
        summary=reason,
    )
    return worker_pass
