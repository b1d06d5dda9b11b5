import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from fugong.core import import_limits, tabular, xlsx_guard
from fugong.core.errors import ApplicationError
from fugong.core.tabular import Column, cell_bool, cell_text, read_sheet, safe_cell, xlsx_bytes

COLUMNS = (
    Column("name", "名称", "Name", required=True),
    Column("code", "代码", "Code", required=True),
    Column("note", "备注", "Note"),
)


def xlsx(rows) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("file.xlsx", buffer.getvalue())


def test_xlsx_with_chinese_header_and_a_title_row():
    sheet = read_sheet(
        xlsx(
            [
                ["企业名单"],
                ["名称", "代码", "备注"],
                ["甲", "A1", None],
                [None, None, None],
                ["乙", 12, "x"],
            ]
        ),
        COLUMNS,
        max_bytes=10**6,
    )
    assert [number for number, _ in sheet.rows] == [3, 5]
    assert sheet.rows[1][1]["code"] == 12
    assert cell_text(sheet.rows[1][1]["code"]) == "12"


def test_english_headers_and_missing_optional_columns():
    sheet = read_sheet(xlsx([["Name", "code"], ["甲", "A"]]), COLUMNS, max_bytes=10**6)
    assert [column.key for column in sheet.columns] == ["name", "code"]


def test_missing_required_column_is_named():
    with pytest.raises(ApplicationError) as refused:
        read_sheet(xlsx([["名称", "编号"], ["甲", "A"]]), COLUMNS, max_bytes=10**6)
    assert "代码" in refused.value.message
    assert refused.value.code == "missing_columns"
    # The field holds the message itself (a page puts it on the form as it is), not bare names.
    assert refused.value.fields == {"header": [refused.value.message]}


def test_duplicate_header_is_refused():
    with pytest.raises(ApplicationError) as refused:
        read_sheet(xlsx([["名称", "代码", "Name"], ["甲", "A", "乙"]]), COLUMNS, max_bytes=10**6)
    assert refused.value.code == "duplicate_column"


def test_formula_cells_are_found():
    sheet = read_sheet(
        xlsx([["名称", "代码"], ["甲", "A"], ["乙", "=1+1"]]), COLUMNS, max_bytes=10**6
    )
    assert sheet.formula_cells == {3: ["B3"]}


def test_csv_in_utf8_and_gb18030():
    for encoding in ("utf-8-sig", "gb18030"):
        content = "名称,代码\n甲企业,A1\n".encode(encoding)
        sheet = read_sheet(SimpleUploadedFile("f.csv", content), COLUMNS, max_bytes=10**6)
        assert sheet.rows == [(2, {"name": "甲企业", "code": "A1"})]


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04garbage that is not a zip", b"\x00\x01\x02\xff\xfe binary", b"   "],
)
def test_files_that_are_not_spreadsheets(content):
    with pytest.raises(ApplicationError):
        read_sheet(SimpleUploadedFile("f.xlsx", content), COLUMNS, max_bytes=10**6)


def test_a_zip_that_is_not_a_workbook():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<x/>")
    with pytest.raises(ApplicationError) as refused:
        read_sheet(SimpleUploadedFile("f.xlsx", buffer.getvalue()), COLUMNS, max_bytes=10**6)
    assert refused.value.code == "not_a_spreadsheet"


def test_size_limit():
    with pytest.raises(ApplicationError) as refused:
        read_sheet(SimpleUploadedFile("f.csv", b"a,b\n" * 100), COLUMNS, max_bytes=50)
    assert refused.value.status == 413


@pytest.mark.parametrize(
    "value, expected",
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        (1.0, True),
        ("", False),
        ("也许", None),
        (True, True),
    ],
)
def test_cell_bool(value, expected):
    assert cell_bool(value) is expected


def test_exported_formulas_are_escaped():
    assert safe_cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert safe_cell("+86") == "'+86"
    assert safe_cell("甲") == "甲"
    assert safe_cell(5) == 5
    workbook = load_workbook(io.BytesIO(xlsx_bytes("表", ["名称"], [["=1+1"], ["@SUM(A1)"]])))
    values = [row[0].value for row in workbook.active.iter_rows(min_row=2)]
    assert values == ["'=1+1", "'@SUM(A1)"]
    assert workbook.active["A2"].data_type == "s"


# ----- limits: decompression bombs, too many rows or columns, broken files -------------------

WORKBOOK_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>名称</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>代码</t></is></c></row>'
)


def text_cell(ref: str, text: str = "x") -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def workbook_with_sheet(sheet_data: str | bytes, *, name: str = "w.xlsx") -> SimpleUploadedFile:
    """A minimal xlsx whose first sheet's <sheetData> holds ``sheet_data`` as written."""
    if isinstance(sheet_data, str):
        sheet_data = sheet_data.encode()
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData>" + sheet_data + b"</sheetData></worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, text in WORKBOOK_PARTS.items():
            archive.writestr(part, text)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return SimpleUploadedFile(name, buffer.getvalue())


def forbid_calamine(monkeypatch) -> None:
    """Proves that a refused workbook was refused before python-calamine opened it."""

    def fail(*args, **kwargs):
        raise AssertionError("calamine was asked to read a file that should have been refused")

    monkeypatch.setattr(tabular.CalamineWorkbook, "from_filelike", fail)


@pytest.fixture
def calamine_never_called(monkeypatch):
    forbid_calamine(monkeypatch)


def refused_code(upload) -> ApplicationError:
    with pytest.raises(ApplicationError) as refused:
        read_sheet(upload, COLUMNS, max_bytes=30 * 1024 * 1024)
    return refused.value


def test_the_minimal_workbook_reads():
    sheet = read_sheet(
        workbook_with_sheet(
            HEADER_ROW + f'<row r="2">{text_cell("A2", "甲")}{text_cell("B2", "1")}</row>'
        ),
        COLUMNS,
        max_bytes=10**6,
    )
    assert sheet.rows == [(2, {"name": "甲", "code": "1"})]


def test_a_decompression_bomb_is_refused_before_it_is_unpacked(calamine_never_called):
    # 64 MB of one repeated row packs to well under 1 MB: a ratio Excel never produces.
    row = b'<row r="2"><c r="A2"><v>1</v></c></row>'
    upload = workbook_with_sheet(HEADER_ROW.encode() + row * (64 * 1024 * 1024 // len(row)))
    assert upload.size < 1024 * 1024
    error = refused_code(upload)
    assert error.code == "suspicious_workbook" and error.status == 400
    assert "refused for safety" in error.message


def test_a_workbook_unpacking_past_the_limit_is_refused(settings, monkeypatch):
    rows = "".join(
        f'<row r="{n}">{text_cell(f"A{n}", f"企业{n}")}{text_cell(f"B{n}", str(n))}</row>'
        for n in range(2, 400)
    )
    upload = workbook_with_sheet(HEADER_ROW + rows)
    assert len(read_sheet(upload, COLUMNS, max_bytes=10**6).rows) == 398
    settings.FUGONG_IMPORT_MAX_UNCOMPRESSED_BYTES = 20_000
    forbid_calamine(monkeypatch)
    upload.seek(0)
    error = refused_code(upload)
    assert error.code == "too_large_unpacked" and error.status == 413


def test_the_real_roster_fits_the_default_limits(settings):
    """The defaults leave room for the benchmark's 100,000-row roster (measured: 48.6 MB
    unpacked, 8.8 to one at most), twice over."""
    assert settings.FUGONG_IMPORT_MAX_UNCOMPRESSED_BYTES >= 4 * 48_600_000
    assert settings.FUGONG_IMPORT_MAX_ROWS >= 2 * 100_000
    assert import_limits.MAX_COMPRESSION_RATIO >= 10 * 8.8


def test_rows_past_the_limit_are_refused_and_the_limit_itself_is_accepted(settings):
    settings.FUGONG_IMPORT_MAX_ROWS = 5
    rows = [["名称", "代码"]] + [[f"企业{n}", n] for n in range(5)]
    assert len(read_sheet(xlsx(rows), COLUMNS, max_bytes=10**6).rows) == 5
    error = refused_code(xlsx([*rows, ["企业6", 6]]))
    assert error.code == "too_many_rows" and error.status == 400
    assert "5" in error.message


def test_columns_past_the_limit_are_refused(settings):
    settings.FUGONG_IMPORT_MAX_COLUMNS = 3
    assert read_sheet(xlsx([["名称", "代码", "备注"], ["甲", "A", "x"]]), COLUMNS, max_bytes=10**6)
    error = refused_code(xlsx([["名称", "代码", "备注"], ["甲", "A", "x", "more"]]))
    assert error.code == "too_many_columns" and error.status == 400


# Each of these would make python-calamine lay out millions (or billions) of cells: two cells
# at A1 and XFD1048576 abort the process. They are refused by reading the sheet's XML first.
FAR_AWAY_SHEETS = {
    "a cell at the last row and column": (
        HEADER_ROW + f'<row r="1048576">{text_cell("XFD1048576")}</row>',
        "too_many_rows",
    ),
    "a cell far down": (
        HEADER_ROW + f'<row r="300000">{text_cell("A300000")}</row>',
        "too_many_rows",
    ),
    "a cell far right": (
        HEADER_ROW.replace("</row>", text_cell("XFD1") + "</row>"),
        "too_many_columns",
    ),
    "the reference not first": (
        HEADER_ROW + '<row r="2"><c t="inlineStr" r="A300000"><is><t>x</t></is></c></row>',
        "too_many_rows",
    ),
    "single quotes and spaces": (
        HEADER_ROW + "<row r='2'><c  r = 'A300000' t='inlineStr'><is><t>x</t></is></c></row>",
        "too_many_rows",
    ),
    "a lower-case reference": (
        HEADER_ROW + f'<row r="2">{text_cell("xfd2")}</row>',
        "too_many_columns",
    ),
    "leading zeros": (HEADER_ROW + f'<row r="2">{text_cell("A000300000")}</row>', "too_many_rows"),
    "a quoted > before the reference": (
        HEADER_ROW + '<row r="2"><c x=">" r="A300000" t="inlineStr"><is><t>x</t></is></c></row>',
        "too_many_rows",
    ),
    "prefixed elements": (
        HEADER_ROW
        + '<x:row r="2"><x:c r="A300000" t="inlineStr"><x:is><x:t>x</x:t></x:is></x:c></x:row>',
        "too_many_rows",
    ),
    "cells without references, many in a row": (
        HEADER_ROW + "<row>" + '<c t="inlineStr"><is><t>x</t></is></c>' * 101 + "</row>",
        "too_many_columns",
    ),
    "rows without references, then a far one": (
        HEADER_ROW
        + '<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 3
        + '<row r="300000"><c t="inlineStr"><is><t>x</t></is></c></row>',
        "too_many_rows",
    ),
    "a declared dimension past the limit": (
        HEADER_ROW,  # with <dimension ref="A1:XFD1048576"/>, below
        "too_many_rows",
    ),
}


@pytest.mark.parametrize("case", FAR_AWAY_SHEETS)
def test_a_sheet_reaching_past_the_limits_is_refused_before_calamine_reads_it(
    case, calamine_never_called
):
    sheet_data, code = FAR_AWAY_SHEETS[case]
    if case == "a declared dimension past the limit":
        upload = workbook_with_dimension("A1:XFD1048576", sheet_data)
    else:
        upload = workbook_with_sheet(sheet_data)
    assert refused_code(upload).code == code


def workbook_with_dimension(dimension: str, sheet_data: str) -> SimpleUploadedFile:
    upload = workbook_with_sheet(sheet_data)
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(upload.read())) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b"<sheetData>", f'<dimension ref="{dimension}"/><sheetData>'.encode()
                )
            target.writestr(info.filename, data)
    return SimpleUploadedFile("w.xlsx", buffer.getvalue())


def test_formatted_empty_cells_far_away_do_not_refuse_a_sheet():
    # Excel writes a formatted empty cell as <c r="…" s="…"/>; calamine skips it, so may we.
    sheet = read_sheet(
        workbook_with_sheet(
            HEADER_ROW + f'<row r="2">{text_cell("A2", "甲")}{text_cell("B2", "1")}'
            '<c r="XFD300000" s="1"/></row>'
        ),
        COLUMNS,
        max_bytes=10**6,
    )
    assert sheet.rows == [(2, {"name": "甲", "code": "1"})]


def test_cells_without_references_within_the_limits_are_read():
    cells = "".join(f'<c t="inlineStr"><is><t>{text}</t></is></c>' for text in ("甲", "1"))
    sheet = read_sheet(
        workbook_with_sheet(HEADER_ROW.replace(' r="1"', "") + f"<row>{cells}</row>"),
        COLUMNS,
        max_bytes=10**6,
    )
    assert sheet.rows == [(2, {"name": "甲", "code": "1"})]


def test_a_broken_zip_is_refused():
    content = xlsx([["名称", "代码"], ["甲", "A"]]).read()
    truncated = refused_code(SimpleUploadedFile("w.xlsx", content[: len(content) // 2]))
    assert truncated.code == "not_a_spreadsheet"
    # A member whose bytes were damaged in transit: its checksum no longer matches.
    damaged = bytearray(content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 10
    damaged[start : start + 4] = b"\x00\x00\x00\x00"
    assert refused_code(SimpleUploadedFile("w.xlsx", bytes(damaged))).code == "not_a_spreadsheet"


def test_a_sheet_in_utf16_is_refused(calamine_never_called):
    upload = workbook_with_sheet(HEADER_ROW)
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(upload.read())) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.decode().replace("UTF-8", "UTF-16").encode("utf-16")
            target.writestr(info.filename, data)
    error = refused_code(SimpleUploadedFile("w.xlsx", buffer.getvalue()))
    assert error.code == "not_a_spreadsheet"


def test_csv_rows_columns_and_lines_past_the_limits_are_refused(settings):
    settings.FUGONG_IMPORT_MAX_ROWS = 3
    settings.FUGONG_IMPORT_MAX_COLUMNS = 4
    settings.FUGONG_IMPORT_MAX_LINE_CHARS = 200

    def csv_upload(text):
        return SimpleUploadedFile("f.csv", text.encode())

    assert (
        len(read_sheet(csv_upload("名称,代码\n" + "甲,1\n" * 3), COLUMNS, max_bytes=10**6).rows)
        == 3
    )
    assert refused_code(csv_upload("名称,代码\n" + "甲,1\n" * 4)).code == "too_many_rows"
    # Blank lines count towards the sheet's rows too: reading stops soon after the limit.
    assert refused_code(csv_upload("名称,代码\n" + "\n" * 100 + "甲,1\n")).code == "too_many_rows"
    assert refused_code(csv_upload("名称,代码\n甲,1,,,x\n")).code == "too_many_columns"
    assert refused_code(csv_upload("名称,代码\n甲," + "1" * 300 + "\n")).code == "line_too_long"


@pytest.mark.parametrize("limit", [1, 9, 10, 26, 27, 100, 702, 200_050])
def test_the_generated_patterns_compare_numbers_and_columns(limit):
    above, at_most = (
        re.compile(xlsx_guard._number_above(limit)),
        re.compile(xlsx_guard._number_at_most(limit)),
    )
    plain = re.compile(xlsx_guard._number_at_most(limit, plain=True))
    for number in [*range(0, 1200), limit - 1, limit, limit + 1, limit * 10]:
        text = str(number).encode()
        assert bool(above.fullmatch(text)) == (number > limit)
        assert bool(above.fullmatch(b"00" + text)) == (number > limit)
        assert bool(at_most.fullmatch(b"0" + text)) == (number <= limit)
        assert bool(plain.fullmatch(text)) == (1 <= number <= limit)
    letters_above = re.compile(xlsx_guard._letters_above(limit))
    letters_at_most = re.compile(xlsx_guard._letters_at_most(limit))
    for number in [*range(1, 800), max(limit - 1, 1), limit, limit + 1, 16384]:
        letters = xlsx_guard.column_letters(number).encode()
        assert bool(letters_above.fullmatch(letters.lower())) == (number > limit)
        assert bool(letters_at_most.fullmatch(letters)) == (number <= limit)
