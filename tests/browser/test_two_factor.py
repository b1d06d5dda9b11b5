"""Two-factor sign-in in Chromium, in Chinese: the command post, which must use it, is sent to
the enrolment after its password, scans (here: reads) the key, confirms with the code, keeps the
recovery codes; then signs out and in again with the password and a fresh code."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from fugong.accounts.tests.two_factor import code_for

from .conftest import TEST_PASSWORD, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_enrol_then_sign_in_with_a_code(page, park, settings):
    settings.FUGONG_REQUIRE_TWO_FACTOR = True
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", "command")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("#login-button")
    # Required for the command post: every page leads to the enrolment
    page.wait_for_url("**/accounts/me/#two-factor")
    page.goto(page.base_url + "/")
    page.wait_for_url("**/accounts/me/#two-factor")
    page.click("#start-two-factor")
    page.wait_for_selector("#two-factor-qr svg")
    secret = page.locator("#two-factor-secret").inner_text()
    device = TOTPDevice.objects.get(user=park.command, confirmed=False)
    assert secret.strip() and device.key  # the key shown is the pending device's
    screenshot(page, "60-two-factor-enrol")
    page.fill("#two-factor #id_code", code_for(device))
    page.click("#confirm-two-factor")
    page.wait_for_selector("#recovery-codes")
    assert page.locator("#recovery-codes li").count() == 10
    assert page.locator("#two-factor-status").is_visible()

    # Sign out and in again: the password, then the code page
    page.context.clear_cookies()
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", "command")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("#login-button")
    page.wait_for_url("**/accounts/login/code/**")
    page.fill("#id_code", "000000" if code_for(device, 1) != "000000" else "111111")
    page.click("#verify-button")
    page.wait_for_selector(".invalid-feedback, .alert-danger")
    device.refresh_from_db()
    page.fill("#id_code", code_for(device, 1))
    page.click("#verify-button")
    page.wait_for_url(page.base_url + "/")
    assert "登录" not in page.title()
