"""The figure "follow-ups missed today" on the dashboard, in the daily report (text, JSON, API)
and its records: the workers under observation in the reader's enterprises who miss a due
declaration; the records' number is the figure."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fugong.cases.models import FollowUp, FollowUpChannel, FollowUpPeriod
from fugong.cases.selectors_followups import follow_ups_missed_count
from fugong.reports import selectors as report_selectors
from fugong.reports.exports import daily_report_json, daily_report_text
from fugong.workforce.models import Clearance, Worker
from fugong.workforce.tests.factories import make_worker, resident_id

pytestmark = pytest.mark.django_db


def _worker(park, enterprise, name):
    return make_worker(
        actor=park.command, enterprise=enterprise, full_name=name, document_number=resident_id()
    )


def _observed(park, enterprise, name, today):
    worker = _worker(park, enterprise, name)
    Worker.objects.filter(pk=worker.pk).update(
        clearance=Clearance.OBSERVATION, observation_until=today + timedelta(days=10)
    )
    return worker


@pytest.fixture
def observed(park, today):
    """Three workers under observation: 王五 (甲, nothing declared), 赵六 (甲, both periods
    declared) and 钱七 (乙, nothing declared); 孙八 (甲) is cleared and owes nothing."""
    wang = _observed(park, park.a, "王五", today)
    zhao = _observed(park, park.a, "赵六", today)
    qian = _observed(park, park.b, "钱七", today)
    _worker(park, park.a, "孙八")
    for period in (FollowUpPeriod.MORNING, FollowUpPeriod.AFTERNOON):
        FollowUp.objects.create(
            worker=zhao,
            enterprise=park.a,
            day=today,
            period=period,
            temperature="36.5",
            channel=FollowUpChannel.PASS,
            recorded_at=timezone.now(),
        )
    return {"wang": wang, "zhao": zhao, "qian": qian}


def _figures(actor, day):
    return report_selectors.daily_figures(actor=actor, day=day)


def test_the_figure_counts_the_readers_enterprises_only(park, observed, today):
    assert follow_ups_missed_count(today) == 2
    assert _figures(park.command, today).follow_ups_missed == 2
    assert _figures(park.liaison, today).follow_ups_missed == 1  # 甲 only
    assert _figures(park.officer, today).follow_ups_missed == 1
    assert _figures(park.other_officer, today).follow_ups_missed == 1  # 钱七 of 乙


def test_the_daily_report_carries_the_figure(park, observed, today):
    figures = _figures(park.command, today)
    assert daily_report_json(figures)["follow_ups_missed"] == 2
    assert "follow-ups missed: 2" in daily_report_text(figures, "en")


def test_the_api_names_the_figure(client, park, observed):
    client.force_login(park.officer)
    body = client.get("/api/v1/reports/daily").json()
    assert body["follow_ups_missed"] == 1


@pytest.mark.parametrize("reader", ["command", "liaison", "officer", "other_officer"])
def test_the_records_are_the_figure(client, park, observed, today, reader):
    from fugong.enterprises.models import Enterprise

    Enterprise.objects.update(created_at=timezone.now() - timedelta(days=10))
    actor = getattr(park, reader)
    client.force_login(actor)
    dashboard = client.get(reverse("reports:dashboard")).content.decode()
    assert 'data-figure="follow_ups_missed"' in dashboard
    assert reverse("reports:records", args=["follow_ups_missed"]) in dashboard
    response = client.get(reverse("reports:records", args=["follow_ups_missed"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('class="record"') == _figures(actor, today).follow_ups_missed
    assert "赵六" not in body and "孙八" not in body
    if reader in ("command", "liaison", "officer"):
        assert "王五" in body
    if reader == "liaison":
        assert "钱七" not in body


def test_the_records_need_the_dashboard(client, park, observed):
    client.force_login(park.gate)
    response = client.get(reverse("reports:records", args=["follow_ups_missed"]))
    assert response.status_code == 403
