"""Reads on users. Only the command post lists users; everyone sees their own tokens."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from fugong.core.errors import NotFoundError
from fugong.core.roles import Action, Role, require

from .models import ApiToken, User


def user_list(*, actor: User, query: str = "", role: str = "") -> QuerySet[User]:
    require(actor, Action.USERS_MANAGE)
    users = User.objects.select_related("enterprise").order_by("role", "username")
    if query:
        users = users.filter(
            Q(username__icontains=query)
            | Q(full_name__icontains=query)
            | Q(enterprise__name__icontains=query)
        )
    if role:
        users = users.filter(role=role)
    return users


def user_get(*, actor: User, user_id: int) -> User:
    require(actor, Action.USERS_MANAGE)
    try:
        return User.objects.select_related("enterprise").get(pk=user_id)
    except (User.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


def liaison_choices() -> QuerySet[User]:
    """Active liaison officers, leaders first."""
    return User.objects.filter(role=Role.LIAISON, is_active=True).order_by(
        "-is_leader", "full_name"
    )


def api_token_list(*, actor: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=actor)


def api_token_get(*, actor: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.filter(pk=token_id, user=actor).first()
    if token is None:
        raise NotFoundError()
    return token
