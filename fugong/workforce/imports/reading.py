"""The import itself: the file read into rows, every row checked (duplicates and people on
another roster included), then all of them written (``writing``) or, if any row is bad, none.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.core.bulk import KeySet
from fugong.core.errors import ConflictError
from fugong.core.files import Upload
from fugong.core.roles import Action, require
from fugong.core.tabular import read_sheet
from fugong.enterprises.models import Enterprise

from ..models import Worker
from ..services.workers import _scope_enterprise
from .columns import COLUMNS, HEADER_BY_KEY
from .rows import ParsedRow, RowError, WorkerImportReport, _on_other_rosters, _RowParser
from .writing import _write


def worker_import(
    *, actor: User, enterprise: Enterprise, upload: Upload, numbers_checked: bool = False
) -> WorkerImportReport:
    """Check every row of the file; write all of them, or none. A resident ID ending in 000
    (perhaps cut by a spreadsheet) refuses its row unless ``numbers_checked`` confirms, for the
    whole file, that such numbers were checked against the ID cards; the report lists them."""
    require(actor, Action.WORKERS_MANAGE)
    _scope_enterprise(actor, enterprise)
    with collector_paused():
        return _import(actor, enterprise, upload, numbers_checked)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector: a roster creates hundreds of thousands of small
    objects that live until the import ends, and every collection would walk all of them again.
    Reference counting still frees everything; the collector resumes afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _import(
    actor: User, enterprise: Enterprise, upload: Upload, numbers_checked: bool
) -> WorkerImportReport:
    sheet = read_sheet(upload, COLUMNS, max_bytes=settings.FUGONG_IMPORT_MAX_BYTES)
    today = timezone.localdate()
    report = WorkerImportReport(total=len(sheet.rows))
    parser = _RowParser(
        {column.key for column in sheet.columns}, today, report, numbers_checked=numbers_checked
    )
    parsed: list[ParsedRow] = []
    seen: dict[str, int] = {}
    for number, cells in sheet.rows:
        if number in sheet.formula_cells:
            report.errors.append(
                RowError(
                    number,
                    ", ".join(sheet.formula_cells[number]),
                    _(
                        "This cell holds a formula; paste its value instead "
                        "(Paste Special → Values)."
                    ),
                )
            )
            continue
        row = parser.parse(number, cells)
        if row is None:
            continue
        digest = row.document.digest
        if digest in seen:
            report.errors.append(
                RowError(
                    number,
                    HEADER_BY_KEY["document_number"],
                    _("The same document number is already on row %(row)s.")
                    % {"row": seen[digest]},
                )
            )
            continue
        seen[digest] = number
        parsed.append(row)
    if report.errors:
        if parsed:
            # Name the rows of people on another roster too, so that one report lists them all.
            digests = KeySet((row.document.digest for row in parsed), name="import_digests")
            enterprises = dict(
                Worker.objects.filter(document_digest__in=digests.subquery()).values_list(
                    "document_digest", "enterprise_id"
                )
            )
            digests.drop()
            report.errors.extend(_on_other_rosters(parsed, enterprises, enterprise))
        report.errors.sort(key=lambda error: error.row)
        return report
    try:
        _write(actor, enterprise, parsed, report, today)
    except IntegrityError as error:
        raise ConflictError(
            _("The roster changed while the file was being checked; import it again.")
        ) from error
    return report
