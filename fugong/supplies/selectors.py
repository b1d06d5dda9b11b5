"""Reads on supplies, scoped: the command post sees the reserve and every enterprise, a liaison
their enterprises, an enterprise officer their own; anything else is 404.

Days of supply = stock ÷ average daily use over the last 7 days (the day itself and the six
before it, use recorded as "daily use" rows, divided by 7); no use recorded → no figure.
Stock as of a day is the sum of the ledger rows dated up to that day, so every figure can be
read for a past day too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from fugong.accounts.models import User
from fugong.core.errors import NotFoundError
from fugong.core.roles import Action, require
from fugong.core.scoping import enterprise_scope_q
from fugong.enterprises.models import Enterprise

from .models import EntryKind, RequestStatus, SupplyEntry, SupplyItem, SupplyRequest

USE_WINDOW_DAYS = 7


@dataclass(frozen=True)
class StockRow:
    item: SupplyItem
    quantity: Decimal
    daily_use: Decimal | None  # average over the window; None when nothing was used
    days: Decimal | None  # days of supply; None without use

    @property
    def warning(self) -> bool:
        return self.days is not None and self.days < self.item.warning_days


def days_of_supply(
    stock: Decimal, used_in_window: Decimal
) -> tuple[Decimal | None, Decimal | None]:
    """(average daily use, days of supply) from the stock and the use over the window."""
    if used_in_window <= 0:
        return None, None
    average = used_in_window / USE_WINDOW_DAYS
    days = (max(stock, Decimal(0)) / average).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return average.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), days


def mask_days_threshold() -> int:
    return int(settings.FUGONG_SUPPLIES_MASK_DAYS)


def item_list(*, actor: User, active_only: bool = False) -> QuerySet[SupplyItem]:
    require(actor, Action.SUPPLIES_VIEW)
    items = SupplyItem.objects.all()
    return items.filter(active=True) if active_only else items


def item_get(*, actor: User, item_id: int | str) -> SupplyItem:
    require(actor, Action.SUPPLIES_VIEW)
    try:
        return SupplyItem.objects.get(pk=int(item_id))
    except (SupplyItem.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


def enterprise_for_supplies(*, actor: User, enterprise_id: int | str | None) -> Enterprise:
    """An enterprise in the actor's scope whose supplies they may read, or 404."""
    require(actor, Action.SUPPLIES_VIEW)
    if enterprise_id is None:
        raise NotFoundError()
    try:
        return Enterprise.objects.filter(enterprise_scope_q(actor)).get(pk=int(enterprise_id))
    except (Enterprise.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


def _place_q(enterprise: Enterprise | None) -> Q:
    return Q(enterprise__isnull=True) if enterprise is None else Q(enterprise=enterprise)


def stock_rows(
    *, actor: User, enterprise: Enterprise | None, on: date | None = None
) -> list[StockRow]:
    """Every active item (and any inactive one with stock) at a place, as of a day."""
    require(actor, Action.SUPPLIES_VIEW if enterprise is not None else Action.SUPPLIES_MANAGE)
    on = on or timezone.localdate()
    window_start = on - timedelta(days=USE_WINDOW_DAYS - 1)
    entries = SupplyEntry.objects.filter(_place_q(enterprise), occurred_on__lte=on)
    totals = dict(
        entries.values("item").annotate(total=Sum("quantity")).values_list("item", "total")
    )
    used = dict(
        entries.filter(kind=EntryKind.DAILY_USE, occurred_on__gte=window_start)
        .values("item")
        .annotate(total=Sum("quantity"))
        .values_list("item", "total")
    )
    rows = []
    for item in SupplyItem.objects.all():
        quantity = totals.get(item.pk) or Decimal(0)
        if not item.active and not quantity:
            continue
        average, days = days_of_supply(quantity, -(used.get(item.pk) or Decimal(0)))
        rows.append(StockRow(item, quantity, average, days))
    return rows


def entry_list(
    *, actor: User, enterprise: Enterprise | None, item_id: int | None = None
) -> QuerySet[SupplyEntry]:
    """The ledger of a place, newest first (the enterprise already found in scope)."""
    require(actor, Action.SUPPLIES_VIEW if enterprise is not None else Action.SUPPLIES_MANAGE)
    entries = SupplyEntry.objects.filter(_place_q(enterprise)).select_related(
        "item", "recorded_by", "enterprise"
    )
    if item_id:
        entries = entries.filter(item_id=item_id)
    return entries


def request_list(
    *,
    actor: User,
    status: str = "",
    enterprise_id: int | None = None,
) -> QuerySet[SupplyRequest]:
    require(actor, Action.SUPPLIES_VIEW)
    requests = SupplyRequest.objects.filter(enterprise_scope_q(actor, "enterprise")).select_related(
        "enterprise", "item", "requested_by", "decided_by"
    )
    if status:
        requests = requests.filter(status=status)
    if enterprise_id:
        requests = requests.filter(enterprise_id=enterprise_id)
    return requests


def request_get(*, actor: User, request_id: int | str) -> SupplyRequest:
    try:
        return request_list(actor=actor).get(pk=int(request_id))
    except (SupplyRequest.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


def pending_request_count(*, actor: User) -> int:
    return request_list(actor=actor, status=RequestStatus.PENDING).count()


@dataclass(frozen=True)
class MaskDays:
    enterprise: Enterprise
    stock: Decimal
    daily_use: Decimal
    days: Decimal


def enterprises_low_on_masks(
    enterprises: QuerySet[Enterprise], *, on: date, below: int | None = None
) -> list[MaskDays]:
    """The enterprises (of a scoped queryset) whose masks, all mask items together, last fewer
    than ``below`` days as of ``on`` (those that recorded mask use in the window; the fewest
    days first). Two grouped queries, whatever the number of enterprises."""
    below = mask_days_threshold() if below is None else below
    window_start = on - timedelta(days=USE_WINDOW_DAYS - 1)
    masks = SupplyEntry.objects.filter(
        item__is_mask=True, enterprise__in=enterprises.values("pk"), occurred_on__lte=on
    )
    used = dict(
        masks.filter(kind=EntryKind.DAILY_USE, occurred_on__gte=window_start)
        .values("enterprise")
        .annotate(total=Sum("quantity"))
        .values_list("enterprise", "total")
    )
    if not used:
        return []
    stock = dict(
        masks.filter(enterprise__in=list(used))
        .values("enterprise")
        .annotate(total=Sum("quantity"))
        .values_list("enterprise", "total")
    )
    low = []
    by_id = Enterprise.objects.in_bulk(list(used))
    for enterprise_id, total_used in used.items():
        average, days = days_of_supply(stock.get(enterprise_id) or Decimal(0), -total_used)
        if days is not None and average is not None and days < below:
            low.append(
                MaskDays(
                    by_id[enterprise_id], stock.get(enterprise_id) or Decimal(0), average, days
                )
            )
    return sorted(low, key=lambda row: (row.days, row.enterprise.name))
