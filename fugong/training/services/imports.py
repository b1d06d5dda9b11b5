"""Importing a session's attendance from an xlsx or csv file: one row per worker who attended,
found by their document number (the name, if given, must match). As every import: the whole
file is checked first; one bad row and nothing is written, every bad row reported."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.core.errors import ApplicationError
from fugong.core.files import Upload
from fugong.core.identity import normalize_identity_number
from fugong.core.scoping import enterprise_scope_q
from fugong.core.tabular import Column, cell_text, read_sheet, xlsx_bytes
from fugong.core.text import normalize_name
from fugong.enterprises.imports import ImportReport, RowError
from fugong.workforce.models import DocumentType, Worker
from fugong.workforce.personal import document_digest

from ..models import AttendanceMethod, TrainingSession
from .attendance import _check_held, _record
from .sessions import _lock, require_manages

COLUMNS = (
    Column("full_name", "姓名", "Name", aliases=("工人姓名",)),
    Column(
        "document_number",
        "证件号码",
        "Document number",
        required=True,
        aliases=("身份证号", "身份证号码", "公民身份号码", "ID number"),
    ),
)
HEADER_BY_KEY = {column.key: column.header for column in COLUMNS}


# The template's example row: an invented resident ID (valid check digit), to be deleted.
EXAMPLE_ROW = ("王芳", "430603198506153011")


def attendance_template() -> bytes:
    return xlsx_bytes("培训签到", [column.header for column in COLUMNS], [EXAMPLE_ROW])


def _digests(number: str) -> list[str]:
    text = normalize_identity_number(number)
    return [document_digest(document_type, text) for document_type in DocumentType.values]


def attendance_import(*, actor: User, session: TrainingSession, upload: Upload) -> ImportReport:
    """Validate every row; record all the attendees, or none."""
    require_manages(actor, session)
    _check_held(session)
    sheet = read_sheet(upload, COLUMNS, max_bytes=settings.FUGONG_IMPORT_MAX_BYTES)
    if not sheet.rows:
        raise ApplicationError(
            _("The file has no workers below its header row."), code="empty_file"
        )
    report = ImportReport(total=len(sheet.rows))
    digests: dict[int, list[str]] = {}
    for number, values in sheet.rows:
        text = cell_text(values.get("document_number"))
        if text:
            digests[number] = _digests(text)
    # Every worker the actor may see whose number the file names, by digest: one query.
    by_digest = {
        worker.document_digest: worker
        for worker in Worker.objects.filter(
            document_digest__in=[digest for group in digests.values() for digest in group]
        ).filter(enterprise_scope_q(actor, "enterprise"))
    }
    workers: list[Worker] = []
    seen: dict[int, int] = {}
    for number, values in sheet.rows:
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
        error = _check_row(session, number, values, digests, by_digest, seen, workers)
        if error:
            report.errors.append(error)
    if report.errors:
        report.errors.sort(key=lambda error: error.row)
        return report
    with transaction.atomic():
        locked = _lock(session)
        created = _record(
            actor=actor, session=locked, workers=workers, method=AttendanceMethod.IMPORTED
        )
    report.created = len(created)
    report.unchanged = len(workers) - len(created)
    return report


def _check_row(
    session: TrainingSession,
    number: int,
    values: dict[str, object],
    digests: dict[int, list[str]],
    by_digest: dict[str, Worker],
    seen: dict[int, int],
    workers: list[Worker],
) -> RowError | None:
    column = HEADER_BY_KEY["document_number"]
    if number not in digests:
        return RowError(number, column, _("Required."))
    worker = next((by_digest[d] for d in digests[number] if d in by_digest), None)
    if worker is None:
        return RowError(number, column, _("No worker in your scope has this document number."))
    if worker.pk in seen:
        message = _("The same worker is already on row %(row)s.") % {"row": seen[worker.pk]}
        return RowError(number, column, message)
    seen[worker.pk] = number
    name = normalize_name(cell_text(values.get("full_name")))
    if name and name != worker.full_name:
        return RowError(
            number, HEADER_BY_KEY["full_name"], _("The name does not match this document number.")
        )
    if worker.enterprise_id is None or (
        session.enterprise_id is not None and worker.enterprise_id != session.enterprise_id
    ):
        return RowError(number, column, _("Works for another enterprise."))
    workers.append(worker)
    return None
