"""The demo park's duty roster: this month and the next planned, day and night shifts shared by
the command post's staff and the liaisons; the last days' shifts with their log and handovers,
acknowledged by the next shift (today's still waiting)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from fugong.accounts.models import User
from fugong.duty import services as duty
from fugong.duty.models import DutyShift
from fugong.enterprises.models import Enterprise

LOG = (
    ("call", "企业来电咨询复工申请材料要求，已解答。"),
    ("incident", "东门卡口早高峰排队较长，已协调增派测温人员。"),
    ("decision", "对发热员工所在车间加强消毒，次日复核。"),
    ("call", "属地街道来电核实返岗人员名单。"),
)


def make_duty(*, command: User, today: date, rng) -> dict:
    rng = random.Random(rng.random())
    people = list(User.objects.filter(role__in=duty.ROSTER_ROLES, is_active=True).order_by("pk"))
    if len(people) < 2:
        return {"shifts": 0}
    enterprise = Enterprise.objects.order_by("pk").first()
    first = today.replace(day=1) - timedelta(days=3)
    last = (today.replace(day=28) + timedelta(days=4)).replace(day=1) + timedelta(days=27)
    shifts = 0
    day = first
    index = 0
    while day <= last:
        for kind in ("day", "night"):
            person = people[index % len(people)]
            index += 1
            duty.shift_create(actor=command, person=person, day=day, kind=kind)
            shifts += 1
        day += timedelta(days=1)
    # The last three days' shifts: a log, a handover, acknowledged by the next shift.
    past = DutyShift.objects.filter(
        day__gte=today - timedelta(days=3), ends_at__lte=timezone.now()
    ).order_by("starts_at")
    for shift in past:
        kind, text = rng.choice(LOG)
        duty.log_add(
            actor=shift.person,
            shift=shift,
            kind=kind,
            text=text,
            at=shift.starts_at + timedelta(hours=2),
            enterprise=enterprise if kind == "call" else None,
        )
        duty.handover_write(actor=shift.person, shift=shift, note="本班无遗留事项；" + text)
        successor = duty.next_shifts(shift).exclude(person=shift.person).first()
        if successor is not None and successor.starts_at <= timezone.now():
            duty.handover_acknowledge(actor=successor.person, shift=shift)
    return {"shifts": shifts}
