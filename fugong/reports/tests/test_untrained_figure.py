"""The "untrained workers on duty" figure: on the dashboard, in the daily report and the API, and
the records it opens; as of the day asked for."""

import pytest
from django.urls import reverse

from fugong.reports import selectors
from fugong.training import services as training
from fugong.training.tests.factories import make_session

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def trained(park, history):
    """a1 trained at T-8, a2 at T-6."""
    a1, a2 = history.workers["a1"], history.workers["a2"]
    for worker, offset in ((a1, -8), (a2, -6)):
        session = make_session(
            actor=park.command, enterprise=history.a, held_on=history.day(offset)
        )
        training.attendance_tick(
            actor=park.command,
            session=session,
            worker_ids=[worker.pk],
            at=at(history.day(offset), 15),
        )
    return history


def test_the_figure_as_of_each_day(park, trained):
    history = trained
    day7 = selectors.daily_figures(actor=park.command, day=history.day(-7))
    assert day7.on_duty == 2 and day7.untrained_on_duty == 1
    rows = selectors.untrained_on_duty(lines=day7.enterprises, day=history.day(-7))
    assert [row.worker for row in rows] == [history.workers["a2"]]
    assert selectors.daily_figures(actor=park.command, day=history.day(-6)).untrained_on_duty == 0
    # Scoped: the other enterprise's officer counts none of a's workers.
    assert (
        selectors.daily_figures(actor=park.other_officer, day=history.day(-7)).untrained_on_duty
        == 0
    )


def test_the_dashboard_report_and_records(client, park, trained):
    history = trained
    day = history.day(-7).isoformat()
    client.force_login(park.command)
    dashboard = client.get(reverse("reports:dashboard"), {"date": day}).content.decode()
    assert reverse("reports:records", args=["untrained_on_duty"]) in dashboard
    records = client.get(reverse("reports:records", args=["untrained_on_duty"]), {"date": day})
    assert records.status_code == 200
    body = records.content.decode()
    assert "甲二" in body and "甲一" not in body
    data = client.get("/api/v1/reports/daily", {"date": day}).json()
    assert data["untrained_on_duty"] == 1
    text = client.get(
        "/api/v1/reports/daily", {"date": day, "format": "text", "language": "en"}
    ).content.decode()
    assert "Workers on duty not yet trained in prevention: 1." in text
    client.force_login(park.gate)
    assert client.get(reverse("reports:records", args=["untrained_on_duty"])).status_code == 403
