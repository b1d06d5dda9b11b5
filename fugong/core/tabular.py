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
import functools
import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from .errors import ApplicationError, PayloadTooLargeError
from .files import read_limited

_FORMULA_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?>(?:(?!</c>).)*?<f[ >/]', re.DOTALL)

# The header is looked for in a sheet's first rows (a title row may sit above it), so a sheet may
# reach this many rows further down than FUGONG_IMPORT_MAX_ROWS.
HEADER_SEARCH_ROWS = 50
# Excel packs a 100,000-row roster's sheet 8.8 to one and its shared strings 4.1 to one; a member
# packed a hundred to one is a bomb, not a roster. Small members pack well and prove nothing.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_FROM_BYTES = 1024 * 1024
MAX_ARCHIVE_MEMBERS = 1000
_WIDE_TEXT_STARTS = {b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<"}  # UTF-16 XML


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


@dataclass(frozen=True)
class ImportLimits:
    """How much an import file may hold (from the settings; see fugong/settings/base.py)."""

    max_uncompressed_bytes: int
    max_rows: int  # data rows below the header
    max_columns: int
    max_line_chars: int  # csv

    @classmethod
    def from_settings(cls) -> ImportLimits:
        return cls(
            max_uncompressed_bytes=settings.FUGONG_IMPORT_MAX_UNCOMPRESSED_BYTES,
            max_rows=settings.FUGONG_IMPORT_MAX_ROWS,
            max_columns=settings.FUGONG_IMPORT_MAX_COLUMNS,
            max_line_chars=settings.FUGONG_IMPORT_MAX_LINE_CHARS,
        )

    @property
    def max_sheet_rows(self) -> int:
        """The last row number a sheet may use: the data rows, the header and rows above it."""
        return self.max_rows + HEADER_SEARCH_ROWS


def read_sheet(upload, columns: Sequence[Column], *, max_bytes: int) -> Sheet:
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


def _read_xlsx(content: bytes, limits: ImportLimits) -> tuple[list[list[object]], dict]:
    formulas = _check_workbook(content, limits)
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


def _check_workbook(content: bytes, limits: ImportLimits) -> dict[int, list[str]]:
    """Refuse a bomb before anything unpacks it; return the first sheet's formula cells.

    Every member is unpacked here, one at a time, by zipfile, which never produces more than a
    member's declared size (nor does calamine: it fails on a member longer than declared), so the
    declared sizes bound the work. Every member that holds sheet data is checked, whatever its
    name: that covers the one calamine reads as the first sheet without resolving the
    workbook's relationships the way calamine does."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as error:
        raise not_a_spreadsheet() from error
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        names = {info.filename for info in members}
        if "xl/workbook.xml" not in names or len(members) > MAX_ARCHIVE_MEMBERS:
            raise not_a_spreadsheet()
        if sum(info.file_size for info in members) > limits.max_uncompressed_bytes:
            raise too_large_unpacked(limits)
        for info in members:
            if (
                info.file_size > RATIO_CHECKED_FROM_BYTES
                and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
            ):
                raise suspicious_workbook()
        formula_sheet = _first_sheet_guess(names)
        formulas: dict[int, list[str]] = {}
        for info in members:
            try:
                data = archive.read(info)
            except (
                zipfile.BadZipFile,
                zlib.error,
                NotImplementedError,  # a compression method zipfile does not know
                RuntimeError,  # encrypted
                EOFError,
                OSError,
                ValueError,
            ) as error:
                raise not_a_spreadsheet() from error
            if data[:2] in _WIDE_TEXT_STARTS:
                # XML in UTF-16, which Excel never writes and _check_sheet_extent cannot read.
                raise not_a_spreadsheet()
            if b"sheetData" in data:
                _check_sheet_extent(data, limits)
                if info.filename == formula_sheet:
                    formulas = _formula_cells(data)
            del data
    return formulas


def _first_sheet_guess(names: set[str]) -> str | None:
    """The part the formula scan reads: sheet1.xml, as Excel names the first sheet."""
    if "xl/worksheets/sheet1.xml" in names:
        return "xl/worksheets/sheet1.xml"
    candidates = sorted(name for name in names if name.startswith("xl/worksheets/sheet"))
    return candidates[0] if candidates else None


def _formula_cells(xml: bytes) -> dict[int, list[str]]:
    """Cells of a worksheet's XML that hold a formula, by row number."""
    result: dict[int, list[str]] = {}
    if b"<f" not in xml:
        return result
    for match in _FORMULA_CELL.finditer(xml):
        column, row = match.group(1).decode(), int(match.group(2))
        result.setdefault(row, []).append(f"{column}{row}")
    return result


# ----- how far a sheet reaches, before calamine lays it out ----------------------------------
#
# calamine places a cell at its ``r`` reference ("B7") or, without one, right of the previous
# cell, in the row its row element's ``r`` names or else the one below the previous row; it skips
# cells without a value. Excel, WPS, LibreOffice, openpyxl and XlsxWriter write ``<c r="B7" …>``
# for every cell, so the common case is one regular-expression pass that finds a cell whose first
# attribute is not a plain reference, or a cell with a value (not ``<c …/>``: Excel writes
# formatted empty cells that way) beyond the limits. A sheet that fails the first test (cells
# without references, element prefixes such as ``<x:c>``) is bounded by counting instead: no cell
# lies further down than the largest row reference (plus the number of rows, if some rows lack
# one), nor further right than the largest column reference plus the most cells in one row. Both
# err on the side of refusing: what they cannot read as a plain reference is taken as far away.

_NAME_PREFIX = rb"""(?:[^\s<>/:"'=]+:)?"""
_ATTRIBUTES = rb"""(?:[^>"']|"[^"]*"|'[^']*')*"""
_TAG_END = re.compile(_ATTRIBUTES + rb">")
_CELL_REF = re.compile(rb"([A-Za-z]{1,3})([0-9]{1,7})")
_PREFIXED_CELL_OR_ROW = re.compile(rb":(?:c|row)[\s/>]")
_BARE_ROW = re.compile(rb"""<row(?=[\s/>])(?!\s+r\s*=\s*["'][0-9]{1,7}["'])""")
_ROW_START = re.compile(rb"<" + _NAME_PREFIX + rb"row[\s/>]")
_DIMENSION = re.compile(
    rb"<"
    + _NAME_PREFIX
    + rb"dimension(?=[\s/>])"
    + _ATTRIBUTES
    + rb"""?\sref\s*=\s*(?:"([^"]*)"|'([^']*)')"""
)


def _number_at_most(limit: int, *, plain: bool = False) -> bytes:
    """A pattern for a decimal number from 0 to ``limit``, with leading zeros allowed; ``plain``:
    from 1, written the ordinary way."""
    text = str(limit)
    alternatives = []
    if len(text) > 1:
        alternatives.append(
            rf"[1-9][0-9]{{0,{len(text) - 2}}}" if plain else rf"[0-9]{{1,{len(text) - 1}}}"
        )
    for index, digit in enumerate(text):
        lowest = 1 if index == 0 else 0
        if int(digit) > lowest:
            rest = len(text) - index - 1
            alternatives.append(rf"{text[:index]}[{lowest}-{int(digit) - 1}][0-9]{{{rest}}}")
    alternatives.append(text)
    if plain:
        return ("(?:" + "|".join(alternatives) + ")").encode()
    return ("0*(?:" + "|".join([*alternatives, "0"]) + ")").encode()


def _number_above(limit: int) -> bytes:
    """A pattern for a decimal number (leading zeros allowed) greater than ``limit`` (≥ 0)."""
    text = str(limit)
    alternatives = [rf"[1-9][0-9]{{{len(text)},}}"]
    for index, digit in enumerate(text):
        if digit != "9":
            rest = len(text) - index - 1
            alternatives.append(rf"{text[:index]}[{int(digit) + 1}-9][0-9]{{{rest}}}")
    return ("0*(?:" + "|".join(alternatives) + ")").encode()


def column_letters(number: int) -> str:
    """1 → A, 26 → Z, 27 → AA, 100 → CV (0 → the empty string)."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - ord("A") + 1
    return number


def _letters_at_most(limit: int, *, plain: bool = False) -> bytes:
    """A pattern for column letters from column 1 to ``limit`` (≥ 1), in either case or, with
    ``plain``, in capitals."""
    text = column_letters(limit)
    alternatives = [rf"[A-Z]{{1,{len(text) - 1}}}"] if len(text) > 1 else []
    for index, letter in enumerate(text):
        if letter != "A":
            rest = len(text) - index - 1
            alternatives.append(rf"{text[:index]}[A-{chr(ord(letter) - 1)}][A-Z]{{{rest}}}")
    alternatives.append(text)
    return (("(?:" if plain else "(?i:") + "|".join(alternatives) + ")").encode()


def _letters_above(limit: int) -> bytes:
    """A pattern for column letters (either case) right of column ``limit`` (≥ 0)."""
    text = column_letters(limit)
    alternatives = [rf"[A-Z]{{{len(text) + 1},}}"]
    for index, letter in enumerate(text):
        if letter != "Z":
            rest = len(text) - index - 1
            alternatives.append(rf"{text[:index]}[{chr(ord(letter) + 1)}-Z][A-Z]{{{rest}}}")
    return ("(?i:" + "|".join(alternatives) + ")").encode()


@functools.lru_cache(maxsize=16)
def _plain_near_cell_pattern(max_rows: int, max_columns: int) -> re.Pattern:
    """A cell that does not start the way Excel writes one within the limits (``<c r="B7"``).
    The first pass: about 0.1 s for a 100,000-row roster's 1.1 million cells."""
    near = _letters_at_most(max_columns, plain=True) + _number_at_most(max_rows, plain=True)
    return re.compile(rb'<c(?! r="' + near + rb'"|[^\s/>])')


@functools.lru_cache(maxsize=16)
def _unusual_cell_pattern(max_rows: int, max_columns: int) -> re.Pattern:
    """A cell whose first attribute is not a plain reference within the limits: one without a
    reference first, or a reference past a limit (group ``ref``, when it is plain). Every cell of
    an ordinary sheet fails this at its first few characters, which keeps the pass fast."""
    near = _letters_at_most(max_columns) + _number_at_most(max_rows)
    return re.compile(
        rb"""<c(?=[\s/>])(?!\s+r\s*=\s*["']""" + near + rb"""["'])"""
        rb"""(?:\s+r\s*=\s*["'](?P<ref>[A-Za-z]{1,3}[0-9]{1,7})["'])?"""
    )


@functools.lru_cache(maxsize=16)
def _reference_above(rows: int | None = None, columns: int | None = None) -> re.Pattern:
    """Any ``r`` attribute (of any element, with any prefix) naming a row below ``rows`` or a
    column right of ``columns``."""
    if rows is not None:
        value = rb"[A-Za-z]*" + _number_above(rows)
    else:
        value = _letters_above(columns) + rb"[0-9]*"
    return re.compile(rb"""[\s:]r\s*=\s*["']\s*""" + value + rb"""\s*["']""")


def _check_sheet_extent(xml: bytes, limits: ImportLimits) -> None:
    """Refuse a worksheet's XML that puts content beyond the row or column limit."""
    dimension = _DIMENSION.search(xml, 0, 65536)
    if dimension is not None:
        last = (dimension.group(1) or dimension.group(2) or b"").rsplit(b":", 1)[-1].strip()
        ref = _CELL_REF.fullmatch(last)
        if ref is not None:
            _check_position(int(ref.group(2)), _column_number(ref.group(1)), limits)
    if _PREFIXED_CELL_OR_ROW.search(xml) is None:
        first = _plain_near_cell_pattern(limits.max_sheet_rows, limits.max_columns).search(xml)
        if first is None:
            return
        pattern = _unusual_cell_pattern(limits.max_sheet_rows, limits.max_columns)
        for match in pattern.finditer(xml, first.start()):
            if match.group("ref") is None:
                break  # a cell without a plain reference first: bound by counting
            end = _TAG_END.match(xml, match.end())
            if end is not None and xml[end.end() - 2 : end.end() - 1] == b"/":
                continue  # an empty cell: calamine skips it
            ref = _CELL_REF.fullmatch(match.group("ref"))
            _check_position(int(ref.group(2)), _column_number(ref.group(1)), limits)
        else:
            return
    _bound_sheet_extent(xml, limits)


def _bound_sheet_extent(xml: bytes, limits: ImportLimits) -> None:
    """For a sheet whose cells lack references: bound where calamine may place them by counting."""
    rows_room = limits.max_sheet_rows
    if _PREFIXED_CELL_OR_ROW.search(xml) is not None or _BARE_ROW.search(xml) is not None:
        rows_room -= xml.count(b"<row") + xml.count(b":row")
    if rows_room < 0 or _reference_above(rows=rows_room).search(xml) is not None:
        raise too_many_rows(limits)
    most_cells = max(
        (chunk.count(b"<c") + chunk.count(b":c") for chunk in _ROW_START.split(xml)), default=0
    )
    columns_room = limits.max_columns - most_cells
    if columns_room < 0 or _reference_above(columns=columns_room).search(xml) is not None:
        raise too_many_columns(limits)


def _check_position(row: int, column: int, limits: ImportLimits) -> None:
    if row > limits.max_sheet_rows:
        raise too_many_rows(limits)
    if column > limits.max_columns:
        raise too_many_columns(limits)


# ----- csv -----------------------------------------------------------------------------------


def _read_csv(content: bytes, limits: ImportLimits) -> list[list[object]]:
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
    table: list[list[object]] = []
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


# ----- refusals ------------------------------------------------------------------------------


def not_a_spreadsheet() -> ApplicationError:
    return ApplicationError(
        _("This file is not an xlsx workbook or a CSV file. Save it from Excel as .xlsx or .csv."),
        code="not_a_spreadsheet",
    )


def too_large_unpacked(limits: ImportLimits) -> PayloadTooLargeError:
    return PayloadTooLargeError(
        _(
            "The workbook is too large once unpacked: the limit is %(megabytes)s MB. "
            "Keep only the sheet to import, or split it into several files."
        )
        % {"megabytes": limits.max_uncompressed_bytes // (1024 * 1024)},
        code="too_large_unpacked",
    )


def suspicious_workbook() -> ApplicationError:
    return ApplicationError(
        _(
            "The workbook is packed in a way Excel never writes, and is refused for safety. "
            "Open it in Excel and save it again as .xlsx."
        ),
        code="suspicious_workbook",
    )


def too_many_rows(limits: ImportLimits) -> ApplicationError:
    return ApplicationError(
        _(
            "The file has more than %(count)s rows below its header (or content further down). "
            "Split it into files of at most %(count)s rows."
        )
        % {"count": limits.max_rows},
        code="too_many_rows",
    )


def too_many_columns(limits: ImportLimits) -> ApplicationError:
    return ApplicationError(
        _(
            "The file has content beyond column %(count)s. Delete the columns the template "
            "does not have (or clear what is in them) and try again."
        )
        % {"count": limits.max_columns},
        code="too_many_columns",
    )


# ----- the header and the rows ---------------------------------------------------------------


def _match_header(
    table: list[list[object]],
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
        raise ApplicationError(
            _(
                "The header row lacks the required column(s): %(columns)s. "
                "Use the template's headers (found: %(found)s)."
            )
            % {"columns": "、".join(missing), "found": "、".join(h for h in header if h) or "—"},
            code="missing_columns",
            fields={"header": missing},
        )
    if unknown:
        raise ApplicationError(
            _(
                "The header row has column(s) this import does not know: %(columns)s. "
                "Rename them to the template's headers or delete them."
            )
            % {"columns": "、".join(unknown)},
            code="unknown_columns",
            fields={"header": unknown},
        )
    present = [column for column in columns if column.key in positions]
    keyed = [(column.key, positions[column.key]) for column in present]
    width = max(positions.values()) + 1
    rows = []
    for index in range(header_index + 1, len(table)):
        row = table[index]
        if len(row) < width:
            row = [*row, *([""] * (width - len(row)))]
        # Text is stripped here, once; numbers and dates keep their type (an ID number that a
        # spreadsheet turned into a float must still be recognisable as such).
        values = {
            key: (value.strip() if value.__class__ is str else "" if value is None else value)
            for key, value in ((key, row[position]) for key, position in keyed)
        }
        if not any(value != "" for value in values.values()):
            continue
        rows.append((index + 1, values))
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


def xlsx_bytes(sheet_title: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A one-sheet workbook with a bold header, every text cell escaped against formulas."""
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
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
