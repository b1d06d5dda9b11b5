"""Applying the screening rules to workers (fugong.workforce.clearance)."""

from datetime import timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from fugong.core.testing import database_counts
from fugong.screening import rescreening
from fugong.workforce.clearance import rescreen, rescreen_for_rules

from .factories import make_worker, resident_id

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


def test_rescreen_writes_only_what_changed(park, workers):
    before = database_counts()
    run = rescreen(workers_filter=Q(), trigger="daily")
    assert (run.examined, run.changed) == (3, 0)
    changed = {label for label, count in database_counts().items() if before[label] != count}
    assert changed == {"screening.ScreeningRun"}


def test_workforce_is_the_registered_rescreener_of_rule_changes(park, workers):
    # given the screening app's one way up
    assert rescreening._rescreener is rescreen_for_rules
    # when a rule change asks for the workers who were in Hubei
    run = rescreening.rescreen_workers(division_prefix="42", trigger="risk_area")
    # then only those two are examined
    assert run.examined == 2
