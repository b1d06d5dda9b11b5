import pytest
from django.urls import reverse

from fugong.accounts.models import User
from fugong.core.testing import assert_nothing_written, database_counts

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def test_login_and_logout(client, park):
    response = client.post(reverse("accounts:login"), {"username": "officer", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 302


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
    for name in ("accounts:user_list", "accounts:my_account", "core:home"):
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
        {"password": "another-passphrase", "confirm": "another-passphrase"},
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
        reverse("accounts:my_password"), {"password": "another-passphrase", "confirm": "x"}
    )
    assert response.status_code == 400
