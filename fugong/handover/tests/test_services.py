from datetime import timedelta

import pytest
from django.utils import timezone

from fugong.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from fugong.handover.models import HandoverList
from fugong.handover.selectors import handover_list, unacknowledged_count
from fugong.handover.services import handover_acknowledge, handover_generate
from fugong.workforce.tests.factories import make_worker, resident_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def observed(park):
    today = timezone.localdate()
    return [
        make_worker(
            actor=park.officer,
            enterprise=park.a,
            document_number=resident_id(sequence=1),
            residence_code="430603",
            contact_on=today - timedelta(days=3),
        ),
        make_worker(
            actor=park.officer,
            enterprise=park.a,
            document_number=resident_id(sequence=2),
            residence_code="430602",
            health_code="red",
            health_code_on=today - timedelta(days=1),
        ),
        make_worker(
            actor=park.officer,
            enterprise=park.a,
            document_number=resident_id(sequence=3),
            residence_code="430603",
        ),
    ]


def test_lists_per_district_for_people_to_follow(park, observed):
    lists = handover_generate(actor=park.command)
    assert sorted((item.district_code, item.kind, item.entry_count) for item in lists) == [
        ("430602", "reminder", 1),
        ("430602", "responsibility", 1),
        ("430603", "reminder", 1),
        ("430603", "responsibility", 1),
    ]
    entry = HandoverList.objects.get(district_code="430603", kind="reminder").entries.get()
    assert entry.liaison_name == str(park.liaison)
    assert entry.document_masked.count("*") == 14


def test_district_liaisons_see_and_acknowledge_their_own(park, observed):
    handover_generate(actor=park.command)
    mine = list(handover_list(actor=park.district))
    assert {item.district_code for item in mine} == {"430603"}
    assert unacknowledged_count(actor=park.command) == 4
    handover_acknowledge(actor=park.district, handover_list=mine[0])
    assert unacknowledged_count(actor=park.command) == 3
    with pytest.raises(ConflictError):
        handover_acknowledge(actor=park.district, handover_list=mine[0])
    other = HandoverList.objects.filter(district_code="430602").first()
    with pytest.raises(NotFoundError):
        handover_acknowledge(actor=park.district, handover_list=other)
    with pytest.raises(PermissionDeniedError):
        handover_acknowledge(actor=park.command, handover_list=mine[1])


@pytest.mark.parametrize("role", ["liaison", "inspector", "officer", "gate", "district"])
def test_only_the_command_post_generates(park, role):
    with pytest.raises(PermissionDeniedError):
        handover_generate(actor=park.users()[role])


def test_generating_again_replaces_only_unacknowledged_lists(park, observed):
    first = handover_generate(actor=park.command)
    acknowledged = next(item for item in first if item.district_code == "430603")
    handover_acknowledge(actor=park.district, handover_list=acknowledged)
    second = handover_generate(actor=park.command)
    assert HandoverList.objects.filter(pk=acknowledged.pk).exists()
    assert HandoverList.objects.count() == len(second) + 1 == len(first)
    kinds = HandoverList.objects.filter(district_code=acknowledged.district_code).values_list(
        "kind", flat=True
    )
    assert sorted(kinds) == ["reminder", "responsibility"]


def test_people_held_for_symptoms_are_handed_over(park):
    make_worker(
        actor=park.officer,
        enterprise=park.a,
        document_number=resident_id(sequence=5),
        residence_code="430611",
        symptoms="发热",
    )
    make_worker(
        actor=park.officer,
        enterprise=park.a,
        document_number=resident_id(sequence=6),
        residence_code="430611",
        holiday_location_code="",
    )
    lists = handover_generate(actor=park.command)
    assert [item.entry_count for item in lists] == [1, 1]
