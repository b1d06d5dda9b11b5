"""The kept summary of each enterprise's status (``ResumptionPeriod``): computed here from the
records of truth (the approved application, the suspensions), written by the services that
change them in their transaction, and checked or rebuilt by ``manage.py summary_rebuild``.

"Resumed on D" is the brief's (``selectors.resumed_on_q``): approved by the end of D with a
resumption date on or before D, i.e. from the later of the decision's local day and the
resumption date, and no suspension covering D (from its first day until the day before its
reinstatement)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.utils import timezone

from .models import ApplicationStatus, ResumptionApplication, ResumptionPeriod, Suspension

# (valid_from, valid_until or None, resumed, suspended)
Period = tuple[date, date | None, bool, bool]


def status_periods(
    approved_from: date | None, suspensions: Iterable[tuple[date, date | None]]
) -> list[Period]:
    """The periods an enterprise is resumed or suspended in, from the first day its approval
    counts and its suspensions; days outside every period are neither."""
    suspensions = list(suspensions)
    points = sorted(
        {starts for starts, _ in suspensions}
        | {ends for _, ends in suspensions if ends is not None}
        | ({approved_from} if approved_from is not None else set())
    )
    periods: list[Period] = []
    for index, start in enumerate(points):
        end = points[index + 1] if index + 1 < len(points) else None
        suspended = any(
            starts <= start and (ends is None or ends > start) for starts, ends in suspensions
        )
        resumed = approved_from is not None and approved_from <= start and not suspended
        if not (resumed or suspended):
            continue
        if periods and periods[-1][1] == start and periods[-1][2:] == (resumed, suspended):
            periods[-1] = (periods[-1][0], end, resumed, suspended)
        else:
            periods.append((start, end, resumed, suspended))
    return periods


def recomputed_periods(enterprise_ids: Iterable[int] | None = None) -> dict[int, list[Period]]:
    """The periods of the enterprises (every enterprise with an approval or a suspension when
    ``enterprise_ids`` is None) recomputed from the application and the suspensions."""
    approved = ResumptionApplication.objects.filter(
        status=ApplicationStatus.APPROVED, decided_at__isnull=False, resumption_date__isnull=False
    )
    suspensions = Suspension.objects.all()
    if enterprise_ids is not None:
        ids = list(enterprise_ids)
        approved = approved.filter(enterprise_id__in=ids)
        suspensions = suspensions.filter(enterprise_id__in=ids)
    approved_from: dict[int, date] = {}
    for enterprise_id, decided_at, resumption_date in approved.order_by().values_list(
        "enterprise_id", "decided_at", "resumption_date"
    ):
        assert decided_at is not None and resumption_date is not None  # filtered above
        approved_from[enterprise_id] = max(timezone.localdate(decided_at), resumption_date)
    spells: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for enterprise_id, starts_on, ends_on in suspensions.order_by().values_list(
        "enterprise_id", "starts_on", "ends_on"
    ):
        spells[enterprise_id].append((starts_on, ends_on))
    result: dict[int, list[Period]] = {}
    for enterprise_id in set(approved_from) | set(spells):
        periods = status_periods(approved_from.get(enterprise_id), spells[enterprise_id])
        if periods:
            result[enterprise_id] = periods
    return result


def kept_periods(enterprise_ids: Iterable[int] | None = None) -> dict[int, list[Period]]:
    """The periods as kept in ``ResumptionPeriod``."""
    rows = ResumptionPeriod.objects.order_by("enterprise_id", "valid_from")
    if enterprise_ids is not None:
        rows = rows.filter(enterprise_id__in=list(enterprise_ids))
    result: dict[int, list[Period]] = defaultdict(list)
    for enterprise_id, *period in rows.values_list(
        "enterprise_id", "valid_from", "valid_until", "resumed", "suspended"
    ):
        result[enterprise_id].append(tuple(period))  # type: ignore[arg-type]
    return dict(result)


def resumption_periods_refresh(enterprise_ids: Iterable[int]) -> None:
    """Rewrite the kept periods of these enterprises from their records: called by the
    services that approve, suspend or reinstate, in their transaction (the enterprise row is
    locked by them, so two writers of one enterprise's periods run one after the other)."""
    ids = list(enterprise_ids)
    fresh = recomputed_periods(ids)
    ResumptionPeriod.objects.filter(enterprise_id__in=ids).delete()
    _write(fresh)


def _write(periods: dict[int, list[Period]]) -> None:
    ResumptionPeriod.objects.bulk_create(
        [
            ResumptionPeriod(
                enterprise_id=enterprise_id,
                valid_from=start,
                valid_until=end,
                resumed=resumed,
                suspended=suspended,
            )
            for enterprise_id, rows in periods.items()
            for start, end, resumed, suspended in rows
        ],
        batch_size=1000,
    )


def resumption_period_differences(*, repair: bool = False) -> list[str]:
    """Where the kept periods differ from the recomputation, one line per enterprise; with
    ``repair``, the kept periods of those enterprises are rewritten."""
    kept, fresh = kept_periods(), recomputed_periods()
    wrong = sorted(
        enterprise_id
        for enterprise_id in set(kept) | set(fresh)
        if kept.get(enterprise_id, []) != fresh.get(enterprise_id, [])
    )
    if repair and wrong:
        ResumptionPeriod.objects.filter(enterprise_id__in=wrong).delete()
        _write(
            {
                enterprise_id: fresh[enterprise_id]
                for enterprise_id in wrong
                if enterprise_id in fresh
            }
        )
    return [
        f"enterprise {enterprise_id}: kept {kept.get(enterprise_id, [])} "
        f"!= recomputed {fresh.get(enterprise_id, [])}"
        for enterprise_id in wrong
    ]
