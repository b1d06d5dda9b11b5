"""A hand-built park history over ten days, whose every figure is known (see ``history``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from fugong.enterprises.models import Enterprise, EnterpriseKind
from fugong.enterprises.tests.factories import EnterpriseFactory
from fugong.gate import services as gate_services
from fugong.gate.models import StepAction
from fugong.gate.tests.factories import check, make_gate
from fugong.resumption import services as resumption
from fugong.resumption.models import Recommendation
from fugong.resumption.tests.factories import COMPLETE_FIELDS, all_met
from fugong.workforce.tests.factories import make_worker, resident_id


def at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def walk_application(
    park, enterprise, officer, liaison, *, submitted, verified, approved=None, resumption_date=None
):
    application = resumption.application_create(
        actor=officer,
        enterprise=enterprise,
        planned_date=submitted + timedelta(days=3),
        at=at(submitted, 8),
        **COMPLETE_FIELDS,
    )
    resumption.application_update(
        actor=officer, application=application, self_check=all_met(application), at=at(submitted, 8)
    )
    resumption.application_submit(actor=officer, application=application, at=at(submitted, 9))
    if verified:
        resumption.application_verify(
            actor=liaison,
            application=application,
            checks=all_met(application),
            recommendation=Recommendation.APPROVE,
            summary="到位",
            at=at(verified, 10),
        )
    if approved:
        resumption.application_approve(
            actor=park.command,
            application=application,
            resumption_date=resumption_date,
            at=at(approved, 11),
        )
    return application


@dataclass
class History:
    today: date
    a: Enterprise  # industrial, above scale: approved, suspended, reinstated
    b: Enterprise  # industrial: submitted and verified, never approved; works anyway
    c: Enterprise  # construction site: approved, declares its headcount once
    d: Enterprise  # not in scope
    e: Enterprise  # registered yesterday
    workers: dict

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)


@pytest.fixture
def history(park) -> History:
    """T is today. Registered at T-10 (e at T-1).

    - a: submitted and verified T-9, approved T-8 to resume T-7; suspended T-4, reinstated from T-2.
    - b: submitted T-6, verified T-5, never approved; a worker admitted at its gate at T-6.
    - c: construction site, submitted T-7, verified T-7, approved T-6 to resume T-5; declares 40
      on duty at T-5.
    - a's workers: a1 and a2 admitted T-7; a1 twice T-6, a2 with a fever T-6 (an event, suspected
      at T-5, cleared at T-3); a1 admitted T-3 while a is suspended.
    """
    from fugong.accounts.tests.factories import UserFactory
    from fugong.core.roles import Role
    from fugong.reports.services import headcount_declare
    from fugong.resumption.services import enterprise_reinstate, enterprise_suspend

    today = timezone.localdate()

    def day(offset):
        return today + timedelta(days=offset)

    a, b = park.a, park.b
    a.usual_headcount, b.usual_headcount = 10, 20
    a.save(update_fields=["usual_headcount"])
    b.save(update_fields=["usual_headcount"])
    c = EnterpriseFactory(
        name="丙建筑工地",
        kind=EnterpriseKind.CONSTRUCTION_SITE,
        liaison=park.liaison,
        usual_headcount=50,
    )
    d = EnterpriseFactory(name="丁分公司", in_scope=False, liaison=park.liaison)
    e = EnterpriseFactory(name="戊新企业", liaison=park.other_liaison, usual_headcount=5)
    Enterprise.objects.exclude(pk=e.pk).update(created_at=at(day(-10), 8))
    Enterprise.objects.filter(pk=e.pk).update(created_at=at(day(-1), 8))
    officer_c = UserFactory(username="officer_c", role=Role.ENTERPRISE_OFFICER, enterprise=c)

    walk_application(
        park,
        a,
        park.officer,
        park.liaison,
        submitted=day(-9),
        verified=day(-9),
        approved=day(-8),
        resumption_date=day(-7),
    )
    walk_application(
        park, b, park.other_officer, park.other_liaison, submitted=day(-6), verified=day(-5)
    )
    walk_application(
        park,
        c,
        officer_c,
        park.liaison,
        submitted=day(-7),
        verified=day(-7),
        approved=day(-6),
        resumption_date=day(-5),
    )
    enterprise_suspend(actor=park.command, enterprise=a, reason="未落实测温", at=at(day(-4), 8))
    enterprise_reinstate(
        actor=park.command, enterprise=a, reason="整改到位", ends_on=day(-2), at=at(day(-3), 17)
    )

    a1 = make_worker(
        actor=park.officer, enterprise=a, full_name="甲一", document_number=resident_id(sequence=11)
    )
    a2 = make_worker(
        actor=park.officer, enterprise=a, full_name="甲二", document_number=resident_id(sequence=13)
    )
    b1 = make_worker(
        actor=park.other_officer,
        enterprise=b,
        full_name="乙一",
        document_number=resident_id(sequence=15),
    )
    gate_a, gate_b = make_gate(a), make_gate(b, name="乙门")

    def admit(gate, worker, when, **fields):
        result = gate_services.gate_checks_record(
            gate=gate,
            items=[check(worker_id=worker.pk, occurred_at=when, **fields)],
            operator=park.command,
        )[0]
        assert result.status == "created", result
        return result

    admit(gate_a, a1, at(day(-7), 8))
    admit(gate_a, a2, at(day(-7), 8))
    admit(gate_a, a1, at(day(-6), 8))
    admit(gate_a, a1, at(day(-6), 13))
    from decimal import Decimal

    fever = admit(
        gate_a,
        a2,
        at(day(-6), 8),
        temperature=Decimal("38.2"),
        temperature_recheck=Decimal("38.0"),
        recheck_method="axillary",
    )
    assert fever.event_id
    admit(gate_b, b1, at(day(-6), 9))
    admit(gate_a, a1, at(day(-3), 8))
    from fugong.gate.models import AbnormalEvent

    event = AbnormalEvent.objects.get(pk=fever.event_id)
    gate_services.abnormal_event_step(
        actor=park.command,
        event=event,
        action=StepAction.OUTCOME,
        outcome="suspected",
        at=at(day(-5), 10),
    )
    gate_services.abnormal_event_step(
        actor=park.command,
        event=AbnormalEvent.objects.get(pk=event.pk),
        action=StepAction.OUTCOME,
        outcome="cleared",
        at=at(day(-3), 10),
    )
    # The case the figures count: suspected from T-5 (opened from the event), excluded T-3.
    from fugong.cases import services as case_services

    case = case_services.case_open(
        actor=park.command,
        abnormal_event_id=event.pk,
        onset_on=day(-6),
        at=at(day(-5), 10),
    )
    case_services.case_classify(
        actor=park.command,
        case=case,
        classification="excluded",
        effective_on=day(-3),
        note="核酸阴性",
        at=at(day(-3), 10),
    )
    headcount_declare(actor=officer_c, enterprise=c, day=day(-5), workers=40)
    return History(today=today, a=a, b=b, c=c, d=d, e=e, workers={"a1": a1, "a2": a2, "b1": b1})
