"""An enterprise's stock count from an xlsx (or csv) file: one row per item, the counted
quantity. As every import, the whole file is checked first; if any row is bad nothing is written
and every problem is reported with its row and column. Each good row becomes a stock count (an
adjustment to the counted quantity) in one transaction, with one audit row for the file.

A count sheet holds a row per item, so the file is read under the inline limit
(``FUGONG_IMPORT_INLINE_MAX_BYTES``) and never runs as a background job.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.errors import ApplicationError
from fugong.core.files import Upload
from fugong.core.roles import Action
from fugong.core.tabular import Column, cell_text, read_sheet, xlsx_bytes
from fugong.enterprises.imports import ImportReport, RowError
from fugong.enterprises.models import Enterprise

from . import services
from .models import EntryKind, SupplyItem

COLUMNS = (
    Column("item", "物资名称", "Item", required=True, aliases=("物资", "品名", "名称")),
    Column("counted", "盘点数量", "Counted", required=True, aliases=("数量", "库存", "库存数量")),
    Column("note", "备注", "Note"),
)
HEADER_BY_KEY = {column.key: column.header for column in COLUMNS}

template_title = gettext_lazy("Stock count")
# The example rows: standard items (migration 0002) with invented counts.
TEMPLATE_EXAMPLE = [
    ("医用外科口罩", 1200),
    ("N95/KN95口罩", 100),
    ("一次性医用口罩", 3000),
    ("消毒液", 45.5),
    ("体温计", 12),
    ("血氧仪", 2),
]


def supply_count_import(
    *, actor: User, enterprise: Enterprise, upload: Upload, occurred_on: date | None = None
) -> ImportReport:
    """Check every row; record all the counts, or none."""
    services._check_place(actor, enterprise, action=Action.SUPPLIES_RECORD)
    sheet = read_sheet(upload, COLUMNS, max_bytes=settings.FUGONG_IMPORT_INLINE_MAX_BYTES)
    report = ImportReport(total=len(sheet.rows))
    items = {item.name: item for item in SupplyItem.objects.filter(active=True)}
    seen: dict[int, int] = {}
    counts = []
    for row_number, values in sheet.rows:
        if row_number in sheet.formula_cells:
            report.errors.append(
                RowError(
                    row_number,
                    ", ".join(sheet.formula_cells[row_number]),
                    _(
                        "This cell holds a formula; paste its value instead "
                        "(Paste Special → Values)."
                    ),
                )
            )
            continue
        name = cell_text(values.get("item"))
        item = items.get(name)
        if item is None:
            report.errors.append(
                RowError(
                    row_number,
                    HEADER_BY_KEY["item"],
                    _("No item of this name is in the list: %(name)s.") % {"name": name or "—"},
                )
            )
            continue
        if item.pk in seen:
            report.errors.append(
                RowError(
                    row_number,
                    HEADER_BY_KEY["item"],
                    _("The same item is already on row %(row)s.") % {"row": seen[item.pk]},
                )
            )
            continue
        seen[item.pk] = row_number
        raw = values.get("counted")
        try:
            counted = services.quantity_parse(
                "" if raw is None else cell_text(raw), item=item, allow_zero=True
            )
        except ApplicationError as error:
            report.errors.append(RowError(row_number, HEADER_BY_KEY["counted"], error.message))
            continue
        counts.append((item, counted, cell_text(values.get("note"))[:200]))
    if not sheet.rows:
        report.errors.append(RowError(1, HEADER_BY_KEY["item"], _("The file has no rows.")))
    if report.errors:
        report.errors.sort(key=lambda error: error.row)
        return report
    _write(actor, enterprise, counts, occurred_on or timezone.localdate(), report)
    return report


@transaction.atomic
def _write(actor, enterprise, counts, occurred_on, report: ImportReport) -> None:
    entries = [
        services.supply_record(
            actor=actor,
            enterprise=enterprise,
            item=item,
            kind=EntryKind.COUNT,
            quantity=counted,
            occurred_on=occurred_on,
            note=note,
            audit=False,
        )
        for item, counted, note in counts
    ]
    report.updated = len(entries)
    audit_event_record(
        actor=actor,
        action=AuditAction.SUPPLY_COUNT_IMPORTED,
        target=enterprise,
        enterprise=enterprise,
        summary=_("%(count)s items counted") % {"count": len(entries)},
        data={"entries": [entry.pk for entry in entries]},
    )


def supply_count_template() -> bytes:
    """The template: the header row and example rows of standard items."""
    rows = [[name, count, ""] for name, count in TEMPLATE_EXAMPLE]
    return xlsx_bytes(str(template_title), [column.header for column in COLUMNS], rows)
