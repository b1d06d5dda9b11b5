from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fugong.audit.models import AuditAction, AuditEvent
from fugong.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from fugong.core.testing import assert_nothing_written, database_counts
from fugong.enterprises.models import Enterprise
from fugong.resumption.tests.factories import make_application
from fugong.supplies import selectors, services
from fugong.supplies.imports import supply_count_import, supply_count_template
from fugong.supplies.models import (
    EntryKind,
    RequestStatus,
    SupplyEntry,
    SupplyItem,
    SupplyRequest,
    SupplyStock,
)

from .factories import count_upload, receive, request_for


def stock_of(item, enterprise=None) -> Decimal:
    stock = SupplyStock.objects.filter(item=item, enterprise=enterprise).first()
    return stock.quantity if stock else Decimal(0)


def ledger_sum(item, enterprise=None) -> Decimal:
    total = SupplyEntry.objects.filter(item=item, enterprise=enterprise).aggregate(
        t=Sum("quantity")
    )
    return total["t"] or Decimal(0)


def test_the_standard_items_are_seeded(items):
    assert {"医用外科口罩", "N95/KN95口罩", "一次性医用口罩", "消毒液", "体温计", "血氧仪"} <= set(
        items
    )
    assert items["医用外科口罩"].is_mask and not items["消毒液"].whole_units


def test_receipts_use_issues_and_counts_are_rows_and_move_the_stock(park, masks, today):
    receive(park.officer, masks, 1000, park.a)
    services.supply_record(
        actor=park.officer, enterprise=park.a, item=masks, kind=EntryKind.DAILY_USE, quantity=120
    )
    services.supply_record(
        actor=park.officer, enterprise=park.a, item=masks, kind=EntryKind.ISSUE, quantity="80"
    )
    count = services.supply_record(
        actor=park.officer, enterprise=park.a, item=masks, kind=EntryKind.COUNT, quantity=790
    )
    assert count.quantity == Decimal(-10) and count.counted == 790 and count.balance == 790
    assert stock_of(masks, park.a) == 790 == ledger_sum(masks, park.a)
    kinds = list(SupplyEntry.objects.order_by("pk").values_list("kind", "quantity"))
    assert kinds == [
        ("receipt", Decimal(1000)),
        ("daily_use", Decimal(-120)),
        ("issue", Decimal(-80)),
        ("count", Decimal(-10)),
    ]
    assert AuditEvent.objects.filter(action=AuditAction.SUPPLY_RECORDED).count() == 4


@pytest.mark.parametrize(
    ("quantity", "code"),
    [
        ("-5", "invalid_quantity"),
        ("0", "invalid_quantity"),
        ("12.5", "whole_units_only"),
        ("abc", "invalid_quantity"),
        ("NaN", "invalid_quantity"),
        ("1e20", "invalid_quantity"),
        ("", "invalid_quantity"),
    ],
)
def test_bad_mask_counts_are_refused_and_nothing_is_written(park, masks, quantity, code):
    before = database_counts()
    with pytest.raises(ApplicationError) as error:
        receive(park.officer, masks, quantity, park.a)
    assert error.value.code == code and error.value.status == 400
    assert "quantity" in error.value.fields
    assert_nothing_written(before)


def test_litres_may_have_a_decimal_place_but_not_two(park, disinfectant):
    receive(park.officer, disinfectant, "12.5", park.a)
    assert stock_of(disinfectant, park.a) == Decimal("12.5")
    with pytest.raises(ApplicationError):
        receive(park.officer, disinfectant, "1.25", park.a)


def test_an_issue_larger_than_the_stock_is_refused(park, masks):
    receive(park.officer, masks, 100, park.a)
    before = database_counts()
    for kind in (EntryKind.ISSUE, EntryKind.DAILY_USE):
        with pytest.raises(ConflictError) as error:
            services.supply_record(
                actor=park.officer, enterprise=park.a, item=masks, kind=kind, quantity=101
            )
        assert error.value.status == 409 and "100" in error.value.message
    assert_nothing_written(before)
    assert stock_of(masks, park.a) == 100


def test_a_date_in_the_future_is_refused(park, masks, tomorrow):
    with pytest.raises(ApplicationError) as error:
        receive(park.officer, masks, 10, park.a, occurred_on=tomorrow)
    assert error.value.code == "date_in_future"


def test_roles_and_scope_of_records(park, masks):
    with pytest.raises(NotFoundError):
        receive(park.officer, masks, 10, park.b)  # another enterprise
    with pytest.raises(PermissionDeniedError):
        receive(park.liaison, masks, 10, park.a)  # reads only
    with pytest.raises(PermissionDeniedError):
        receive(park.officer, masks, 10)  # the reserve is the command post's
    receive(park.command, masks, 10, park.b)
    receive(park.command, masks, 10)
    assert stock_of(masks) == 10 and stock_of(masks, park.b) == 10


def test_days_of_supply_is_stock_over_the_seven_day_average(park, masks, today):
    receive(park.officer, masks, 2000, park.a, occurred_on=today - timedelta(days=10))
    # Used 100 a day for the last seven days, and 500 on a day before the window.
    services.supply_record(
        actor=park.officer,
        enterprise=park.a,
        item=masks,
        kind=EntryKind.DAILY_USE,
        quantity=500,
        occurred_on=today - timedelta(days=7),
    )
    for days_ago in range(7):
        services.supply_record(
            actor=park.officer,
            enterprise=park.a,
            item=masks,
            kind=EntryKind.DAILY_USE,
            quantity=100,
            occurred_on=today - timedelta(days=days_ago),
        )
    row = next(
        r for r in selectors.stock_rows(actor=park.officer, enterprise=park.a) if r.item == masks
    )
    assert row.quantity == 800 and row.daily_use == 100 and row.days == 8
    assert not row.warning  # the threshold is 7 days
    # As of three days ago: stock 1100 (four days of use still to come), use 500+4×100 over 7 days.
    past = next(
        r
        for r in selectors.stock_rows(
            actor=park.officer, enterprise=park.a, on=today - timedelta(days=3)
        )
        if r.item == masks
    )
    assert past.quantity == 1100 and past.days == Decimal("8.6")
    services.supply_record(
        actor=park.officer, enterprise=park.a, item=masks, kind=EntryKind.ISSUE, quantity=200
    )
    row = next(
        r for r in selectors.stock_rows(actor=park.officer, enterprise=park.a) if r.item == masks
    )
    assert row.days == 6 and row.warning
    low = selectors.enterprises_low_on_masks(Enterprise.objects.all(), on=today)
    assert [(r.enterprise, r.days) for r in low] == [(park.a, 6)]
    assert selectors.enterprises_low_on_masks(Enterprise.objects.all(), on=today, below=6) == []


def test_no_use_means_no_days_of_supply(park, masks):
    receive(park.officer, masks, 50, park.a)
    row = next(
        r for r in selectors.stock_rows(actor=park.officer, enterprise=park.a) if r.item == masks
    )
    assert row.days is None and not row.warning


def test_the_application_opens_the_first_count(park, items):
    make_application(
        officer=park.officer,
        liaison=park.liaison,
        state="submitted",
        masks_on_hand=3000,
        thermometers_on_hand=5,
        disinfectant_litres_on_hand=Decimal("20.5"),
    )
    receive(park.officer, items["医用外科口罩"], 100, park.a)  # the first write opens the counts
    assert stock_of(items["一次性医用口罩"], park.a) == 3000
    assert stock_of(items["体温计"], park.a) == 5
    assert stock_of(items["消毒液"], park.a) == Decimal("20.5")
    opened = set(
        SupplyEntry.objects.filter(kind=EntryKind.OPENING).values_list("item__name", flat=True)
    )
    assert (
        {"一次性医用口罩", "体温计", "消毒液"}
        <= opened
        <= {"一次性医用口罩", "体温计", "消毒液", "血氧仪"}
    )
    # Only once: an item already in the ledger is left alone.
    assert services.supplies_open_from_application(actor=park.officer, enterprise=park.a) == []
    receive(park.officer, items["一次性医用口罩"], 1, park.a)
    assert stock_of(items["一次性医用口罩"], park.a) == 3001


def test_a_draft_application_opens_nothing(park, items):
    make_application(officer=park.officer, state="draft", masks_on_hand=3000)
    assert services.supplies_open_from_application(actor=park.officer, enterprise=park.a) == []


def test_request_and_allocation_move_the_reserve_to_the_enterprise(park, masks):
    receive(park.command, masks, 500)
    supply_request = request_for(park, masks, 300)
    allocation = services.supply_request_allocate(actor=park.command, request=supply_request)
    assert allocation.request.status == RequestStatus.ALLOCATED
    assert allocation.request.allocated == 300
    assert stock_of(masks) == 200 and stock_of(masks, park.a) == 300
    assert allocation.reserve_entry.quantity == -300 and allocation.enterprise_entry.quantity == 300
    assert allocation.enterprise_entry.request == supply_request
    with pytest.raises(ConflictError):  # answered already
        services.supply_request_allocate(actor=park.command, request=supply_request)
    # Less than requested is allowed, more is not.
    second = request_for(park, masks, 150)
    with pytest.raises(ApplicationError):
        services.supply_request_allocate(actor=park.command, request=second, quantity=151)
    services.supply_request_allocate(actor=park.command, request=second, quantity=100)
    assert stock_of(masks) == 100 and stock_of(masks, park.a) == 400


def test_an_allocation_larger_than_the_reserve_is_refused(park, masks):
    receive(park.command, masks, 100)
    supply_request = request_for(park, masks, 300)
    before = database_counts()
    with pytest.raises(ConflictError) as error:
        services.supply_request_allocate(actor=park.command, request=supply_request)
    assert error.value.code == "not_enough_stock" and "100" in error.value.message
    assert_nothing_written(before)
    assert SupplyRequest.objects.get().status == RequestStatus.PENDING


def test_declining_needs_a_reason_and_moves_nothing(park, masks):
    supply_request = request_for(park, masks, 10)
    with pytest.raises(ApplicationError):
        services.supply_request_decline(actor=park.command, request=supply_request, note=" ")
    services.supply_request_decline(actor=park.command, request=supply_request, note="储备不足")
    assert SupplyRequest.objects.get().status == RequestStatus.DECLINED
    assert not SupplyEntry.objects.exists()


def test_request_roles(park, masks):
    with pytest.raises(PermissionDeniedError):
        services.supply_request_create(
            actor=park.command, enterprise=park.a, item=masks, quantity=10
        )
    with pytest.raises(NotFoundError):
        services.supply_request_create(
            actor=park.officer, enterprise=park.b, item=masks, quantity=1
        )
    supply_request = request_for(park, masks, 10)
    with pytest.raises(PermissionDeniedError):
        services.supply_request_allocate(actor=park.officer, request=supply_request)


def test_item_save_refuses_duplicates(park, items):
    with pytest.raises(ConflictError):
        services.supply_item_save(actor=park.command, name="消毒液", unit="升", warning_days=3)
    item = services.supply_item_save(actor=park.command, name="面屏", unit="个", warning_days=5)
    assert SupplyItem.objects.get(pk=item.pk).unit == "个"
    with pytest.raises(ApplicationError):  # another item already takes the masks
        services.supply_item_save(
            actor=park.command,
            item=item,
            name="面屏",
            unit="个",
            warning_days=5,
            application_field="masks_on_hand",
        )
    with pytest.raises(PermissionDeniedError):
        services.supply_item_save(actor=park.officer, name="x", unit="个", warning_days=5)


# ----- the stock always equals the sum of the ledger -----------------------------------------

OPERATION = st.tuples(
    st.sampled_from(["receipt", "issue", "daily_use", "count", "request", "allocate"]),
    st.sampled_from(["reserve", "a", "b"]),
    st.integers(min_value=-5, max_value=400),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(OPERATION, max_size=25))
def test_the_stock_always_equals_the_sum_of_its_ledger(park, masks, operations):
    with transaction.atomic():
        places = {"reserve": None, "a": park.a, "b": park.b}
        officers = {"a": park.officer, "b": park.other_officer}
        for operation, place_name, quantity in operations:
            place = places[place_name]
            try:
                if operation == "request":
                    services.supply_request_create(
                        actor=officers.get(place_name, park.officer),
                        enterprise=place or park.a,
                        item=masks,
                        quantity=quantity,
                    )
                elif operation == "allocate":
                    pending = SupplyRequest.objects.filter(status=RequestStatus.PENDING).first()
                    if pending:
                        services.supply_request_allocate(actor=park.command, request=pending)
                else:
                    actor = park.command if place is None else officers[place_name]
                    if place is None and operation == "daily_use":
                        operation = "issue"
                    services.supply_record(
                        actor=actor,
                        enterprise=place,
                        item=masks,
                        kind=operation,
                        quantity=quantity,
                    )
            except ApplicationError:
                pass  # refused: must have written nothing (checked by the sums below)
            for enterprise in places.values():
                assert stock_of(masks, enterprise) == ledger_sum(masks, enterprise)
                assert stock_of(masks, enterprise) >= 0
        for entry in SupplyEntry.objects.all():
            running = ledger_sum_until(entry)
            assert entry.balance == running
        transaction.set_rollback(True)


def ledger_sum_until(entry) -> Decimal:
    total = SupplyEntry.objects.filter(
        item=entry.item, enterprise=entry.enterprise, pk__lte=entry.pk
    ).aggregate(t=Sum("quantity"))
    return total["t"]


# ----- two allocations at once ---------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_allocations_at_once_never_take_the_reserve_below_zero(park, items):
    """The reserve holds 100; two requests of 60 are allocated at the same moment from two
    threads (two connections), three times over: exactly one of each pair goes through."""
    masks = items["医用外科口罩"]
    for _round in range(3):
        SupplyEntry.objects.all().delete()
        SupplyStock.objects.all().delete()
        SupplyRequest.objects.all().delete()
        receive(park.command, masks, 100)
        requests = [request_for(park, masks, 60), request_for(park, masks, 60, park.b)]
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def allocate(supply_request, barrier=barrier, outcomes=outcomes):
            try:
                barrier.wait(timeout=10)
                services.supply_request_allocate(actor=park.command, request=supply_request)
                outcomes.append("allocated")
            except ConflictError as error:
                outcomes.append(error.code)
            except Exception as error:
                outcomes.append(repr(error))
            finally:
                connection.close()

        threads = [threading.Thread(target=allocate, args=(r,)) for r in requests]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["allocated", "not_enough_stock"], outcomes
        assert stock_of(masks) == 40 == ledger_sum(masks)
        assert stock_of(masks, park.a) + stock_of(masks, park.b) == 60
        assert SupplyRequest.objects.filter(status=RequestStatus.PENDING).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_request_allocated_twice_at_once_goes_through_once(park, items):
    masks = items["医用外科口罩"]
    receive(park.command, masks, 1000)
    supply_request = request_for(park, masks, 60)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def allocate():
        try:
            barrier.wait(timeout=10)
            services.supply_request_allocate(actor=park.command, request=supply_request)
            outcomes.append("allocated")
        except ConflictError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=allocate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["allocated", "not_pending"]
    assert stock_of(masks) == 940 and stock_of(masks, park.a) == 60


# ----- the stock count import ----------------------------------------------------------------


def test_a_count_imports_every_row(park, items):
    receive(park.officer, items["医用外科口罩"], 100, park.a)
    report = supply_count_import(
        actor=park.officer,
        enterprise=park.a,
        upload=count_upload([("医用外科口罩", 80, "盘亏"), ("消毒液", "12.5", "")]),
    )
    assert report.ok and report.updated == 2
    assert stock_of(items["医用外科口罩"], park.a) == 80
    assert stock_of(items["消毒液"], park.a) == Decimal("12.5")
    assert AuditEvent.objects.filter(action=AuditAction.SUPPLY_COUNT_IMPORTED).count() == 1


def test_a_count_with_a_bad_row_writes_nothing(park, items):
    before = database_counts()
    report = supply_count_import(
        actor=park.officer,
        enterprise=park.a,
        upload=count_upload(
            [
                ("医用外科口罩", 80, ""),
                ("N95/KN95口罩", "2.5", ""),
                ("口罩X", 3, ""),
                ("消毒液", -1, ""),
                ("医用外科口罩", 5, ""),
            ]
        ),
    )
    assert not report.ok
    assert [e.row for e in report.errors] == [3, 4, 5, 6]
    assert_nothing_written(before)


def test_the_template_imports_cleanly(park, items):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("t.xlsx", supply_count_template())
    report = supply_count_import(actor=park.officer, enterprise=park.a, upload=upload)
    assert report.ok, report.errors


def test_the_import_is_for_those_who_record(park, items):
    with pytest.raises(PermissionDeniedError):
        supply_count_import(
            actor=park.liaison, enterprise=park.a, upload=count_upload([("消毒液", 1, "")])
        )
    with pytest.raises(NotFoundError):
        supply_count_import(
            actor=park.officer, enterprise=park.b, upload=count_upload([("消毒液", 1, "")])
        )


def test_the_seeded_days_threshold(today):
    assert selectors.mask_days_threshold() == 7
    assert timezone.localdate() == today


def test_the_documented_template_is_the_one_the_code_reads(park, items):
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import load_workbook

    from fugong.supplies.imports import COLUMNS

    documented = (
        Path(__file__).resolve().parents[3] / "docs" / "import-templates" / "supplies-count.xlsx"
    )
    sheet = load_workbook(documented).active
    assert [cell.value for cell in sheet[1]] == [column.header for column in COLUMNS]
    upload = SimpleUploadedFile("t.xlsx", documented.read_bytes())
    assert supply_count_import(actor=park.officer, enterprise=park.a, upload=upload).ok
