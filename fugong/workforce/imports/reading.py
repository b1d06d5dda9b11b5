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
from fugong.jobs.models import Job
from fugong.jobs.progress import Progress
from fugong.jobs.services import job_enqueue, runs_as_job  # noqa: F401  (re-exported)

from ..models import Worker
from ..services.workers import _scope_enterprise
from .columns import COLUMNS, HEADER_BY_KEY
from .rows import ParsedRow, RowError, WorkerImportReport, _on_other_rosters, _RowParser
from .writing import _write

ROSTER_IMPORT_JOB = "workforce.roster_import"


def worker_import(
    *,
    actor: User,
    enterprise: Enterprise,
    upload: Upload,
    numbers_checked: bool = False,
    progress: Progress | None = None,
) -> WorkerImportReport:
    """Check every row of the file; write all of them, or none. A resident ID ending in 000
    (perhaps cut by a spreadsheet) refuses its row unless ``numbers_checked`` confirms, for the
    whole file, that such numbers were checked against the ID cards; the report lists them.
    ``progress`` (a job's): the stages and rows checked are reported to it; reading and checking
    happen outside the write transaction, so that what it reports is visible meanwhile."""
    require(actor, Action.WORKERS_MANAGE)
    _scope_enterprise(actor, enterprise)
    with collector_paused():
        return _import(actor, enterprise, upload, numbers_checked, progress or Progress())


def worker_import_enqueue(
    *, actor: User, enterprise: Enterprise, upload: Upload, numbers_checked: bool = False
) -> Job:
    """Start the import as a background job (``workforce.jobs`` runs it): the permission and
    the enterprise's scope are checked now, and again when it runs."""
    require(actor, Action.WORKERS_MANAGE)
    _scope_enterprise(actor, enterprise)
    return job_enqueue(
        actor=actor,
        kind=ROSTER_IMPORT_JOB,
        parameters={"enterprise_id": enterprise.pk, "numbers_checked": numbers_checked},
        scope=enterprise.pk,
        input_file=upload,
    )


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
    actor: User, enterprise: Enterprise, upload: Upload, numbers_checked: bool, progress: Progress
) -> WorkerImportReport:
    progress.stage(_("Reading the file"))
    sheet = read_sheet(upload, COLUMNS, max_bytes=settings.FUGONG_IMPORT_MAX_BYTES)
    progress.stage(_("Checking the rows"), total=len(sheet.rows))
    today = timezone.localdate()
    report = WorkerImportReport(total=len(sheet.rows))
    parser = _RowParser(
        {column.key for column in sheet.columns}, today, report, numbers_checked=numbers_checked
    )
    parsed: list[ParsedRow] = []
    seen: dict[str, int] = {}
    for checked, (number, cells) in enumerate(sheet.rows):
        progress.advance(checked)
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
            progress.stage(_("Looking for people on other rosters"))
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
    progress.stage(_("Saving"))
    try:
        _write(actor, enterprise, parsed, report, today)
    except IntegrityError as error:
        raise ConflictError(
            _("The roster changed while the file was being checked; import it again.")
        ) from error
    return report
