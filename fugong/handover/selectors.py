"""Reads on handover lists: the command post sees all; a district liaison only their district's."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from fugong.accounts.models import User
from fugong.core.errors import NotFoundError
from fugong.core.roles import Action, Role, require

from .models import HandoverList


def handover_scope(actor: User) -> QuerySet[HandoverList]:
    require(actor, Action.HANDOVER_VIEW)
    lists = HandoverList.objects.all()
    if actor.role != Role.COMMAND:
        lists = (
            lists.filter(district_code=actor.district_code) if actor.district_code else lists.none()
        )
    return lists


def handover_list(*, actor: User, unacknowledged: bool = False) -> QuerySet[HandoverList]:
    lists = handover_scope(actor).select_related("generated_by", "acknowledged_by")
    if unacknowledged:
        lists = lists.filter(acknowledged_at__isnull=True)
    return lists.order_by("-generated_at", "district_code", "kind")


def handover_get(*, actor: User, list_id: int | str) -> HandoverList:
    try:
        return handover_scope(actor).get(pk=int(list_id))
    except (HandoverList.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


def unacknowledged_count(*, actor: User) -> int:
    return handover_scope(actor).filter(Q(acknowledged_at__isnull=True)).count()
