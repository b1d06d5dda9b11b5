"""Reads on the duty roster: the month, a shift, who is on duty now. The roster is the command
post's: every role with ``duty.view`` (command post staff, liaisons) reads all of it."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from fugong.accounts.models import User
from fugong.core.errors import NotFoundError
from fugong.core.roles import Action, require

from .models import DutyLogEntry, DutyShift
from .services import ROSTER_ROLES, next_shifts


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def shift_list(*, actor: User, first: date, last: date) -> QuerySet[DutyShift]:
    require(actor, Action.DUTY_VIEW)
    return (
        DutyShift.objects.filter(day__range=(first, last))
        .select_related("person", "handover_acknowledged_by")
        .order_by("starts_at", "id")
    )


@dataclass
class RosterDay:
    day: date
    shifts: list[DutyShift]


def month_grid(*, actor: User, month: date) -> list[RosterDay]:
    first, last = month_bounds(month)
    by_day: dict[date, list[DutyShift]] = {}
    for shift in shift_list(actor=actor, first=first, last=last):
        by_day.setdefault(shift.day, []).append(shift)
    return [
        RosterDay(first + timedelta(days=offset), by_day.get(first + timedelta(days=offset), []))
        for offset in range((last - first).days + 1)
    ]


def shift_get(*, actor: User, shift_id: int | str) -> DutyShift:
    require(actor, Action.DUTY_VIEW)
    try:
        return DutyShift.objects.select_related(
            "person", "created_by", "handover_acknowledged_by"
        ).get(pk=int(shift_id))
    except (DutyShift.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


def shift_log(shift: DutyShift) -> QuerySet[DutyLogEntry]:
    return shift.log.select_related("enterprise", "event", "author").order_by("at", "id")


def shift_successors(shift: DutyShift) -> QuerySet[DutyShift]:
    return next_shifts(shift).select_related("person").order_by("starts_at")


def on_duty_now(at: datetime | None = None) -> list[DutyShift]:
    """Who is on duty at ``at`` (now): one query on the (starts_at, ends_at) index. For the page
    header, which every command post user sees, so without a role check of its own."""
    now = at or timezone.now()
    return list(
        DutyShift.objects.filter(
            starts_at__lte=now, ends_at__gt=now, starts_at__gte=now - timedelta(hours=24)
        )
        .select_related("person")
        .order_by("starts_at")[:5]
    )


def roster_people() -> QuerySet[User]:
    return User.objects.filter(role__in=ROSTER_ROLES, is_active=True).order_by(
        "role", "full_name", "username"
    )
