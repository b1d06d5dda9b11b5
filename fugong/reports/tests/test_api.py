"""GET /reports/daily and the headcount declarations, role by role."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from fugong.accounts.services import api_token_create
from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts
from fugong.reports import selectors

pytestmark = pytest.mark.django_db

READERS = {"command", "liaison", "other_liaison", "officer", "other_officer"}


def token_of(user) -> str:
    return api_token_create(actor=user, name="test")[1]


def get(client, url, user):
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {token_of(user)}")


@pytest.mark.parametrize("role", PARK_ROLES)
def test_daily_by_role(client, park, role):
    response = get(client, "/api/v1/reports/daily", park.users()[role])
    assert response.status_code == (200 if role in READERS else 403)


def test_daily_names_each_figure_and_matches_the_dashboard(client, park, history):
    day = history.day(-5)
    body = get(client, f"/api/v1/reports/daily?date={day.isoformat()}", park.command).json()
    figures = selectors.daily_figures(actor=park.command, day=day)
    for name, value in figures.as_dict().items():
        if name != "unapproved_resumptions":
            assert body[name] == value, name
    assert body["resumed"] == 2 and body["on_duty_declared"] == 40
    assert body["resumption_rate"] == pytest.approx(0.6667)
    assert body["scope"] == "park" and "复工企业2家" in body["text"]
    assert body["enterprises"] is None
    with_table = get(
        client, f"/api/v1/reports/daily?date={day.isoformat()}&enterprises=true", park.command
    ).json()
    assert len(with_table["enterprises"]) == 5


def test_daily_alerts_and_scope(client, park, history):
    day = history.day(-6).isoformat()
    body = get(client, f"/api/v1/reports/daily?date={day}", park.command).json()
    assert [alert["enterprise"] for alert in body["unapproved_resumptions"]] == ["乙企业有限公司"]
    liaison = get(client, f"/api/v1/reports/daily?date={day}", park.liaison).json()
    assert liaison["scope"] == "assigned" and liaison["unapproved_resumptions"] == []
    assert liaison["in_scope"] == 2


def test_daily_text_and_xlsx(client, park, history):
    day = history.day(-5).isoformat()
    text = get(client, f"/api/v1/reports/daily?date={day}&format=text&language=en", park.command)
    assert text["Content-Type"].startswith("text/plain")
    assert "2 enterprises" in text.content.decode()
    xlsx = get(client, f"/api/v1/reports/daily?date={day}&format=xlsx", park.command)
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert len(rows) == 6


@pytest.mark.parametrize(
    "query",
    ["date=2999-01-01", "date=2026-02-30", "date=tomorrow", "date=2000-01-01", "format=pdf"],
)
def test_daily_bad_input(client, park, history, query):
    response = get(client, f"/api/v1/reports/daily?{query}", park.command)
    assert response.status_code in (400, 422)
    assert response.json()["error"]["fields"]


def test_zero_denominators_are_null(client, park):
    body = get(client, "/api/v1/reports/daily", park.command).json()
    assert body["resumed"] == 0 and body["return_to_post_rate"] is None
    assert body["resumption_rate"] == 0.0  # two in scope, none resumed


@pytest.mark.parametrize("role", PARK_ROLES)
def test_declaration_by_role(client, park, role):
    user = park.users()[role]
    token = token_of(user)
    before = database_counts()
    response = client.post(
        "/api/v1/headcount-declarations",
        json.dumps(
            {"enterprise_id": park.a.pk, "date": timezone.localdate().isoformat(), "workers": 7}
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    if role in ("command", "officer"):
        assert response.status_code == 200 and response.json()["workers"] == 7
    else:
        assert response.status_code in (403, 404)
        assert_nothing_written(before)


@pytest.mark.parametrize(
    "payload",
    [
        "{not json",
        {"enterprise_id": "x", "date": "2026-01-01", "workers": 1},
        {"enterprise_id": None},
        {"workers": -1},
        {"workers": 2_000_000},
        {"workers": 1, "extra": True},
        {"date": "future"},
    ],
)
def test_declaration_bad_input_writes_nothing(client, park, payload):
    token = token_of(park.officer)
    if isinstance(payload, dict):
        base = {"enterprise_id": park.a.pk, "date": timezone.localdate().isoformat(), "workers": 3}
        if payload.get("date") == "future":
            payload = {**base, "date": (timezone.localdate() + timedelta(days=1)).isoformat()}
        else:
            payload = {**base, **payload}
        body = json.dumps(payload)
    else:
        body = payload
    before = database_counts()
    response = client.post(
        "/api/v1/headcount-declarations",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert 400 <= response.status_code < 500
    assert_nothing_written(before)


@pytest.mark.parametrize("role", PARK_ROLES)
def test_report_reads_by_role(client, park, role):
    client.force_login(park.users()[role])
    daily = client.get("/api/v1/reports/daily")
    declarations = client.get("/api/v1/headcount-declarations")
    assert daily.status_code == (403 if role in ("inspector", "gate", "district") else 200)
    # Declared headcounts: the command post's and the enterprises' officers' (their own).
    assert declarations.status_code == (
        200 if role in ("command", "officer", "other_officer") else 403
    )
