"""The demo park's prevention training: a park-wide session by the county CDC twelve days ago,
sessions at some working enterprises since, a session planned at the demo officer's enterprise,
and attendance ticked, imported or scanned, leaving some workers untrained (the dashboard's
"untrained workers on duty" has something to show)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from fugong.accounts.models import User
from fugong.training import services as training
from fugong.workforce.models import Worker

from .attachments import demo_pdf

TOPICS = (
    "新冠肺炎防控知识与个人防护",
    "口罩佩戴、手卫生与环境消毒",
    "卡口测温与异常情况处置流程",
    "食堂错峰就餐与宿舍管理要求",
)
TRAINERS = ("县疾控中心 刘医生", "县疾控中心 陈医生", "园区卫生院 周护士长")


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def make_training(*, command: User, plans: list, logins: dict, today: date, rng) -> dict:
    rng = random.Random(rng.random())  # its own stream: the other builders' draws stay as they were
    working = [plan for plan in plans if plan.state in ("resumed", "reinstated")]
    park_day = today - timedelta(days=12)
    park_wide = training.session_create(
        actor=command,
        enterprise=None,
        held_on=park_day,
        topic=TOPICS[0],
        trainer=TRAINERS[0],
        location="园区管委会三楼会议室",
        note="各企业防疫专员及部分员工参加。",
        at=_at(park_day - timedelta(days=2), 9),
    )
    training.material_add(actor=command, session=park_wide, upload=demo_pdf("防控知识课件.pdf"))
    sessions, attendances = 1, 0
    for plan in working:
        workers = list(Worker.objects.filter(enterprise=plan.enterprise).order_by("pk"))
        if not workers:
            continue
        present = [worker.pk for worker in workers if rng.random() < 0.3]
        if present:
            attendances += len(
                training.attendance_tick(
                    actor=command, session=park_wide, worker_ids=present, at=_at(park_day, 15)
                )
            )
        if rng.random() < 0.5 and plan.enterprise.pk != _officer_enterprise(logins):
            continue
        day = today - timedelta(days=rng.randrange(1, 8))
        session = training.session_create(
            actor=command,
            enterprise=plan.enterprise,
            held_on=day,
            topic=rng.choice(TOPICS[1:]),
            trainer=rng.choice(TRAINERS),
            location="企业会议室",
            at=_at(day - timedelta(days=1), 10),
        )
        sessions += 1
        share = rng.uniform(0.4, 0.8)
        present = [worker.pk for worker in workers if rng.random() < share]
        if present:
            attendances += len(
                training.attendance_tick(
                    actor=command, session=session, worker_ids=present, at=_at(day, 16)
                )
            )
    officer = logins.get("officer")
    if officer is not None and officer.enterprise_id:
        planned = today + timedelta(days=3)
        training.session_create(
            actor=officer,
            enterprise=officer.enterprise,
            held_on=planned,
            topic="复工后第二轮防疫培训",
            trainer=TRAINERS[1],
            location="二号车间休息区",
        )
        sessions += 1
    return {"sessions": sessions, "attendances": attendances}


def _officer_enterprise(logins: dict) -> int | None:
    officer = logins.get("officer")
    return officer.enterprise_id if officer is not None else None
