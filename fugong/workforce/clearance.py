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
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.core.bulk import bulk_update_rows
from fugong.enterprises.models import Enterprise
from fugong.jobs.progress import Progress
from fugong.screening.engine import (
    WORKER_FACT_FIELDS,
    Stay,
    areas_in_force,
    assess,
    facts_from_row,
    policy_on,
)
from fugong.screening.models import ClearanceChange, ScreeningRun

from .models import DepartmentClosure, TravelRecord, Worker

# The open closures of some enterprises: enterprise id → [(department or "", case reference)].
Closures = dict[int, list[tuple[str, str]]]


def division_filter(prefix: str) -> Q:
    """Workers who spent the holiday in, or passed through, divisions under ``prefix``."""
    return Q(holiday_location_code__startswith=prefix) | Q(
        Exists(TravelRecord.objects.filter(worker=OuterRef("pk"), division_code__startswith=prefix))
    )


def open_closures(enterprise_id: int | None = None) -> Closures:
    """The open closures of one enterprise, or of all (there are few: read them all rather
    than pass thousands of enterprise ids to the database)."""
    closures: Closures = defaultdict(list)
    rows = DepartmentClosure.objects.filter(reopened_at__isnull=True)
    if enterprise_id is not None:
        rows = rows.filter(enterprise_id=enterprise_id)
    for enterprise_id_, department, case in rows.order_by("department", "pk").values_list(
        "enterprise_id", "department", "case_reference"
    ):
        closures[enterprise_id_].append((department, case))
    return closures


def closures_covering(
    closures: Closures, enterprise_id: int | None, department: str
) -> tuple[tuple[str, str], ...]:
    """The closures that cover a worker of ``enterprise_id`` in ``department``: the whole
    enterprise's, and their department's."""
    if enterprise_id is None:
        return ()
    return tuple(
        (closed, case)
        for closed, case in closures.get(enterprise_id, ())
        if not closed or (department and closed == department)
    )


@dataclass
class _Rules:
    """What a re-screening applies, read once: the policy and risk areas of its day."""

    now: datetime
    today: date
    policy: Any
    areas: Any
    city_prefix: str

    @classmethod
    def of(cls, today: date | None) -> _Rules:
        now = timezone.now()
        today = today or timezone.localdate(now)
        return cls(
            now, today, policy_on(today), areas_in_force(today), settings.FUGONG_PARK_CITY_PREFIX
        )


def _assess(selected: QuerySet[Worker], rules: _Rules) -> tuple[int, list, list]:
    """The workers ``selected`` assessed: how many, the clearance rows to write, and the
    changes of clearance to record."""
    rows = list(selected.values(*WORKER_FACT_FIELDS, "department"))
    travel: dict[int, list[Stay]] = defaultdict(list)
    closures: Closures = {}
    if rows:
        for worker_id, code, start, end in TravelRecord.objects.filter(
            worker__in=selected.values("pk")
        ).values_list("worker_id", "division_code", "from_date", "to_date"):
            travel[worker_id].append((code, start, end))
        closures = open_closures()
    updates = []
    changes = []
    for row in rows:
        outcome = assess(
            facts_from_row(
                row,
                travel[row["id"]],
                closures_covering(closures, row["enterprise_id"], row["department"]),
            ),
            policy=rules.policy,
            areas=rules.areas,
            today=rules.today,
            city_prefix=rules.city_prefix,
        )
        new = outcome.as_row()
        old = (row["clearance"], row["observation_until"], row["clearance_reasons"])
        if new != old:
            updates.append((row["id"], *new, rules.now))
            if new[:2] != old[:2]:
                changes.append((row, outcome))
    return len(rows), updates, changes


def _write(run: ScreeningRun, updates: list, changes: list) -> None:
    if not updates:
        return
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
    rules = _Rules.of(today)
    examined, updates, changes = _assess(Worker.objects.filter(workers_filter), rules)
    run = ScreeningRun.objects.create(
        trigger=trigger,
        enterprise=enterprise,
        description=description[:300],
        created_at=rules.now,
        created_by=actor,
        examined=examined,
        changed=len(changes),
    )
    _write(run, updates, changes)
    run.duration_ms = int((clock.perf_counter() - started) * 1000)
    run.save(update_fields=["duration_ms"])
    return run


# Workers per committed batch of a re-screening run as a background job.
RESCREEN_BATCH = 5000


def rescreen_in_batches(
    *,
    workers_filter: Q,
    trigger: str,
    progress: Progress,
    actor: User | None = None,
    description: str = "",
    batch: int = RESCREEN_BATCH,
) -> ScreeningRun:
    """``rescreen`` for a background job: the workers in batches by id, each batch read,
    assessed and written in its own transaction, progress reported (workers done / total)
    between them. The run's counts grow with each batch committed; a run cut short (a dead
    worker) has re-screened the batches it committed, and re-screening is idempotent, so the
    job may simply run again."""
    started = clock.perf_counter()
    rules = _Rules.of(None)
    ids = list(Worker.objects.filter(workers_filter).order_by("pk").values_list("pk", flat=True))
    progress.stage(_("Re-screening workers"), total=len(ids))
    run = ScreeningRun.objects.create(
        trigger=trigger,
        description=description[:300],
        created_at=rules.now,
        created_by=actor,
    )
    for offset in range(0, len(ids), batch):
        chunk = ids[offset : offset + batch]
        selected = Worker.objects.filter(workers_filter, pk__gte=chunk[0], pk__lte=chunk[-1])
        with transaction.atomic():
            examined, updates, changes = _assess(selected, rules)
            _write(run, updates, changes)
            ScreeningRun.objects.filter(pk=run.pk).update(
                examined=F("examined") + examined, changed=F("changed") + len(changes)
            )
        progress.advance(offset + len(chunk))
    run.refresh_from_db(fields=["examined", "changed"])
    run.duration_ms = int((clock.perf_counter() - started) * 1000)
    run.save(update_fields=["duration_ms"])
    return run


def rescreen_for_rules(
    *,
    division_prefix: str | None,
    trigger: str,
    actor: User | None = None,
    description: str = "",
    progress: Progress | None = None,
) -> ScreeningRun:
    """Re-screen after a rule change: the workers who spent the holiday in or passed through
    divisions under ``division_prefix`` (a risk area), or everyone (``None``: a new policy, the
    daily run). With ``progress`` (a background job), in committed batches."""
    workers_filter = Q() if division_prefix is None else division_filter(division_prefix)
    if progress is not None:
        return rescreen_in_batches(
            workers_filter=workers_filter,
            trigger=trigger,
            actor=actor,
            description=description,
            progress=progress,
        )
    return rescreen(
        workers_filter=workers_filter, trigger=trigger, actor=actor, description=description
    )


def rescreen_count(*, division_prefix: str | None) -> int:
    """How many workers a re-screening after a rule change would examine."""
    workers_filter = Q() if division_prefix is None else division_filter(division_prefix)
    return Worker.objects.filter(workers_filter).count()
