"""Applying the screening rules to workers: the clearance of every worker a query selects is
recomputed with the pure ``fugong.screening.engine.assess`` and only the clearances that changed
are written, in one set-based update, with who changed recorded in a ScreeningRun.

Workforce asks for re-screening through ``rescreen`` (a registration, an edit, a move, the gate's
medical hold); a rule change in the screening app, a layer below, asks through
``fugong.screening.rescreening``, to which ``rescreen_for_rules`` is registered when Django starts
(``WorkforceConfig.ready``).
"""

from __future__ import annotations

import time as clock
from collections import defaultdict
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from fugong.accounts.models import User
from fugong.core.bulk import bulk_update_rows
from fugong.enterprises.models import Enterprise
from fugong.screening.engine import (
    WORKER_FACT_FIELDS,
    Stay,
    areas_in_force,
    assess,
    facts_from_row,
    policy_on,
)
from fugong.screening.models import ClearanceChange, ScreeningRun

from .models import TravelRecord, Worker


def division_filter(prefix: str) -> Q:
    """Workers who spent the holiday in, or passed through, divisions under ``prefix``."""
    return Q(holiday_location_code__startswith=prefix) | Q(
        Exists(TravelRecord.objects.filter(worker=OuterRef("pk"), division_code__startswith=prefix))
    )


@transaction.atomic
def rescreen(
    *,
    workers_filter: Q,
    trigger: str,
    actor: User | None = None,
    description: str = "",
    today: date | None = None,
    enterprise: Enterprise | None = None,
) -> ScreeningRun:
    """Recompute the clearance of the workers matching ``workers_filter``; returns the run."""
    started = clock.perf_counter()
    now = timezone.now()
    today = today or timezone.localdate(now)
    policy = policy_on(today)
    areas = areas_in_force(today)
    city_prefix = settings.FUGONG_PARK_CITY_PREFIX
    selected = Worker.objects.filter(workers_filter)
    rows = list(selected.values(*WORKER_FACT_FIELDS))
    travel: dict[int, list[Stay]] = defaultdict(list)
    if rows:
        for worker_id, code, start, end in TravelRecord.objects.filter(
            worker__in=selected.values("pk")
        ).values_list("worker_id", "division_code", "from_date", "to_date"):
            travel[worker_id].append((code, start, end))
    updates = []
    changes = []
    for row in rows:
        outcome = assess(
            facts_from_row(row, travel[row["id"]]),
            policy=policy,
            areas=areas,
            today=today,
            city_prefix=city_prefix,
        )
        new = outcome.as_row()
        old = (row["clearance"], row["observation_until"], row["clearance_reasons"])
        if new != old:
            updates.append((row["id"], *new, now))
            if new[:2] != old[:2]:
                changes.append((row, outcome))
    run = ScreeningRun.objects.create(
        trigger=trigger,
        enterprise=enterprise,
        description=description[:300],
        created_at=now,
        created_by=actor,
        examined=len(rows),
        changed=len(changes),
    )
    if updates:
        bulk_update_rows(
            Worker,
            ["clearance", "observation_until", "clearance_reasons", "clearance_computed_at"],
            updates,
        )
        ClearanceChange.objects.bulk_create(
            (
                ClearanceChange(
                    run=run,
                    worker_id=row["id"],
                    enterprise_id=row["enterprise_id"],
                    old_clearance=row["clearance"],
                    old_until=row["observation_until"],
                    new_clearance=outcome.clearance,
                    new_until=outcome.until,
                    reasons=list(outcome.reasons),
                )
                for row, outcome in changes
            ),
            batch_size=2000,
        )
    run.duration_ms = int((clock.perf_counter() - started) * 1000)
    run.save(update_fields=["duration_ms"])
    return run


def rescreen_for_rules(
    *, division_prefix: str | None, trigger: str, actor: User | None = None, description: str = ""
) -> ScreeningRun:
    """Re-screen after a rule change: the workers who spent the holiday in or passed through
    divisions under ``division_prefix`` (a risk area), or everyone (``None``: a new policy, the
    daily run)."""
    workers_filter = Q() if division_prefix is None else division_filter(division_prefix)
    return rescreen(
        workers_filter=workers_filter, trigger=trigger, actor=actor, description=description
    )
