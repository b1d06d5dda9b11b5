"""The command post's dashboard in Chromium, in Chinese: the charts draw, and a figure's
drill-down lists as many records as the figure says."""

import pytest

from fugong.reports.tests.conftest import history  # noqa: F401  (the hand-built history)

from .conftest import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_dashboard_charts_and_drill_down(page, park, history):  # noqa: F811
    login(page, "command")
    page.get_by_role("link", name="数据看板").first.click()
    page.wait_for_selector("#figures")
    assert "数据看板" in page.title()
    # A past day: the history's seventh day before today.
    page.fill("#report-date", history.day(-7).isoformat())
    page.click("#date-picker button")
    page.wait_for_url(f"**date={history.day(-7).isoformat()}")
    for chart in ("chart-resumption", "chart-on-duty", "chart-events"):
        page.wait_for_selector(f"#{chart}[data-drawn=true] canvas")
    resumed = page.locator("[data-figure=resumed] .figure-value").inner_text()
    rate = page.locator("[data-figure=resumption_rate] .figure-value").inner_text()
    on_duty = page.locator("[data-figure=on_duty] .figure-value").inner_text()
    assert (resumed, rate, on_duty) == ("1", "33.3%", "2")
    screenshot(page, "20-dashboard")

    page.click("[data-figure=on_duty] .figure-value")
    page.wait_for_selector("#records-total")
    assert page.locator("#records tr.record").count() == int(on_duty)
    assert page.locator("#records-total").inner_text() == f"合计：{on_duty}"
    screenshot(page, "21-dashboard-on-duty")

    # The day an unapproved enterprise worked: the alert and its evidence.
    page.goto(page.base_url + f"/reports/?date={history.day(-6).isoformat()}")
    page.click("#unapproved-alert a")
    page.wait_for_selector("text=乙企业有限公司")
    assert page.locator(".record").count() == 1
