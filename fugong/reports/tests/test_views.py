"""The dashboard's pages, role by role; drill-downs whose counts are the figures."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts
from fugong.reports.models import HeadcountDeclaration

pytestmark = pytest.mark.django_db

READERS = {"command", "liaison", "other_liaison", "officer", "other_officer"}
DECLARERS = {"command", "officer", "other_officer"}


@pytest.mark.parametrize("role", PARK_ROLES)
def test_pages_by_role(client, park, role):
    client.force_login(park.users()[role])
    expected = 200 if role in READERS else 403
    for url in (
        reverse("reports:dashboard"),
        reverse("reports:enterprises"),
        reverse("reports:records", args=["resumed"]),
        reverse("reports:records", args=["on_duty"]),
        reverse("reports:daily"),
        reverse("reports:daily_xlsx"),
    ):
        assert client.get(url).status_code == expected, url
    declarations = client.get(reverse("reports:declarations"))
    assert declarations.status_code == (200 if role in DECLARERS else 403)


@pytest.mark.parametrize("role", PARK_ROLES)
def test_declaring_by_role_writes_nothing_when_refused(client, park, role):
    client.force_login(park.users()[role])
    before = database_counts()
    response = client.post(
        reverse("reports:declarations"),
        {"enterprise": park.a.pk, "date": timezone.localdate().isoformat(), "workers": 9},
    )
    if role in ("command", "officer"):
        assert response.status_code == 302
        assert HeadcountDeclaration.objects.get().workers == 9
    else:
        # Another enterprise is not in the choices (400); other roles may not declare (403).
        assert response.status_code == (400 if role == "other_officer" else 403)
        assert_nothing_written(before)


def test_anonymous_goes_to_sign_in(client):
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 302 and "login" in response["Location"]


def _figure(body: str, key: str) -> str:
    match = re.search(rf'data-figure="{key}".*?class="figure-value[^"]*"[^>]*>([^<]+)<', body, re.S)
    return match.group(1).strip()


def test_the_dashboard_in_chinese_and_its_drill_downs(client, park, history):
    client.force_login(park.command)
    day = history.day(-7).isoformat()
    body = client.get(reverse("reports:dashboard"), {"date": day}).content.decode()
    assert "纳入统计企业" in body and "复工率" in body
    assert _figure(body, "in_scope") == "3"
    assert _figure(body, "resumption_rate") == "33.3%"
    assert _figure(body, "on_duty") == "2"
    chart = json.loads(
        body.split('<script id="chart-data" type="application/json">')[1].split("</script>")[0]
    )
    assert chart["on_duty"][-1] == 2 and chart["days"][-1] == day
    records = client.get(reverse("reports:records", args=["on_duty"]), {"date": day})
    text = records.content.decode()
    assert text.count('class="record"') == 2 and "合计：2" in text
    assert "甲一" in text and "430" not in re.sub(r"430\d{3}\*+", "", text.split("<table")[1])
    resumed = client.get(reverse("reports:records", args=["resumed"]), {"date": day})
    assert resumed.content.decode().count('class="record"') == 1


def test_unapproved_resumption_shows_on_the_dashboard_with_evidence(client, park, history):
    client.force_login(park.command)
    day = history.day(-6).isoformat()
    body = client.get(reverse("reports:dashboard"), {"date": day}).content.decode()
    assert "私自复工" in body
    evidence = client.get(reverse("reports:records", args=["unapproved"]), {"date": day})
    text = evidence.content.decode()
    assert "乙企业有限公司" in text and "乙门" in text and "当天未获批准复工" in text


@pytest.mark.parametrize(
    ("value", "status"), [("2999-01-01", 400), ("2026-02-30", 400), ("x", 400), ("2000-01-01", 400)]
)
def test_bad_dates_are_400_pages(client, park, history, value, status):
    client.force_login(park.command)
    response = client.get(reverse("reports:dashboard"), {"date": value})
    assert response.status_code == status
    assert "日期" in response.content.decode() or "记录" in response.content.decode()


def test_unknown_figure_is_404(client, park):
    client.force_login(park.command)
    assert client.get(reverse("reports:records", args=["nope"])).status_code == 404


def test_the_xlsx_has_every_enterprise_and_escapes_formulas(client, park, history):
    history.a.name = "=HYPERLINK(1)"
    history.a.save(update_fields=["name"])
    client.force_login(park.command)
    response = client.get(reverse("reports:daily_xlsx"), {"date": history.day(-7).isoformat()})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "企业" and len(rows) == 1 + 5
    names = [row[0] for row in rows[1:]]
    assert "'=HYPERLINK(1)" in names


def test_the_daily_report_page_has_both_languages(client, park, history):
    client.force_login(park.command)
    body = client.get(
        reverse("reports:daily"), {"date": history.day(-5).isoformat()}
    ).content.decode()
    assert "复工企业2家" in body and "2 enterprises in the park had resumed work" in body
