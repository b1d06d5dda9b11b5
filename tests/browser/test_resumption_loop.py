"""The resumption loop in Chromium, in Chinese: officer applies → liaison verifies on site →
command approves → the enterprise shows as resumed; and a return for rectification."""

from datetime import timedelta

import pytest
from django.utils import timezone

from fugong.resumption.models import ApplicationStatus, ResumptionApplication
from fugong.resumption.tests.factories import make_application

from .conftest import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def tick_all(page, prefix: str) -> None:
    for radio in page.locator(f"input[type=radio][name^='{prefix}_'][value='1']").all():
        radio.check()


def test_officer_applies_liaison_verifies_command_approves(page, park):
    today = timezone.localdate()

    # The enterprise officer applies, in Chinese.
    login(page, "officer")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.get_by_role("link", name="申请复工").first.click()
    page.fill("#id_planned_date", today.isoformat())
    page.fill("#id_returning_local", "90")
    page.fill("#id_returning_outside", "12")
    page.click("#save-application")
    page.fill("#id_prevention_plan", "成立防控小组；门岗落实“四不”；车间每日消毒两次。")
    page.fill("#id_emergency_plan", "发热员工送观察室复测，异常送发热门诊并报告指挥部。")
    page.fill("#id_masks_on_hand", "3000")
    page.fill("#id_responsible_person", "黎乐")
    page.check("#id_commitment_accepted")
    tick_all(page, "item")
    screenshot(page, "01-officer-application-form")
    page.click("#save-application")
    page.wait_for_selector("#submit-application:not([disabled])")
    page.click("#submit-application")
    page.wait_for_selector("text=待现场核查")
    screenshot(page, "02-officer-submitted")

    # The liaison verifies on site, item by item.
    login(page, "liaison")
    page.get_by_role("link", name="甲企业有限公司").first.click()
    page.click("#verify-application")
    tick_all(page, "check")
    page.check("input[name=recommendation][value=approve]")
    page.fill("#id_summary", "现场核查：观察室、隔离室、回收箱均到位。")
    screenshot(page, "03-liaison-verification")
    page.click("#save-verification")
    page.wait_for_selector("#application-status:has-text('待审批')")

    # The command post approves with today's date.
    login(page, "command")
    page.get_by_role("link", name="甲企业有限公司").first.click()
    page.fill("#id_resumption_date", today.isoformat())
    page.click("#approve-application")
    page.wait_for_selector("#application-status:has-text('已批准')")
    screenshot(page, "04-command-approved")

    # The enterprise now shows as resumed.
    page.goto(page.base_url + f"/enterprises/{park.a.pk}/")
    assert page.inner_text("#enterprise-status").strip() == "已复工"
    timeline = page.inner_text("#timeline")
    for step in ("提交", "现场核查", "批准"):
        assert step in timeline
    screenshot(page, "05-enterprise-resumed")
    assert ResumptionApplication.objects.get(enterprise=park.a).status == ApplicationStatus.APPROVED


def test_returned_for_rectification_and_resubmitted(page, park):
    application = make_application(
        officer=park.officer,
        liaison=park.liaison,
        command=park.command,
        state="verified",
        planned_date=timezone.localdate() + timedelta(days=2),
    )

    login(page, "command")
    page.goto(page.base_url + f"/applications/{application.pk}/")
    page.fill("#id_rectification_items", "增设新进员工观察室\n食堂改为错峰分餐")
    page.click("#return-application")
    page.wait_for_selector("#application-status:has-text('退回整改')")

    login(page, "officer")
    page.goto(page.base_url + f"/applications/{application.pk}/")
    assert "增设新进员工观察室" in page.inner_text("#rectification-items")
    page.click("#edit-application")
    for field in page.locator("textarea[name^='rectification_']").all():
        field.fill("已整改，附照片。")
    page.click("#save-application")
    page.click("#submit-application")
    page.wait_for_selector("#application-status:has-text('待现场核查')")
    screenshot(page, "06-officer-resubmitted")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.round == 2


def test_english_is_selectable_in_the_header(page, park):
    login(page, "command")
    page.select_option("#language-select", "en")
    page.wait_for_selector("html[lang=en]")
    assert page.get_by_role("link", name="Enterprises").is_visible()
    page.select_option("#language-select", "zh-hans")
    page.wait_for_selector("html[lang=zh-hans]")
