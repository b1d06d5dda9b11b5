import pytest

from fugong.accounts import services
from fugong.accounts.models import ApiToken, User
from fugong.audit.models import AuditAction, AuditEvent
from fugong.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from fugong.core.roles import Role
from fugong.core.testing import assert_nothing_written, database_counts

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-passphrase"


def test_command_creates_users_of_every_role(park):
    officer = services.user_create(
        actor=park.command,
        password=PASSWORD,
        username="new-officer",
        full_name="新专员",
        role=Role.ENTERPRISE_OFFICER,
        enterprise=park.b,
    )
    assert officer.check_password(PASSWORD)
    assert AuditEvent.objects.filter(
        action=AuditAction.USER_CREATED, target_id=str(officer.pk)
    ).exists()
    district = services.user_create(
        actor=park.command,
        password=PASSWORD,
        username="d2",
        full_name="属地",
        role=Role.DISTRICT_LIAISON,
        district_code="430602",
    )
    assert district.district_name.endswith("岳阳楼区")


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"role": Role.ENTERPRISE_OFFICER}, "enterprise"),
        ({"role": Role.DISTRICT_LIAISON}, "district_code"),
        ({"role": Role.DISTRICT_LIAISON, "district_code": "999999"}, "district_code"),
        ({"role": Role.COMMAND, "district_code": "430603"}, "district_code"),
        ({"role": Role.INSPECTOR, "is_leader": True}, "is_leader"),
        ({"role": "janitor"}, "role"),
    ],
)
def test_role_attachments_are_validated(park, fields, field):
    before = database_counts()
    with pytest.raises(ApplicationError) as refused:
        services.user_create(
            actor=park.command, password=PASSWORD, username="x", full_name="x", **fields
        )
    assert field in refused.value.fields
    assert_nothing_written(before)


def test_an_enterprise_attached_to_a_liaison_is_refused(park):
    with pytest.raises(ApplicationError) as refused:
        services.user_create(
            actor=park.command,
            password=PASSWORD,
            username="x",
            full_name="x",
            role=Role.LIAISON,
            enterprise=park.a,
        )
    assert "enterprise" in refused.value.fields


def test_duplicate_user_name_is_refused(park):
    with pytest.raises(ApplicationError) as refused:
        services.user_create(
            actor=park.command,
            password=PASSWORD,
            username="liaison",
            full_name="x",
            role=Role.COMMAND,
        )
    assert "username" in refused.value.fields


def test_weak_password_is_refused(park):
    before = database_counts()
    with pytest.raises(ApplicationError) as refused:
        services.user_create(
            actor=park.command,
            password="12345678901",
            username="x",
            full_name="x",
            role=Role.COMMAND,
        )
    assert refused.value.code == "weak_password"
    assert_nothing_written(before)


@pytest.mark.parametrize("role", ["liaison", "inspector", "officer", "gate", "district"])
def test_only_the_command_post_manages_users(park, role):
    actor = park.users()[role]
    before = database_counts()
    with pytest.raises(PermissionDeniedError):
        services.user_create(
            actor=actor, password=PASSWORD, username="x", full_name="x", role=Role.COMMAND
        )
    with pytest.raises(PermissionDeniedError):
        services.user_update(actor=actor, user=park.other_officer, full_name="changed")
    with pytest.raises(PermissionDeniedError):
        services.user_set_password(actor=actor, user=park.other_officer, password=PASSWORD)
    with pytest.raises(PermissionDeniedError):
        services.user_set_active(actor=actor, user=park.other_officer, active=False)
    assert_nothing_written(before)


CURRENT = "correct-horse-battery"  # the factories' password


@pytest.mark.parametrize("role", ["command", "liaison", "inspector", "officer", "gate", "district"])
def test_anyone_changes_their_own_password_with_the_current_one(park, role):
    user = park.users()[role]
    changed = services.user_password_change(actor=user, current_password=CURRENT, password=PASSWORD)
    user.refresh_from_db()
    assert user.check_password(PASSWORD) and changed.check_password(PASSWORD)
    event = AuditEvent.objects.get(action=AuditAction.USER_PASSWORD_CHANGED)
    assert event.actor == user and event.target_id == str(user.pk)


@pytest.mark.parametrize("current", ["", "wrong-password-1", CURRENT.upper()])
def test_a_wrong_current_password_changes_nothing(park, current):
    before = database_counts()
    with pytest.raises(ApplicationError) as refused:
        services.user_password_change(
            actor=park.officer, current_password=current, password=PASSWORD
        )
    assert refused.value.status == 400 and refused.value.code == "wrong_password"
    assert refused.value.fields == {"current_password": ["Your current password is not correct."]}
    assert_nothing_written(before)
    park.officer.refresh_from_db()
    assert park.officer.check_password(CURRENT)


@pytest.mark.parametrize(
    "new, code", [(CURRENT, "same_password"), ("1234567890123", "weak_password")]
)
def test_the_new_password_must_be_new_and_strong(park, new, code):
    before = database_counts()
    with pytest.raises(ApplicationError) as refused:
        services.user_password_change(actor=park.officer, current_password=CURRENT, password=new)
    assert refused.value.code == code and "password" in refused.value.fields
    assert_nothing_written(before)


def test_the_command_post_resets_another_users_password_without_the_current_one(park):
    services.user_set_password(actor=park.command, user=park.gate, password=PASSWORD)
    park.gate.refresh_from_db()
    assert park.gate.check_password(PASSWORD)
    event = AuditEvent.objects.get(action=AuditAction.USER_PASSWORD_SET)
    assert event.actor == park.command and event.target_id == str(park.gate.pk)


@pytest.mark.parametrize("role", ["command", "officer"])
def test_nobody_resets_their_own_password_without_the_current_one(park, role):
    user = park.users()[role]
    expected = ConflictError if role == "command" else PermissionDeniedError
    before = database_counts()
    with pytest.raises(expected):
        services.user_set_password(actor=user, user=user, password=PASSWORD)
    assert_nothing_written(before)
    user.refresh_from_db()
    assert user.check_password(CURRENT)


def test_update_records_the_changes(park):
    services.user_update(actor=park.command, user=park.inspector, full_name="改名")
    event = AuditEvent.objects.get(action=AuditAction.USER_UPDATED)
    assert event.data["changes"]["full_name"][1] == "改名"


def test_command_cannot_demote_itself(park):
    with pytest.raises(ConflictError):
        services.user_update(actor=park.command, user=park.command, role=Role.INSPECTOR)


def test_liaison_with_enterprises_cannot_be_deactivated(park):
    with pytest.raises(ConflictError):
        services.user_set_active(actor=park.command, user=park.liaison, active=False)


def test_deactivation_revokes_tokens(park):
    token, secret = services.api_token_create(actor=park.inspector, name="script")
    services.user_set_active(actor=park.command, user=park.inspector, active=False)
    assert services.api_token_authenticate(secret) is None
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_tokens_are_stored_as_digests_and_can_be_revoked(park):
    token, secret = services.api_token_create(actor=park.officer, name="ERP")
    assert secret.startswith(f"fg_{token.prefix}_")
    assert not ApiToken.objects.filter(digest__contains=secret).exists()
    assert services.api_token_authenticate(secret) == park.officer
    assert services.api_token_authenticate(secret + "x") is None
    assert services.api_token_authenticate("nonsense") is None
    services.api_token_revoke(actor=park.officer, token=token)
    assert services.api_token_authenticate(secret) is None


def test_users_revoke_only_their_own_tokens(park):
    token, _secret = services.api_token_create(actor=park.officer, name="ERP")
    with pytest.raises(PermissionDeniedError):
        services.api_token_revoke(actor=park.liaison, token=token)
    services.api_token_revoke(actor=park.command, token=token)


def test_the_database_refuses_an_officer_without_an_enterprise(park):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="bad", full_name="x", role=Role.ENTERPRISE_OFFICER)
