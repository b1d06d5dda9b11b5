"""The set-based roster import against the straightforward path: after a mix of new, changed,
unchanged and re-employed rows, every worker's stored clearance is what the per-worker
re-screening (``clearance.rescreen``, one ``assess`` per worker, no memo) computes; an unchanged
re-import writes nothing of the workforce's; and the bulk helpers the import reads and writes with
(``select_rows``, the row and JSON adapters) store and read what the ORM does."""

import random
from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fugong.core import bulk
from fugong.core.bulk import bulk_insert_rows, select_rows
from fugong.screening.models import ClearanceChange, ScreeningRun
from fugong.screening.services import risk_area_add
from fugong.workforce.clearance import rescreen
from fugong.workforce.imports import COLUMNS, worker_import
from fugong.workforce.models import Employment, TravelRecord, Worker
from fugong.workforce.services import worker_leave
from fugong.workforce.services.outbreak import closure_open
from fugong.workforce.synthetic import roster_rows

from .test_imports import upload

pytestmark = pytest.mark.django_db
INDEX = {column.key: position for position, column in enumerate(COLUMNS)}


def clearances() -> dict[int, tuple]:
    return {
        worker_id: (clearance, until, reasons)
        for worker_id, clearance, until, reasons in Worker.objects.values_list(
            "id", "clearance", "observation_until", "clearance_reasons"
        )
    }


def changed_rows(rows: list[list[str]], rng: random.Random, today: date) -> list[list[str]]:
    """The file imported again, some rows changed the ways a roster changes."""
    recent = (today - timedelta(days=4)).isoformat()
    result = [list(values) for values in rows]
    for values in rng.sample(result, k=len(result) // 2):
        change = rng.randrange(6)
        if change == 0:
            values[INDEX["symptoms"]] = "发热"
        elif change == 1:
            values[INDEX["phone"]] = "" if rng.random() < 0.5 else "13912345678"
        elif change == 2:
            values[INDEX["travel"]] = f"武汉市 {recent}~{recent}"
        elif change == 3:
            values[INDEX["holiday_location"]] = "湖北省武汉市"
            values[INDEX["returned_on"]] = recent
        elif change == 4:
            values[INDEX["contact_on"]] = recent
        else:
            values[INDEX["department"]] = "新车间"
    return result


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_mixed_rows_store_the_clearances_the_per_worker_path_computes(park, seed):
    today = timezone.localdate()
    rng = random.Random(seed)
    risk_area_add(
        actor=park.command, division_code="420100", level="high", starts_on=today - timedelta(30)
    )
    rows = list(roster_rows(40, seed=seed, today=today))
    first = worker_import(actor=park.officer, enterprise=park.a, upload=upload(rows[:30]))
    assert first.ok and first.created == 30, first.errors
    # A department of the enterprise closed over a case: its workers are not cleared.
    department = rows[0][INDEX["department"]]
    closure_open(
        actor=park.command,
        enterprise=park.a,
        department=department,
        reason="病例",
        case_reference="病例1",
    )
    # One worker leaves and comes back with the second file (taken on again, starting clean).
    leaver = Worker.objects.order_by("id")[5]
    worker_leave(actor=park.officer, worker=leaver)

    second = changed_rows(rows[:30], rng, today) + rows[30:]
    report = worker_import(actor=park.officer, enterprise=park.a, upload=upload(second))
    assert report.ok, report.errors
    assert report.created == 10 and report.moved == 1
    assert report.created + report.updated + report.moved + report.unchanged == 40
    assert Worker.objects.filter(enterprise=park.a).count() == 40
    assert Employment.objects.filter(enterprise=park.a, ended_on__isnull=True).count() == 40

    stored = clearances()
    run = rescreen(workers_filter=Q(), trigger="policy")
    assert run.examined == Worker.objects.count()
    assert run.changed == 0
    assert clearances() == stored


def test_an_unchanged_reimport_writes_nothing_of_the_workforce(park):
    today = timezone.localdate()
    rows = list(roster_rows(25, seed=5, today=today))
    assert worker_import(actor=park.officer, enterprise=park.a, upload=upload(rows)).ok
    workers = list(Worker.objects.order_by("id").values())
    travel = list(TravelRecord.objects.order_by("id").values())
    with CaptureQueriesContext(connection) as queries:
        report = worker_import(actor=park.officer, enterprise=park.a, upload=upload(rows))
    assert (report.unchanged, report.created, report.updated, report.clearance_changed) == (
        25,
        0,
        0,
        0,
    )
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "workforce_" in query["sql"]
    ]
    assert writes == []
    assert list(Worker.objects.order_by("id").values()) == workers
    assert list(TravelRecord.objects.order_by("id").values()) == travel
    run = ScreeningRun.objects.filter(trigger="import").order_by("id").last()
    assert (run.examined, run.changed) == (25, 0)


def test_select_rows_reads_what_values_list_reads(park):
    today = timezone.localdate()
    rows = list(roster_rows(20, seed=9, today=today))
    assert worker_import(actor=park.officer, enterprise=park.a, upload=upload(rows)).ok
    fields = ("id", "full_name", "returned_on", "health_code_on", "clearance_reasons", "created_at")
    workers = Worker.objects.filter(enterprise=park.a).order_by("id")
    assert select_rows(workers, fields) == list(workers.values_list(*fields))
    assert select_rows(Worker.objects.filter(pk__in=[]), fields) == []


@pytest.mark.parametrize("remembered", [20_000, 2])
def test_bulk_insert_rows_serialises_shared_and_distinct_json_values(park, monkeypatch, remembered):
    # 2: the cache of JSON texts is emptied as it fills, in the middle of the rows.
    monkeypatch.setattr(bulk, "JSON_CACHE_ENTRIES", remembered)
    worker = Worker.objects.create(
        full_name="甲", residence_code="430602", document_digest="d" * 64, enterprise=park.a
    )
    run = ScreeningRun.objects.create(
        trigger=ScreeningRun.Trigger.IMPORT, created_at=timezone.now(), examined=6, changed=6
    )
    shared = [{"code": "symptoms", "detail": "发热"}]
    reasons = [
        shared,
        shared,
        [{"code": "missing_holiday_location"}],
        [],
        [{"code": "risk_area", "area": "420100"}],
        shared,
    ]
    bulk_insert_rows(
        ClearanceChange,
        ["run", "worker", "enterprise", "old_clearance", "new_clearance", "reasons"],
        [(run.pk, worker.pk, park.a.pk, "cleared", "not_cleared", value) for value in reasons],
    )
    stored = list(run.changes.order_by("id").values_list("reasons", flat=True))
    assert stored == reasons
