"""Writes on users and API tokens. Only the command post manages users."""

from __future__ import annotations

import secrets
from typing import TypedDict, Unpack

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.errors import ApplicationError, ConflictError, full_clean_or_raise
from fugong.core.roles import Action, require

from .models import ApiToken, User
from .two_factor import two_factor_required

USER_FIELDS = (
    "username",
    "full_name",
    "phone",
    "role",
    "enterprise",
    "district_code",
    "is_leader",
)


class UserFields(TypedDict, total=False):
    """The fields of a user that the command post sets (``USER_FIELDS``)."""

    username: str
    full_name: str
    phone: str
    role: str
    enterprise: models.Model | None  # an enterprise (accounts imports no app above it)
    district_code: str
    is_leader: bool


def _validate_new_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ApplicationError(
            error.messages[0], code="weak_password", fields={"password": error.messages}
        ) from error


@transaction.atomic
def user_create(
    *,
    actor: User,
    password: str,
    must_change_password: bool = True,
    **fields: Unpack[UserFields],
) -> User:
    """Create a user with a role (and enterprise or district where the role needs one). The
    command post chose this password, so by default the user sets their own at the first sign-in
    (the demo park's published logins pass False)."""
    require(actor, Action.USERS_MANAGE)
    return _create(
        actor=actor,
        password=password,
        fields=fields,
        source="page",
        must_change_password=must_change_password,
    )


@transaction.atomic
def user_create_on_the_server(
    *, password: str, must_change_password: bool = False, **fields: Unpack[UserFields]
) -> User:
    """Create a user from the server's command line (``manage.py create_user``): whoever can
    run commands there holds the keys already, so no signed-in actor is asked for; this is how
    an empty installation gets its first command post account. Audited with no actor.
    ``must_change_password``: the password was generated for the user (not typed by them)."""
    return _create(
        actor=None,
        password=password,
        fields=fields,
        source="command line",
        must_change_password=must_change_password,
    )


def _create(
    *,
    actor: User | None,
    password: str,
    fields: UserFields,
    source: str,
    must_change_password: bool,
) -> User:
    user = User(**{key: value for key, value in fields.items() if key in USER_FIELDS})
    user.username = (user.username or "").strip()
    full_clean_or_raise(user, exclude=["password"])
    _validate_new_password(password, user)
    user.set_password(password)
    user.must_change_password = must_change_password
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        # Another request took the same user name between our check and our insert.
        message = _("A user with that username already exists.")
        raise ApplicationError(message, code="duplicate", fields={"username": [message]}) from error
    audit_event_record(
        actor=actor,
        action=AuditAction.USER_CREATED,
        target=user,
        enterprise=user.enterprise,
        summary=user.username,
        data={"role": user.role, "source": source},
    )
    return user


@transaction.atomic
def user_update(*, actor: User, user: User, **fields: Unpack[UserFields]) -> User:
    """Change a user's name, role and attachments; the change is audited field by field."""
    require(actor, Action.USERS_MANAGE)
    user = User.objects.select_for_update().get(pk=user.pk)
    changes: dict[str, list[str | None]] = {}
    for key, value in fields.items():
        if key not in USER_FIELDS or key == "username":
            continue
        old = getattr(user, key)
        if old != value:
            changes[key] = [
                str(old) if old is not None else None,
                str(value) if value is not None else None,
            ]
            setattr(user, key, value)
    if not changes:
        return user
    if user.pk == actor.pk and "role" in changes:
        raise ConflictError(_("You cannot change your own role."))
    full_clean_or_raise(user, exclude=["password"])
    user.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.USER_UPDATED,
        target=user,
        enterprise=user.enterprise,
        summary=user.username,
        data={"changes": changes},
    )
    return user


@transaction.atomic
def user_set_password(*, actor: User, user: User, password: str) -> User:
    """The command post resets another user's password (a forgotten one): no current password is
    asked, the reset is audited, and the user's sessions end (Django checks a session against the
    password hash); the user sets their own at the next sign-in. Nobody resets their own password
    this way: ``user_password_change`` asks for the current one."""
    require(actor, Action.USERS_MANAGE)
    if actor.pk == user.pk:
        raise ConflictError(
            _("Change your own password under My account, with your current password.")
        )
    _validate_new_password(password, user)
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    audit_event_record(
        actor=actor, action=AuditAction.USER_PASSWORD_SET, target=user, summary=user.username
    )
    return user


@transaction.atomic
def user_password_change(*, actor: User, current_password: str, password: str) -> User:
    """Change one's own password. The current password is asked first, so that a session left
    open (or stolen) is not enough to take the account over. A wrong one is ``400
    wrong_password`` and writes nothing; the page counts it towards the sign-in lockout."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    if not user.check_password(current_password or ""):
        message = _("Your current password is not correct.")
        raise ApplicationError(
            message, code="wrong_password", fields={"current_password": [message]}
        )
    if password == current_password:
        message = _("The new password must differ from the current one.")
        raise ApplicationError(message, code="same_password", fields={"password": [message]})
    _validate_new_password(password, user)
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    actor.must_change_password = False
    audit_event_record(
        actor=actor, action=AuditAction.USER_PASSWORD_CHANGED, target=user, summary=user.username
    )
    return user


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool) -> User:
    """Deactivate (or reactivate) a user. Users are never deleted: the audit trail names them."""
    require(actor, Action.USERS_MANAGE)
    if user.pk == actor.pk:
        raise ConflictError(_("You cannot deactivate yourself."))
    if user.is_active == active:
        return user
    if not active and user.liaison_enterprises.exists():
        raise ConflictError(
            _("This liaison still has enterprises assigned; assign them to someone else first.")
        )
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_event_record(
        actor=actor,
        action=AuditAction.USER_ACTIVATED if active else AuditAction.USER_DEACTIVATED,
        target=user,
        summary=user.username,
    )
    return user


@transaction.atomic
def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Make a token for the actor. Returns the row and the secret, which is shown only once."""
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("Give the token a name."), fields={"name": [_("Required.")]})
    prefix = secrets.token_hex(4)
    secret = f"fg_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(user=actor, name=name[:100], prefix=prefix, digest=ApiToken.digest_of(secret))
    full_clean_or_raise(token)
    token.save()
    audit_event_record(
        actor=actor, action=AuditAction.API_TOKEN_CREATED, target=token, summary=token.name
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke one of the actor's tokens (the command post may revoke anyone's)."""
    if token.user_id != actor.pk:
        require(actor, Action.USERS_MANAGE)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_event_record(
            actor=actor, action=AuditAction.API_TOKEN_REVOKED, target=token, summary=token.name
        )
    return token


def api_token_authenticate(secret: str) -> User | None:
    """The active user behind a bearer token, or None. Marks the token as used."""
    token = api_token_resolve(secret)
    return token.user if token is not None else None


def api_token_resolve(secret: str) -> ApiToken | None:
    """The active token (of an active user) a bearer secret names, or None. Marks it as used."""
    if not secret or not secret.startswith("fg_"):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Recording every use would turn each API read into a write; once a minute is enough.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


# Two-factor sign-in (TOTP, django-otp). One TOTP device per user, named "default"; its recovery
# codes are django-otp's static device: ten single-use codes, shown once, regenerable. A wrong code
# raises ``400 wrong_code`` and writes nothing; the page records it with
# ``two_factor_failure_record`` and counts it towards the sign-in lockout (django-axes).
RECOVERY_CODE_COUNT = 10
TWO_FACTOR_DEVICE_NAME = "default"


def _wrong_code() -> ApplicationError:
    message = _("That code is not correct.")
    return ApplicationError(message, code="wrong_code", fields={"code": [message]})


def _clean_code(token: str) -> str:
    return "".join((token or "").split()).lower()


def _recovery_codes_replace(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=TWO_FACTOR_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _index in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def two_factor_enrolment_start(*, actor: User) -> TOTPDevice:
    """Make the actor a new, unconfirmed TOTP device (its secret is shown as a QR code); an
    earlier unfinished enrolment is replaced. Someone already enrolled disables first."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    if user.two_factor_enabled:
        raise ConflictError(_("Two-factor sign-in is already set up."))
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice(user=user, name=TWO_FACTOR_DEVICE_NAME, confirmed=False)
    device.save()
    return device


@transaction.atomic
def two_factor_enrolment_confirm(*, actor: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending device with a code from the app: two-factor sign-in is on, and the
    recovery codes are returned (to be shown once). Audited."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    if user.two_factor_enabled:
        raise ConflictError(_("Two-factor sign-in is already set up."))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        raise ConflictError(_("Start the set-up again: there is no pending authenticator."))
    if not device.verify_token(_clean_code(code)):
        raise _wrong_code()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_replace(user)
    user.two_factor_enabled = True
    user.save(update_fields=["two_factor_enabled"])
    actor.two_factor_enabled = True
    audit_event_record(
        actor=actor, action=AuditAction.TWO_FACTOR_ENABLED, target=user, summary=user.username
    )
    return device, codes


@transaction.atomic
def two_factor_verify(*, actor: User, code: str) -> TOTPDevice | StaticDevice:
    """The second step of signing in: a code from the app or one recovery code (which is then
    used up). Returns the device that matched, for ``django_otp.login``."""
    code = _clean_code(code)
    if code:
        for device in TOTPDevice.objects.filter(user_id=actor.pk, confirmed=True):
            if code.isdigit() and device.verify_token(code):
                return device
        for static in StaticDevice.objects.filter(user_id=actor.pk, confirmed=True):
            if static.verify_token(code):  # deletes the recovery code it matched
                audit_event_record(
                    actor=actor,
                    action=AuditAction.TWO_FACTOR_RECOVERY_CODE_USED,
                    target=actor,
                    summary=actor.username,
                    data={"left": static.token_set.count()},
                )
                return static
    raise _wrong_code()


@transaction.atomic
def two_factor_recovery_codes_regenerate(*, actor: User) -> list[str]:
    """New recovery codes for the actor (the old ones stop working). Audited."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    if not user.two_factor_enabled:
        raise ConflictError(_("Set up two-factor sign-in first."))
    codes = _recovery_codes_replace(user)
    audit_event_record(
        actor=actor,
        action=AuditAction.TWO_FACTOR_RECOVERY_REGENERATED,
        target=user,
        summary=user.username,
    )
    return codes


@transaction.atomic
def two_factor_disable(*, actor: User, user: User, code: str = "") -> User:
    """Turn two-factor sign-in off: one's own, with a current code (and only where the role does
    not require it); or another user's, by the command post (a lost phone: the user enrols again
    at the next sign-in where the role requires it). Audited."""
    if user.pk == actor.pk:
        if two_factor_required(actor):
            raise ConflictError(
                _("Your role requires two-factor sign-in; it cannot be turned off.")
            )
        if not any(
            device.verify_token(_clean_code(code))
            for device in TOTPDevice.objects.filter(user_id=actor.pk, confirmed=True)
        ):
            raise _wrong_code()
    else:
        require(actor, Action.USERS_MANAGE)
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.two_factor_enabled:
        raise ConflictError(_("Two-factor sign-in is not set up."))
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    user.two_factor_enabled = False
    user.save(update_fields=["two_factor_enabled"])
    audit_event_record(
        actor=actor, action=AuditAction.TWO_FACTOR_DISABLED, target=user, summary=user.username
    )
    return user


@transaction.atomic
def two_factor_failure_record(*, actor: User, stage: str) -> None:
    """Audit a wrong second-factor code (``stage``: "sign_in", "enrolment" or "disable"). The page
    also counts it towards the django-axes lockout."""
    audit_event_record(
        actor=actor,
        action=AuditAction.TWO_FACTOR_FAILED,
        target=actor,
        summary=actor.username,
        data={"stage": stage},
    )
