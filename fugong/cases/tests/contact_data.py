"""A small outbreak for the contact tests, built through the real services: a case in workshop
二车间 (early shift, room 3-402, shuttle route 1路) of enterprise ``a`` and the people around them,
admitted at gate 东门 at known times."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from fugong.cases import services
from fugong.cases.models import Case
from fugong.gate import services as gate_services
from fugong.gate.models import Gate, GateCheck, Visitor
from fugong.gate.tests.factories import check, make_gate
from fugong.gate.tests.helpers import record
from fugong.workforce.models import Worker
from fugong.workforce.tests.factories import make_worker, resident_id


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def admit(gate: Gate, worker: Worker, moment: datetime) -> GateCheck:
    (result,) = record(gate, check(worker_id=worker.pk, occurred_at=moment))
    assert result.check is not None and result.check.verdict == "admitted", result
    return result.check


def visit(gate: Gate, moment: datetime, *, sequence: int, host: str, employer: str = "") -> Visitor:
    visitor = gate_services.VisitorInput(
        full_name=f"访客{sequence}",
        document_type="resident_id",
        document_number=resident_id(sequence=sequence),
        phone="13600000001",
        origin="430602",
        employer=employer,
        purpose="送货",
        host=host,
        contact_history="",
    )
    (result,) = record(gate, check(visitor=visitor, occurred_at=moment, client_id=uuid.uuid4()))
    assert result.check is not None and result.check.verdict == "admitted", result
    assert result.check.visitor is not None
    return result.check.visitor


@dataclass
class Outbreak:
    case: Case
    gate: Gate
    patient: Worker
    colleague: Worker  # same workshop and shift, admitted the same day
    other_shift: Worker  # same workshop, another shift
    roommate: Worker  # same room, never admitted
    rider: Worker  # same shuttle route, admitted the same day
    neighbour: Worker  # another workshop, admitted 10 minutes after the case
    late: Worker  # another workshop, admitted 40 minutes after
    outsider: Worker  # of enterprise b, same workshop name
    supplier: Visitor  # host: 二车间
    auditor: Visitor  # employer: enterprise a
    stranger: Visitor  # host: another workshop
    exposed_on: date  # the day of the admissions


def worker(park, enterprise=None, **fields) -> Worker:
    values = {
        "full_name": "工人",
        "department": "二车间",
        "shift": "早班",
        "document_number": resident_id(),
    }
    values.update(fields)
    return make_worker(actor=park.command, enterprise=enterprise or park.a, **values)


def outbreak(park, *, today: date, onset_days_ago: int = 1) -> Outbreak:
    gate = make_gate(park.a)
    day = today - timedelta(days=2)
    patient = worker(
        park, full_name="病例甲", dormitory_room="3-402", shuttle_route="1路", department="二车间"
    )
    colleague = worker(park, full_name="同班乙")
    other_shift = worker(park, full_name="夜班丙", shift="夜班")
    roommate = worker(park, full_name="室友丁", department="仓储部", dormitory_room="3-402")
    rider = worker(park, full_name="同车戊", department="仓储部", shuttle_route="1路")
    neighbour = worker(park, full_name="邻近己", department="仓储部")
    late = worker(park, full_name="晚到庚", department="仓储部")
    outsider = worker(park, park.b, full_name="乙厂辛")
    admit(gate, patient, at(day, 8, 0))
    admit(gate, colleague, at(day, 7, 30))
    admit(gate, other_shift, at(day, 19, 0))
    admit(gate, rider, at(day, 7, 20))
    admit(gate, neighbour, at(day, 8, 10))
    admit(gate, late, at(day, 8, 40))
    supplier = visit(gate, at(day, 14, 0), sequence=301, host="二车间 王主任")
    auditor = visit(gate, at(day, 15, 0), sequence=302, host="财务", employer=park.a.name)
    stranger = visit(gate, at(day, 16, 0), sequence=303, host="仓储部")
    case = services.case_open(
        actor=park.command,
        classification="confirmed",
        worker_id=patient.pk,
        onset_on=today - timedelta(days=onset_days_ago),
    )
    return Outbreak(
        case=case,
        gate=gate,
        patient=patient,
        colleague=colleague,
        other_shift=other_shift,
        roommate=roommate,
        rider=rider,
        neighbour=neighbour,
        late=late,
        outsider=outsider,
        supplier=supplier,
        auditor=auditor,
        stranger=stranger,
        exposed_on=day,
    )


TEMPERATURE = Decimal("36.5")
