"""The outbreak's figures on the dashboard and in the daily report, as of past days: cases in
each classification by their history (a later change does not leak back), drills never
counted, close contacts under observation, each figure opening its records, in scope."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fugong.cases import services
from fugong.cases.models import Classification, ContactStatus
from fugong.reports import selectors as report_selectors
from fugong.reports.exports import daily_report_json

from .pages_fixtures import *  # noqa: F403 (the fixtures)
from .pages_fixtures import add_contact

pytestmark = pytest.mark.django_db


def _at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _figures(actor, day):
    return report_selectors.daily_figures(actor=actor, day=day)


@pytest.fixture
def history(park, worker, colleague, today):
    """李四: suspected from T-5, confirmed from T-2. 张三: a drill, confirmed from T-4. Two
    contacts of 李四's case: 王 confirmed at T-2 (observation until T+10), 赵 a candidate."""
    case = services.case_open(
        actor=park.command,
        classification=Classification.SUSPECTED,
        worker_id=worker.pk,
        onset_on=today - timedelta(days=6),
        at=_at(today - timedelta(days=5)),
    )
    services.case_classify(
        actor=park.command,
        case=case,
        classification=Classification.CONFIRMED,
        effective_on=today - timedelta(days=2),
        at=_at(today - timedelta(days=2)),
    )
    drill = services.case_open(
        actor=park.command,
        classification=Classification.CONFIRMED,
        worker_id=colleague.pk,
        onset_on=today - timedelta(days=5),
        is_drill=True,
        at=_at(today - timedelta(days=4)),
    )
    from fugong.workforce.tests.factories import make_worker, resident_id

    wang = make_worker(
        actor=park.command,
        enterprise=park.a,
        full_name="王五",
        document_number=resident_id(sequence=61),
    )
    zhao = make_worker(
        actor=park.command,
        enterprise=park.a,
        full_name="赵六",
        document_number=resident_id(sequence=62),
    )
    confirmed = add_contact(
        case,
        wang,
        last_contact_on=today - timedelta(days=4),
        observation_until=today + timedelta(days=10),
        decided_at=_at(today - timedelta(days=2)),
    )
    add_contact(case, zhao, status=ContactStatus.CANDIDATE)
    add_contact(drill, wang, decided_at=_at(today - timedelta(days=3)))
    return {"case": case, "drill": drill, "contact": confirmed}


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (-6, {"suspected": 0, "confirmed": 0, "asymptomatic": 0, "contacts": 0}),
        (-5, {"suspected": 1, "confirmed": 0, "asymptomatic": 0, "contacts": 0}),
        (-3, {"suspected": 1, "confirmed": 0, "asymptomatic": 0, "contacts": 0}),
        (-2, {"suspected": 0, "confirmed": 1, "asymptomatic": 0, "contacts": 1}),
        (0, {"suspected": 0, "confirmed": 1, "asymptomatic": 0, "contacts": 1}),
    ],
)
def test_figures_as_of_past_days(park, history, today, offset, expected):
    figures = _figures(park.command, today + timedelta(days=offset))
    assert {
        "suspected": figures.suspected,
        "confirmed": figures.confirmed,
        "asymptomatic": figures.asymptomatic,
        "contacts": figures.contacts_under_observation,
    } == expected


def test_a_later_change_does_not_leak_back(park, history, today):
    services.case_classify(
        actor=park.command, case=history["case"], classification=Classification.ASYMPTOMATIC
    )
    assert _figures(park.command, today).asymptomatic == 1
    assert _figures(park.command, today).confirmed == 0
    assert _figures(park.command, today - timedelta(days=1)).confirmed == 1
    assert _figures(park.command, today - timedelta(days=4)).suspected == 1


def test_drills_never_count(park, history, today):
    for offset in range(-6, 1):
        figures = _figures(park.command, today + timedelta(days=offset))
        assert figures.confirmed <= 1 and figures.contacts_under_observation <= 1
    assert _figures(park.command, today - timedelta(days=4)).confirmed == 0


def test_the_observation_ends(park, history, today):
    contact = history["contact"]
    contact.observation_until = today - timedelta(days=1)
    contact.save()
    assert _figures(park.command, today).contacts_under_observation == 0
    assert _figures(park.command, today - timedelta(days=1)).contacts_under_observation == 1


def test_figures_in_scope(park, history, today):
    assert _figures(park.liaison, today).confirmed == 1
    assert _figures(park.officer, today).contacts_under_observation == 1
    assert _figures(park.other_liaison, today).confirmed == 0
    assert _figures(park.other_officer, today).contacts_under_observation == 0


def test_each_figure_opens_its_records(client, park, history, today):
    from fugong.enterprises.models import Enterprise

    # The records begin with the park's first registration: ten days ago here.
    Enterprise.objects.update(created_at=timezone.now() - timedelta(days=10))
    client.force_login(park.command)
    dashboard = client.get(reverse("reports:dashboard")).content.decode()
    for key in ("confirmed", "suspected", "asymptomatic", "contacts_under_observation"):
        assert f'data-figure="{key}"' in dashboard, key
    day = (today - timedelta(days=3)).isoformat()
    suspected = client.get(reverse("reports:records", args=["suspected"]), {"date": day})
    body = suspected.content.decode()
    assert suspected.status_code == 200 and body.count('class="record"') == 1
    assert reverse("cases:detail", args=[history["case"].pk]) in body
    confirmed = client.get(reverse("reports:records", args=["confirmed"]), {"date": day})
    assert confirmed.content.decode().count('class="record"') == 0  # the drill is not there
    contacts = client.get(reverse("reports:records", args=["contacts_under_observation"]))
    body = contacts.content.decode()
    assert body.count('class="record"') == 1 and "王五" in body and "赵六" not in body
    client.force_login(park.other_officer)
    other = client.get(reverse("reports:records", args=["contacts_under_observation"]))
    assert other.content.decode().count('class="record"') == 0


def test_the_daily_report_carries_the_figures(park, history, today):
    figures = _figures(park.command, today)
    body = daily_report_json(figures)
    assert body["confirmed"] == 1 and body["asymptomatic"] == 0
    assert body["contacts_under_observation"] == 1


def test_the_api_names_the_figures(client, park, history):
    client.force_login(park.command)
    body = client.get("/api/v1/reports/daily").json()
    assert body["confirmed"] == 1 and body["contacts_under_observation"] == 1
    assert body["asymptomatic"] == 0
