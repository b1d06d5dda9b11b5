from datetime import timedelta

import pytest
from django.utils import timezone

from fugong.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from fugong.core.testing import assert_nothing_written, database_counts
from fugong.screening import services
from fugong.workforce.models import Clearance, Worker
from fugong.workforce.tests.factories import make_worker, resident_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def workers(park):
    today = timezone.localdate()
    return {
        "wuhan": make_worker(
            actor=park.officer,
            enterprise=park.a,
            document_number=resident_id(sequence=1),
            holiday_location_code="420102",
            returned_on=today - timedelta(days=2),
        ),
        "passed": make_worker(
            actor=park.officer,
            enterprise=park.a,
            document_number=resident_id(sequence=2),
            travel=[("420106", today - timedelta(days=6), today - timedelta(days=5))],
        ),
        "home": make_worker(
            actor=park.other_officer, enterprise=park.b, document_number=resident_id(sequence=3)
        ),
    }


def test_a_new_risk_area_rescreens_only_those_who_were_there(park, workers):
    today = timezone.localdate()
    area, run = services.risk_area_add(
        actor=park.command,
        division_code="420100",
        level="high",
        starts_on=today - timedelta(days=20),
    )
    assert run.examined == 2 and run.changed == 2
    assert set(run.changes.values_list("worker__full_name", flat=True)) == {"测试工人"}
    wuhan = Worker.objects.get(pk=workers["wuhan"].pk)
    assert wuhan.clearance == Clearance.OBSERVATION
    assert wuhan.observation_until == today - timedelta(days=2) + timedelta(days=14)
    assert Worker.objects.get(pk=workers["home"].pk).clearance == Clearance.CLEARED
    # Lowering the level to low releases them again.
    _area, run = services.risk_area_update(actor=park.command, area=area, level="low", ends_on=None)
    assert run.changed == 2
    assert Worker.objects.get(pk=workers["wuhan"].pk).clearance == Clearance.CLEARED


def test_a_stricter_policy_rescreens_everyone(park, workers):
    services.risk_area_add(
        actor=park.command,
        division_code="420100",
        level="low",
        starts_on=timezone.localdate() - timedelta(days=20),
    )
    assert Worker.objects.filter(clearance=Clearance.OBSERVATION).count() == 0
    _policy, run = services.policy_add(
        actor=park.command,
        effective_from=timezone.localdate(),
        observation_days=21,
        yellow_code_days=7,
        red_code_days=14,
        observation_levels=["low", "medium", "high"],
        fever_threshold="37.3",
        spo2_threshold=93,
    )
    assert run.examined == 3 and run.changed == 2
    assert Worker.objects.get(
        pk=workers["wuhan"].pk
    ).observation_until == timezone.localdate() - timedelta(days=2) + timedelta(days=21)


def test_a_future_policy_waits_for_its_day(park, workers):
    _policy, run = services.policy_add(
        actor=park.command,
        effective_from=timezone.localdate() + timedelta(days=3),
        observation_days=21,
        observation_levels=["medium", "high"],
    )
    assert run is None


def test_bad_rules_are_refused(park):
    before = database_counts()
    with pytest.raises(ApplicationError):
        services.risk_area_add(
            actor=park.command, division_code="999999", level="high", starts_on=timezone.localdate()
        )
    with pytest.raises(ApplicationError):
        services.risk_area_add(
            actor=park.command,
            division_code="420100",
            level="extreme",
            starts_on=timezone.localdate(),
        )
    with pytest.raises(ApplicationError):
        services.risk_area_add(
            actor=park.command,
            division_code="420100",
            level="high",
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate() - timedelta(days=1),
        )
    with pytest.raises(ApplicationError):
        services.policy_add(
            actor=park.command, effective_from=timezone.localdate(), observation_levels=["purple"]
        )
    with pytest.raises(ApplicationError):
        services.policy_add(
            actor=park.command, effective_from=timezone.localdate(), fever_threshold="50"
        )
    assert_nothing_written(before)


def test_two_policies_on_one_date_conflict(park):
    services.policy_add(actor=park.command, effective_from=timezone.localdate() + timedelta(days=1))
    with pytest.raises(ConflictError):
        services.policy_add(
            actor=park.command, effective_from=timezone.localdate() + timedelta(days=1)
        )


@pytest.mark.parametrize("role", ["liaison", "inspector", "officer", "gate", "district"])
def test_only_the_command_post_edits_the_rules(park, role):
    before = database_counts()
    with pytest.raises(PermissionDeniedError):
        services.risk_area_add(
            actor=park.users()[role],
            division_code="420100",
            level="high",
            starts_on=timezone.localdate(),
        )
    with pytest.raises(PermissionDeniedError):
        services.policy_add(actor=park.users()[role], effective_from=timezone.localdate())
    assert_nothing_written(before)
