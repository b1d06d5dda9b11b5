"""Fixtures of the case pages' tests: a worker of enterprise ``a`` with a suspected case, an
abnormal event at ``a``'s gate, and a contact row written as the contact finder writes them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fugong.cases import services
from fugong.cases.models import Case, Classification, Contact, ContactStatus
from fugong.cases.people import worker_person
from fugong.gate import services as gate_services
from fugong.gate.models import AbnormalEvent, GateOperator
from fugong.gate.tests.factories import check, make_gate
from fugong.workforce.services import pass_issue, pass_token
from fugong.workforce.tests.factories import make_worker, resident_id


@pytest.fixture
def worker(park):
    return make_worker(
        actor=park.command,
        enterprise=park.a,
        full_name="李四",
        department="二车间",
        document_number=resident_id(sequence=41),
    )


@pytest.fixture
def colleague(park):
    return make_worker(
        actor=park.command,
        enterprise=park.a,
        full_name="张三",
        department="二车间",
        document_number=resident_id(sequence=42),
    )


@pytest.fixture
def case(park, worker, today) -> Case:
    return services.case_open(
        actor=park.command,
        classification=Classification.SUSPECTED,
        worker_id=worker.pk,
        onset_on=today - timedelta(days=1),
        source_detail="发热门诊",
    )


def add_contact(case: Case, person, *, status=ContactStatus.CONFIRMED, **fields) -> Contact:
    """A contact as the finder stores one (its services are another part of the work)."""
    values = {
        **worker_person(person),
        "reasons": [
            {
                "rule": "same_department_shift",
                "on": str(timezone.localdate()),
                "department": "二车间",
            }
        ],
        "last_contact_on": timezone.localdate() - timedelta(days=1),
        "observation_until": timezone.localdate() + timedelta(days=13),
    }
    values.update(fields)
    return Contact.objects.create(case=case, status=status, **values)


@pytest.fixture
def contact(case, colleague) -> Contact:
    return add_contact(case, colleague)


@pytest.fixture
def gate(park):
    gate = make_gate(park.a)
    GateOperator.objects.create(user=park.gate, gate=gate)
    return gate


@pytest.fixture
def event(park, gate, colleague) -> AbnormalEvent:
    token = pass_token(pass_issue(actor=park.command, worker=colleague))
    gate_services.gate_checks_record(
        gate=gate, items=[check(pass_token=token, temperature=None, spo2=88)]
    )
    return AbnormalEvent.objects.get()
