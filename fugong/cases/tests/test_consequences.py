"""What confirming a close contact causes: observation from the last contact for the policy's
days, the clearance recomputed at once (the gate denies, the kiosk's snapshot says so), today's
list of the district of residence, and nothing at all when any part fails."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fugong.cases.consequences import contact_confirmed_consequences
from fugong.core.errors import ApplicationError, PermissionDeniedError
from fugong.core.testing import assert_nothing_written, database_counts
from fugong.gate import rules
from fugong.gate.models import GateOperator
from fugong.gate.selectors import gate_snapshot
from fugong.gate.tests.factories import check, make_gate
from fugong.gate.tests.helpers import record
from fugong.handover.models import HandoverList, ListKind
from fugong.handover.services import handover_acknowledge, handover_generate
from fugong.screening.models import ScreeningPolicy, ScreeningRun
from fugong.workforce.models import Clearance, Worker
from fugong.workforce.services import pass_issue, pass_token
from fugong.workforce.tests.factories import make_worker

from .helpers import make_case, make_contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(park):
    patient = make_worker(
        actor=park.command, enterprise=park.a, full_name="病例甲", department="一车间"
    )
    return make_case(park, patient)


@pytest.fixture
def worker(park):
    return make_worker(
        actor=park.officer,
        enterprise=park.a,
        full_name="密接乙",
        department="一车间",
        residence_code="430602",
    )


def test_observation_runs_from_the_last_contact_for_the_policys_days(park, case, worker, today):
    ScreeningPolicy.objects.update_or_create(
        effective_from=today - timedelta(days=1), defaults={"observation_days": 10}
    )
    last = today - timedelta(days=3)
    contact = make_contact(case, worker=worker, last_contact_on=last)
    contact_confirmed_consequences(actor=park.command, contact=contact)

    contact.refresh_from_db()
    worker.refresh_from_db()
    assert contact.observation_until == last + timedelta(days=10)
    assert worker.contact_on == last
    assert worker.contact_reason == f"Close contact of case #{case.pk}"
    # Recomputed at once, by a run of its own.
    assert (worker.clearance, worker.observation_until) == (
        Clearance.OBSERVATION,
        last + timedelta(days=10),
    )
    assert ScreeningRun.objects.filter(trigger=ScreeningRun.Trigger.CASE).count() == 1


def test_an_unknown_last_contact_counts_from_today(park, case, worker, today):
    contact = make_contact(case, worker=worker)
    contact_confirmed_consequences(actor=park.command, contact=contact)
    contact.refresh_from_db()
    assert contact.observation_until == today + timedelta(days=14)


def test_the_later_contact_date_is_kept(park, case, worker, today):
    later = today - timedelta(days=1)
    Worker.objects.filter(pk=worker.pk).update(contact_on=later)
    contact = make_contact(case, worker=worker, last_contact_on=today - timedelta(days=5))
    contact_confirmed_consequences(actor=park.command, contact=contact)
    worker.refresh_from_db()
    contact.refresh_from_db()
    assert worker.contact_on == later
    assert contact.observation_until == later + timedelta(days=14)


def test_the_gate_denies_them_and_the_kiosk_snapshot_says_so(park, case, worker):
    gate = make_gate(park.a)
    GateOperator.objects.create(user=park.gate, gate=gate)
    token = pass_token(pass_issue(actor=park.officer, worker=worker))
    (before,) = record(gate, check(pass_token=token), operator=park.gate)
    assert before.check.verdict == "admitted"

    contact = make_contact(case, worker=worker, last_contact_on=timezone.localdate())
    contact_confirmed_consequences(actor=park.command, contact=contact)

    (after,) = record(gate, check(pass_token=token), operator=park.gate)
    assert after.check.verdict == "denied"
    assert rules.UNDER_OBSERVATION in after.check.reasons
    (card,) = [entry["worker"] for entry in gate_snapshot(gate=gate)["passes"]]
    assert card["id"] == worker.pk and card["clearance"] == Clearance.OBSERVATION


def _lists(district, kind=ListKind.REMINDER):
    return HandoverList.objects.filter(district_code=district, kind=kind).order_by("id")


def test_a_new_list_of_today_when_the_district_has_none(park, case, worker, today):
    contact = make_contact(case, worker=worker, last_contact_on=today)
    contact_confirmed_consequences(actor=park.command, contact=contact)
    for kind in (ListKind.REMINDER, ListKind.RESPONSIBILITY):
        (handover_list,) = _lists("430602", kind)
        assert handover_list.as_of == today and handover_list.entry_count == 1
        (entry,) = handover_list.entries.all()
        assert entry.worker == worker and entry.clearance == Clearance.OBSERVATION
        assert entry.reasons[0]["code"] == "contact"


def test_added_to_todays_unacknowledged_list(park, case, worker, today):
    make_worker(
        actor=park.officer,
        enterprise=park.a,
        full_name="观察丙",
        residence_code="430602",
        contact_on=today - timedelta(days=2),
    )
    handover_generate(actor=park.command)
    (generated,) = _lists("430602")
    assert generated.entry_count == 1
    contact = make_contact(case, worker=worker, last_contact_on=today)
    contact_confirmed_consequences(actor=park.command, contact=contact)
    (same,) = _lists("430602")
    assert same.pk == generated.pk and same.entry_count == 2
    assert set(same.entries.values_list("full_name", flat=True)) == {"观察丙", "密接乙"}
    # Confirmed again (another case): one entry, not two.
    other_case = make_case(
        park, make_worker(actor=park.command, enterprise=park.b, full_name="病例丁")
    )
    contact_confirmed_consequences(
        actor=park.command, contact=make_contact(other_case, worker=worker, last_contact_on=today)
    )
    same.refresh_from_db()
    assert same.entry_count == 2 and same.entries.filter(worker=worker).count() == 1


def test_an_acknowledged_list_is_never_touched(park, case, worker, today):
    make_worker(
        actor=park.officer,
        enterprise=park.a,
        full_name="观察丙",
        residence_code="430602",
        contact_on=today - timedelta(days=2),
    )
    handover_generate(actor=park.command)
    park.district.district_code = "430602"
    park.district.save()
    acknowledged = handover_acknowledge(actor=park.district, handover_list=_lists("430602").get())
    contact = make_contact(case, worker=worker, last_contact_on=today)
    contact_confirmed_consequences(actor=park.command, contact=contact)

    acknowledged.refresh_from_db()
    assert acknowledged.entry_count == 1 and acknowledged.entries.count() == 1
    new = _lists("430602").exclude(pk=acknowledged.pk).get()
    assert new.as_of == today and new.acknowledged_at is None
    assert list(new.entries.values_list("worker_id", flat=True)) == [worker.pk]


def test_an_observation_already_over_goes_on_no_list(park, case, worker, today):
    contact = make_contact(case, worker=worker, last_contact_on=today - timedelta(days=20))
    contact_confirmed_consequences(actor=park.command, contact=contact)
    worker.refresh_from_db()
    assert worker.clearance == Clearance.CLEARED
    assert not HandoverList.objects.exists()


def test_a_person_outside_the_park_gets_the_observation_date_only(park, case, today):
    workers = list(Worker.objects.values_list("pk", "contact_on", "clearance"))
    contact = make_contact(
        case, external={"full_name": "王五", "residence_code": "430602"}, last_contact_on=today
    )
    contact_confirmed_consequences(actor=park.command, contact=contact)
    contact.refresh_from_db()
    assert contact.observation_until == today + timedelta(days=14)
    assert list(Worker.objects.values_list("pk", "contact_on", "clearance")) == workers
    assert not HandoverList.objects.exists()


def test_a_failure_leaves_nothing(park, case, worker, today, monkeypatch):
    contact = make_contact(case, worker=worker, last_contact_on=today)

    def broken(**kwargs):
        raise ApplicationError("the district's list could not be written")

    monkeypatch.setattr("fugong.cases.consequences.handover_add_people", broken)
    before = database_counts()
    with pytest.raises(ApplicationError):
        contact_confirmed_consequences(actor=park.command, contact=contact)
    assert_nothing_written(before)
    worker.refresh_from_db()
    contact.refresh_from_db()
    assert (worker.contact_on, worker.clearance, contact.observation_until) == (
        None,
        Clearance.CLEARED,
        None,
    )


@pytest.mark.parametrize("role", ["liaison", "officer", "inspector", "district", "gate"])
def test_only_the_command_post_causes_them(park, case, worker, today, role):
    contact = make_contact(case, worker=worker, last_contact_on=today)
    before = database_counts()
    with pytest.raises(PermissionDeniedError):
        contact_confirmed_consequences(actor=park.users()[role], contact=contact)
    assert_nothing_written(before)


def test_the_officer_and_liaison_see_why_on_the_worker_page(client, park, case, worker, today):
    contact = make_contact(case, worker=worker, last_contact_on=today)
    contact_confirmed_consequences(actor=park.command, contact=contact)
    for user in (park.officer, park.liaison):
        client.force_login(user)
        page = client.get(reverse("workforce:detail", args=[worker.pk]))
        assert page.status_code == 200
        assert f"#{case.pk}" in page.content.decode()


def test_a_drill_contact_gets_the_observation_date_only(park, worker, today):
    drill = make_case(
        park,
        make_worker(actor=park.command, enterprise=park.a, full_name="演练病例"),
        is_drill=True,
    )
    contact = make_contact(drill, worker=worker, last_contact_on=today)
    contact_confirmed_consequences(actor=park.command, contact=contact)
    contact.refresh_from_db()
    worker.refresh_from_db()
    assert contact.observation_until == today + timedelta(days=14)
    assert (worker.contact_on, worker.clearance) == (None, Clearance.CLEARED)
    assert not HandoverList.objects.exists()


def test_a_worker_who_has_left_is_followed_too(park, case, worker, today):
    from fugong.workforce.services import worker_leave

    worker_leave(actor=park.officer, worker=worker)
    contact = make_contact(case, worker=worker, last_contact_on=today)
    contact_confirmed_consequences(actor=park.command, contact=contact)
    worker.refresh_from_db()
    assert worker.contact_on == today and worker.clearance == Clearance.OBSERVATION
    (entry,) = _lists("430602").get().entries.all()
    assert entry.worker == worker and entry.enterprise is None and entry.enterprise_name == ""
