"""The import of the park's accounts (``fugong.enterprises.user_import``)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from fugong.accounts.models import User
from fugong.accounts.passwords import ALPHABET, initial_password_generate
from fugong.audit.models import AuditAction, AuditEvent
from fugong.core.errors import ApplicationError, PermissionDeniedError
from fugong.core.roles import Role
from fugong.core.testing import assert_nothing_written, database_counts
from fugong.enterprises.history import enterprise_history_differences
from fugong.enterprises.models import Enterprise, EnterpriseHistory
from fugong.enterprises.tests.factories import EnterpriseFactory, credit_code_for
from fugong.enterprises.user_import import COLUMNS, users_import, users_import_template

pytestmark = pytest.mark.django_db

HEADER = [column.header for column in COLUMNS]
# 用户名 姓名 角色 手机号 企业信用代码 属地区县 领导联点 联点企业信用代码


def upload(rows, header=HEADER, name="users.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def csv_upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("users.csv", text.encode("utf-8"))


def park_rows(park):
    new = EnterpriseFactory(name="丙企业有限公司", liaison=None)
    return [
        ["zhoumin", "周敏", "企业防疫专员", "138 0013 8001", park.a.credit_code, "", "", ""],
        ["menggang", "孟刚", "门岗人员", "", park.b.credit_code, "", "", ""],
        ["wharf", "码头门岗", "gate_operator", "", "", "", "", ""],
        ["lidong", "李东", "联点干部", "13900139002", "", "", "是", new.credit_code],
        ["caiye", "蔡烨", "属地联络员", "", "", "云溪区", "", ""],
        ["ducha", "督查甲", "Inspector", "", "", "", "", ""],
    ]


def test_a_park_of_accounts_is_created_with_initial_passwords(park):
    rows = park_rows(park)
    result = users_import(actor=park.command, upload=upload(rows))
    assert result.ok, result.errors
    assert (result.total, result.created, result.updated, result.unchanged) == (6, 6, 0, 0)
    officer = User.objects.get(username="zhoumin")
    assert officer.role == Role.ENTERPRISE_OFFICER and officer.enterprise == park.a
    assert officer.phone == "13800138001"
    assert User.objects.get(username="menggang").enterprise == park.b
    assert User.objects.get(username="wharf").enterprise is None
    liaison = User.objects.get(username="lidong")
    assert liaison.is_leader and Enterprise.objects.get(name="丙企业有限公司").liaison == liaison
    assert User.objects.get(username="caiye").district_code == "430603"
    # every new user has an initial password, returned once, that they must change
    passwords = {account.user.username: account.password for account in result.new_accounts}
    assert set(passwords) == {row[0] for row in rows}
    for user in User.objects.filter(username__in=passwords):
        assert user.must_change_password
        assert user.check_password(passwords[user.username])
        assert passwords[user.username] not in user.password  # hashed, never plain
    # audited: one row per user, the assignment, and the summary; never the passwords
    events = AuditEvent.objects.filter(action=AuditAction.USER_CREATED)
    assert events.count() == 6 and {e.data["source"] for e in events} == {"import"}
    assert AuditEvent.objects.filter(action=AuditAction.ENTERPRISE_LIAISON_ASSIGNED).count() == 1
    assert AuditEvent.objects.get(action=AuditAction.USERS_IMPORTED).data["created"] == 6
    trail = repr(list(AuditEvent.objects.values()))
    assert not any(password in trail for password in passwords.values())
    # the result's dict (what the API answers besides the letters) holds no password
    assert not any(password in repr(result.as_dict()) for password in passwords.values())
    assert not any(password in repr(result) for password in passwords.values())


def test_importing_the_same_file_again_changes_nothing(park):
    rows = park_rows(park)
    users_import(actor=park.command, upload=upload(rows))
    hashes = dict(User.objects.values_list("username", "password"))
    before = database_counts()
    result = users_import(actor=park.command, upload=upload(rows))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 6)
    assert result.new_accounts == []
    assert dict(User.objects.values_list("username", "password")) == hashes
    after = database_counts()
    # only the import's summary row in the trail
    assert {
        label: after[label] - before[label] for label in before if after[label] != before[label]
    } == {"audit.AuditEvent": 1}


def test_a_row_for_an_existing_user_updates_them_but_never_their_password(park):
    hash_before = User.objects.get(pk=park.officer.pk).password
    rows = [["officer", "新名字", "企业防疫专员", "", park.b.credit_code, "", "", ""]]
    result = users_import(actor=park.command, upload=upload(rows))
    assert (result.created, result.updated) == (0, 1) and result.new_accounts == []
    officer = User.objects.get(pk=park.officer.pk)
    assert officer.full_name == "新名字" and officer.enterprise == park.b
    assert officer.password == hash_before and not officer.must_change_password
    event = AuditEvent.objects.get(action=AuditAction.USER_UPDATED)
    assert set(event.data["changes"]) == {"full_name", "enterprise"}


def test_a_liaison_row_reassigns_an_enterprise(park):
    rows = [["liaison", park.liaison.full_name, "联点干部", "", "", "", "是", park.b.credit_code]]
    result = users_import(actor=park.command, upload=upload(rows))
    assert result.ok and result.updated == 1
    assert Enterprise.objects.get(pk=park.b.pk).liaison == park.liaison
    # an enterprise not listed keeps its liaison: nothing is removed by omission
    assert Enterprise.objects.get(pk=park.a.pk).liaison == park.liaison
    # the reassignment is kept in the enterprise's history, which the daily figures group by
    current = EnterpriseHistory.objects.get(enterprise=park.b, valid_until__isnull=True)
    assert current.liaison_id == park.liaison.pk
    assert enterprise_history_differences() == []


BAD_ROWS = [
    # (rows, row number, column, part of the message)
    (
        [
            ["same", "甲", "督查人员", "", "", "", "", ""],
            ["same", "乙", "督查人员", "", "", "", "", ""],
        ],
        3,
        "用户名",
        "row 3",  # the good row the test puts first is row 2
    ),
    (
        [["x1", "甲", "企业防疫专员", "", credit_code_for(9999), "", "", ""]],
        2,
        "企业信用代码",
        credit_code_for(9999),
    ),
    ([["x2", "甲", "企业防疫专员", "", "", "", "", ""]], 2, "企业信用代码", "enterprise"),
    ([["x3", "甲", "属地联络员", "", "", "", "", ""]], 2, "属地区县", "district"),
    ([["x4", "甲", "属地联络员", "", "", "火星区", "", ""]], 2, "属地区县", "火星区"),
    ([["x5", "甲", "督查人员", "12345", "", "", "", ""]], 2, "手机号", "phone"),
    ([["x6", "甲", "厂长", "", "", "", "", ""]], 2, "角色", "厂长"),
    ([["x7", "甲", "督查人员", "", "{a}", "", "", ""]], 2, "企业信用代码", "Only"),
    ([["x8", "甲", "督查人员", "", "", "", "", "{a}"]], 2, "联点企业信用代码", "Only liaison"),
    ([["x9", "甲", "联点干部", "", "", "", "也许", ""]], 2, "领导联点", "也许"),
    ([["", "甲", "督查人员", "", "", "", "", ""]], 2, "用户名", "blank"),
    ([["x10", "", "督查人员", "", "", "", "", ""]], 2, "姓名", "blank"),
]


@pytest.mark.parametrize(("rows", "row", "column", "text"), BAD_ROWS)
def test_a_bad_row_is_reported_and_nothing_is_written(park, rows, row, column, text):
    rows = [[cell.replace("{a}", park.a.credit_code) for cell in r] for r in rows]
    # a good row too: it is not written either
    rows = [["good", "好人", "督查人员", "", "", "", "", ""], *rows]
    row += 1
    before = database_counts()
    result = users_import(actor=park.command, upload=upload(rows))
    assert not result.ok and result.new_accounts == []
    assert [(error.row, error.column) for error in result.errors] == [(row, column)], result.errors
    assert text.lower() in result.errors[0].message.lower()
    assert_nothing_written(before)


def test_every_bad_row_is_reported(park):
    rows = [
        ["a1", "甲", "厂长", "", "", "", "", ""],
        ["a2", "乙", "企业防疫专员", "", "", "", "", ""],
        ["a3", "丙", "属地联络员", "1", "", "", "", ""],
    ]
    result = users_import(actor=park.command, upload=upload(rows))
    assert sorted({(error.row, error.column) for error in result.errors}) == [
        (2, "角色"),
        (3, "企业信用代码"),
        (4, "属地区县"),
        (4, "手机号"),
    ]


def test_a_key_enterprise_needs_a_leader_level_liaison(park):
    key = EnterpriseFactory(name="重点企业", is_key=True, liaison=None)
    rows = [["newliaison", "新联点", "联点干部", "", "", "", "否", key.credit_code]]
    result = users_import(actor=park.command, upload=upload(rows))
    assert [(e.column, "leader" in e.message) for e in result.errors] == [
        ("联点企业信用代码", True)
    ]


def test_one_enterprise_is_not_assigned_on_two_rows(park):
    rows = [
        ["l1", "甲", "联点干部", "", "", "", "", park.b.credit_code],
        ["l2", "乙", "联点干部", "", "", "", "", park.b.credit_code],
    ]
    result = users_import(actor=park.command, upload=upload(rows))
    assert [(e.row, e.column) for e in result.errors] == [(3, "联点企业信用代码")]


def test_the_command_post_cannot_change_its_own_role(park):
    rows = [["command", park.command.full_name, "督查人员", "", "", "", "", ""]]
    result = users_import(actor=park.command, upload=upload(rows))
    assert [(e.row, e.column) for e in result.errors] == [(2, "角色")]


def test_a_liaison_with_enterprises_keeps_the_role(park):
    rows = [["liaison2", "乙联点", "督查人员", "", "", "", "", ""]]
    result = users_import(actor=park.command, upload=upload(rows))
    assert [(e.row, e.column) for e in result.errors] == [(2, "角色")]


def test_formula_cells_are_refused(park):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["f1", '=CONCAT("周","敏")', "督查人员"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = database_counts()
    result = users_import(
        actor=park.command, upload=SimpleUploadedFile("f.xlsx", buffer.getvalue())
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "B2")]
    assert_nothing_written(before)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty_file"),
        ("用户名,姓名,角色\n".encode(), "empty_file"),
        (b"%PDF-1.4 not a sheet \x00\x01", "not_a_spreadsheet"),
        ("用户名,姓名\nx,y\n".encode(), "missing_columns"),
        ("用户名,姓名,角色,口令\nx,y,督查人员,secret\n".encode(), "unknown_columns"),
    ],
)
def test_files_that_are_no_import_are_refused_whole(park, content, code):
    before = database_counts()
    with pytest.raises(ApplicationError) as caught:
        users_import(actor=park.command, upload=SimpleUploadedFile("u.csv", content))
    assert caught.value.code == code
    assert_nothing_written(before)


def test_an_oversize_file_is_refused(park, settings):
    settings.FUGONG_IMPORT_MAX_BYTES = 1024
    content = "用户名,姓名,角色\n" + "".join(f"user{i},某人,督查人员\n" for i in range(200))
    before = database_counts()
    with pytest.raises(ApplicationError) as caught:
        users_import(actor=park.command, upload=csv_upload(content))
    assert caught.value.status == 413
    assert_nothing_written(before)


def test_a_csv_with_english_headers(park):
    content = "User name,Full name,Role,District\ncai2,蔡二,district_liaison,430603\n"
    result = users_import(actor=park.command, upload=csv_upload(content))
    assert result.ok and result.created == 1


@pytest.mark.parametrize("role", ["liaison", "inspector", "officer", "gate", "district"])
def test_only_the_command_post_imports(park, role):
    file = upload(park_rows(park))
    before = database_counts()
    with pytest.raises(PermissionDeniedError):
        users_import(actor=park.users()[role], upload=file)
    assert_nothing_written(before)


def test_the_template_imports_cleanly_and_is_the_documented_one(park):
    EnterpriseFactory(credit_code=_template_code(), name="示例企业", liaison=None)
    content = users_import_template()
    result = users_import(actor=park.command, upload=SimpleUploadedFile("t.xlsx", content))
    assert result.ok and result.created == 4, result.errors
    documented = Path(__file__).resolve().parents[3] / "docs" / "import-templates" / "users.xlsx"
    header = [cell.value for cell in next(load_workbook(documented).active.iter_rows())]
    assert header == HEADER


def _template_code() -> str:
    from stdnum.cn import uscc

    body = "91430600MA4L00001"
    return body + uscc.calc_check_digit(body)


def test_initial_passwords_are_readable_and_accepted():
    passwords = {initial_password_generate() for _ in range(200)}
    assert len(passwords) == 200
    for password in passwords:
        groups = password.split("-")
        assert len(groups) == 3 and all(len(group) == 4 for group in groups)
        assert set(password.replace("-", "")) <= set(ALPHABET)
        assert not set(password) & set("0Oo1lI5S2Zzuv")
        validate_password(password)


usernames = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_", min_size=1, max_size=20)
names = st.text(alphabet="周王李张刘陈杨赵黄敏建国芳伟", min_size=2, max_size=4)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.dictionaries(usernames, st.tuples(names, st.sampled_from(["督查人员", "门岗人员"]))))
def test_any_file_of_good_rows_imports_once_then_changes_nothing(park, accounts):
    taken = {user.username for user in park.users().values()}
    accounts = {name: value for name, value in accounts.items() if name not in taken}
    rows = [[name, full, role, "", "", "", "", ""] for name, (full, role) in accounts.items()]
    if not rows:
        return
    User.objects.filter(username__in=accounts).delete()
    first = users_import(actor=park.command, upload=upload(rows))
    assert first.ok and first.created == len(rows)
    second = users_import(actor=park.command, upload=upload(rows))
    assert (second.created, second.updated, second.unchanged) == (0, 0, len(rows))
