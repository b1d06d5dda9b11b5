"""Two-factor sign-in pages: enrolment on the account page, the code page after the password,
the redirect for roles that require it, the lockout for wrong codes."""

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from fugong.accounts import services
from fugong.audit.models import AuditAction, AuditEvent
from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts

from .two_factor import code_for

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def sign_in(client, username):
    response = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def enrolled(user):
    device = services.two_factor_enrolment_start(actor=user)
    _device, codes = services.two_factor_enrolment_confirm(actor=user, code=code_for(device))
    device.refresh_from_db()
    return device, codes


def test_optional_in_development_the_demo_logins_sign_in_with_a_password(client, park):
    assert django_settings.FUGONG_REQUIRE_TWO_FACTOR is False
    sign_in(client, "command")
    assert client.get(reverse("overview:home")).status_code == 200


def test_a_role_that_requires_it_is_sent_to_the_enrolment_everywhere(client, park, settings):
    settings.FUGONG_REQUIRE_TWO_FACTOR = True
    sign_in(client, "command")
    for url in (reverse("overview:home"), reverse("accounts:user_list")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:my_account") + "#two-factor"
    page = client.get(reverse("accounts:my_account"))
    assert page.status_code == 200 and b"start-two-factor" in page.content
    # The language switch and sign-out stay open
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 302
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("overview:home"))["Location"].startswith(reverse("accounts:login"))


def test_a_role_that_does_not_require_it_goes_on(client, park, settings):
    settings.FUGONG_REQUIRE_TWO_FACTOR = True
    sign_in(client, "inspector")
    assert client.get(reverse("overview:home")).status_code == 200


def test_enrolment_on_the_account_page(client, park, settings):
    settings.FUGONG_REQUIRE_TWO_FACTOR = True
    sign_in(client, "command")
    response = client.post(reverse("accounts:two_factor_enrol"))
    assert response.status_code == 302
    page = client.get(reverse("accounts:my_account"))
    device = TOTPDevice.objects.get(user=park.command, confirmed=False)
    assert page.context["pending_secret"].encode() in page.content
    assert b"<svg" in page.content
    # A wrong code is refused, audited and counted; nothing else is written
    before = database_counts()
    response = client.post(reverse("accounts:two_factor_confirm"), {"code": "12"})
    assert response.status_code == 400
    assert response.context["two_factor_form"].errors
    assert AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_FAILED).count() == 1
    before["audit.AuditEvent"] += 1
    before["axes.AccessAttempt"] = 0  # not one of ours
    del before["axes.AccessAttempt"]
    assert_nothing_written(before)
    # The right code turns it on, shows the recovery codes once, and lets the session go on
    response = client.post(reverse("accounts:two_factor_confirm"), {"code": code_for(device)})
    assert response.status_code == 200
    assert len(response.context["recovery_codes"]) == services.RECOVERY_CODE_COUNT
    assert b"recovery-codes" in response.content
    assert b"recovery-codes" not in client.get(reverse("accounts:my_account")).content
    assert client.get(reverse("overview:home")).status_code == 200


def test_signing_in_asks_for_the_code_after_the_password(client, park):
    device, _codes = enrolled(park.liaison)
    sign_in(client, "liaison")
    response = client.get(reverse("resumption:application_list"))
    verify = reverse("accounts:two_factor_verify")
    assert response["Location"] == f"{verify}?next=%2Fapplications%2F" or response[
        "Location"
    ].startswith(verify + "?next=")
    assert client.get(verify).status_code == 200
    # A wrong code: refused, audited
    response = client.post(verify, {"code": "000000" if code_for(device, 1) != "000000" else "1"})
    assert response.status_code == 400
    assert AuditEvent.objects.filter(
        action=AuditAction.TWO_FACTOR_FAILED, actor_id=park.liaison.pk
    ).exists()
    assert client.get(reverse("overview:home")).status_code == 302
    # The right one: on to the page asked for
    response = client.post(verify, {"code": code_for(device, 1), "next": "/applications/"})
    assert response.status_code == 302 and response["Location"] == "/applications/"
    assert client.get(reverse("overview:home")).status_code == 200


def test_the_code_page_ignores_a_next_to_another_site(client, park):
    device, _codes = enrolled(park.inspector)
    sign_in(client, "inspector")
    response = client.post(
        reverse("accounts:two_factor_verify"),
        {"code": code_for(device, 1), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse(django_settings.LOGIN_REDIRECT_URL)


def test_a_recovery_code_signs_in_once(client, park):
    _device, codes = enrolled(park.officer)
    sign_in(client, "officer")
    verify = reverse("accounts:two_factor_verify")
    assert client.post(verify, {"code": codes[0]}).status_code == 302
    assert client.get(reverse("overview:home")).status_code == 200
    client.post(reverse("accounts:logout"))
    sign_in(client, "officer")
    assert client.post(verify, {"code": codes[0]}).status_code == 400
    assert client.get(reverse("overview:home")).status_code == 302


def test_five_wrong_codes_lock_out_and_end_the_session(client, park):
    enrolled(park.command)
    sign_in(client, "command")
    verify = reverse("accounts:two_factor_verify")
    statuses = [client.post(verify, {"code": "abcdef"}).status_code for _ in range(5)]
    assert statuses == [400, 400, 400, 400, 429]
    assert AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_FAILED).count() == 5
    # Signed out; and the password alone is refused while locked out
    assert client.get(reverse("overview:home"))["Location"].startswith(reverse("accounts:login"))
    response = client.post(reverse("accounts:login"), {"username": "command", "password": PASSWORD})
    assert response.status_code == 429


def test_an_unverified_session_is_nobody_for_the_api_but_api_tokens_still_work(client, park):
    enrolled(park.command)
    _token, secret = services.api_token_create(actor=park.command, name="script")
    sign_in(client, "command")
    assert client.get("/api/v1/me").status_code == 401
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200


def test_regenerate_and_turn_off_on_the_account_page(client, park):
    device, _codes = enrolled(park.inspector)
    sign_in(client, "inspector")
    client.post(reverse("accounts:two_factor_verify"), {"code": code_for(device, 1)})
    response = client.post(reverse("accounts:two_factor_recovery"))
    assert response.status_code == 200 and len(response.context["recovery_codes"]) == 10
    response = client.post(reverse("accounts:two_factor_disable"), {"code": "nope"})
    assert response.status_code == 400
    park.inspector.refresh_from_db()
    assert park.inspector.two_factor_enabled


@pytest.mark.parametrize("name", [name for name in PARK_ROLES if name != "command"])
def test_only_the_command_post_resets_anothers_two_factor(client, park, name):
    target = park.officer if name == "other_officer" else park.other_officer
    enrolled(target)
    client.force_login(getattr(park, name))
    before = database_counts()
    response = client.post(reverse("accounts:user_two_factor_reset", args=[target.pk]))
    assert response.status_code == 403
    assert_nothing_written(before)


def test_the_command_post_resets_anothers_two_factor(client, park):
    enrolled(park.gate)
    client.force_login(park.command)
    page = client.get(reverse("accounts:user_edit", args=[park.gate.pk]))
    assert b"two-factor-reset" in page.content
    response = client.post(reverse("accounts:user_two_factor_reset", args=[park.gate.pk]))
    assert response.status_code == 302
    park.gate.refresh_from_db()
    assert not park.gate.two_factor_enabled
