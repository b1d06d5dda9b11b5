"""The demo park's prevention supplies, through the services with ``at`` set to each step's day:
the park's reserve stocked two weeks ago (from the city's command post and a donor) and issued
from since; for some forty working enterprises (the `liaison` account's among them) the first
counts from their applications, a purchase, and a week of daily use of masks and disinfectant,
a few of them running low on masks; requests answered (allocated or declined) and some still
pending, one of them from the `officer` account's enterprise, which has not applied yet and so
records its own receipts and use."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from fugong.accounts.models import User
from fugong.core.errors import ConflictError
from fugong.supplies import services
from fugong.supplies.models import EntryKind, SupplyItem
from fugong.supplies.seed import seed_items

# The reserve's receipts: (item, quantity, note)
RESERVE = [
    ("医用外科口罩", 60000, "市防指调拨"),
    ("N95/KN95口罩", 6000, "市防指调拨"),
    ("一次性医用口罩", 120000, "市防指调拨"),
    ("消毒液", 3000, "爱心企业捐赠"),
    ("体温计", 600, "市防指调拨"),
    ("血氧仪", 120, "市卫健委调拨"),
    ("防护服", 800, "爱心企业捐赠"),
    ("护目镜", 800, "爱心企业捐赠"),
    ("一次性手套", 20000, "爱心企业捐赠"),
]
WORKING = ("resumed", "reinstated")
ENTERPRISES = 40
LOW_EVERY = 6  # every sixth enterprise buys too few masks and runs low


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def make_supplies(*, command: User, plans, logins: dict, today: date, rng: random.Random) -> dict:
    seed_items(SupplyItem)  # there from the migration, unless a test flushed the table
    items = {item.name: item for item in SupplyItem.objects.all()}
    start = today - timedelta(days=14)
    for name, quantity, note in RESERVE:
        services.supply_record(
            actor=command,
            enterprise=None,
            item=items[name],
            kind=EntryKind.RECEIPT,
            quantity=quantity,
            occurred_on=start,
            note=note,
            at=_at(start, 10),
        )
    liaison = logins.get("liaison")
    working = [plan for plan in plans if plan.state in WORKING and plan.officer is not None]
    liaison_id = getattr(liaison, "pk", 0)
    of_liaison = [plan for plan in working if plan.enterprise.liaison_id == liaison_id]
    chosen = of_liaison[:3] + [plan for plan in working if plan not in of_liaison[:3]]
    chosen = chosen[:ENTERPRISES]
    masks, disinfectant = items["医用外科口罩"], items["消毒液"]
    counts = {"enterprises": 0, "requests": 0, "pending": 0}
    week = today - timedelta(days=7)
    for index, plan in enumerate(chosen):
        enterprise, officer = plan.enterprise, plan.officer
        services.supplies_open_from_application(
            actor=officer, enterprise=enterprise, at=_at(week - timedelta(days=1), 9)
        )
        headcount = max(enterprise.usual_headcount, 20)
        daily = headcount * 2  # two masks a worker a day
        low = index % LOW_EVERY == 0
        bought = daily * (9 if low else rng.randint(16, 30))
        if low:  # the masks declared in the application were used up before resumption
            services.supply_record(
                actor=officer,
                enterprise=enterprise,
                item=items["一次性医用口罩"],
                kind=EntryKind.COUNT,
                quantity=0,
                occurred_on=week,
                note="盘点：申报时的口罩已用完",
                at=_at(week, 10),
            )
        services.supply_record(
            actor=officer,
            enterprise=enterprise,
            item=masks,
            kind=EntryKind.RECEIPT,
            quantity=bought,
            occurred_on=week,
            note="自行采购",
            at=_at(week, 11),
        )
        services.supply_record(
            actor=officer,
            enterprise=enterprise,
            item=disinfectant,
            kind=EntryKind.RECEIPT,
            quantity=rng.randint(40, 120),
            occurred_on=week,
            note="自行采购",
            at=_at(week, 11),
        )
        for days_ago in range(6, -1, -1):
            day = today - timedelta(days=days_ago)
            services.supply_record(
                actor=officer,
                enterprise=enterprise,
                item=masks,
                kind=EntryKind.DAILY_USE,
                quantity=max(1, round(daily * rng.uniform(0.85, 1.1))),
                occurred_on=day,
                at=_at(day, 18) if days_ago else timezone.now(),
            )
            if days_ago % 2 == 0:
                services.supply_record(
                    actor=officer,
                    enterprise=enterprise,
                    item=disinfectant,
                    kind=EntryKind.DAILY_USE,
                    quantity=f"{rng.uniform(1.5, 4):.1f}",
                    occurred_on=day,
                    at=_at(day, 18) if days_ago else timezone.now(),
                )
        counts["enterprises"] += 1
        if low or index % 5 == 1:
            ask_day = today - timedelta(days=rng.randint(1, 3) if index % 4 else 0)
            asked = services.supply_request_create(
                actor=officer,
                enterprise=enterprise,
                item=masks,
                quantity=daily * 10,
                reason="复工人数增加，口罩库存不足" if low else "储备下周用量",
                at=_at(ask_day, 9) if ask_day != today else timezone.now(),
            )
            counts["requests"] += 1
            if low or ask_day == today:
                counts["pending"] += 1  # left for the command post
            elif not counts.get("declined"):
                counts["declined"] = 1
                services.supply_request_decline(
                    actor=command,
                    request=asked,
                    note="本周储备优先保障重点企业，请自行采购",
                    at=_at(ask_day, 15),
                )
            else:
                try:
                    services.supply_request_allocate(
                        actor=command, request=asked, at=_at(ask_day, 15)
                    )
                except ConflictError:
                    counts["pending"] += 1  # the reserve is short: still waiting
    officer = logins.get("officer")
    if officer is not None and officer.enterprise_id:
        enterprise = officer.enterprise
        services.supply_record(
            actor=officer,
            enterprise=enterprise,
            item=masks,
            kind=EntryKind.RECEIPT,
            quantity=400,
            occurred_on=today - timedelta(days=3),
            note="自行采购",
            at=_at(today - timedelta(days=3), 10),
        )
        for days_ago in (2, 1):
            day = today - timedelta(days=days_ago)
            services.supply_record(
                actor=officer,
                enterprise=enterprise,
                item=masks,
                kind=EntryKind.DAILY_USE,
                quantity=60,
                occurred_on=day,
                at=_at(day, 18),
            )
        services.supply_request_create(
            actor=officer,
            enterprise=enterprise,
            item=items["N95/KN95口罩"],
            quantity=100,
            reason="复工前储备",
            at=timezone.now(),
        )
        counts["requests"] += 1
        counts["pending"] += 1
    return counts
