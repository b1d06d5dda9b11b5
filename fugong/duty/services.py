"""Writes on the duty roster: planning shifts (no overlap for one person), the shift's log, the
handover note and its acknowledgement by the next shift."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.cases.models import Case
from fugong.core.errors import (
    ApplicationError,
    ConflictError,
    PermissionDeniedError,
    full_clean_or_raise,
)
from fugong.core.roles import Action, Role, require, user_can
from fugong.enterprises.models import Enterprise
from fugong.gate.models import AbnormalEvent

from .models import DutyLogEntry, DutyShift, LogKind, ShiftKind

ROSTER_ROLES = (Role.COMMAND, Role.LIAISON)
MAX_SHIFT = timedelta(hours=24)
# A handover is acknowledged by the person of a shift starting around the end of this one.
HANDOVER_WINDOW = timedelta(hours=2)
MAX_DAYS_AHEAD = 62  # a month ahead, and the next


def shift_times(
    day: date, kind: str, starts: time | None = None, ends: time | None = None
) -> tuple[datetime, datetime]:
    """The start and end of a shift of ``kind`` on ``day`` (custom: from ``starts`` to ``ends``,
    ending the next day when ``ends`` is not after ``starts``)."""
    if kind == ShiftKind.DAY:
        starts, ends = time(8), time(20)
    elif kind == ShiftKind.NIGHT:
        starts, ends = time(20), time(8)
    elif kind != ShiftKind.CUSTOM:
        raise ApplicationError(_("Unknown kind of shift."), fields={"kind": [_("Invalid.")]})
    if starts is None or ends is None:
        raise ApplicationError(
            _("Give the times of a custom shift."),
            fields={"starts": [_("Required.")], "ends": [_("Required.")]},
        )
    start = timezone.make_aware(datetime.combine(day, starts))
    end_day = day if ends > starts else day + timedelta(days=1)
    return start, timezone.make_aware(datetime.combine(end_day, ends))


@transaction.atomic
def shift_create(
    *,
    actor: User,
    person: User,
    day: date,
    kind: str,
    starts: time | None = None,
    ends: time | None = None,
    note: str = "",
) -> DutyShift:
    """Plan a shift. Refused (nothing written) when it overlaps one of the person's other
    shifts, when the person is neither command post staff nor a liaison, or too far ahead."""
    require(actor, Action.DUTY_MANAGE)
    if person.role not in ROSTER_ROLES or not person.is_active:
        raise ApplicationError(
            _("Only command post staff and liaisons are on the duty roster."),
            fields={"person": [_("Not on the roster.")]},
        )
    if day > timezone.localdate() + timedelta(days=MAX_DAYS_AHEAD):
        raise ApplicationError(
            _("The roster is planned at most %(days)s days ahead.") % {"days": MAX_DAYS_AHEAD},
            fields={"day": [_("Too far in the future.")]},
        )
    start, end = shift_times(day, kind, starts, ends)
    if end - start > MAX_SHIFT:
        raise ApplicationError(
            _("A shift lasts at most 24 hours."), fields={"ends": [_("Too long.")]}
        )
    # One person's shifts are planned one at a time: two requests cannot both pass the check.
    User.objects.select_for_update().filter(pk=person.pk).first()
    clash = (
        DutyShift.objects.filter(person=person, starts_at__lt=end, ends_at__gt=start)
        .order_by("starts_at")
        .first()
    )
    if clash is not None:
        raise ConflictError(
            _("%(name)s is already on duty from %(start)s to %(end)s.")
            % {
                "name": person.full_name or person.username,
                "start": timezone.localtime(clash.starts_at).strftime("%Y-%m-%d %H:%M"),
                "end": timezone.localtime(clash.ends_at).strftime("%Y-%m-%d %H:%M"),
            },
            code="overlap",
        )
    shift = DutyShift(
        person=person,
        day=day,
        kind=kind,
        starts_at=start,
        ends_at=end,
        note=(note or "").strip(),
        created_by=actor,
    )
    full_clean_or_raise(shift)
    shift.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.DUTY_SHIFT_CREATED,
        target=shift,
        summary=f"{person.username} {start.isoformat()}",
        data={"person_id": person.pk, "starts_at": start.isoformat(), "ends_at": end.isoformat()},
    )
    return shift


def _lock(shift: DutyShift) -> DutyShift:
    return DutyShift.objects.select_for_update().select_related("person").get(pk=shift.pk)


@transaction.atomic
def shift_delete(*, actor: User, shift: DutyShift) -> None:
    """Take a shift off the roster, before it has a log or a handover."""
    require(actor, Action.DUTY_MANAGE)
    shift = _lock(shift)
    if shift.log.exists() or shift.handover_written_at is not None:
        raise ConflictError(_("This shift has a log or a handover: it stays on the roster."))
    audit_event_record(
        actor=actor,
        action=AuditAction.DUTY_SHIFT_DELETED,
        target=shift,
        data={"person_id": shift.person_id, "starts_at": shift.starts_at.isoformat()},
    )
    shift.delete()


def _require_own_or_command(actor: User, shift: DutyShift) -> None:
    require(actor, Action.DUTY_VIEW)
    if shift.person_id != actor.pk and not user_can(actor, Action.DUTY_MANAGE):
        raise PermissionDeniedError(_("Only the person on this shift writes its log."))


@transaction.atomic
def log_add(
    *,
    actor: User,
    shift: DutyShift,
    kind: str,
    text: str,
    at: datetime | None = None,
    enterprise: Enterprise | None = None,
    event: AbnormalEvent | None = None,
    case: Case | None = None,
) -> DutyLogEntry:
    """A call, incident or decision in the shift's log (the person on the shift, or the command
    post)."""
    _require_own_or_command(actor, shift)
    shift = _lock(shift)
    if kind not in LogKind.values:
        raise ApplicationError(_("Unknown kind of entry."), fields={"kind": [_("Invalid.")]})
    entry = DutyLogEntry(
        shift=shift,
        kind=kind,
        at=at or timezone.now(),
        text=(text or "").strip(),
        enterprise=enterprise,
        event=event,
        case=case,
        author=actor,
    )
    full_clean_or_raise(entry)
    entry.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.DUTY_LOG_ADDED,
        target=shift,
        enterprise=enterprise,
        data={
            "kind": kind,
            "entry_id": entry.pk,
            "event_id": event.pk if event else None,
            "case_id": case.pk if case else None,
        },
    )
    return entry


@transaction.atomic
def handover_write(*, actor: User, shift: DutyShift, note: str) -> DutyShift:
    """The handover note to the next shift (the person on the shift); until it is acknowledged."""
    _require_own_or_command(actor, shift)
    shift = _lock(shift)
    if shift.handover_acknowledged_at is not None:
        raise ConflictError(_("The next shift has acknowledged this handover already."))
    note = (note or "").strip()
    if not note:
        raise ApplicationError(_("Write the handover note."), fields={"note": [_("Required.")]})
    shift.handover_note = note
    shift.handover_written_at = timezone.now()
    shift.save(update_fields=["handover_note", "handover_written_at", "updated_at"])
    audit_event_record(actor=actor, action=AuditAction.DUTY_HANDOVER_WRITTEN, target=shift)
    return shift


def next_shifts(shift: DutyShift) -> QuerySet[DutyShift]:
    """The shifts that take over from ``shift``: starting around its end."""
    return DutyShift.objects.filter(
        starts_at__gte=shift.ends_at - HANDOVER_WINDOW,
        starts_at__lte=shift.ends_at + HANDOVER_WINDOW,
    ).exclude(pk=shift.pk)


@transaction.atomic
def handover_acknowledge(*, actor: User, shift: DutyShift) -> DutyShift:
    """The next shift's acknowledgement of the handover: by the person of a shift starting around
    this one's end."""
    require(actor, Action.DUTY_VIEW)
    shift = _lock(shift)
    if shift.handover_written_at is None:
        raise ConflictError(_("There is no handover note to acknowledge yet."))
    if shift.handover_acknowledged_at is not None:
        raise ConflictError(_("This handover has been acknowledged already."))
    if not next_shifts(shift).filter(person=actor).exclude(person_id=shift.person_id).exists():
        raise PermissionDeniedError(_("The handover is acknowledged by the next shift."))
    shift.handover_acknowledged_by = actor
    shift.handover_acknowledged_at = timezone.now()
    shift.save(update_fields=["handover_acknowledged_by", "handover_acknowledged_at", "updated_at"])
    audit_event_record(actor=actor, action=AuditAction.DUTY_HANDOVER_ACKNOWLEDGED, target=shift)
    return shift
