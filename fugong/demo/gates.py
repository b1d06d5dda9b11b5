"""The demo park's gates and the last few mornings at them.

Every working enterprise has a gate (a construction site its site entrance), and the park has the
wharf entrance at Chenglingji. The demo gate operator works at their enterprise's gate, a second
operator at the wharf, where a thermal-camera kiosk also has a device token. Each morning most
workers pass with their pass; a few forget the mask, a few read high on the forehead and are
re-measured, a handful are denied (not cleared, another enterprise's pass), drivers register at
the wharf, and now and then a fever or a low SpO2 becomes an abnormal event that the health
officer follows up — the older ones closed, today's still open.

Everything goes through the gate's services, as a terminal's batches would.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from fugong.accounts.models import User
from fugong.accounts.services import user_create
from fugong.core.roles import Role
from fugong.enterprises.models import EnterpriseKind
from fugong.gate import services as gate_services
from fugong.gate.models import AbnormalEvent, Gate, StepAction
from fugong.workforce.models import WorkerPass
from fugong.workforce.services import pass_token
from fugong.workforce.synthetic import ELSEWHERE, RESIDENCES, person_name, resident_id

HISTORY_DAYS = 3  # two earlier mornings and today's
ATTENDANCE = 0.7  # shifts: not everyone comes every day
WHARF = "城陵矶码头入口"
WHARF_OPERATOR = ("gate2", "熊海涛")


def make_gates(*, command: User, plans, logins: dict, password: str, today: date, rng) -> dict:
    """Gates for the working enterprises and the wharf; the operators; the mornings."""
    working = [plan for plan in plans if plan.state in ("resumed", "reinstated")]
    gates: dict[int, Gate] = {}
    for plan in working:
        enterprise = plan.enterprise
        site = enterprise.kind == EnterpriseKind.CONSTRUCTION_SITE
        gates[enterprise.pk] = gate_services.gate_create(
            actor=command,
            name="工地入口" if site else "东大门",
            enterprise=enterprise,
            location=enterprise.address,
        )
    wharf = gate_services.gate_create(
        actor=command, name=WHARF, enterprise=None, location="城陵矶港区一号门"
    )
    # Each enterprise gate's thermal terminal sends its checks with its own token.
    devices = {
        gate.pk: gate_services.gate_device_create(actor=command, gate=gate, name="门岗测温终端")[0]
        for gate in gates.values()
    }
    operator = logins["gate"]
    operator_gate = gates[operator.enterprise_id]
    gate_services.gate_operator_assign(actor=command, gate=operator_gate, user=operator)
    wharf_operator = user_create(
        must_change_password=False,
        actor=command,
        password=password,
        username=WHARF_OPERATOR[0],
        full_name=WHARF_OPERATOR[1],
        role=Role.GATE_OPERATOR,
    )
    gate_services.gate_operator_assign(actor=command, gate=wharf, user=wharf_operator)
    kiosk, _token = gate_services.gate_device_create(
        actor=command, gate=wharf, name="一号门测温一体机"
    )
    checks = 0
    for offset in range(HISTORY_DAYS - 1, -1, -1):
        day = today - timedelta(days=offset)
        checks += _morning(day, gates, devices, operator, operator_gate, rng)
        checks += _drivers(day, wharf, wharf_operator, kiosk, rng)
    _follow_up(today, logins, rng)
    return {"gates": len(gates) + 1, "checks": checks}


def _at(day: date, minute: int) -> datetime | None:
    """A moment of the morning shift change (07:00 onwards), or None if it has not come yet."""
    moment = timezone.make_aware(datetime.combine(day, time(7, 0)) + timedelta(seconds=minute))
    return moment if moment < timezone.now() - timedelta(minutes=1) else None


def _readings(rng: random.Random) -> dict:
    roll = rng.random()
    readings = {
        "mask": True,
        "disinfected": True,
        "temperature": Decimal(str(round(rng.uniform(36.0, 37.1), 1))),
        "spo2": rng.randrange(95, 100),
    }
    if roll < 0.01:
        readings["mask"] = False
    elif roll < 0.015:
        readings["disinfected"] = False
    elif roll < 0.025:
        # High on the forehead after a ride in the sun; normal under the arm.
        readings["temperature"] = Decimal(str(round(rng.uniform(37.3, 37.6), 1)))
        readings["temperature_recheck"] = Decimal(str(round(rng.uniform(36.4, 37.0), 1)))
        readings["recheck_method"] = "axillary"
    return readings


def _check(moment: datetime, rng: random.Random, **fields: Any) -> gate_services.CheckInput:
    values = {"client_id": uuid.uuid4(), "occurred_at": moment, **_readings(rng), **fields}
    raw: dict[str, Any] = {key: str(value) for key, value in values.items() if key != "visitor"}
    if "visitor" in values:
        raw["visitor"] = dict(values["visitor"].__dict__)
    return gate_services.CheckInput(raw=raw, **values)


def _morning(
    day: date, gates: dict, devices: dict, operator: User, operator_gate: Gate, rng: random.Random
) -> int:
    passes = (
        WorkerPass.objects.filter(
            revoked_at__isnull=True, expires_on__gte=day, worker__enterprise_id__in=list(gates)
        )
        .select_related("worker")
        .order_by("worker__enterprise_id", "worker_id")
    )
    by_enterprise: dict[int, list] = {}
    for worker_pass in passes:
        employer = worker_pass.worker.enterprise_id
        assert employer is not None  # the passes of the gates' enterprises' workers
        by_enterprise.setdefault(employer, []).append(worker_pass)
    total = 0
    for enterprise_id, worker_passes in by_enterprise.items():
        gate = gates[enterprise_id]
        # Most who are not cleared stay at home; a few come anyway and are turned away.
        present = [
            worker_pass
            for worker_pass in worker_passes
            if rng.random()
            < (ATTENDANCE if worker_pass.worker.clearance_on(day) == "cleared" else 0.05)
        ]
        at_kiosk = operator_gate.pk == gate.pk
        # Now and then a fever (high on the forehead, still high under the arm) or a low SpO2;
        # this morning one at the demo operator's gate, for the liaison's page.
        abnormal = (
            rng.randrange(len(present))
            if present and (rng.random() < 0.05 or (at_kiosk and day == timezone.localdate()))
            else None
        )
        items = []
        for index, worker_pass in enumerate(present):
            moment = _at(day, index * 7 + rng.randrange(7))
            if moment is None:
                continue
            overrides: dict[str, Any] = {}
            if index == abnormal:
                overrides = (
                    {
                        "temperature": Decimal("38.1"),
                        "temperature_recheck": Decimal(str(round(rng.uniform(37.6, 38.4), 1))),
                        "recheck_method": "axillary",
                    }
                    if rng.random() < 0.7
                    else {"spo2": rng.randrange(88, 93)}
                )
            items.append(_check(moment, rng, pass_token=pass_token(worker_pass), **overrides))
        if items and rng.random() < 0.1:
            # Someone tries this gate with another enterprise's pass: unknown here.
            stranger = (
                WorkerPass.objects.filter(revoked_at__isnull=True, expires_on__gte=day)
                .exclude(worker__enterprise_id=enterprise_id)
                .order_by("?")
                .first()
            )
            if stranger is not None:
                last = items[-1].occurred_at
                assert last is not None  # ``_check`` gives every item its moment
                items.append(_check(last, rng, pass_token=pass_token(stranger)))
        for start in range(0, len(items), gate_services.MAX_BATCH):
            gate_services.gate_checks_record(
                gate=gate,
                items=items[start : start + gate_services.MAX_BATCH],
                operator=operator if at_kiosk else None,
                device=None if at_kiosk else devices[gate.pk],
            )
        total += len(items)
    return total


DRIVER_ORIGINS = ["430100", "430600", "420600", "360400", "430700", "440300", "420100"]
EMPLOYERS = [
    "岳阳港务物流有限公司",
    "湖南城陵矶国际集装箱码头",
    "长沙顺达运输有限公司",
    "华容县粮油贸易公司",
]


def _drivers(day: date, wharf: Gate, operator: User, kiosk, rng: random.Random) -> int:
    """Drivers and suppliers registering at the wharf; some from risk areas, turned away."""
    items = []
    for index in range(rng.randrange(8, 14)):
        moment = _at(day, 1800 + index * 240 + rng.randrange(200))
        if moment is None:
            continue
        origin = rng.choice(DRIVER_ORIGINS)
        visitor = gate_services.VisitorInput(
            full_name=person_name(rng),
            document_type="resident_id",
            document_number=resident_id(
                rng,
                rng.choice([*ELSEWHERE, *(code for code, _weight in RESIDENCES)]),
                date(1965, 1, 1) + timedelta(days=rng.randrange(14000)),
            ),
            phone=f"13{rng.randrange(100000000, 999999999)}",
            origin=origin,
            employer=rng.choice(EMPLOYERS),
            purpose=rng.choice(["集装箱提货", "送防疫物资", "粮油运输", "设备检修"]),
            host=rng.choice(["港务调度室", "仓储部", "设备部"]),
            contact_history="与武汉返岳人员同车" if rng.random() < 0.05 else "",
        )
        items.append(_check(moment, rng, visitor=visitor))
    if items:
        gate_services.gate_checks_record(
            gate=wharf, items=items[: len(items) // 2], operator=operator
        )
        gate_services.gate_checks_record(gate=wharf, items=items[len(items) // 2 :], device=kiosk)
    return len(items)


def _follow_up(today: date, logins: dict, rng: random.Random) -> None:
    """Earlier events are followed to an outcome; today's wait in the observation room."""
    for event in AbnormalEvent.objects.select_related("enterprise", "worker").order_by(
        "occurred_at"
    ):
        if timezone.localdate(event.occurred_at) == today:
            continue
        actor = _health_officer(event, logins)
        start = event.occurred_at
        gate_services.abnormal_event_step(
            actor=actor,
            event=event,
            action=StepAction.RECHECK,
            temperature=Decimal(str(round(rng.uniform(37.0, 38.2), 1))),
            note="观察室复测",
            at=start + timedelta(minutes=15),
        )
        if rng.random() < 0.6:
            gate_services.abnormal_event_step(
                actor=actor,
                event=event,
                action=StepAction.RELEASE,
                temperature=Decimal("36.7"),
                note="休息半小时后复测正常，放行",
                at=start + timedelta(minutes=50),
            )
        else:
            gate_services.abnormal_event_step(
                actor=actor,
                event=event,
                action=StepAction.FEVER_CLINIC,
                note="卫生员陪同送市一人民医院发热门诊",
                at=start + timedelta(hours=1),
            )
            gate_services.abnormal_event_step(
                actor=actor,
                event=event,
                action=StepAction.OUTCOME,
                outcome="home_observation",
                note="血常规、CT 未见异常，居家观察 14 天",
                at=start + timedelta(hours=6),
            )


def _health_officer(event: AbnormalEvent, logins: dict[str, User]) -> User:
    officer = (
        User.objects.filter(role=Role.ENTERPRISE_OFFICER, enterprise=event.enterprise)
        .order_by("id")
        .first()
    )
    if officer is not None:
        return officer
    if event.enterprise is None:
        return logins["liaison"]
    assert event.enterprise.liaison is not None  # every demo enterprise has its liaison
    return event.enterprise.liaison
