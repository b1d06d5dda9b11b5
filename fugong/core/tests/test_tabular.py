import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

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
