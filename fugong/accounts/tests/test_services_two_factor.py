"""Two-factor sign-in services: enrolment, codes, recovery codes, turning off, who must."""

import pytest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from fugong.accounts import services
from fugong.accounts.two_factor import two_factor_required
from fugong.audit.models import AuditAction, AuditEvent
from fugong.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts

from .two_factor import code_for

pytestmark = pytest.mark.django_db


def enrol(user):
    device = services.two_factor_enrolment_start(actor=user)
    _device, codes = services.two_factor_enrolment_confirm(actor=user, code=code_for(device))
    device.refresh_from_db()
    return device, codes


def test_enrolment_with_the_right_code_turns_two_factor_on(park):
    # Given a pending device
    device = services.two_factor_enrolment_start(actor=park.command)
    assert not device.confirmed
    # When the code from the app confirms it
    _device, codes = services.two_factor_enrolment_confirm(
        actor=park.command, code=code_for(device)
    )
    # Then two-factor is on, with ten recovery codes, audited
    park.command.refresh_from_db()
    assert park.command.two_factor_enabled
    assert TOTPDevice.objects.get(user=park.command).confirmed
    assert len(set(codes)) == services.RECOVERY_CODE_COUNT
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=park.command).values_list("token", flat=True)
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.TWO_FACTOR_ENABLED, target_id=str(park.command.pk)
    ).exists()


def test_enrolment_with_a_wrong_code_is_refused_and_writes_nothing(park):
    device = services.two_factor_enrolment_start(actor=park.command)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    before = database_counts()
    with pytest.raises(ApplicationError) as raised:
        services.two_factor_enrolment_confirm(actor=park.command, code=wrong)
    assert raised.value.code == "wrong_code"
    assert_nothing_written(before)
    park.command.refresh_from_db()
    assert not park.command.two_factor_enabled
    assert not TOTPDevice.objects.get(user=park.command).confirmed


def test_starting_again_replaces_the_pending_device_and_enrolled_users_cannot(park):
    first = services.two_factor_enrolment_start(actor=park.inspector)
    second = services.two_factor_enrolment_start(actor=park.inspector)
    assert list(TOTPDevice.objects.filter(user=park.inspector)) == [second]
    assert first.key != second.key
    services.two_factor_enrolment_confirm(actor=park.inspector, code=code_for(second))
    before = database_counts()
    with pytest.raises(ConflictError):
        services.two_factor_enrolment_start(actor=park.inspector)
    assert_nothing_written(before)


def test_sign_in_code_right_and_wrong(park):
    device, _codes = enrol(park.liaison)
    # A code already used is refused, and the refusal writes nothing
    before = database_counts()
    with pytest.raises(ApplicationError):
        services.two_factor_verify(actor=park.liaison, code=code_for(device))
    with pytest.raises(ApplicationError):
        services.two_factor_verify(actor=park.liaison, code="not a code")
    assert_nothing_written(before)
    # The next step's code is accepted
    assert services.two_factor_verify(actor=park.liaison, code=code_for(device, 1)) == device


def test_a_recovery_code_works_once_only(park):
    _device, codes = enrol(park.officer)
    matched = services.two_factor_verify(actor=park.officer, code=codes[0].upper())
    assert isinstance(matched, StaticDevice)
    assert StaticToken.objects.filter(device__user=park.officer).count() == 9
    assert AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_RECOVERY_CODE_USED).count() == 1
    before = database_counts()
    with pytest.raises(ApplicationError):
        services.two_factor_verify(actor=park.officer, code=codes[0])
    assert_nothing_written(before)
    # The others still work
    assert isinstance(services.two_factor_verify(actor=park.officer, code=codes[1]), StaticDevice)


def test_regenerated_recovery_codes_replace_the_old_ones(park):
    _device, old = enrol(park.command)
    new = services.two_factor_recovery_codes_regenerate(actor=park.command)
    assert len(new) == services.RECOVERY_CODE_COUNT and not set(new) & set(old)
    with pytest.raises(ApplicationError):
        services.two_factor_verify(actor=park.command, code=old[0])
    assert isinstance(services.two_factor_verify(actor=park.command, code=new[0]), StaticDevice)
    assert AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_RECOVERY_REGENERATED).exists()


def test_regenerating_without_two_factor_is_refused(park):
    before = database_counts()
    with pytest.raises(ConflictError):
        services.two_factor_recovery_codes_regenerate(actor=park.command)
    assert_nothing_written(before)


def test_turning_ones_own_off_needs_a_right_code(park):
    device, _codes = enrol(park.inspector)
    before = database_counts()
    with pytest.raises(ApplicationError):
        services.two_factor_disable(actor=park.inspector, user=park.inspector, code="123")
    assert_nothing_written(before)
    services.two_factor_disable(actor=park.inspector, user=park.inspector, code=code_for(device, 1))
    park.inspector.refresh_from_db()
    assert not park.inspector.two_factor_enabled
    assert not TOTPDevice.objects.filter(user=park.inspector).exists()
    assert not StaticDevice.objects.filter(user=park.inspector).exists()
    assert AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_DISABLED).count() == 1


def test_a_role_that_requires_it_cannot_turn_its_own_off(park, settings):
    device, _codes = enrol(park.command)
    settings.FUGONG_REQUIRE_TWO_FACTOR = True
    before = database_counts()
    with pytest.raises(ConflictError):
        services.two_factor_disable(actor=park.command, user=park.command, code=code_for(device, 1))
    assert_nothing_written(before)


def test_the_command_post_resets_anothers_and_nobody_else_may(park):
    enrol(park.officer)
    for name in PARK_ROLES:
        actor = getattr(park, name)
        if name in ("command", "officer"):
            continue
        before = database_counts()
        with pytest.raises(PermissionDeniedError):
            services.two_factor_disable(actor=actor, user=park.officer)
        assert_nothing_written(before)
    services.two_factor_disable(actor=park.command, user=park.officer)
    park.officer.refresh_from_db()
    assert not park.officer.two_factor_enabled
    event = AuditEvent.objects.get(action=AuditAction.TWO_FACTOR_DISABLED)
    assert (event.actor_id, event.target_id) == (park.command.pk, str(park.officer.pk))


@pytest.mark.parametrize(
    ("name", "required"),
    [
        ("command", True),
        ("liaison", True),  # reveals full phones
        ("officer", True),  # reveals full ID numbers and phones
        ("district", True),  # receives full phones in the handover lists
        ("inspector", False),
        ("gate", False),
    ],
)
def test_who_must_use_two_factor(park, settings, name, required):
    user = getattr(park, name)
    settings.FUGONG_REQUIRE_TWO_FACTOR = True
    assert two_factor_required(user) is required
    settings.FUGONG_REQUIRE_TWO_FACTOR = False
    assert two_factor_required(user) is False


def test_a_failure_is_audited(park):
    services.two_factor_failure_record(actor=park.command, stage="sign_in")
    event = AuditEvent.objects.get(action=AuditAction.TWO_FACTOR_FAILED)
    assert event.data == {"stage": "sign_in"}


def test_required_by_the_base_and_production_settings_optional_in_development():
    from fugong.settings import base, development

    assert base.FUGONG_REQUIRE_TWO_FACTOR is True
    assert development.FUGONG_REQUIRE_TWO_FACTOR is False
    production = (base.REPOSITORY_DIR / "fugong" / "settings" / "production.py").read_text()
    assert "\nFUGONG_REQUIRE_TWO_FACTOR = True\n" in production
