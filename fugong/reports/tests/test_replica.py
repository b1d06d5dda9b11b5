"""The report pages and the daily report API against a real streaming replica.

Run by ``scripts/replica-test`` (CI), which starts a PostgreSQL primary and a standby made from
it with ``pg_basebackup`` and sets ``DATABASE_URL`` and ``DATABASE_REPLICA_URL``; skipped
elsewhere. The tests commit their data (transactional tests), wait until the standby has replayed
it, and check that the answers come from the standby and equal the figures read on the primary.
"""

from __future__ import annotations

import json
import time

import pytest
from django.db import connections
from django.db.utils import DatabaseError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fugong.reports import selectors
from fugong.reports.exports import daily_report_json

pytestmark = [
    pytest.mark.replica,
    pytest.mark.skipif(
        "replica" not in __import__("django.conf").conf.settings.DATABASES,
        reason="no read replica (DATABASE_REPLICA_URL): scripts/replica-test starts one",
    ),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]


def wait_for_the_replica(timeout: float = 20.0) -> None:
    """Until the standby has replayed everything the primary has written so far."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        (position,) = cursor.fetchone()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [position])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError("the replica did not catch up")


def test_the_replica_is_a_read_only_standby():
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is True
        with pytest.raises(DatabaseError):
            cursor.execute("CREATE TABLE fugong_replica_probe (id integer)")


def test_the_dashboard_and_drill_downs_come_from_the_replica(client, park, history):
    wait_for_the_replica()
    client.force_login(park.command)
    day = history.day(-7)
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        body = client.get(reverse("reports:dashboard"), {"date": day.isoformat()}).content
        records = client.get(
            reverse("reports:records", args=["on_duty"]), {"date": day.isoformat()}
        )
    assert len(on_replica.captured_queries) > 5
    figures = selectors.daily_figures(actor=park.command, day=day)  # on the primary
    chart = json.loads(
        body.decode()
        .split('<script id="chart-data" type="application/json">')[1]
        .split("</script>")[0]
    )
    assert chart["on_duty"][-1] == figures.on_duty == 2
    assert records.content.decode().count('class="record"') == figures.on_duty


def test_the_daily_report_api_and_xlsx_come_from_the_replica(client, park, history):
    wait_for_the_replica()
    client.force_login(park.command)
    day = history.day(-5)
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        answer = client.get("/api/v1/reports/daily", {"date": day.isoformat()})
        workbook = client.get(reverse("reports:daily_xlsx"), {"date": day.isoformat()})
    assert answer.status_code == 200 and workbook.status_code == 200
    assert len(on_replica.captured_queries) > 5
    expected = daily_report_json(
        selectors.daily_figures(actor=park.command, day=day), "zh-hans", enterprises=False
    )
    assert answer.json() == json.loads(json.dumps(expected, default=str))


def test_a_write_goes_to_the_primary_and_shows_once_replayed(client, park, history):
    client.force_login(park.command)
    today = history.day(0)
    before = selectors.daily_figures(actor=park.command, day=today).on_duty
    answer = client.post(
        "/api/v1/headcount-declarations",
        {"enterprise_id": history.c.pk, "date": today.isoformat(), "workers": 33},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    wait_for_the_replica()
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        report = client.get("/api/v1/reports/daily").json()
    assert on_replica.captured_queries
    assert report["on_duty"] == selectors.daily_figures(actor=park.command, day=today).on_duty
    assert report["on_duty"] != before or before == 33
