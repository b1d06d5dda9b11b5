import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from fugong.core.crypto import decrypt
from fugong.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fugong.core.testing import assert_nothing_written, database_counts, xlsx_bomb
from fugong.screening.models import ScreeningRun
from fugong.workforce.imports import COLUMNS, worker_import, worker_import_template
from fugong.workforce.models import Clearance, Employment, TravelRecord, Worker

from .factories import resident_id, suspicious_id, with_check

pytestmark = pytest.mark.django_db
HEADER = [column.header for column in COLUMNS]


def row(
    number,
    name="张三",
    phone="13800138000",
    residence="云溪区",
    holiday="430603",
    returned="",
    travel="",
    **extra,
):
    values = {
        "姓名": name,
        "证件类型": "居民身份证",
        "证件号码": number,
        "手机号码": phone,
        "部门车间": "一车间",
        "班次": "白班",
        "宿舍": "",
        "班车线路": "",
        "居住地": residence,
        "春节去向": holiday,
        "返城日期": returned,
        "14天内途经地": travel,
        "接触病例日期": "",
        "症状": "",
        "健康码": "绿",
        "健康码日期": timezone.localdate().isoformat(),
    }
    values.update(extra)
    return [values[header] for header in HEADER]


def upload(rows, header=HEADER, name="roster.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def good_rows():
    recent = (timezone.localdate() - timedelta(days=3)).isoformat()
    return [
        row(resident_id(sequence=1), name="张一"),
        row(resident_id(sequence=2), name="李二", holiday="湖北省武汉市", returned=recent),
        row(resident_id(sequence=3), name="王三", phone="", travel=f"长沙市 {recent}~{recent}"),
    ]


def test_import_then_reimport_changes_nothing(park):
    report = worker_import(actor=park.officer, enterprise=park.a, upload=upload(good_rows()))
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert Employment.objects.filter(enterprise=park.a, ended_on__isnull=True).count() == 3
    wang = Worker.objects.get(full_name="王三")
    assert (
        wang.phone_cipher == "" and TravelRecord.objects.get(worker=wang).division_code == "430100"
    )
    li = Worker.objects.get(full_name="李二")
    assert li.holiday_location_code == "420100"
    before = database_counts()
    report = worker_import(actor=park.officer, enterprise=park.a, upload=upload(good_rows()))
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    changed = {label for label, count in database_counts().items() if before[label] != count}
    assert changed <= {"audit.AuditEvent", "screening.ScreeningRun"}


def test_clearance_is_computed_against_the_risk_areas(park):
    from fugong.screening.services import risk_area_add

    risk_area_add(
        actor=park.command,
        division_code="420100",
        level="high",
        starts_on=timezone.localdate() - timedelta(days=30),
    )
    worker_import(actor=park.officer, enterprise=park.a, upload=upload(good_rows()))
    li = Worker.objects.get(full_name="李二")
    assert li.clearance == Clearance.OBSERVATION
    assert li.observation_until == timezone.localdate() - timedelta(days=3) + timedelta(days=14)


def test_a_changed_row_updates_and_recomputes(park):
    worker_import(actor=park.officer, enterprise=park.a, upload=upload(good_rows()))
    rows = good_rows()
    rows[0][HEADER.index("症状")] = "发热"
    rows[0][HEADER.index("手机号码")] = "13900000009"
    report = worker_import(actor=park.officer, enterprise=park.a, upload=upload(rows))
    assert (report.updated, report.unchanged, report.clearance_changed) == (1, 2, 1)
    zhang = Worker.objects.get(full_name="张一")
    assert zhang.clearance == Clearance.NOT_CLEARED
    assert decrypt(zhang.phone_cipher) == "13900000009"
    assert ScreeningRun.objects.filter(trigger="import").order_by("id").last().changes.count() == 1


def test_a_worker_on_another_roster_refuses_the_whole_import(park):
    number = resident_id(sequence=50)
    worker_import(
        actor=park.other_officer,
        enterprise=park.b,
        upload=upload([row(number, name="王秘密", phone="13900000050", symptoms="咳嗽")]),
    )
    theirs = Worker.objects.get()
    rows = [*good_rows(), row(number)]  # rows 2-4, then the person on b's roster on row 5
    for actor in (park.officer, park.command):
        before = database_counts()
        report = worker_import(actor=actor, enterprise=park.a, upload=upload(rows))
        assert not report.ok and report.created == 0
        assert [(error.row, error.column) for error in report.errors] == [(5, "证件号码")]
        message = report.errors[0].message
        assert "record that they have left" in message and "command post" in message
        for stored in ("王秘密", "乙企业", "13900000050", "咳嗽", theirs.document_masked):
            assert stored not in message
        assert_nothing_written(before)
    assert Worker.objects.get().enterprise == park.b


def test_rows_on_another_roster_are_reported_with_the_other_bad_rows(park):
    number = resident_id(sequence=51)
    worker_import(actor=park.other_officer, enterprise=park.b, upload=upload([row(number)]))
    rows = [row(number), row(resident_id(sequence=52), phone="12345")]
    before = database_counts()
    report = worker_import(actor=park.officer, enterprise=park.a, upload=upload(rows))
    assert [(error.row, error.column) for error in report.errors] == [
        (2, "证件号码"),
        (3, "手机号码"),
    ]
    assert_nothing_written(before)


def test_finding_rows_on_another_roster_takes_no_query_per_row(park):
    from django.test.utils import CaptureQueriesContext

    elsewhere = [row(resident_id(sequence=200 + index)) for index in range(12)]
    worker_import(actor=park.other_officer, enterprise=park.b, upload=upload(elsewhere))
    counts = []
    for rows in (elsewhere[:1], elsewhere):
        with CaptureQueriesContext(connection) as queries:
            report = worker_import(actor=park.officer, enterprise=park.a, upload=upload(rows))
        assert report.bad_rows == len(rows)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_after_the_leave_an_import_takes_the_worker_on_again_clean(park):
    from fugong.screening.engine import HOLD_WITHOUT_DETAIL
    from fugong.workforce.services import worker_leave

    number = resident_id(sequence=53)
    recent = (timezone.localdate() - timedelta(days=2)).isoformat()
    worker_import(
        actor=park.other_officer,
        enterprise=park.b,
        upload=upload(
            [
                row(
                    number,
                    phone="13900000053",
                    travel=f"长沙市 {recent}~{recent}",
                    **{"宿舍": "9号楼101", "症状": "咳嗽", "接触病例日期": recent},
                )
            ]
        ),
    )
    worker = Worker.objects.get()
    Worker.objects.filter(pk=worker.pk).update(medical_hold="2020-02-10 08:01 乙东门 38.4 °C")
    worker_leave(actor=park.other_officer, worker=worker)
    # a's file has neither a phone nor a travel column: nothing of b's is kept all the same.
    header = [name for name in HEADER if name not in ("手机号码", "14天内途经地")]
    values = dict(zip(HEADER, row(number, name="王新"), strict=True))
    report = worker_import(
        actor=park.officer,
        enterprise=park.a,
        upload=upload([[values[name] for name in header]], header=header),
    )
    assert report.ok and (report.created, report.moved) == (0, 1)
    worker.refresh_from_db()
    assert worker.enterprise == park.a and worker.full_name == "王新"
    assert (worker.phone_cipher, worker.phone_masked, worker.dormitory_room) == ("", "", "")
    assert (worker.symptoms, worker.contact_on) == ("", None)
    assert not worker.travel.exists()
    assert worker.medical_hold == HOLD_WITHOUT_DETAIL
    assert worker.clearance == Clearance.NOT_CLEARED
    assert worker.clearance_reasons == [{"code": "medical_hold", "detail": ""}]
    assert (
        Employment.objects.filter(worker=worker, ended_on__isnull=True).get().enterprise == park.a
    )
    # The import's change for this worker starts from b's clearance: recorded for no enterprise.
    change = ScreeningRun.objects.filter(trigger="import").order_by("id").last().changes.get()
    assert change.worker == worker and change.enterprise is None


def test_every_bad_row_is_reported_and_nothing_written(park):
    valid = resident_id(sequence=60)
    wrong_check = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    impossible = with_check("43060319850230001")
    rows = [
        *good_rows(),
        row(wrong_check),  # 5
        row(impossible),  # 6
        row(resident_id(county="999999", sequence=61)),  # 7: unknown division in the number
        row(resident_id(sequence=62), residence="火星区"),  # 8
        row(resident_id(sequence=1)),  # 9: same as row 2
        row("", name=""),  # 10: required cells empty
        row(4.30602198506151e17),  # 11: the spreadsheet made a number of it
        row(resident_id(sequence=63), returned="2020-02-30", holiday="湖北省"),  # 12
        row(resident_id(sequence=64), phone="12345"),  # 13
        row(resident_id(sequence=65), **{"健康码": "紫"}),  # 14
    ]
    before = database_counts()
    report = worker_import(actor=park.officer, enterprise=park.a, upload=upload(rows))
    assert not report.ok
    assert_nothing_written(before)
    by_row = {}
    for error in report.errors:
        by_row.setdefault(error.row, []).append((error.column, error.message))
    assert set(by_row) == set(range(5, 15))
    assert "check character" in by_row[5][0][1]
    assert "birth date" in by_row[6][0][1]
    assert "division" in by_row[7][0][1]
    assert by_row[8][0][0] == "居住地"
    assert "row 2" in by_row[9][0][1]
    assert {column for column, _ in by_row[10]} >= {"姓名", "证件号码"}
    assert "Text" in by_row[11][0][1]
    assert by_row[12][0][0] == "返城日期"
    assert by_row[13][0][0] == "手机号码"
    assert by_row[14][0][0] == "健康码"


def test_formulas_are_refused(park):
    rows = good_rows()
    rows[1][HEADER.index("部门车间")] = '=HYPERLINK("http://evil","x")'
    report = worker_import(actor=park.officer, enterprise=park.a, upload=upload(rows))
    assert [error.row for error in report.errors] == [3]
    assert "formula" in report.errors[0].message


def test_a_renamed_or_missing_column_is_named(park):
    header = [*HEADER]
    header[HEADER.index("证件号码")] = "身份证"
    with pytest.raises(ApplicationError) as refused:
        worker_import(
            actor=park.officer, enterprise=park.a, upload=upload(good_rows(), header=header)
        )
    assert "证件号码" in refused.value.message


@pytest.mark.parametrize("content", [b"%PDF-1.4 no", b"PK\x03\x04broken zip", b""])
def test_files_that_are_not_spreadsheets(park, content):
    with pytest.raises(ApplicationError):
        worker_import(
            actor=park.officer, enterprise=park.a, upload=SimpleUploadedFile("r.xlsx", content)
        )


def test_oversize_file(park, settings):
    settings.FUGONG_IMPORT_MAX_BYTES = 500
    with pytest.raises(ApplicationError) as refused:
        worker_import(actor=park.officer, enterprise=park.a, upload=upload(good_rows()))
    assert refused.value.status == 413


def test_a_decompression_bomb_or_too_many_rows_writes_nothing(park, settings):
    before = database_counts()
    with pytest.raises(ApplicationError) as refused:
        worker_import(
            actor=park.officer,
            enterprise=park.a,
            upload=SimpleUploadedFile("r.xlsx", xlsx_bomb()),
        )
    assert refused.value.code == "suspicious_workbook"
    settings.FUGONG_IMPORT_MAX_ROWS = 2
    with pytest.raises(ApplicationError) as refused:
        worker_import(actor=park.officer, enterprise=park.a, upload=upload(good_rows()))
    assert refused.value.code == "too_many_rows"
    assert_nothing_written(before)


def test_csv_in_gb18030(park):
    lines = [",".join(HEADER), ",".join(str(value) for value in good_rows()[0])]
    content = ("\n".join(lines) + "\n").encode("gb18030")
    report = worker_import(
        actor=park.officer, enterprise=park.a, upload=SimpleUploadedFile("r.csv", content)
    )
    assert report.ok and report.created == 1


def test_scope_and_role(park):
    with pytest.raises(NotFoundError):
        worker_import(actor=park.officer, enterprise=park.b, upload=upload(good_rows()))
    with pytest.raises(PermissionDeniedError):
        worker_import(actor=park.liaison, enterprise=park.a, upload=upload(good_rows()))


def test_the_template_imports(park):
    report = worker_import(
        actor=park.officer,
        enterprise=park.a,
        upload=SimpleUploadedFile("t.xlsx", worker_import_template()),
    )
    assert report.ok, report.errors
    assert [
        cell.value for cell in load_workbook(io.BytesIO(worker_import_template())).active[1]
    ] == HEADER


def test_the_database_holds_no_plain_number(park):
    numbers = [resident_id(sequence=70 + index) for index in range(3)]
    phones = ["13712345678", "15887654321", "18611112222"]
    rows = [row(number, phone=phone) for number, phone in zip(numbers, phones, strict=True)]
    worker_import(actor=park.officer, enterprise=park.a, upload=upload(rows))
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM workforce_worker")
        dump = repr(cursor.fetchall())
    for value in numbers + phones:
        assert value not in dump
        assert value[-8:] not in dump  # not even the tail


def test_the_documented_template_is_the_one_the_code_reads(park):
    from pathlib import Path

    documented = Path(__file__).resolve().parents[3] / "docs" / "import-templates" / "roster.xlsx"
    assert [cell.value for cell in load_workbook(documented).active[1]] == HEADER
    report = worker_import(
        actor=park.officer,
        enterprise=park.a,
        upload=SimpleUploadedFile("t.xlsx", documented.read_bytes()),
    )
    assert report.ok, report.errors


def test_rows_with_numbers_ending_in_000_need_the_importers_confirmation(park):
    # Given a roster with one valid number ending in 000 (perhaps cut by a spreadsheet)
    number = suspicious_id()
    rows = [*good_rows(), row(number, name="零号")]
    before = database_counts()
    # When imported without the confirmation: refused by row, nothing written
    report = worker_import(actor=park.officer, enterprise=park.a, upload=upload(rows))
    assert [(error.row, error.column) for error in report.errors] == [(5, "证件号码")]
    assert "000" in report.errors[0].message
    assert_nothing_written(before)
    # When the importer confirms the file's numbers ending in 000 were checked: taken, listed
    report = worker_import(
        actor=park.officer, enterprise=park.a, upload=upload(rows), numbers_checked=True
    )
    assert report.ok and report.created == 4
    assert report.checked_numbers == [5]
    assert Worker.objects.filter(document_masked__endswith=number[-4:], full_name="零号").exists()


def test_imported_names_are_normalised(park):
    rows = [
        row(resident_id(sequence=1), name="王　芳"),
        row(resident_id(sequence=2), name="ＳＭＩＴＨ  Ｊｏｈｎ"),
    ]
    report = worker_import(actor=park.officer, enterprise=park.a, upload=upload(rows))
    assert report.ok, report.errors
    assert set(Worker.objects.values_list("full_name", flat=True)) == {"王芳", "SMITH John"}


def test_the_command_takes_numbers_ending_in_000_only_with_its_flag(park, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "roster.xlsx"
    path.write_bytes(upload([row(suspicious_id(), name="零号")]).read())
    before = database_counts()
    with pytest.raises(CommandError):
        call_command(
            "import_workers", str(path), enterprise=park.a.credit_code, stderr=io.StringIO()
        )
    assert_nothing_written(before)
    out = io.StringIO()
    call_command(
        "import_workers", str(path), enterprise=park.a.credit_code, numbers_checked=True, stdout=out
    )
    assert "rows 2" in out.getvalue()
    assert Worker.objects.filter(full_name="零号").exists()
