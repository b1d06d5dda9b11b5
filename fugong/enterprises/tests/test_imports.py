import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from fugong.audit.models import AuditAction, AuditEvent
from fugong.core.errors import ApplicationError, PermissionDeniedError
from fugong.core.testing import assert_nothing_written, database_counts
from fugong.enterprises.imports import COLUMNS, enterprise_import, enterprise_import_template
from fugong.enterprises.models import Enterprise, EnterpriseKind

from .factories import credit_code_for

pytestmark = pytest.mark.django_db

HEADER = [
    "企业名称",
    "统一社会信用代码",
    "企业类型",
    "规模以上",
    "重点企业",
    "员工人数",
    "联系电话",
    "联点干部账号",
]


def workbook_upload(rows, header=HEADER, name="enterprises.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def good_rows():
    return [
        [
            "岳阳一号机械有限公司",
            credit_code_for(9001),
            "工业",
            "是",
            "否",
            120,
            "0730-8888888",
            "liaison",
        ],
        ["临港物流有限公司", credit_code_for(9002), "港口物流", "否", "否", "35", "", ""],
        ["新港工地", credit_code_for(9003), "工地", "否", "否", 80.0, "13800138000", "liaison2"],
    ]


def test_import_creates_then_reimport_changes_nothing(park):
    report = enterprise_import(actor=park.command, upload=workbook_upload(good_rows()))
    assert report.ok
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    site = Enterprise.objects.get(credit_code=credit_code_for(9003))
    assert site.kind == EnterpriseKind.CONSTRUCTION_SITE
    assert site.usual_headcount == 80
    assert site.liaison == park.other_liaison
    first = Enterprise.objects.get(credit_code=credit_code_for(9001))
    assert first.is_above_scale and first.contact_phone == "07308888888"
    assert AuditEvent.objects.filter(action=AuditAction.ENTERPRISE_CREATED).count() == 3

    before = database_counts()
    report = enterprise_import(actor=park.command, upload=workbook_upload(good_rows()))
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    changed = {label: n for label, n in database_counts().items() if before[label] != n}
    # Only the import's own summary event is written.
    assert changed == {"audit.AuditEvent": before["audit.AuditEvent"] + 1}


def test_a_changed_row_updates_that_enterprise(park):
    enterprise_import(actor=park.command, upload=workbook_upload(good_rows()))
    rows = good_rows()
    rows[1][5] = 50
    report = enterprise_import(actor=park.command, upload=workbook_upload(rows))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert Enterprise.objects.get(credit_code=credit_code_for(9002)).usual_headcount == 50


def test_every_bad_row_is_reported_and_nothing_is_written(park):
    rows = good_rows() + [
        [
            "坏校验码",
            credit_code_for(9004)[:-1] + ("0" if credit_code_for(9004)[-1] != "0" else "1"),
            "工业",
            "是",
            "否",
            1,
            "",
            "",
        ],
        ["重复", credit_code_for(9001), "工业", "是", "否", 1, "", ""],
        ["", credit_code_for(9005), "工业", "是", "否", 1, "", ""],
        ["类型错", credit_code_for(9006), "工厂", "也许", "否", "十个", "123", "nobody"],
        ["公式", credit_code_for(9007), "工业", "否", "否", "=2*3", "", ""],
    ]
    before = database_counts()
    report = enterprise_import(actor=park.command, upload=workbook_upload(rows))
    assert not report.ok
    assert_nothing_written(before)
    rows_with_errors = {error.row for error in report.errors}
    assert rows_with_errors == {5, 6, 7, 8, 9}
    messages = {(error.row, error.column): error.message for error in report.errors}
    assert "check character" in messages[(5, "统一社会信用代码")]
    assert "row 2" in messages[(6, "统一社会信用代码")]
    assert (7, "企业名称") in messages
    assert {(8, "企业类型"), (8, "规模以上"), (8, "常用员工数"), (8, "联点干部账号")} <= set(
        messages
    )
    assert "formula" in report.errors[-1].message
    assert report.bad_rows == 5


def test_missing_required_column_is_named(park):
    upload = workbook_upload([["甲", 1]], header=["企业名称", "员工人数"])
    with pytest.raises(ApplicationError) as refused:
        enterprise_import(actor=park.command, upload=upload)
    assert "统一社会信用代码" in refused.value.message


def test_csv_from_excel_in_gbk(park):
    content = (
        "企业名称,统一社会信用代码,企业类型\n甲乙丙有限公司,"
        + credit_code_for(9100)
        + ",商贸服务\n"
    ).encode("gb18030")
    report = enterprise_import(actor=park.command, upload=SimpleUploadedFile("e.csv", content))
    assert report.ok and report.created == 1
    assert (
        Enterprise.objects.get(credit_code=credit_code_for(9100)).kind
        == EnterpriseKind.COMMERCIAL_SERVICE
    )


def test_not_a_spreadsheet(park):
    with pytest.raises(ApplicationError):
        enterprise_import(actor=park.command, upload=SimpleUploadedFile("e.xlsx", b"%PDF-1.4 nope"))


def test_oversize_file(park, settings):
    settings.FUGONG_IMPORT_MAX_BYTES = 100
    with pytest.raises(ApplicationError) as refused:
        enterprise_import(actor=park.command, upload=workbook_upload(good_rows()))
    assert refused.value.status == 413


@pytest.mark.parametrize("role", ["liaison", "inspector", "officer", "gate", "district"])
def test_only_the_command_post_imports(park, role):
    before = database_counts()
    with pytest.raises(PermissionDeniedError):
        enterprise_import(actor=park.users()[role], upload=workbook_upload(good_rows()))
    assert_nothing_written(before)


def test_template_has_every_column_and_a_valid_example(park):
    workbook = load_workbook(io.BytesIO(enterprise_import_template()))
    sheet = workbook.active
    assert [cell.value for cell in sheet[1]] == [column.header for column in COLUMNS]
    upload = SimpleUploadedFile("template.xlsx", enterprise_import_template())
    report = enterprise_import(actor=park.command, upload=upload)
    assert report.ok and report.created == 1


def test_the_documented_template_is_the_one_the_code_reads(park):
    from pathlib import Path

    documented = (
        Path(__file__).resolve().parents[3] / "docs" / "import-templates" / "enterprises.xlsx"
    )
    sheet = load_workbook(documented).active
    assert [cell.value for cell in sheet[1]] == [column.header for column in COLUMNS]
    report = enterprise_import(
        actor=park.command, upload=SimpleUploadedFile("t.xlsx", documented.read_bytes())
    )
    assert report.ok


def test_empty_cells_keep_existing_values(park):
    enterprise_import(actor=park.command, upload=workbook_upload(good_rows()))
    rows = [["岳阳一号机械有限公司", credit_code_for(9001), "", "", "", "", "", ""]]
    report = enterprise_import(actor=park.command, upload=workbook_upload(rows))
    assert report.unchanged == 1
    enterprise = Enterprise.objects.get(credit_code=credit_code_for(9001))
    assert (
        enterprise.is_above_scale
        and enterprise.liaison == park.liaison
        and enterprise.usual_headcount == 120
    )


def test_english_kind_labels_are_accepted(park):
    rows = [["港口企业", credit_code_for(9200), "Port and logistics", "no", "no", 3, "", ""]]
    report = enterprise_import(actor=park.command, upload=workbook_upload(rows))
    assert report.ok
    assert (
        Enterprise.objects.get(credit_code=credit_code_for(9200)).kind
        == EnterpriseKind.PORT_LOGISTICS
    )


def test_a_misspelt_header_is_named(park):
    header = [*HEADER[:-1], "联点干部帐号"]
    with pytest.raises(ApplicationError) as refused:
        enterprise_import(actor=park.command, upload=workbook_upload(good_rows(), header=header))
    assert refused.value.code == "unknown_columns"
    assert "联点干部帐号" in refused.value.message
