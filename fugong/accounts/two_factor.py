"""Who must sign in with a second factor (TOTP, django-otp): with ``FUGONG_REQUIRE_TWO_FACTOR`` on
(production), the command post and every role that can reveal or export full ID or phone numbers
(district liaisons receive full phones in their handover lists: ``WORKERS_REVEAL_PHONE``)."""

from __future__ import annotations

from django.conf import settings

from fugong.core.roles import ROLE_ACTIONS, Action, Role
from fugong.core.types import AnyActor

REVEALING_ACTIONS = frozenset({Action.WORKERS_REVEAL_IDENTITY, Action.WORKERS_REVEAL_PHONE})
TWO_FACTOR_ROLES = frozenset(
    {Role.COMMAND} | {role for role, actions in ROLE_ACTIONS.items() if actions & REVEALING_ACTIONS}
)


def two_factor_required(user: AnyActor) -> bool:
    """Whether this user must have a confirmed TOTP device to use the application."""
    return (
        bool(settings.FUGONG_REQUIRE_TWO_FACTOR) and getattr(user, "role", "") in TWO_FACTOR_ROLES
    )
