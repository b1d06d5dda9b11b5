"""Every write on supplies: the items, the ledger (receipts, issues, daily use, counts, the first
count from the application), requests and allocations from the reserve.

Every change of a stock is one ``SupplyEntry`` row plus the matching change of ``SupplyStock``
in the same transaction. Taking stock away is a conditional ``UPDATE … SET quantity = quantity -
n WHERE quantity >= n``: when it changes no row there is not enough, and the service refuses
(409) before writing anything, so two allocations at once can never take the reserve below zero
(the database's check constraint is the last guard).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.errors import ApplicationError, ConflictError, NotFoundError, full_clean_or_raise
from fugong.core.roles import Action, require
from fugong.core.scoping import enterprise_scope_q
from fugong.enterprises.models import Enterprise
from fugong.resumption.models import ApplicationStatus, ResumptionApplication

from .models import (
    MAX_QUANTITY,
    OUTGOING,
    EntryKind,
    RequestStatus,
    SupplyEntry,
    SupplyItem,
    SupplyRequest,
    SupplyStock,
)

# What an officer (or the command post) records at a place by hand.
RECORDABLE = (EntryKind.RECEIPT, EntryKind.ISSUE, EntryKind.DAILY_USE, EntryKind.COUNT)


def quantity_parse(
    value: object, *, item: SupplyItem, field: str = "quantity", allow_zero: bool = False
) -> Decimal:
    """A count typed by someone, checked against the item: a number, not negative, not above
    the limit, whole for items counted in whole units, at most one decimal place."""
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        number = Decimal("NaN")
    if not number.is_finite():
        raise ApplicationError(
            _("Enter a number."), code="invalid_quantity", fields={field: [_("Enter a number.")]}
        )
    if number < 0 or (number == 0 and not allow_zero):
        message = (
            _("The quantity cannot be negative.")
            if allow_zero
            else _("The quantity must be greater than zero.")
        )
        raise ApplicationError(message, code="invalid_quantity", fields={field: [message]})
    if number > MAX_QUANTITY:
        message = _("The quantity is too large.")
        raise ApplicationError(message, code="invalid_quantity", fields={field: [message]})
    if item.whole_units and number != number.to_integral_value():
        message = _("%(item)s is counted in whole %(unit)s: enter a whole number.") % {
            "item": item.name,
            "unit": item.unit,
        }
        raise ApplicationError(message, code="whole_units_only", fields={field: [message]})
    if number != number.quantize(Decimal("0.1")):
        message = _("Enter at most one decimal place.")
        raise ApplicationError(message, code="invalid_quantity", fields={field: [message]})
    return number.quantize(Decimal("0.1"))


def _check_place(actor: User, enterprise: Enterprise | None, *, action: str) -> None:
    """The role for the place (the reserve is the command post's) and the enterprise's scope."""
    if enterprise is None:
        require(actor, Action.SUPPLIES_MANAGE)
        return
    require(actor, action)
    in_scope = Enterprise.objects.filter(enterprise_scope_q(actor), pk=enterprise.pk).exists()
    if not in_scope:
        raise NotFoundError()


def _check_day(occurred_on: date, today: date) -> None:
    if occurred_on > today:
        message = _("The date cannot be in the future.")
        raise ApplicationError(message, code="date_in_future", fields={"occurred_on": [message]})


def _stock(item: SupplyItem, enterprise: Enterprise | None, *, lock: bool = False) -> SupplyStock:
    """The running total of an item at a place, created at zero the first time."""
    stocks = SupplyStock.objects.filter(item=item, enterprise=enterprise)
    if lock:
        stocks = stocks.select_for_update()
    stock = stocks.first()
    if stock is None:
        with transaction.atomic():  # a savepoint: another transaction may create it meanwhile
            stock, _created = SupplyStock.objects.get_or_create(item=item, enterprise=enterprise)
        if lock:
            stock = SupplyStock.objects.select_for_update().get(pk=stock.pk)
    return stock


def _not_enough(
    item: SupplyItem, enterprise: Enterprise | None, available: Decimal
) -> ConflictError:
    if enterprise is None:
        message = _("The reserve holds only %(available)s %(unit)s of %(item)s.")
    else:
        message = _("The stock holds only %(available)s %(unit)s of %(item)s.")
    message = message % {"available": _plain(available), "unit": item.unit, "item": item.name}
    return ConflictError(message, code="not_enough_stock", fields={"quantity": [message]})


def _plain(number: Decimal) -> str:
    return f"{number:f}".removesuffix(".0")


def _change(
    *,
    actor: User | None,
    item: SupplyItem,
    enterprise: Enterprise | None,
    kind: str,
    change: Decimal,
    occurred_on: date,
    counted: Decimal | None = None,
    request: SupplyRequest | None = None,
    note: str = "",
    at: datetime | None = None,
) -> SupplyEntry:
    """Apply one signed change to a stock and write its ledger row (inside the caller's
    transaction). A change that would take the stock below zero changes nothing and raises."""
    stock = _stock(item, enterprise)
    stocks = SupplyStock.objects.filter(pk=stock.pk)
    if change < 0:
        stocks = stocks.filter(quantity__gte=-change)
    if change and not stocks.update(quantity=F("quantity") + change):
        stock.refresh_from_db(fields=["quantity"])
        raise _not_enough(item, enterprise, stock.quantity)
    stock.refresh_from_db(fields=["quantity"])
    entry = SupplyEntry(
        item=item,
        enterprise=enterprise,
        kind=kind,
        quantity=change,
        counted=counted,
        balance=stock.quantity,
        occurred_on=occurred_on,
        request=request,
        note=note[:200],
        recorded_by=actor,
        created_at=at or timezone.now(),
    )
    full_clean_or_raise(entry, exclude=["request", "recorded_by"])
    entry.save()
    return entry


def _open_from_application(
    actor: User | None, enterprise: Enterprise, *, at: datetime | None = None
) -> list[SupplyEntry]:
    """The rule for the first count: once the enterprise's application has been submitted, the
    first time anything is written about its supplies (or someone asks for it from the page),
    each item that names an application field and has no ledger row yet at this enterprise
    opens with the count the application declared (a row of kind "opening"; nothing for 0)."""
    application = (
        ResumptionApplication.objects.filter(enterprise=enterprise)
        .exclude(status=ApplicationStatus.DRAFT)
        .first()
    )
    if application is None:
        return []
    opened = []
    day = timezone.localdate(at) if at else timezone.localdate()
    started = set(
        SupplyEntry.objects.filter(enterprise=enterprise).values_list("item_id", flat=True)
    )
    for item in SupplyItem.objects.exclude(application_field="").order_by("pk"):
        if item.pk in started:
            continue
        declared = Decimal(getattr(application, item.application_field) or 0)
        if declared <= 0:
            continue
        if item.whole_units:
            declared = declared.to_integral_value()
        opened.append(
            _change(
                actor=actor,
                item=item,
                enterprise=enterprise,
                kind=EntryKind.OPENING,
                change=declared,
                occurred_on=day,
                note=_("declared in the resumption application"),
                at=at,
            )
        )
    return opened


@transaction.atomic
def supplies_open_from_application(
    *, actor: User, enterprise: Enterprise, at: datetime | None = None
) -> list[SupplyEntry]:
    """Open the first counts from the application now (idempotent: items already in the
    ledger are left alone)."""
    _check_place(actor, enterprise, action=Action.SUPPLIES_RECORD)
    Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()
    opened = _open_from_application(actor, enterprise, at=at)
    if opened:
        audit_event_record(
            actor=actor,
            action=AuditAction.SUPPLY_RECORDED,
            target=enterprise,
            enterprise=enterprise,
            summary=_("First counts from the application"),
            data={"kind": EntryKind.OPENING, "entries": [entry.pk for entry in opened]},
            at=at,
        )
    return opened


@transaction.atomic
def supply_item_save(
    *,
    actor: User,
    item: SupplyItem | None = None,
    name: str,
    unit: str,
    warning_days: int,
    is_mask: bool = False,
    whole_units: bool = True,
    application_field: str = "",
    sort_order: int = 0,
    active: bool = True,
) -> SupplyItem:
    """Add an item to the list, or change one."""
    require(actor, Action.SUPPLIES_MANAGE)
    item = SupplyItem() if item is None else SupplyItem.objects.select_for_update().get(pk=item.pk)
    item.name = name.strip()
    item.unit = unit.strip()
    item.warning_days = warning_days
    item.is_mask = is_mask
    item.whole_units = whole_units
    item.application_field = application_field
    item.sort_order = sort_order
    item.active = active
    if item.application_field:
        taken = SupplyItem.objects.filter(application_field=item.application_field)
        if taken.exclude(pk=item.pk).exists():
            message = _("Another item already takes its first count from this field.")
            raise ApplicationError(
                message, code="field_taken", fields={"application_field": [message]}
            )
    if SupplyItem.objects.filter(name=item.name).exclude(pk=item.pk).exists():
        message = _("An item with this name already exists.")
        raise ConflictError(message, code="duplicate_item", fields={"name": [message]})
    full_clean_or_raise(item)
    item.save()
    audit_event_record(
        actor=actor, action=AuditAction.SUPPLY_ITEM_SAVED, target=item, summary=item.name
    )
    return item


@transaction.atomic
def supply_record(
    *,
    actor: User,
    enterprise: Enterprise | None,
    item: SupplyItem,
    kind: str,
    quantity: object,
    occurred_on: date | None = None,
    note: str = "",
    at: datetime | None = None,
    audit: bool = True,
) -> SupplyEntry:
    """Record a receipt, an issue, a day's use or a stock count at an enterprise (or, for the
    command post, at the reserve). A count records the difference from the stock as an
    adjustment; an issue or a use larger than the stock is refused."""
    _check_place(actor, enterprise, action=Action.SUPPLIES_RECORD)
    if kind not in RECORDABLE:
        message = _("Choose what to record.")
        raise ApplicationError(message, code="invalid_kind", fields={"kind": [message]})
    today = timezone.localdate(at) if at else timezone.localdate()
    occurred_on = occurred_on or today
    _check_day(occurred_on, today)
    is_count = kind == EntryKind.COUNT
    number = quantity_parse(quantity, item=item, allow_zero=is_count)
    if enterprise is not None:
        _open_from_application(actor, enterprise, at=at)
    if is_count:
        stock = _stock(item, enterprise, lock=True)
        entry = _change(
            actor=actor,
            item=item,
            enterprise=enterprise,
            kind=kind,
            change=number - stock.quantity,
            counted=number,
            occurred_on=occurred_on,
            note=note,
            at=at,
        )
    else:
        entry = _change(
            actor=actor,
            item=item,
            enterprise=enterprise,
            kind=kind,
            change=-number if kind in OUTGOING else number,
            occurred_on=occurred_on,
            note=note,
            at=at,
        )
    if not audit:  # the import records one row for the whole file
        return entry
    audit_event_record(
        actor=actor,
        action=AuditAction.SUPPLY_RECORDED,
        target=entry,
        enterprise=enterprise,
        summary=f"{item.name} {_plain(entry.quantity)}",
        data={"kind": kind, "item": item.pk, "quantity": str(entry.quantity)},
        at=at,
    )
    return entry


@transaction.atomic
def supply_request_create(
    *,
    actor: User,
    enterprise: Enterprise,
    item: SupplyItem,
    quantity: object,
    reason: str = "",
    at: datetime | None = None,
) -> SupplyRequest:
    """An enterprise asks the command post for an item from the reserve."""
    _check_place(actor, enterprise, action=Action.SUPPLIES_REQUEST)
    if not item.active:
        raise NotFoundError()
    request = SupplyRequest(
        enterprise=enterprise,
        item=item,
        quantity=quantity_parse(quantity, item=item),
        reason=reason.strip()[:500],
        requested_by=actor,
        created_at=at or timezone.now(),
    )
    full_clean_or_raise(request)
    request.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.SUPPLY_REQUESTED,
        target=request,
        enterprise=enterprise,
        summary=f"{item.name} {_plain(request.quantity)}",
        at=at,
    )
    return request


def _lock_pending(request: SupplyRequest) -> SupplyRequest:
    locked = (
        SupplyRequest.objects.select_for_update()
        .select_related("item", "enterprise")
        .get(pk=request.pk)
    )
    if locked.status != RequestStatus.PENDING:
        raise ConflictError(_("This request has already been answered."), code="not_pending")
    return locked


@dataclass(frozen=True)
class Allocation:
    request: SupplyRequest
    reserve_entry: SupplyEntry
    enterprise_entry: SupplyEntry


@transaction.atomic
def supply_request_allocate(
    *,
    actor: User,
    request: SupplyRequest,
    quantity: object | None = None,
    note: str = "",
    at: datetime | None = None,
) -> Allocation:
    """Allocate from the reserve to the requesting enterprise: the quantity requested, or less.
    Refused, with nothing written, when the reserve holds less (even when two are allocated at
    the same moment: the reserve's row is taken with a conditional update)."""
    require(actor, Action.SUPPLIES_MANAGE)
    request = _lock_pending(request)
    item = request.item
    number = request.quantity if quantity in (None, "") else quantity_parse(quantity, item=item)
    if number > request.quantity:
        message = _("You cannot allocate more than was requested.")
        raise ApplicationError(message, code="more_than_requested", fields={"quantity": [message]})
    day = timezone.localdate(at) if at else timezone.localdate()
    reserve_entry = _change(
        actor=actor,
        item=item,
        enterprise=None,
        kind=EntryKind.ALLOCATION_OUT,
        change=-number,
        occurred_on=day,
        request=request,
        note=request.enterprise.name,
        at=at,
    )
    _open_from_application(actor, request.enterprise, at=at)
    enterprise_entry = _change(
        actor=actor,
        item=item,
        enterprise=request.enterprise,
        kind=EntryKind.ALLOCATION_IN,
        change=number,
        occurred_on=day,
        request=request,
        note=note,
        at=at,
    )
    request.status = RequestStatus.ALLOCATED
    request.allocated = number
    request.decided_by = actor
    request.decided_at = at or timezone.now()
    request.decision_note = note.strip()[:500]
    request.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.SUPPLY_ALLOCATED,
        target=request,
        enterprise=request.enterprise,
        summary=f"{item.name} {_plain(number)}",
        data={"quantity": str(number), "requested": str(request.quantity)},
        at=at,
    )
    return Allocation(request, reserve_entry, enterprise_entry)


@transaction.atomic
def supply_request_decline(
    *, actor: User, request: SupplyRequest, note: str = "", at: datetime | None = None
) -> SupplyRequest:
    """Decline a request (with the reason); nothing moves."""
    require(actor, Action.SUPPLIES_MANAGE)
    request = _lock_pending(request)
    if not note.strip():
        message = _("Say why the request is declined.")
        raise ApplicationError(message, code="reason_required", fields={"note": [message]})
    request.status = RequestStatus.DECLINED
    request.decided_by = actor
    request.decided_at = at or timezone.now()
    request.decision_note = note.strip()[:500]
    request.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.SUPPLY_REQUEST_DECLINED,
        target=request,
        enterprise=request.enterprise,
        summary=request.item.name,
        at=at,
    )
    return request
