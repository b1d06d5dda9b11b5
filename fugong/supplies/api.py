"""API: prevention supplies — items, the reserve, an enterprise's stock and ledger, records,
the stock count import, requests and allocations.

Scoped like the pages: the command post sees the reserve and every enterprise, a liaison their
enterprises, an enterprise officer their own; anything else is 404. Quantities are strings or
numbers, checked as on the pages (a fractional or negative mask count is a 400).
"""

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import BaseModel, Field

from fugong.core.api import (
    ERROR_RESPONSES,
    ERROR_RESPONSES_BUT_400,
    ErrorDetail,
    ErrorOut,
    InputSchema,
    Pagination,
)
from fugong.core.roles import Action, require

from . import selectors, services
from .imports import supply_count_import
from .models import ApplicationField, EntryKind, RequestStatus

router = Router(tags=["supplies"])


class SupplyItemIn(InputSchema):
    name: str = Field(max_length=100)
    unit: str = Field(max_length=20)
    warning_days: int = Field(7, ge=0, le=365)
    is_mask: bool = False
    whole_units: bool = True
    application_field: ApplicationField | None = None
    sort_order: int = Field(0, ge=0, le=30000)
    active: bool = True


class SupplyItemOut(BaseModel):
    id: int
    name: str
    unit: str
    warning_days: int
    is_mask: bool
    whole_units: bool
    application_field: str
    sort_order: int
    active: bool


class SupplyStockOut(BaseModel):
    item_id: int
    item: str
    unit: str
    quantity: Decimal
    daily_use: Decimal | None = Field(description="Average over the last 7 days.")
    days_of_supply: Decimal | None
    warning: bool


class SupplyPlaceOut(BaseModel):
    enterprise_id: int | None = Field(description="null: the park's reserve.")
    on: date
    stock: list[SupplyStockOut]


class SupplyEntryIn(InputSchema):
    item_id: int
    kind: EntryKind = Field(description="receipt, issue, daily_use or count.")
    quantity: str = Field(max_length=20, description="For a count: the quantity counted.")
    occurred_on: date | None = None
    note: str = Field("", max_length=200)


class SupplyEntryOut(BaseModel):
    id: int
    item_id: int
    item: str
    enterprise_id: int | None
    kind: str
    quantity: Decimal
    counted: Decimal | None
    balance: Decimal
    occurred_on: date
    request_id: int | None
    note: str
    created_at: datetime


class SupplyRequestIn(InputSchema):
    item_id: int
    quantity: str = Field(max_length=20)
    reason: str = Field("", max_length=500)


class SupplyAllocateIn(InputSchema):
    quantity: str | None = Field(None, max_length=20, description="Empty: as requested.")
    note: str = Field("", max_length=500)


class SupplyDeclineIn(InputSchema):
    note: str = Field(max_length=500)


class SupplyRequestOut(BaseModel):
    id: int
    enterprise_id: int
    enterprise: str
    item_id: int
    item: str
    quantity: Decimal
    reason: str
    status: str
    allocated: Decimal | None
    decision_note: str
    created_at: datetime
    decided_at: datetime | None


class SupplyImportRowErrorOut(BaseModel):
    row: int
    column: str
    message: str


class SupplyImportOut(BaseModel):
    ok: bool
    total: int
    counted: int
    errors: list[SupplyImportRowErrorOut]


class SupplyImportRejectedOut(BaseModel):
    """The usual error body, with the report listing every bad row."""

    error: ErrorDetail
    report: SupplyImportOut


def _item_out(item) -> dict:
    return {key: getattr(item, key) for key in SupplyItemOut.model_fields if key != "id"} | {
        "id": item.pk
    }


def _place_out(rows, enterprise_id, on) -> dict:
    return {
        "enterprise_id": enterprise_id,
        "on": on,
        "stock": [
            {
                "item_id": row.item.pk,
                "item": row.item.name,
                "unit": row.item.unit,
                "quantity": row.quantity,
                "daily_use": row.daily_use,
                "days_of_supply": row.days,
                "warning": row.warning,
            }
            for row in rows
        ],
    }


def _entry_out(entry) -> dict:
    return {
        "id": entry.pk,
        "item_id": entry.item_id,
        "item": entry.item.name,
        "enterprise_id": entry.enterprise_id,
        "kind": entry.kind,
        "quantity": entry.quantity,
        "counted": entry.counted,
        "balance": entry.balance,
        "occurred_on": entry.occurred_on,
        "request_id": entry.request_id,
        "note": entry.note,
        "created_at": entry.created_at,
    }


def _request_out(supply_request) -> dict:
    return {
        "id": supply_request.pk,
        "enterprise_id": supply_request.enterprise_id,
        "enterprise": supply_request.enterprise.name,
        "item_id": supply_request.item_id,
        "item": supply_request.item.name,
        "quantity": supply_request.quantity,
        "reason": supply_request.reason,
        "status": supply_request.status,
        "allocated": supply_request.allocated,
        "decision_note": supply_request.decision_note,
        "created_at": supply_request.created_at,
        "decided_at": supply_request.decided_at,
    }


def _active_item(request, item_id: int):
    return selectors.item_get(actor=request.auth, item_id=item_id)


# ----- items ---------------------------------------------------------------------------------


@router.get("/supplies/items", response={200: list[SupplyItemOut], **ERROR_RESPONSES})
def supply_item_list(request):
    """The list of items the command post keeps (in use or not)."""
    return [_item_out(item) for item in selectors.item_list(actor=request.auth)]


@router.post("/supplies/items", response={201: SupplyItemOut, **ERROR_RESPONSES})
def supply_item_create(request, body: SupplyItemIn):
    """Add an item (command post)."""
    data = body.model_dump()
    data["application_field"] = data["application_field"] or ""
    item = services.supply_item_save(actor=request.auth, **data)
    return Status(201, _item_out(item))


@router.put("/supplies/items/{int:item_id}", response={200: SupplyItemOut, **ERROR_RESPONSES})
def supply_item_update(request, item_id: int, body: SupplyItemIn):
    """Change an item (command post)."""
    require(request.auth, Action.SUPPLIES_MANAGE)
    item = selectors.item_get(actor=request.auth, item_id=item_id)
    data = body.model_dump()
    data["application_field"] = data["application_field"] or ""
    return _item_out(services.supply_item_save(actor=request.auth, item=item, **data))


# ----- the reserve ---------------------------------------------------------------------------


@router.get("/supplies/reserve", response={200: SupplyPlaceOut, **ERROR_RESPONSES})
def supply_reserve(request, on: date | None = None):
    """The park's reserve: each item's stock (command post)."""
    require(request.auth, Action.SUPPLIES_MANAGE)
    day = on or timezone.localdate()
    return _place_out(selectors.stock_rows(actor=request.auth, enterprise=None, on=day), None, day)


@router.get("/supplies/reserve/entries", response={200: list[SupplyEntryOut], **ERROR_RESPONSES})
@paginate(Pagination)
def supply_reserve_entries(request, item_id: int | None = None):
    """The reserve's ledger, newest first."""
    entries = selectors.entry_list(actor=request.auth, enterprise=None, item_id=item_id)
    return [_entry_out(entry) for entry in entries]


@router.post("/supplies/reserve/entries", response={201: SupplyEntryOut, **ERROR_RESPONSES})
def supply_reserve_record(request, body: SupplyEntryIn):
    """Record a receipt, an issue or a count at the reserve (command post)."""
    require(request.auth, Action.SUPPLIES_MANAGE)
    item = _active_item(request, body.item_id)
    entry = services.supply_record(
        actor=request.auth,
        enterprise=None,
        item=item,
        kind=body.kind,
        quantity=body.quantity,
        occurred_on=body.occurred_on,
        note=body.note,
    )
    return Status(201, _entry_out(entry))


# ----- an enterprise -------------------------------------------------------------------------


@router.get(
    "/supplies/enterprises/{int:enterprise_id}",
    response={200: SupplyPlaceOut, **ERROR_RESPONSES},
)
def supply_enterprise(request, enterprise_id: int, on: date | None = None):
    """An enterprise's stock of each item, its average daily use and days of supply."""
    enterprise = selectors.enterprise_for_supplies(actor=request.auth, enterprise_id=enterprise_id)
    day = on or timezone.localdate()
    rows = selectors.stock_rows(actor=request.auth, enterprise=enterprise, on=day)
    return _place_out(rows, enterprise.pk, day)


@router.get(
    "/supplies/enterprises/{int:enterprise_id}/entries",
    response={200: list[SupplyEntryOut], **ERROR_RESPONSES},
)
@paginate(Pagination)
def supply_enterprise_entries(request, enterprise_id: int, item_id: int | None = None):
    """An enterprise's ledger, newest first."""
    enterprise = selectors.enterprise_for_supplies(actor=request.auth, enterprise_id=enterprise_id)
    entries = selectors.entry_list(actor=request.auth, enterprise=enterprise, item_id=item_id)
    return [_entry_out(entry) for entry in entries]


@router.post(
    "/supplies/enterprises/{int:enterprise_id}/entries",
    response={201: SupplyEntryOut, **ERROR_RESPONSES},
)
def supply_enterprise_record(request, enterprise_id: int, body: SupplyEntryIn):
    """Record a receipt, an issue, a day's use or a stock count at an enterprise."""
    enterprise = selectors.enterprise_for_supplies(actor=request.auth, enterprise_id=enterprise_id)
    require(request.auth, Action.SUPPLIES_RECORD)
    item = _active_item(request, body.item_id)
    entry = services.supply_record(
        actor=request.auth,
        enterprise=enterprise,
        item=item,
        kind=body.kind,
        quantity=body.quantity,
        occurred_on=body.occurred_on,
        note=body.note,
    )
    return Status(201, _entry_out(entry))


@router.post(
    "/supplies/enterprises/{int:enterprise_id}/import",
    response={
        200: SupplyImportOut,
        400: SupplyImportRejectedOut | ErrorOut,
        **ERROR_RESPONSES_BUT_400,
    },
)
def supply_enterprise_import(request, enterprise_id: int, file: File[UploadedFile]):
    """Import a stock count (xlsx or csv: 物资名称, 盘点数量, 备注): every row, or none: then
    400 with the error body and a ``report`` listing every bad row."""
    enterprise = selectors.enterprise_for_supplies(actor=request.auth, enterprise_id=enterprise_id)
    report = supply_count_import(actor=request.auth, enterprise=enterprise, upload=file)
    data = {
        "ok": report.ok,
        "total": report.total,
        "counted": report.updated,
        "errors": [error.__dict__ for error in report.errors],
    }
    if report.ok:
        return data
    message = _("Nothing was imported: %(bad)s of %(total)s rows have problems.") % {
        "bad": report.bad_rows,
        "total": report.total,
    }
    error = {"code": "import_rejected", "message": message, "fields": {}}
    return Status(400, {"error": error, "report": data})


# ----- requests ------------------------------------------------------------------------------


@router.get("/supplies/requests", response={200: list[SupplyRequestOut], **ERROR_RESPONSES})
@paginate(Pagination)
def supply_request_list(
    request, status: RequestStatus | None = None, enterprise_id: int | None = None
):
    """Requests in your scope, newest first."""
    requests = selectors.request_list(
        actor=request.auth, status=status or "", enterprise_id=enterprise_id
    )
    return [_request_out(item) for item in requests]


@router.post(
    "/supplies/enterprises/{int:enterprise_id}/requests",
    response={201: SupplyRequestOut, **ERROR_RESPONSES},
)
def supply_request_create(request, enterprise_id: int, body: SupplyRequestIn):
    """An enterprise officer asks for an item from the reserve."""
    enterprise = selectors.enterprise_for_supplies(actor=request.auth, enterprise_id=enterprise_id)
    require(request.auth, Action.SUPPLIES_REQUEST)
    item = _active_item(request, body.item_id)
    created = services.supply_request_create(
        actor=request.auth,
        enterprise=enterprise,
        item=item,
        quantity=body.quantity,
        reason=body.reason,
    )
    return Status(201, _request_out(created))


@router.post(
    "/supplies/requests/{int:request_id}/allocate",
    response={200: SupplyRequestOut, **ERROR_RESPONSES},
)
def supply_request_allocate(request, request_id: int, body: SupplyAllocateIn):
    """Allocate from the reserve (the quantity requested, or less); 409 when the reserve holds
    less, nothing written."""
    supply_request = selectors.request_get(actor=request.auth, request_id=request_id)
    allocation = services.supply_request_allocate(
        actor=request.auth, request=supply_request, quantity=body.quantity, note=body.note
    )
    return _request_out(allocation.request)


@router.post(
    "/supplies/requests/{int:request_id}/decline",
    response={200: SupplyRequestOut, **ERROR_RESPONSES},
)
def supply_request_decline(request, request_id: int, body: SupplyDeclineIn):
    """Decline a request, with the reason."""
    supply_request = selectors.request_get(actor=request.auth, request_id=request_id)
    return _request_out(
        services.supply_request_decline(actor=request.auth, request=supply_request, note=body.note)
    )
