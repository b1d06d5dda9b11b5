"""Importing an enterprise's roster from xlsx or csv.

The whole file is checked first; if any row is bad nothing is written and the report lists
every bad row. The document number is the key: importing the same file again changes nothing.
A person on another enterprise's roster is a bad row (an import moves nobody: the old employer
records the leave, or the command post moves them); a person who has left is taken on again on
their one record, starting clean (see services.workers._join).
Rows are written with set-based inserts and updates, so that a 100,000-row file imports in one go.

The package is split by what it does: ``columns`` (the file's columns and the template),
``rows`` (the rules for one row, its errors, the report), ``reading`` (the import: the file read
and checked row by row) and ``writing`` (the set-based write of a good file).
"""

from .columns import (
    COLUMNS,
    HEADER_BY_KEY,
    TEMPLATE_EXAMPLE,
    template_title,
    worker_import_template,
)
from .reading import (
    ROSTER_IMPORT_JOB,
    collector_paused,
    runs_as_job,
    worker_import,
    worker_import_enqueue,
)
from .rows import (
    DATE_KEYS,
    DOCUMENT_TYPES,
    EXCEL_EPOCH,
    HEALTH_CODES,
    TEXT_LIMITS,
    ParsedRow,
    RowError,
    WorkerImportReport,
    _parse_travel,
    _RowParser,
    parse_date,
)
from .writing import EXISTING_FIELDS, FILE_KEYS, WORKER_COLUMNS

__all__ = [
    "COLUMNS",
    "DATE_KEYS",
    "DOCUMENT_TYPES",
    "EXCEL_EPOCH",
    "EXISTING_FIELDS",
    "FILE_KEYS",
    "HEADER_BY_KEY",
    "HEALTH_CODES",
    "ROSTER_IMPORT_JOB",
    "TEMPLATE_EXAMPLE",
    "TEXT_LIMITS",
    "WORKER_COLUMNS",
    "ParsedRow",
    "RowError",
    "WorkerImportReport",
    "_RowParser",  # workforce.forms parses a worker's travel as the import does
    "_parse_travel",
    "collector_paused",
    "parse_date",
    "runs_as_job",
    "template_title",
    "worker_import",
    "worker_import_enqueue",
    "worker_import_template",
]
