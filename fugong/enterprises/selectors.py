"""Reads on enterprises, always within the caller's scope."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from fugong.accounts.models import User
from fugong.core.errors import NotFoundError
from fugong.core.roles import Action, require
from fugong.core.scoping import enterprise_scope_q

from .models import Enterprise


def enterprise_list(
    *,
    actor: User,
    query: str = "",
    kind: str = "",
    liaison_id: int | None = None,
    in_scope: bool | None = None,
    above_scale: bool | None = None,
    key: bool | None = None,
) -> QuerySet[Enterprise]:
    """The enterprises the actor may see, filtered."""
    require(actor, Action.ENTERPRISES_VIEW)
    enterprises = Enterprise.objects.filter(enterprise_scope_q(actor)).select_related("liaison")
    if query:
        enterprises = enterprises.filter(
            Q(name__icontains=query) | Q(credit_code__icontains=query.upper())
        )
    if kind:
        enterprises = enterprises.filter(kind=kind)
    if liaison_id:
        enterprises = enterprises.filter(liaison_id=liaison_id)
    if in_scope is not None:
        enterprises = enterprises.filter(in_scope=in_scope)
    if above_scale is not None:
        enterprises = enterprises.filter(is_above_scale=above_scale)
    if key is not None:
        enterprises = enterprises.filter(is_key=key)
    return enterprises


def enterprise_get(*, actor: User, enterprise_id: int | str | None) -> Enterprise:
    """One enterprise within the actor's scope, or the 404 business error."""
    require(actor, Action.ENTERPRISES_VIEW)
    if enterprise_id is None:  # an actor without an enterprise, a form without one
        raise NotFoundError()
    enterprises = Enterprise.objects.filter(enterprise_scope_q(actor)).select_related("liaison")
    try:
        return enterprises.get(pk=int(enterprise_id))
    except (Enterprise.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error
