"""Reading import files (xlsx or csv) and writing xlsx exports.

Imports: the file is sniffed by content (an xlsx is a zip holding ``xl/workbook.xml``; anything
else must decode as UTF-8 or GB18030 CSV, which is what Excel writes on Chinese Windows). The
header row is matched against the expected columns in Chinese or English, and every cell that
holds a formula is reported, because a formula's cached value is not something a person typed.

An import file is untrusted, and its size says little: a few kilobytes of zip can unpack to
gigabytes, and python-calamine lays a sheet out as a dense grid, so a file with cells at A1 and
XFD1048576 asks it for seventeen billion cells (the process aborts). Before calamine sees a
workbook, ``_check_workbook`` refuses one whose members unpack to more than
``FUGONG_IMPORT_MAX_UNCOMPRESSED_BYTES`` in all, or hold a big member packed more than
``MAX_COMPRESSION_RATIO`` to one, and ``_check_sheet_extent`` one whose sheet has a cell (or
declares a dimension) below row ``FUGONG_IMPORT_MAX_ROWS`` + ``HEADER_SEARCH_ROWS`` or right of
column ``FUGONG_IMPORT_MAX_COLUMNS``. A CSV is read row by row and refused as soon as it passes the
same limits or has a line longer than ``FUGONG_IMPORT_MAX_LINE_CHARS``. Nothing is written by a
refused file: the importers read the whole file before writing anything.

Exports: text that a spreadsheet would run as a formula (starting with = + - @, tab or
carriage return) is prefixed with an apostrophe, the OWASP advice against CSV/formula injection.
"""

from __future__ import annotations

import csv
import io
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from .errors import ApplicationError
from .files import Upload, read_limited
from .import_limits import (
    ImportLimits,
    not_a_spreadsheet,
    too_many_columns,
    too_many_rows,
)
from .xlsx_guard import check_workbook


@dataclass(frozen=True)
class Column:
    """One expected column: the key the importer uses and the headers people write."""

    key: str
    header: str  # the Chinese header in the template
    english: str  # the English header, also accepted
    required: bool = False
    aliases: tuple[str, ...] = ()

    def matches(self, text: str) -> bool:
        wanted = _header_key(text)
        return wanted in {_header_key(name) for name in (self.header, self.english, *self.aliases)}


def _header_key(text: str) -> str:
    return re.sub(r"[\s*＊（）()_\-:：]", "", str(text or "")).lower()


@dataclass
class Sheet:
    """The rows of an import file below its header, keyed by column key."""

    columns: list[Column]
    rows: list[tuple[int, dict[str, object]]]  # (row number as the spreadsheet shows it, values)
    formula_cells: dict[int, list[str]] = field(default_factory=dict)  # row number → cell refs


def read_sheet(upload: Upload, columns: Sequence[Column], *, max_bytes: int) -> Sheet:
    """Read an uploaded xlsx or csv file into rows, or raise the business error."""
    limits = ImportLimits.from_settings()
    content = read_limited(upload, max_bytes)
    if not content.strip():
        raise ApplicationError(_("The file is empty."), code="empty_file")
    if content.startswith(b"PK\x03\x04"):
        table, formulas = _read_xlsx(content, limits)
    else:
        table, formulas = _read_csv(content, limits), {}
    return _match_header(table, columns, formulas, limits)


# ----- xlsx ----------------------------------------------------------------------------------


def _read_xlsx(
    content: bytes, limits: ImportLimits
) -> tuple[Sequence[Sequence[object]], dict[int, list[str]]]:
    formulas = check_workbook(content, limits)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = workbook.get_sheet_by_index(0)
        # Checked again on what calamine read, cheaply, whatever the XML scan may have missed.
        end = sheet.end
        if end is not None and end[0] + 1 > limits.max_sheet_rows:
            raise too_many_rows(limits)
        if end is not None and end[1] + 1 > limits.max_columns:
            raise too_many_columns(limits)
        table = sheet.to_python(skip_empty_area=False, nrows=limits.max_sheet_rows)
    except (CalamineError, ValueError, OSError, IndexError) as error:
        raise not_a_spreadsheet() from error
    return table, formulas


# ----- csv -----------------------------------------------------------------------------------


def _read_csv(content: bytes, limits: ImportLimits) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise not_a_spreadsheet()
    if "\x00" in text:
        raise not_a_spreadsheet()
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    table: list[list[str]] = []
    try:
        # Row by row: the reader stops at the first row past a limit, not after reading them all.
        for row in csv.reader(_lines(text, limits), dialect):
            if len(row) > limits.max_columns:
                raise too_many_columns(limits)
            table.append(row)
            if len(table) > limits.max_sheet_rows:
                raise too_many_rows(limits)
    except csv.Error as error:
        raise not_a_spreadsheet() from error
    return table


def _lines(text: str, limits: ImportLimits) -> Iterator[str]:
    for line in io.StringIO(text):
        if len(line) > limits.max_line_chars:
            raise ApplicationError(
                _(
                    "The file has a line longer than %(count)s characters, which no template "
                    "row needs. Save it from Excel as .xlsx or .csv."
                )
                % {"count": limits.max_line_chars},
                code="line_too_long",
            )
        yield line


# ----- the header and the rows ---------------------------------------------------------------


def _match_header(
    table: Sequence[Sequence[object]],
    columns: Sequence[Column],
    formulas: dict[int, list[str]],
    limits: ImportLimits,
) -> Sheet:
    # The header is the first of the top rows that names a required column: people leave a
    # title row ("企业名单") above it. Failing that, the first row that is not empty.
    non_empty = [
        index for index, row in enumerate(table[:50]) if any(str(cell).strip() for cell in row)
    ]
    if not non_empty:
        raise ApplicationError(_("The file is empty."), code="empty_file")
    required = [column for column in columns if column.required]
    header_index = next(
        (
            index
            for index in non_empty[:10]
            if any(column.matches(str(cell)) for cell in table[index] for column in required)
        ),
        non_empty[0],
    )
    header = [str(cell).strip() for cell in table[header_index]]
    positions: dict[str, int] = {}
    unknown = []
    for index, text in enumerate(header):
        if not text:
            continue
        column = next((column for column in columns if column.matches(text)), None)
        if column is None:
            unknown.append(text)
        elif column.key in positions:
            raise ApplicationError(
                _("The column “%(column)s” appears twice in the header row.") % {"column": text},
                code="duplicate_column",
            )
        else:
            positions[column.key] = index
    missing = [
        column.header for column in columns if column.required and column.key not in positions
    ]
    if missing:
        # ``fields`` holds messages, like every error's: a page shows them as they are.
        message = _(
            "The header row lacks the required column(s): %(columns)s. "
            "Use the template's headers (found: %(found)s)."
        ) % {"columns": "、".join(missing), "found": "、".join(h for h in header if h) or "—"}
        raise ApplicationError(message, code="missing_columns", fields={"header": [message]})
    if unknown:
        message = _(
            "The header row has column(s) this import does not know: %(columns)s. "
            "Rename them to the template's headers or delete them."
        ) % {"columns": "、".join(unknown)}
        raise ApplicationError(message, code="unknown_columns", fields={"header": [message]})
    present = [column for column in columns if column.key in positions]
    keyed = [(column.key, positions[column.key]) for column in present]
    width = max(positions.values()) + 1
    keys = [key for key, _position in keyed]
    # The cells of the known columns in one C-level call per row (a roster has 100,000 rows);
    # the slice makes it a tuple even for a single column.
    pick = operator.itemgetter(*[position for _key, position in keyed], 0)
    rows = []
    for index in range(header_index + 1, len(table)):
        row = table[index]
        if len(row) < width:
            row = [*row, *([""] * (width - len(row)))]
        # Text is stripped here, once; numbers and dates keep their type (an ID number that a
        # spreadsheet turned into a float must still be recognisable as such).
        cells = [
            value.strip() if value.__class__ is str else "" if value is None else value
            for value in pick(row)[:-1]
        ]
        if cells.count("") == len(cells):
            continue
        rows.append((index + 1, dict(zip(keys, cells, strict=True))))
        if len(rows) > limits.max_rows:
            raise too_many_rows(limits)
    return Sheet(columns=present, rows=rows, formula_cells=formulas)


def cell_text(value: object) -> str:
    """A cell as trimmed text; whole floats (what spreadsheets make of numbers) lose the .0."""
    if value.__class__ is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


YES = {"是", "有", "y", "yes", "true", "1", "√", "✓"}
NO = {"否", "无", "n", "no", "false", "0", ""}


def cell_bool(value: object) -> bool | None:
    """是/否 (or yes/no, 1/0); None when the cell holds something else."""
    if isinstance(value, bool):
        return value
    text = cell_text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    return None


# ----- exports -------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A value that a spreadsheet will show as typed, never evaluate."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def xlsx_bytes(
    sheet_title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    advance: Callable[[int], object] | None = None,
) -> bytes:
    """A one-sheet workbook with a bold header, every text cell escaped against formulas.
    ``advance(n)`` is called after each row written (a background job's progress)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    bold = Font(bold=True)
    from openpyxl.cell import WriteOnlyCell

    header_cells = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=str(text))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for number, row in enumerate(rows, 1):
        sheet.append([safe_cell(value) for value in row])
        if advance is not None:
            advance(number)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
