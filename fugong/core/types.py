"""Types core shares with the apps, without importing any of them.

core cannot import ``fugong.accounts`` (it sits below every app), yet its role checks and scope
filters take a signed-in user. ``Actor`` says what they read of one; ``accounts.User`` fits it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeAlias

if TYPE_CHECKING:
    # Not at run time: importing auth's models needs the app registry, and roles are imported
    # while it is being filled.
    from django.contrib.auth.models import AnonymousUser


class Actor(Protocol):
    """What core needs of a signed-in user: who they are, their role, and where that role
    applies (an enterprise for officers and gate operators, a district for district liaisons).

    Read-only properties, so that a model's fields (and ``is_authenticated``, a property returning
    ``True``) satisfy them.
    """

    @property
    def pk(self) -> int: ...

    @property
    def username(self) -> str: ...

    @property
    def full_name(self) -> str: ...

    @property
    def role(self) -> str: ...

    @property
    def enterprise_id(self) -> int | None: ...

    @property
    def district_code(self) -> str: ...

    @property
    def is_leader(self) -> bool: ...

    @property
    def is_active(self) -> bool: ...

    @property
    def is_authenticated(self) -> bool: ...


# What ``request.user`` may be: a signed-in user or the anonymous visitor.
AnyActor: TypeAlias = "Actor | AnonymousUser"
