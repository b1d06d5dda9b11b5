"""The demo's cases, built on the small park (the whole demo is built once in test_load_demo):
a suspected case excluded after a negative test, a drill with its contacts, and figures that
stay true (no confirmed case, nobody under observation from the drill)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from fugong.cases.models import Case, Classification, ContactStatus
from fugong.demo.cases import make_cases
from fugong.gate import services as gate_services
from fugong.gate.models import AbnormalEvent
from fugong.gate.tests.factories import check, make_gate
from fugong.reports.selectors import daily_figures
from fugong.workforce.services import pass_issue, pass_token
from fugong.workforce.tests.factories import make_worker, resident_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(park, today):
    workers = [
        make_worker(
            actor=park.command,
            enterprise=park.a,
            full_name=f"工人{number}",
            department="二车间",
            document_number=resident_id(sequence=number),
        )
        for number in range(1, 7)
    ]
    gate = make_gate(park.a)
    token = pass_token(pass_issue(actor=park.command, worker=workers[5]))
    yesterday = timezone.now() - timedelta(days=2)
    gate_services.gate_checks_record(
        gate=gate,
        items=[check(pass_token=token, temperature=None, spo2=88, occurred_at=yesterday)],
    )
    assert AbnormalEvent.objects.count() == 1
    return make_cases(command=park.command, gate_enterprise_id=park.a.pk, today=today)


def test_a_suspected_case_excluded_after_a_negative_test(park, built, today):
    case = Case.objects.get(pk=built["excluded"])
    assert case.abnormal_event is not None and not case.is_drill
    assert list(case.classifications.values_list("new_classification", flat=True)) == [
        Classification.SUSPECTED,
        Classification.EXCLUDED,
    ]
    opened_on = case.classifications.first().effective_on
    assert opened_on < today
    assert daily_figures(actor=park.command, day=opened_on).suspected == 1


def test_a_drill_with_contacts(park, built):
    drill = Case.objects.get(pk=built["drill"])
    assert drill.is_drill and drill.classification == Classification.CONFIRMED
    statuses = sorted(drill.contacts.values_list("status", flat=True))
    assert statuses == sorted(
        [ContactStatus.CONFIRMED, ContactStatus.CONFIRMED, ContactStatus.DROPPED]
        + [ContactStatus.CANDIDATE]
    )
    assert drill.contacts.get(level=2).via is not None
    assert all(contact.reasons for contact in drill.contacts.all())


def test_the_park_figures_stay_true(park, built, today):
    figures = daily_figures(actor=park.command, day=today)
    assert (figures.confirmed, figures.suspected, figures.asymptomatic) == (0, 0, 0)
    assert figures.contacts_under_observation == 0


def test_the_drill_goes_through_the_contact_services(park, built):
    from fugong.audit.models import AuditAction, AuditEvent
    from fugong.workforce.models import Clearance

    drill = Case.objects.get(pk=built["drill"])
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    for action in (
        AuditAction.CONTACTS_FOUND,
        AuditAction.CONTACT_ADDED,
        AuditAction.CONTACT_CONFIRMED,
        AuditAction.CONTACT_DROPPED,
    ):
        assert action in actions, action
    # A drill's confirmed contacts get an observation date, and nobody real is denied.
    for contact in drill.contacts.filter(status=ContactStatus.CONFIRMED):
        assert contact.observation_until is not None
        assert contact.worker.clearance != Clearance.OBSERVATION
