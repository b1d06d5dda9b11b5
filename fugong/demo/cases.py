"""The demo park's cases: one suspected case excluded after a negative test, and one drill (演练)
case with its close contacts, so that every case screen has content while the park's figures
stay true (no confirmed case: a drill never counts, the suspected case was excluded).

Cases go through the cases' services with ``at`` set to each step's moment; the drill's contacts
through the contact services (find, add, confirm, drop), so the demo exercises them. The only
direct writes: a contact of a contact when the records show none, and the officers'
``bulk_create``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from fugong.accounts.models import User
from fugong.cases import contact_services
from fugong.cases import services as case_services
from fugong.cases.models import (
    Case,
    CaseSource,
    Classification,
    Contact,
    ContactStatus,
    IsolationKind,
)
from fugong.cases.people import worker_person
from fugong.gate.models import AbnormalEvent
from fugong.workforce.models import Worker


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _suspected_then_excluded(command: User, today: date) -> Case | None:
    """A worker sent to the fever clinic from a gate two mornings ago: a suspected case from
    the event, excluded the next day after a negative nucleic acid test."""
    event = (
        AbnormalEvent.objects.filter(worker__isnull=False, occurred_at__lt=_at(today, 0))
        .order_by("occurred_at", "pk")
        .first()
    )
    if event is not None:
        opened_at = event.occurred_at + timedelta(hours=2)
        person: dict = {"abnormal_event_id": event.pk}
        onset = timezone.localdate(event.occurred_at)
    else:  # a park whose mornings raised no event: a worker from a fever clinic's notice
        worker = Worker.objects.filter(enterprise__isnull=False).order_by("pk").first()
        if worker is None:
            return None
        opened_at = _at(today - timedelta(days=2), 11)
        person = {"worker_id": worker.pk, "source": CaseSource.FEVER_CLINIC}
        onset = opened_at.date()
    case = case_services.case_open(
        actor=command,
        classification=Classification.SUSPECTED,
        onset_on=onset,
        sampling_on=onset,
        isolated_on=onset,
        isolation_kind=IsolationKind.HOSPITAL,
        isolation_place="岳阳市一人民医院发热门诊留观室",
        source_detail="发热门诊：体温 37.8 ℃，采集咽拭子送检",
        at=opened_at,
        **person,
    )
    excluded_at = min(opened_at + timedelta(days=1), timezone.now())
    case_services.case_classify(
        actor=command,
        case=case,
        classification=Classification.EXCLUDED,
        effective_on=timezone.localdate(excluded_at),
        note="两次核酸检测阴性（间隔 24 小时），排除疑似",
        at=excluded_at,
    )
    return case


def _drill(command: User, enterprise_id: int | None, today: date) -> Case | None:
    """A drill: a confirmed case in a workshop of ``enterprise_id`` (the demo gate's), three
    colleagues of the same shift found as contacts (two confirmed, one dropped), and a
    colleague's roommate as a contact of a contact."""
    if enterprise_id is None:
        return None
    workers = Worker.objects.filter(enterprise_id=enterprise_id).exclude(department="")
    first = workers.order_by("pk").first()
    if first is None:
        return None
    colleagues = list(
        workers.filter(department=first.department).exclude(pk=first.pk).order_by("pk")[:4]
    )
    opened_at = _at(today, 8, 30)
    onset = today - timedelta(days=2)
    case = case_services.case_open(
        actor=command,
        classification=Classification.CONFIRMED,
        worker_id=first.pk,
        onset_on=onset,
        sampling_on=today - timedelta(days=1),
        isolated_on=today - timedelta(days=1),
        isolation_kind=IsolationKind.CENTRALISED,
        isolation_place="演练：园区集中隔离点 3 号楼",
        source=CaseSource.CDC_NOTICE,
        source_detail="演练：市疾控中心通报模拟确诊病例",
        is_drill=True,
        notes="2 月应急演练，检验密接排查与封控流程。不计入任何统计。",
        at=opened_at,
    )
    last_day = today - timedelta(days=1)
    # The contact services, as the command post uses them: the finder searches the park's records
    # (gate admissions, rooms, routes, visitors) and merges what it finds; three colleagues of
    # the same shift are added by hand; two are confirmed and one dropped. A drill's confirmed
    # contacts get an observation date only: their clearance, the gate and the districts'
    # lists are left alone (``consequences``), so nobody real is denied.
    contact_services.contacts_find(actor=command, case=case)
    added: list[Contact] = []
    for colleague in colleagues[:3]:
        existing = case.contacts.filter(worker=colleague).first()  # type: ignore[attr-defined]
        added.append(
            existing
            or contact_services.contact_add(
                actor=command,
                case=case,
                last_contact_on=last_day,
                worker_id=colleague.pk,
                note=f"演练：同车间（{first.department}）同班次，东大门早班同时入园",
            )
        )
    for number, contact in enumerate(added):
        if contact.status != ContactStatus.CANDIDATE:
            continue
        if number == 2:
            contact_services.contact_drop(
                actor=command, contact=contact, reason="当日请假未到岗（考勤核实）"
            )
        else:
            contact_services.contact_confirm(actor=command, contact=contact)
    # One more level (密接的密接), from the confirmed contacts' own records.
    contact_services.contacts_find(actor=command, case=case, second_level=True)
    if len(colleagues) > 3 and not case.contacts.filter(level=2).exists():  # type: ignore[attr-defined]
        # The records show no contact of a contact (a small park without dormitory rooms): the
        # colleague's roommate as the finder would store them, the demo's only direct write of
        # a contact (there is no service to add a second-level contact by hand).
        via = case.contacts.filter(status=ContactStatus.CONFIRMED).order_by("pk").first()  # type: ignore[attr-defined]
        if via is not None:
            Contact.objects.create(
                case=case,
                **worker_person(colleagues[3]),
                level=2,
                via=via,
                status=ContactStatus.CANDIDATE,
                reasons=[
                    {
                        "rule": "dormitory_room",
                        "on": last_day.isoformat(),
                        "level": 2,
                        "via": via.full_name,
                        "room": "员工宿舍 2 栋 305",
                    }
                ],
                last_contact_on=last_day,
                found_by=command,
            )
    return case


def make_cases(*, command: User, gate_enterprise_id: int | None, today: date) -> dict:
    excluded = _suspected_then_excluded(command, today)
    drill = _drill(command, gate_enterprise_id, today)
    return {
        "excluded": excluded.pk if excluded else None,
        "drill": drill.pk if drill else None,
        "contacts": Contact.objects.filter(case=drill).count() if drill else 0,
    }
