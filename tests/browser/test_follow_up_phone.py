"""The daily health declaration (健康打卡) on a phone-sized screen (375×667): the worker opens
the link of their pass, declares a normal morning, then a fever in the afternoon, and the page
says so; a forged link is a clear page; nothing overflows the screen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fugong.cases.models import FollowUp
from fugong.gate.models import AbnormalEvent
from fugong.workforce.models import Clearance, Worker
from fugong.workforce.services import pass_issue, pass_token
from fugong.workforce.tests.factories import make_worker

from .conftest import screenshot
from .test_csp import Violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        viewport={"width": 375, "height": 667},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    yield page
    context.close()


def _no_horizontal_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page is {width}px wide on a 375px screen"


def test_declaring_on_a_phone(phone, park):
    worker = make_worker(actor=park.officer, enterprise=park.a, full_name="手机打卡")
    Worker.objects.filter(pk=worker.pk).update(
        clearance=Clearance.OBSERVATION,
        observation_until=timezone.localdate() + timedelta(days=5),
    )
    token = pass_token(pass_issue(actor=park.officer, worker=worker))

    violations = Violations(phone)
    # The pass page (what the worker already has on the phone) links to the declaration.
    violations.visit(f"/passes/{token}/")
    phone.click("#pass-follow-up")
    phone.wait_for_selector("#follow-up-form")
    assert phone.inner_text("#follow-up-name") == "手机打卡"
    _no_horizontal_scroll(phone)
    # Large targets: the temperature input and the submit button are finger-sized.
    assert phone.locator("#id_temperature").bounding_box()["height"] >= 44
    assert phone.locator("#follow-up-submit").bounding_box()["height"] >= 44

    # A reading outside 30–45 °C is refused with a message, nothing recorded.
    phone.click("label[for=id_period_0]")
    phone.fill("#id_temperature", "52")
    phone.click("#follow-up-submit")
    phone.wait_for_selector("#form-errors")
    assert not FollowUp.objects.exists()

    phone.click("label[for=id_period_0]")
    phone.fill("#id_temperature", "36.4")
    phone.click("#follow-up-submit")
    phone.wait_for_selector("#follow-up-done.alert-success")
    screenshot(phone, "follow-up-phone-morning")

    phone.click("label[for=id_period_1]")
    phone.fill("#id_temperature", "38.3")
    phone.check("input[name=symptoms][value=cough]")
    phone.click("#follow-up-submit")
    phone.wait_for_selector("#follow-up-done.alert-danger")
    phone.wait_for_selector("#follow-up-complete")
    _no_horizontal_scroll(phone)
    screenshot(phone, "follow-up-phone-fever")
    assert FollowUp.objects.filter(worker=worker).count() == 2
    assert AbnormalEvent.objects.get().worker_id == worker.pk

    violations.collect("the declaration page")
    assert violations.found == []

    # A forged link: a clear page, no form.
    phone.goto(f"{phone.base_url}/passes/{token[:-3]}xyz/follow-up/")
    phone.wait_for_selector("#follow-up-error")
    assert phone.locator("#follow-up-form").count() == 0
