"""Checking an xlsx before python-calamine unpacks it: members and their sizes (bombs), the first
sheet's reach (cells or a declared dimension beyond the limits), and its formula cells.

An import file is untrusted, and its size says little: a few kilobytes of zip can unpack to
gigabytes, and calamine lays a sheet out as a dense grid, so a file with cells at A1 and
XFD1048576 asks it for seventeen billion cells (the process aborts). ``check_workbook`` refuses
such files by reading the zip's directory and scanning the sheet's XML, never laying it out.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
import zlib

from .import_limits import (
    MAX_ARCHIVE_MEMBERS,
    MAX_COMPRESSION_RATIO,
    RATIO_CHECKED_FROM_BYTES,
    ImportLimits,
    not_a_spreadsheet,
    suspicious_workbook,
    too_large_unpacked,
    too_many_columns,
    too_many_rows,
)

_FORMULA_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?>(?:(?!</c>).)*?<f[ >/]', re.DOTALL)
_WIDE_TEXT_STARTS = {b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<"}  # UTF-16 XML


def check_workbook(content: bytes, limits: ImportLimits) -> dict[int, list[str]]:
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
def _plain_near_cell_pattern(max_rows: int, max_columns: int) -> re.Pattern[bytes]:
    """A cell that does not start the way Excel writes one within the limits (``<c r="B7"``).
    The first pass: about 0.1 s for a 100,000-row roster's 1.1 million cells."""
    near = _letters_at_most(max_columns, plain=True) + _number_at_most(max_rows, plain=True)
    return re.compile(rb'<c(?! r="' + near + rb'"|[^\s/>])')


@functools.lru_cache(maxsize=16)
def _unusual_cell_pattern(max_rows: int, max_columns: int) -> re.Pattern[bytes]:
    """A cell whose first attribute is not a plain reference within the limits: one without a
    reference first, or a reference past a limit (group ``ref``, when it is plain). Every cell of
    an ordinary sheet fails this at its first few characters, which keeps the pass fast."""
    near = _letters_at_most(max_columns) + _number_at_most(max_rows)
    return re.compile(
        rb"""<c(?=[\s/>])(?!\s+r\s*=\s*["']""" + near + rb"""["'])"""
        rb"""(?:\s+r\s*=\s*["'](?P<ref>[A-Za-z]{1,3}[0-9]{1,7})["'])?"""
    )


@functools.lru_cache(maxsize=16)
def _reference_above(rows: int | None = None, columns: int | None = None) -> re.Pattern[bytes]:
    """Any ``r`` attribute (of any element, with any prefix) naming a row below ``rows`` or a
    column right of ``columns``."""
    if rows is not None:
        value = rb"[A-Za-z]*" + _number_above(rows)
    elif columns is not None:
        value = _letters_above(columns) + rb"[0-9]*"
    else:
        raise TypeError("_reference_above() needs rows or columns")
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
            if ref is None:  # cannot be (the group has a reference's shape); if so, count
                break
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
