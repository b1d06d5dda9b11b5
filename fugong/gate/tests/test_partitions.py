"""The gate checks and the attendance rows partitioned by month on PostgreSQL: the layout the
migration makes, client ids unique across the months, partitions made ahead and rows moved out
of the DEFAULT partition, the day's queries reading one partition, and the migration moving an
existing unpartitioned table. On SQLite the tables stay plain (and these tests are skipped), but
the abnormal event's link to its check is kept by the service and PROTECT on both."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models.deletion import ProtectedError
from django.utils import timezone

from fugong.core.bulk import insert_rows_returning
from fugong.core.errors import ConflictError
from fugong.gate import partitions, services
from fugong.gate.jobs import PARTITIONS_EVERY_SECONDS
from fugong.gate.models import AbnormalEvent, Attendance, GateCheck
from fugong.gate.services.checks import CHECK_FIELDS, CHECK_VALUES
from fugong.jobs.registry import upkeep_all

from .factories import check
from .helpers import record

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="partitioning is PostgreSQL's: on SQLite the tables are plain (see gate.partitions)",
)

BEFORE = ("gate", "0010_gatecheck_visitor_gate_day_index")
AFTER = ("gate", "0011_partition_by_month")


def partition_of(model, pk) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tableoid::regclass::text FROM {model._meta.db_table} WHERE id = %s",  # noqa: S608
            [pk],
        )
        return cursor.fetchone()[0]


def stored_copy(stored: GateCheck, **changes) -> GateCheck:
    """A new, unsaved check with the fields of ``stored`` and ``changes``."""
    values = {
        field.attname: getattr(stored, field.attname)
        for field in GateCheck._meta.concrete_fields
        if not field.primary_key
    }
    return GateCheck(**{**values, **changes})


# ----- on every database ------------------------------------------------------------------------


def test_an_event_s_check_is_stored_with_it_and_protected_without_a_database_constraint(
    park, gate, token
):
    field = AbnormalEvent._meta.get_field("gate_check")
    assert field.db_constraint is False
    (result,) = record(
        gate,
        check(
            pass_token=token,
            temperature=Decimal("38.2"),
            temperature_recheck=Decimal("38.0"),
            recheck_method="axillary",
        ),
    )
    event = AbnormalEvent.objects.get()
    assert event.gate_check_id == result.check.pk
    assert GateCheck.objects.filter(pk=event.gate_check_id).exists()
    with pytest.raises(ProtectedError):
        GateCheck.objects.get(pk=result.check.pk).delete()
    assert (
        AbnormalEvent.objects.filter(gate_check__isnull=False)
        .exclude(gate_check__in=GateCheck.objects.all())
        .count()
        == 0
    )


def test_the_worker_makes_the_partitions_ahead_at_start_and_every_few_hours():
    (upkeep,) = [task for task in upkeep_all() if task.name == "gate.partitions"]
    assert upkeep.run is partitions.partitions_ensure
    assert upkeep.every_seconds == PARTITIONS_EVERY_SECONDS
    from fugong.jobs.management.commands.db_worker import upkeep as run_upkeep

    calls = []
    last_runs: dict[str, float] = {}
    upkeep_all_before = upkeep_all()
    try:
        from fugong.jobs import registry

        registry.register_upkeep("tests.count", run=lambda: calls.append(1), every_seconds=100)
        assert "tests.count" in run_upkeep(last_runs, now=1000.0)
        assert "tests.count" not in run_upkeep(last_runs, now=1050.0)
        assert "tests.count" in run_upkeep(last_runs, now=1100.0)
        assert len(calls) == 2
    finally:
        registry._UPKEEP.pop("tests.count", None)
    assert upkeep_all() == upkeep_all_before


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite side of partitioning")
def test_on_sqlite_nothing_is_partitioned():
    assert partitions.partitions_ensure() == []


def test_the_months_ahead():
    from datetime import date

    assert partitions.months_from(date(2026, 11, 17), 3) == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
    ]
    assert partitions.partition_name(partitions.GATE_CHECKS, date(2027, 1, 1)) == (
        "gate_gatecheck_p2027_01"
    )


# ----- on PostgreSQL -----------------------------------------------------------------------------


@on_postgresql
def test_the_tables_are_partitioned_by_month_with_a_default_partition():
    month = timezone.localdate().replace(day=1)
    with connection.cursor() as cursor:
        for spec in partitions.TABLES:
            assert partitions.is_partitioned(cursor, spec.table)
            names = {name for name, _bounds in partitions.partitions_of(cursor, spec.table)}
            expected = {
                partitions.partition_name(spec, month)
                for month in partitions.months_from(month, partitions.MONTHS_AHEAD + 1)
            }
            assert expected | {partitions.default_partition_name(spec)} <= names
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'gate_gatecheck'::regclass AND contype = 'p'"
        )
        assert cursor.fetchone()[0] == "PRIMARY KEY (id, check_date)"


@on_postgresql
def test_a_check_goes_into_its_month_s_partition(park, gate, token):
    (result,) = record(gate, check(pass_token=token))
    today = timezone.localdate()
    assert partition_of(GateCheck, result.check.pk) == f"gate_gatecheck_p{today:%Y_%m}"
    attendance = Attendance.objects.get(day=today)
    assert partition_of(Attendance, attendance.pk) == f"reports_attendance_p{today:%Y_%m}"


@on_postgresql
def test_a_client_id_is_stored_once_on_any_day(park, gate, token):
    (first,) = record(gate, check(pass_token=token))
    stored = GateCheck.objects.get(pk=first.check.pk)
    # The same day: the partitioned unique index refuses it, as the unique client id did.
    with pytest.raises(IntegrityError), transaction.atomic():
        stored_copy(stored).save()
    # Another day, another partition: the key table's trigger refuses it.
    other_day = stored.check_date - timedelta(days=40)
    with pytest.raises(IntegrityError), transaction.atomic():
        stored_copy(
            stored, check_date=other_day, occurred_at=stored.occurred_at - timedelta(days=40)
        ).save()
    # The set-based insert the service uses skips a repeat of the same day ...
    with transaction.atomic():
        written = insert_rows_returning(
            GateCheck,
            CHECK_FIELDS,
            [CHECK_VALUES(stored_copy(stored))],
            unique=None,
            returning=("client_id", "id"),
        )
    assert written == []
    assert GateCheck.objects.filter(client_id=stored.client_id).count() == 1


@on_postgresql
def test_a_repeat_with_another_day_s_time_is_a_conflict_and_writes_nothing(
    park, gate, token, monkeypatch
):
    client_id = uuid.uuid4()
    earlier = timezone.now() - timedelta(days=20)
    (first,) = record(gate, check(client_id, pass_token=token, occurred_at=earlier))
    assert first.status == "created"
    # Sent again with today's time: found stored, a conflict.
    (again,) = record(gate, check(client_id, pass_token=token))
    assert again.status == "rejected" and again.error.code == "idempotency_conflict"
    # The same, racing: the earlier one is stored by another request between the judging and
    # the insert. The trigger refuses the row; the batch is refused as a whole.
    racing = uuid.uuid4()
    original = services.checks._judge

    def judge_then_race(*args, **kwargs):
        judged = original(*args, **kwargs)
        monkeypatch.setattr(services.checks, "_judge", original)
        services.gate_checks_record(
            gate=gate, items=[check(racing, pass_token=token, occurred_at=earlier)]
        )
        return judged

    monkeypatch.setattr(services.checks, "_judge", judge_then_race)
    with pytest.raises(ConflictError):
        record(gate, check(racing, pass_token=token), check(pass_token=token))
    assert GateCheck.objects.filter(client_id=racing).get().check_date == timezone.localdate(
        earlier
    )
    assert GateCheck.objects.count() == 2


@on_postgresql
def test_the_client_id_of_a_deleted_check_can_be_used_again(park, gate, token):
    (first,) = record(gate, check(pass_token=token))
    stored = GateCheck.objects.get(pk=first.check.pk)
    stored.delete()
    again = stored_copy(stored, check_date=stored.check_date - timedelta(days=40))
    again.save()
    assert GateCheck.objects.get(client_id=stored.client_id).pk == again.pk


@on_postgresql
def test_a_check_s_client_id_and_day_are_not_changed(park, gate, token):
    (first,) = record(gate, check(pass_token=token))
    with pytest.raises(IntegrityError), transaction.atomic():
        GateCheck.objects.filter(pk=first.check.pk).update(
            check_date=first.check.check_date - timedelta(days=1)
        )
    # Other fields are updated as before (the retention clears readings).
    assert GateCheck.objects.filter(pk=first.check.pk).update(temperature=None) == 1


@on_postgresql
def test_a_month_without_a_partition_goes_to_default_then_moves_to_its_partition(park, gate, token):
    (first,) = record(gate, check(pass_token=token))
    stored = GateCheck.objects.get(pk=first.check.pk)
    later = partitions.months_from(timezone.localdate(), 7)[-1] + timedelta(days=9)
    far = stored_copy(stored, client_id=uuid.uuid4(), check_date=later)
    far.save()  # no partition for that month yet: the insert does not fail
    assert partition_of(GateCheck, far.pk) == "gate_gatecheck_default"

    created = partitions.partitions_ensure(today=later, months_ahead=1)
    month = later.replace(day=1)
    assert f"gate_gatecheck_p{month:%Y_%m}" in created
    assert partition_of(GateCheck, far.pk) == f"gate_gatecheck_p{month:%Y_%m}"
    assert GateCheck.objects.get(pk=far.pk).client_id == far.client_id
    # Its key moved with it: a repeat is still refused.
    with pytest.raises(IntegrityError), transaction.atomic():
        stored_copy(far).save()
    assert partitions.partitions_ensure(today=later, months_ahead=1) == []


def _plan_relations(sql: str, params) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    found: set[str] = set()

    def walk(node):
        if "Relation Name" in node:
            found.add(node["Relation Name"])
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return found


@on_postgresql
def test_the_day_s_queries_read_one_partition():
    today = timezone.localdate()
    checks = GateCheck.objects.filter(check_date=today, verdict="admitted").values("enterprise")
    sql, params = checks.query.sql_with_params()
    assert _plan_relations(sql, params) == {f"gate_gatecheck_p{today:%Y_%m}"}
    attendance = Attendance.objects.filter(day=today).values("enterprise")
    sql, params = attendance.query.sql_with_params()
    assert _plan_relations(sql, params) == {f"reports_attendance_p{today:%Y_%m}"}


# ----- the migration moving an existing table ----------------------------------------------------


def _insert_check(cursor, gate, worker, day, client_id) -> int:
    occurred = timezone.make_aware(datetime.combine(day, time(8)))
    cursor.execute(
        "INSERT INTO gate_gatecheck (client_id, payload_digest, gate_id, enterprise_id, "
        "worker_id, worker_enterprise_id, mask, disinfected, temperature, recheck_method, "
        "verdict, reasons, offline, server_verdict, server_reasons, disputed, occurred_at, "
        "check_date, received_at) VALUES (%s, '', %s, %s, %s, %s, true, true, 36.5, '', "
        "'admitted', '[]', false, '', '[]', false, %s, %s, %s) RETURNING id",
        [
            client_id,
            gate.pk,
            gate.enterprise_id,
            worker.pk,
            worker.enterprise_id,
            occurred,
            day,
            occurred,
        ],
    )
    return cursor.fetchone()[0]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_an_existing_table_with_its_rows_and_ids(park, gate, worker, token):
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        today = timezone.localdate()
        days = [today - timedelta(days=70), today - timedelta(days=35), today]
        with connection.cursor() as cursor:
            assert not partitions.is_partitioned(cursor, "gate_gatecheck")
            client_ids = [uuid.uuid4() for _day in days]
            ids = [
                _insert_check(cursor, gate, worker, day, client_id)
                for day, client_id in zip(days, client_ids, strict=True)
            ]
            for day in days:
                cursor.execute(
                    "INSERT INTO reports_attendance (day, worker_id, enterprise_id) "
                    "VALUES (%s, %s, %s)",
                    [day, worker.pk, worker.enterprise_id],
                )
            cursor.execute("SELECT id, day FROM reports_attendance ORDER BY id")
            attendance_before = cursor.fetchall()
        event = AbnormalEvent.objects.create(
            gate_check_id=ids[0],
            gate=gate,
            enterprise=park.a,
            worker=worker,
            kind="fever",
            temperature=Decimal("38.0"),
            occurred_at=timezone.now(),
        )

        executor = MigrationExecutor(connection)
        executor.migrate([AFTER])

        with connection.cursor() as cursor:
            for spec in partitions.TABLES:
                assert partitions.is_partitioned(cursor, spec.table)
            cursor.execute("SELECT id, day FROM reports_attendance ORDER BY id")
            assert cursor.fetchall() == attendance_before
        stored = dict(GateCheck.objects.order_by("id").values_list("id", "client_id"))
        assert stored == dict(zip(ids, client_ids, strict=True))
        for pk, day in zip(ids, days, strict=True):
            assert partition_of(GateCheck, pk) == f"gate_gatecheck_p{day:%Y_%m}"
        assert AbnormalEvent.objects.get(pk=event.pk).gate_check_id == ids[0]
        # New checks carry on the ids, and the old client ids stay taken.
        (new,) = record(gate, check(pass_token=token))
        assert new.status == "created" and new.check.pk > max(ids)
        old = GateCheck.objects.get(pk=ids[0])
        with pytest.raises(IntegrityError), transaction.atomic():
            stored_copy(old, check_date=today).save()
        (replay,) = record(gate, check(client_ids[2], pass_token=token))
        assert replay.status == "rejected"  # the same client id, another payload

        # And back: plain tables again, with the same rows.
        executor = MigrationExecutor(connection)
        executor.migrate([BEFORE])
        with connection.cursor() as cursor:
            assert not partitions.is_partitioned(cursor, "gate_gatecheck")
            cursor.execute("SELECT count(*) FROM gate_gatecheck")
            assert cursor.fetchone()[0] == 4
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@on_postgresql
def test_a_bulk_load_keeps_the_partitions_indexes_and_claims_the_client_ids(park, gate, token):
    from fugong.demo.scale.loading import without_indexes

    month = f"gate_gatecheck_p{timezone.localdate():%Y_%m}"

    def indexes() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [month])
            return {name for (name,) in cursor.fetchall()}

    (first,) = record(gate, check(pass_token=token))
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's one transaction
    before = indexes()
    with without_indexes(GateCheck):
        assert indexes() < before
    assert indexes() == before
    # As written with the triggers off: the key is not there until claimed.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {partitions.GATE_CHECKS_KEY}")  # noqa: S608
    assert partitions.client_keys_claim() == 1
    stored = GateCheck.objects.get(pk=first.check.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        stored_copy(stored, check_date=stored.check_date - timedelta(days=40)).save()
