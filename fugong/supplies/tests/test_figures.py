"""The figure "enterprises under N days of masks" on the dashboard, in the daily report and its
API, opening its records; the supplies card on the enterprise page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from fugong.accounts.services import api_token_create
from fugong.supplies import services

from .factories import receive

pytestmark = pytest.mark.django_db


def low_on_masks(park, masks, today):
    """a: 100 masks, 70 used today (10 a day over 7 days): 9 days... then 30 left: 3 days."""
    receive(park.officer, masks, 100, park.a, occurred_on=today - timedelta(days=2))
    services.supply_record(
        actor=park.officer, enterprise=park.a, item=masks, kind="daily_use", quantity=70
    )


def test_the_dashboard_and_the_daily_report_count_it_and_open_its_records(
    client, park, masks, today
):
    low_on_masks(park, masks, today)
    client.force_login(park.command)
    dashboard = client.get(reverse("reports:dashboard"))
    assert dashboard.context["figures"].low_on_masks == 1
    assert 'data-figure="low_on_masks"' in dashboard.content.decode()
    assert reverse("supplies:low_on_masks") in dashboard.content.decode()
    daily = client.get(reverse("reports:daily")).content.decode()
    assert "Enterprises with under 7 days of masks: 1." in daily or "口罩" in daily
    drill = client.get(reverse("supplies:low_on_masks"), {"date": today.isoformat()})
    assert park.a.name in drill.content.decode()
    # Two days ago there was no use yet: no figure.
    past = (today - timedelta(days=2)).isoformat()
    assert (
        park.a.name
        not in client.get(reverse("supplies:low_on_masks"), {"date": past}).content.decode()
    )
    token = api_token_create(actor=park.command, name="t")[1]
    answer = client.get("/api/v1/reports/daily", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert answer["low_on_masks"] == 1
    # The other liaison's scope does not hold a.
    client.force_login(park.other_liaison)
    assert client.get(reverse("reports:dashboard")).context["figures"].low_on_masks == 0


def test_the_enterprise_page_shows_what_runs_low(client, park, masks, today):
    low_on_masks(park, masks, today)
    client.force_login(park.liaison)
    page = client.get(reverse("enterprises:detail", args=[park.a.pk])).content.decode()
    assert 'id="enterprise-supplies"' in page and masks.name in page
    client.force_login(park.inspector)  # no supplies.view: no card
    page = client.get(reverse("enterprises:detail", args=[park.a.pk])).content.decode()
    assert 'id="enterprise-supplies"' not in page
