"""What a new employer sees of a worker who worked elsewhere before: their own employment only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from fugong.screening.models import ClearanceChange, ScreeningRun
from fugong.workforce import selectors, services

from .factories import make_worker, resident_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved(park):
    """A worker whose clearance changed twice at b, then moved to a, where it changed once."""
    worker = make_worker(
        actor=park.other_officer, enterprise=park.b, document_number=resident_id(sequence=90)
    )
    worker = services.worker_update(actor=park.other_officer, worker=worker, symptoms="发热")
    worker = services.worker_update(actor=park.other_officer, worker=worker, symptoms="")
    worker = services.worker_move(actor=park.command, worker=worker, enterprise=park.a)
    return services.worker_update(actor=park.officer, worker=worker, holiday_location_code="430603")


def test_the_new_employer_sees_only_its_own_clearance_history(park, moved):
    at_b = set(ClearanceChange.objects.filter(worker=moved, enterprise=park.b))
    at_a = set(ClearanceChange.objects.filter(worker=moved, enterprise=park.a))
    assert len(at_b) == 2 and len(at_a) == 1
    for viewer in (park.officer, park.liaison):
        assert set(selectors.clearance_history(actor=viewer, worker=moved)) == at_a
    # The command post sees everything, the move's own re-screening included.
    everything = set(selectors.clearance_history(actor=park.command, worker=moved))
    assert everything == set(ClearanceChange.objects.filter(worker=moved))
    assert len(everything - at_a - at_b) == 1


def test_the_new_employer_sees_only_its_own_employment(park, moved):
    assert [
        e.enterprise for e in selectors.worker_employments(actor=park.officer, worker=moved)
    ] == [park.a]
    assert {
        e.enterprise for e in selectors.worker_employments(actor=park.command, worker=moved)
    } == {
        park.a,
        park.b,
    }


def test_a_rehire_at_the_same_enterprise_starts_a_new_history(park):
    number = resident_id(sequence=91)
    worker = make_worker(actor=park.officer, enterprise=park.a, document_number=number)
    services.worker_update(actor=park.officer, worker=worker, symptoms="发热")
    services.worker_leave(actor=park.officer, worker=worker)
    # That employment's change was days ago; the new employment starts today.
    ScreeningRun.objects.filter(changes__worker=worker).update(
        created_at=timezone.now() - timedelta(days=3)
    )
    rehired = make_worker(actor=park.officer, enterprise=park.a, document_number=number)
    assert rehired.pk == worker.pk
    assert ClearanceChange.objects.filter(worker=rehired, enterprise=park.a).count() == 1
    assert list(selectors.clearance_history(actor=park.officer, worker=rehired)) == []
    assert len(selectors.worker_employments(actor=park.command, worker=rehired)) == 2
    assert len(selectors.worker_employments(actor=park.officer, worker=rehired)) == 1


@pytest.mark.parametrize("query", ["王芳", "王 芳", "王　芳", "smith", "ＳＭＩＴＨ", "Smith John"])
def test_the_worker_search_normalises_the_query_like_the_names(park, query):
    wang = make_worker(actor=park.officer, enterprise=park.a, full_name="王　芳")
    smith = make_worker(actor=park.officer, enterprise=park.a, full_name="ＳＭＩＴＨ　Ｊｏｈｎ")
    found = set(selectors.worker_list(actor=park.officer, query=query))
    assert found == ({wang} if "芳" in query else {smith})
