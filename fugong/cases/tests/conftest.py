"""Fixtures of the daily follow-up tests: a worker of enterprise ``a`` under observation with a
live pass, and one of enterprise ``b``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fugong.workforce.models import Clearance, Worker
from fugong.workforce.services import pass_issue, pass_token
from fugong.workforce.tests.factories import make_worker


def observe(worker: Worker, days: int = 7) -> Worker:
    Worker.objects.filter(pk=worker.pk).update(
        clearance=Clearance.OBSERVATION,
        observation_until=timezone.localdate() + timedelta(days=days),
    )
    worker.refresh_from_db()
    return worker


@pytest.fixture
def observed(park):
    return observe(
        make_worker(
            actor=park.officer, enterprise=park.a, full_name="观察张三", department="一车间"
        )
    )


@pytest.fixture
def observed_b(park):
    return observe(make_worker(actor=park.other_officer, enterprise=park.b, full_name="乙厂观察"))


@pytest.fixture
def observed_token(park, observed):
    return pass_token(pass_issue(actor=park.officer, worker=observed))
