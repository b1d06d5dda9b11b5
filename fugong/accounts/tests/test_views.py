import pytest
from django.urls import reverse

from fugong.accounts.models import User
from fugong.audit.models import AuditAction, AuditEvent
from fugong.core.testing import assert_nothing_written, database_counts

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def test_login_and_logout(client, park):
    response = client.post(reverse("accounts:login"), {"username": "officer", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("overview:home")).status_code == 200
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("overview:home")).status_code == 302


def test_wrong_password_is_refused_with_a_message(client, park):
    response = client.post(reverse("accounts:login"), {"username": "officer", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_five_failures_lock_the_user_name_out(client, park):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "officer", "password": "wrong"})
    # Even the right password is refused while locked out.
    response = client.post(reverse("accounts:login"), {"username": "officer", "password": PASSWORD})
    assert response.status_code == 429
    assert b"locked-out" in response.content
    # Another user from the same address is not affected.
    response = client.post(reverse("accounts:login"), {"username": "liaison", "password": PASSWORD})
    assert response.status_code == 302


def test_deactivated_users_cannot_sign_in(client, park):
    User.objects.filter(pk=park.inspector.pk).update(is_active=False)
    response = client.post(
        reverse("accounts:login"), {"username": "inspector", "password": PASSWORD}
    )
    assert response.status_code == 200


ROLES = ["command", "liaison", "inspector", "officer", "gate", "district"]


@pytest.mark.parametrize("role", ROLES)
def test_user_management_is_for_the_command_post(client, park, role):
    client.force_login(park.users()[role])
    expected = 200 if role == "command" else 403
    assert client.get(reverse("accounts:user_list")).status_code == expected
    assert client.get(reverse("accounts:user_create")).status_code == expected
    assert client.get(reverse("accounts:user_edit", args=[park.gate.pk])).status_code == expected
    before = database_counts()
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "newbie",
            "full_name": "新人",
            "role": "inspector",
            "password": "a-long-passphrase-1",
        },
    )
    if role == "command":
        assert response.status_code == 302
        assert User.objects.filter(username="newbie").exists()
    else:
        assert response.status_code == 403
        assert_nothing_written(before)
        response = client.post(
            reverse("accounts:user_active", args=[park.gate.pk]), {"active": "0"}
        )
        assert response.status_code == 403
        response = client.post(
            reverse("accounts:user_password", args=[park.gate.pk]),
            {"password": "a-long-passphrase-1", "confirm": "a-long-passphrase-1"},
        )
        assert response.status_code == 403
        assert_nothing_written(before)


def test_anonymous_is_sent_to_login(client, park):
    for name in ("accounts:user_list", "accounts:my_account", "overview:home"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_user_form_errors_come_back_with_400(client, park):
    client.force_login(park.command)
    before = database_counts()
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "o2",
            "full_name": "x",
            "role": "enterprise_officer",
            "password": "a-long-passphrase-1",
        },
    )
    assert response.status_code == 400
    assert "enterprise" in response.context["form"].errors
    assert_nothing_written(before)


def test_own_password_and_tokens(client, park):
    client.force_login(park.gate)
    response = client.post(
        reverse("accounts:my_password"),
        {
            "current_password": PASSWORD,
            "password": "another-passphrase",
            "confirm": "another-passphrase",
        },
    )
    assert response.status_code == 302
    response = client.post(reverse("accounts:token_create"), {"name": "kiosk"})
    assert response.status_code == 201
    assert response.context["new_token"].startswith("fg_")
    token = park.gate.api_tokens.get()
    other = park.officer.api_tokens.create(name="x", prefix="p", digest="d" * 64)
    assert client.post(reverse("accounts:token_revoke", args=[other.pk])).status_code == 404
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_password_mismatch(client, park):
    client.force_login(park.gate)
    response = client.post(
        reverse("accounts:my_password"),
        {"current_password": PASSWORD, "password": "another-passphrase", "confirm": "x"},
    )
    assert response.status_code == 400


NEW_PASSWORD = "another-passphrase"


def change_password(client, current, **extra):
    return client.post(
        reverse("accounts:my_password"),
        {"current_password": current, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        **extra,
    )


@pytest.mark.parametrize("role", ROLES)
def test_changing_ones_password_asks_for_the_current_one(client, park, role):
    user = park.users()[role]
    client.force_login(user)
    page = client.get(reverse("accounts:my_account")).content.decode()
    assert 'name="current_password"' in page and 'autocomplete="current-password"' in page
    before = database_counts()
    for current in ("wrong-guess-1", ""):
        response = change_password(client, current)
        assert response.status_code == 400
        assert "current_password" in response.context["password_form"].errors
    assert_nothing_written(before)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert change_password(client, PASSWORD).status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # The session that changed it stays signed in.
    assert client.get(reverse("accounts:my_account")).status_code == 200


def test_wrong_current_passwords_count_towards_the_lockout(client, park):
    from axes.models import AccessAttempt

    client.force_login(park.gate)
    before = database_counts()
    for _ in range(4):
        assert change_password(client, "wrong-guess-1").status_code == 400
    response = change_password(client, "wrong-guess-1")
    assert response.status_code == 429
    assert b"locked-out" in response.content
    assert_nothing_written(before)  # axes' own table aside
    # The session that guessed has ended, and signing in from this address is locked...
    assert client.get(reverse("overview:home")).status_code == 302
    signin = {"username": "gate", "password": PASSWORD}
    assert client.post(reverse("accounts:login"), signin).status_code == 429
    # ... but not from another address.
    response = client.post(reverse("accounts:login"), signin, REMOTE_ADDR="198.51.100.20")
    assert response.status_code == 302
    # Axes keeps the failed requests' fields, but not the passwords in them.
    attempt = AccessAttempt.objects.get(username="gate")
    assert attempt.failures_since_start >= 5
    assert "wrong-guess-1" not in attempt.post_data and NEW_PASSWORD not in attempt.post_data
    park.gate.refresh_from_db()
    assert park.gate.check_password(PASSWORD)


def test_a_locked_out_user_cannot_change_the_password_even_with_the_right_one(client, park):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "officer", "password": "wrong"})
    client.force_login(park.officer)
    before = database_counts()
    response = change_password(client, PASSWORD)
    assert response.status_code == 429
    assert response.context["password_form"].non_field_errors()
    assert_nothing_written(before)
    park.officer.refresh_from_db()
    assert park.officer.check_password(PASSWORD)


def test_the_command_post_changes_its_own_password_only_under_my_account(client, park):
    client.force_login(park.command)
    page = client.get(reverse("accounts:user_edit", args=[park.command.pk])).content.decode()
    assert 'id="own-password-elsewhere"' in page
    assert reverse("accounts:user_password", args=[park.command.pk]) not in page
    before = database_counts()
    response = client.post(
        reverse("accounts:user_password", args=[park.command.pk]),
        {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 400
    assert response.context["password_form"].non_field_errors()
    assert_nothing_written(before)
    # Another user's password it resets without theirs (a forgotten password): audited.
    response = client.post(
        reverse("accounts:user_password", args=[park.gate.pk]),
        {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    park.gate.refresh_from_db()
    assert park.gate.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(
        action=AuditAction.USER_PASSWORD_SET, actor=park.command, target_id=str(park.gate.pk)
    ).exists()


# ----- the lockout behind a reverse proxy ----------------------------------------------------


def fail_five_times(client, username, **extra):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": username, "password": "wrong"}, **extra)


def sign_in(client, username, **extra):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": PASSWORD}, **extra
    )


def test_without_a_proxy_x_forwarded_for_is_not_believed(client, park, settings):
    from axes.models import AccessAttempt

    settings.FUGONG_TRUSTED_PROXIES = 0
    fail_five_times(
        client, "officer", REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="203.0.113.1"
    )
    assert AccessAttempt.objects.get().ip_address == "198.51.100.1"
    # A forged header does not give the guesser a fresh address...
    response = sign_in(
        client, "officer", REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="203.0.113.2"
    )
    assert response.status_code == 429
    # ... and the user, at their own address, still signs in.
    assert sign_in(client, "officer", REMOTE_ADDR="198.51.100.2").status_code == 302


def test_behind_a_proxy_the_lockout_follows_the_client_not_the_proxy(client, park, settings):
    from axes.models import AccessAttempt

    settings.FUGONG_TRUSTED_PROXIES = 1
    via_nginx = {"REMOTE_ADDR": "127.0.0.1"}
    fail_five_times(client, "officer", HTTP_X_FORWARDED_FOR="203.0.113.1", **via_nginx)
    assert AccessAttempt.objects.get().ip_address == "203.0.113.1"
    # The guesser is locked out, also when putting another address in front of the one nginx
    # appends...
    assert (
        sign_in(client, "officer", HTTP_X_FORWARDED_FOR="203.0.113.1", **via_nginx).status_code
        == 429
    )
    forged = {"HTTP_X_FORWARDED_FOR": "198.51.100.2, 203.0.113.1"}
    assert sign_in(client, "officer", **forged, **via_nginx).status_code == 429
    # ... while the user, at another address behind the same proxy, signs in.
    response = sign_in(client, "officer", HTTP_X_FORWARDED_FOR="198.51.100.2", **via_nginx)
    assert response.status_code == 302


def test_password_changes_are_limited_per_user(client, park, settings):
    settings.FUGONG_RATE_LIMITS = {**settings.FUGONG_RATE_LIMITS, "password_change": (2, 3600)}
    client.force_login(park.officer)
    mismatch = {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": "x"}
    for _ in range(2):
        assert client.post(reverse("accounts:my_password"), mismatch).status_code == 400
    before = database_counts()
    # Over the limit even the right passwords change nothing.
    response = change_password(client, PASSWORD)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert "请求过于频繁" in response.content.decode()  # "Too many requests"
    assert_nothing_written(before)
    park.officer.refresh_from_db()
    assert park.officer.check_password(PASSWORD)
    # Another user has their own count.
    client.force_login(park.liaison)
    assert change_password(client, PASSWORD).status_code == 302
