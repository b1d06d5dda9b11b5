"""The history of an enterprise's counted attributes (``EnterpriseHistory``): kept by the
services that change them, read by the figures so that a past day uses that day's values."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from .models import Enterprise, EnterpriseHistory

# The attributes the figures count and group by; a change to one of them starts a new row.
HISTORY_FIELDS = ("kind", "is_above_scale", "in_scope", "liaison_id")

Values = tuple[str, bool, bool, int | None]


def _values(item: Enterprise | EnterpriseHistory) -> Values:
    return (item.kind, bool(item.is_above_scale), bool(item.in_scope), item.liaison_id)


def registered_on(enterprise: Enterprise) -> date:
    return timezone.localdate(enterprise.created_at)


def _first_row(enterprise: Enterprise) -> EnterpriseHistory:
    kind, is_above_scale, in_scope, liaison_id = _values(enterprise)
    return EnterpriseHistory(
        enterprise_id=enterprise.pk,
        valid_from=registered_on(enterprise),
        kind=kind,
        is_above_scale=is_above_scale,
        in_scope=in_scope,
        liaison_id=liaison_id,
    )


@transaction.atomic
def enterprise_history_record(enterprise: Enterprise, *, on: date | None = None) -> None:
    """Bring the enterprise's current history row to its current values, from ``on`` (today):
    the row of the days before is closed on ``on`` and a new one opened. Changed again the same
    day (or from a day on or before the current row's start), that row is changed in place: a
    day counts with its last values. Called by the
    services that save an enterprise, in their transaction."""
    on = on or timezone.localdate()
    current = (
        EnterpriseHistory.objects.select_for_update()
        .filter(enterprise_id=enterprise.pk, valid_until__isnull=True)
        .first()
    )
    if current is None:
        _first_row(enterprise).save()
        return
    values = _values(enterprise)
    if _values(current) == values:
        return
    kind, is_above_scale, in_scope, liaison_id = values
    if current.valid_from < on:
        current.valid_until = on
        current.save(update_fields=["valid_until"])
        current = EnterpriseHistory(enterprise_id=enterprise.pk, valid_from=on)
    current.kind, current.is_above_scale = kind, is_above_scale
    current.in_scope, current.liaison_id = in_scope, liaison_id
    current.save()


def enterprise_history_start(enterprises: Iterable[Enterprise]) -> None:
    """The first history row of newly registered enterprises (a bulk registration)."""
    EnterpriseHistory.objects.bulk_create(
        [_first_row(enterprise) for enterprise in enterprises], batch_size=500
    )


def enterprise_history_differences(*, repair: bool = False) -> list[str]:
    """Where the kept history disagrees with the enterprises: an enterprise without a current
    row, or whose current row holds other values than its own (changed without its service).
    With ``repair``, each is put right (from today: the past was not recorded)."""
    current = {
        row.enterprise_id: row for row in EnterpriseHistory.objects.filter(valid_until__isnull=True)
    }
    differences: list[str] = []
    missing: list[Enterprise] = []
    for enterprise in Enterprise.objects.only(
        "pk", "created_at", "kind", "is_above_scale", "in_scope", "liaison_id"
    ).order_by("pk"):
        row = current.get(enterprise.pk)
        if row is None:
            differences.append(f"enterprise {enterprise.pk}: no current history row")
            missing.append(enterprise)
            continue
        if _values(row) != _values(enterprise):
            differences.append(
                f"enterprise {enterprise.pk}: history {_values(row)} != {_values(enterprise)}"
            )
            if repair:
                enterprise_history_record(enterprise)
    if repair:
        # Those without any row: a first row from their registration (rows that are not
        # current but no current one cannot happen through the services).
        enterprise_history_start(
            enterprise
            for enterprise in missing
            if not EnterpriseHistory.objects.filter(enterprise_id=enterprise.pk).exists()
        )
    return differences
