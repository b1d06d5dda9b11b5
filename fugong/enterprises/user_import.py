"""Importing the park's accounts from an xlsx or csv file: officers, gate operators, liaisons (with
the enterprises they are assigned), district liaisons, inspectors and command post staff.

It lives in ``enterprises`` rather than ``accounts`` because a row names its enterprise by credit
code and a liaison's row assigns enterprises (``Enterprise.liaison``): the lowest app whose models
it needs. As every import: the whole file is checked first, and if any row is bad nothing is
written and every bad row is reported with its column. The user name is the key: a row for an
existing user name updates that user's name, role, attachments and phone, never their password;
importing the same file again changes nothing. Each user it creates gets a generated initial
password, returned in the result (``UserImportResult.new_accounts``) for the login letters and
stored nowhere in plain text; the user changes it at the first sign-in.

A plain function of the actor and the file, so that a background job can run it later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong.accounts.letters import NewAccount
from fugong.accounts.models import User
from fugong.accounts.passwords import initial_password_generate
from fugong.audit.models import AuditAction, AuditEvent
from fugong.audit.services import audit_event_record
from fugong.core.divisions import division_code_from_text
from fugong.core.errors import ApplicationError, ConflictError
from fugong.core.files import Upload
from fugong.core.roles import Action, Role, require
from fugong.core.tabular import Column, cell_bool, cell_text, read_sheet, xlsx_bytes
from fugong.core.validators import normalize_credit_code, normalize_phone, validate_phone

from .history import enterprise_history_record
from .imports import RowError
from .models import Enterprise

COLUMNS = (
    Column("username", "用户名", "User name", required=True, aliases=("账号", "登录名")),
    Column("full_name", "姓名", "Full name", required=True),
    Column("role", "角色", "Role", required=True),
    Column("phone", "手机号", "Phone", aliases=("电话", "联系电话", "手机")),
    Column(
        "enterprise",
        "企业信用代码",
        "Enterprise credit code",
        aliases=("统一社会信用代码", "信用代码", "所属企业信用代码"),
    ),
    Column("district", "属地区县", "District", aliases=("属地", "区县", "区县代码")),
    Column("is_leader", "领导联点", "Leader-level liaison", aliases=("领导",)),
    Column(
        "liaison_enterprises",
        "联点企业信用代码",
        "Liaison's enterprises",
        aliases=("联点企业",),
    ),
)
HEADER_BY_KEY = {column.key: column.header for column in COLUMNS}
# Model fields → the column that carries them (for the model's validation messages).
FIELD_COLUMN = {
    "username": "username",
    "full_name": "full_name",
    "role": "role",
    "phone": "phone",
    "enterprise": "enterprise",
    "district_code": "district",
    "is_leader": "is_leader",
}

# What people write in the role column (the stored values and the English labels are accepted
# too, written out: the labels are lazy translations).
ROLE_WORDS: dict[str, str] = {
    "指挥部": Role.COMMAND,
    "指挥部工作人员": Role.COMMAND,
    "联点干部": Role.LIAISON,
    "联点": Role.LIAISON,
    "督查": Role.INSPECTOR,
    "督查人员": Role.INSPECTOR,
    "企业防疫专员": Role.ENTERPRISE_OFFICER,
    "防疫专员": Role.ENTERPRISE_OFFICER,
    "企业专员": Role.ENTERPRISE_OFFICER,
    "门岗": Role.GATE_OPERATOR,
    "门岗人员": Role.GATE_OPERATOR,
    "属地联络员": Role.DISTRICT_LIAISON,
    "属地": Role.DISTRICT_LIAISON,
    "command post staff": Role.COMMAND,
    "liaison officer": Role.LIAISON,
    "inspector": Role.INSPECTOR,
    "enterprise safety officer": Role.ENTERPRISE_OFFICER,
    "gate operator": Role.GATE_OPERATOR,
    "district liaison": Role.DISTRICT_LIAISON,
}
ROLE_WORDS.update({value: value for value in Role.values})

# Credit codes in one cell: separated by commas, semicolons, 、 or white space.
_CODE_SEPARATORS = re.compile(r"[,，;；、\s]+")
# The fields an import sets on a user (never the password of an existing one).
USER_IMPORT_FIELDS = ("full_name", "role", "phone", "enterprise", "district_code", "is_leader")


@dataclass
class UserImportResult:
    """What the import did. ``new_accounts`` holds the initial passwords of the users it created,
    in memory only, for the login letters; ``as_dict`` leaves them out."""

    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    new_accounts: list[NewAccount] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def bad_rows(self) -> int:
        return len({error.row for error in self.errors})

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [error.__dict__ for error in self.errors],
        }


@dataclass
class _Row:
    number: int
    user: User
    is_new: bool
    changes: dict[str, list[str | None]]
    assign: list[Enterprise]  # enterprises whose liaison this row makes this user


@dataclass
class _Context:
    actor: User
    result: UserImportResult
    users: dict[str, User]
    enterprises: dict[str, Enterprise]
    usernames_seen: dict[str, int] = field(default_factory=dict)
    assigned_on: dict[str, int] = field(default_factory=dict)  # credit code → row

    def fail(self, row: int, key: str, message: str) -> None:
        self.result.errors.append(RowError(row, HEADER_BY_KEY[key], message))


def users_import(*, actor: User, upload: Upload) -> UserImportResult:
    """Validate every row of the file; write all of them, or none. Users it creates get an
    initial password (in ``result.new_accounts``) that they must change at the first sign-in."""
    require(actor, Action.USERS_MANAGE)
    sheet = read_sheet(upload, COLUMNS, max_bytes=settings.FUGONG_IMPORT_MAX_BYTES)
    if not sheet.rows:
        raise ApplicationError(
            _("The file has no accounts below its header row."), code="empty_file"
        )
    result = UserImportResult(total=len(sheet.rows))
    usernames = [cell_text(values.get("username")) for _number, values in sheet.rows]
    codes: set[str] = set()
    for _number, values in sheet.rows:
        codes.add(normalize_credit_code(values.get("enterprise", "")))
        codes.update(_codes(values.get("liaison_enterprises", "")))
    context = _Context(
        actor=actor,
        result=result,
        users={
            user.username: user
            for user in User.objects.select_related("enterprise").filter(username__in=usernames)
        },
        enterprises={
            enterprise.credit_code: enterprise
            for enterprise in Enterprise.objects.select_related("liaison").filter(
                credit_code__in=codes - {""}
            )
        },
    )
    rows: list[_Row] = []
    for number, values in sheet.rows:
        if number in sheet.formula_cells:
            result.errors.append(
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
        row = _check_row(context, number, values)
        if row is not None:
            rows.append(row)
    if result.errors:
        result.errors.sort(key=lambda error: error.row)
        return result
    _write(actor, rows, result)
    return result


def _codes(raw: object) -> list[str]:
    return [normalize_credit_code(code) for code in _CODE_SEPARATORS.split(cell_text(raw)) if code]


def _check_row(context: _Context, number: int, values: dict[str, object]) -> _Row | None:
    """The row's user (new or existing, with the row's values applied), or None if it is bad
    (its errors are in the result)."""
    errors_before = len(context.result.errors)
    fail = context.fail
    username = cell_text(values.get("username"))
    if username in context.usernames_seen:
        fail(
            number,
            "username",
            _("The same user name is already on row %(row)s.")
            % {"row": context.usernames_seen[username]},
        )
        return None
    if username:
        context.usernames_seen[username] = number
    role_text = cell_text(values.get("role"))
    role = ROLE_WORDS.get(role_text.lower()) if role_text else None
    if role_text and role is None:
        fail(
            number,
            "role",
            _(
                "Unknown role “%(value)s”: use 指挥部工作人员, 联点干部, 督查人员, 企业防疫专员, "
                "门岗人员 or 属地联络员."
            )
            % {"value": role_text},
        )
    fields: dict[str, Any] = {
        "full_name": " ".join(cell_text(values.get("full_name")).split()),
        "role": role or "",
    }
    phone = cell_text(values.get("phone"))
    if phone:
        try:
            validate_phone(phone)
        except ValidationError as error:
            fail(number, "phone", error.messages[0])
        fields["phone"] = normalize_phone(phone)
    fields["enterprise"] = _enterprise(context, number, values)
    fields["district_code"] = _district(context, number, values)
    leader_text = cell_text(values.get("is_leader"))
    if leader_text:
        leader = cell_bool(values.get("is_leader"))
        if leader is None:
            fail(
                number,
                "is_leader",
                _("Write 是 or 否 (yes or no), not “%(value)s”.") % {"value": leader_text},
            )
        fields["is_leader"] = bool(leader)
    existing = context.users.get(username)
    user = existing if existing is not None else User(username=username, is_leader=False)
    if role != Role.LIAISON:
        fields["is_leader"] = False
    changes: dict[str, list[str | None]] = {}
    for key, value in fields.items():
        old = getattr(user, key)
        if old != value:
            changes[key] = [_plain(old), _plain(value)]
            setattr(user, key, value)
    if existing is not None and "role" in changes:
        if existing.pk == context.actor.pk:
            fail(number, "role", _("You cannot change your own role."))
        elif existing.liaison_enterprises.exists():
            fail(
                number,
                "role",
                _(
                    "This liaison still has enterprises assigned; assign them to someone else "
                    "first."
                ),
            )
    # An unknown role's message says it all; and where a column already has this row's error (an
    # unknown enterprise), the model's would repeat it ("this role belongs to an enterprise").
    if not (role is None and role_text):
        reported = {error.column for error in context.result.errors[errors_before:]}
        try:
            user.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                column = HEADER_BY_KEY.get(FIELD_COLUMN.get(key, ""), "—")
                if column not in reported:
                    for message in messages:
                        context.result.errors.append(RowError(number, column, message))
    assign = _assignments(context, number, values, user)
    if len(context.result.errors) > errors_before:
        return None
    return _Row(number=number, user=user, is_new=existing is None, changes=changes, assign=assign)


def _enterprise(context: _Context, number: int, values: dict[str, object]) -> Enterprise | None:
    code = normalize_credit_code(values.get("enterprise", ""))
    if not code:
        return None
    enterprise = context.enterprises.get(code)
    if enterprise is None:
        context.fail(
            number,
            "enterprise",
            _("No enterprise has the credit code “%(value)s”: import or register it first.")
            % {"value": code},
        )
    return enterprise


def _district(context: _Context, number: int, values: dict[str, object]) -> str:
    text = cell_text(values.get("district"))
    if not text:
        return ""
    code = division_code_from_text(text, prefer_prefix=settings.FUGONG_PARK_CITY_PREFIX)
    if code is None:
        context.fail(
            number,
            "district",
            _("Unknown district “%(value)s”: write its 6-digit code or its name, as 云溪区.")
            % {"value": text},
        )
        return ""
    return code


def _assignments(
    context: _Context, number: int, values: dict[str, object], user: User
) -> list[Enterprise]:
    """The enterprises this row makes the user the liaison of (whose liaison changes)."""
    codes = _codes(values.get("liaison_enterprises", ""))
    if not codes:
        return []
    if user.role != Role.LIAISON:
        context.fail(
            number,
            "liaison_enterprises",
            _("Only liaison officers are assigned enterprises."),
        )
        return []
    if not user.is_active:
        context.fail(
            number,
            "liaison_enterprises",
            _("This user is deactivated: reactivate them before assigning enterprises."),
        )
        return []
    assign = []
    for code in codes:
        enterprise = context.enterprises.get(code)
        if enterprise is None:
            context.fail(
                number,
                "liaison_enterprises",
                _("No enterprise has the credit code “%(value)s”: import or register it first.")
                % {"value": code},
            )
            continue
        if code in context.assigned_on:
            context.fail(
                number,
                "liaison_enterprises",
                _("The enterprise %(code)s is already assigned on row %(row)s.")
                % {"code": code, "row": context.assigned_on[code]},
            )
            continue
        context.assigned_on[code] = number
        if enterprise.is_key and not user.is_leader:
            context.fail(
                number,
                "liaison_enterprises",
                _("%(name)s is a key enterprise: its liaison must be leader-level.")
                % {"name": enterprise.name},
            )
            continue
        if user.pk is None or enterprise.liaison_id != user.pk:
            assign.append(enterprise)
    return assign


def _plain(value: object) -> str | None:
    return None if value is None else str(value)


def _write(actor: User, rows: list[_Row], result: UserImportResult) -> None:
    # Hashing takes a while per password (Argon2): done before the transaction opens.
    new_accounts: list[tuple[_Row, str]] = []
    for row in rows:
        if row.is_new:
            password = initial_password_generate()
            row.user.password = make_password(password)
            row.user.must_change_password = True
            new_accounts.append((row, password))
    try:
        _write_all(actor, rows, result)
    except IntegrityError as error:
        # Someone created one of these user names while the file was being checked.
        raise ConflictError(
            _("The users changed while the file was being checked; import it again.")
        ) from error
    result.new_accounts = [
        NewAccount(user=row.user, password=password) for row, password in new_accounts
    ]


@transaction.atomic
def _write_all(actor: User, rows: list[_Row], result: UserImportResult) -> None:
    created = User.objects.bulk_create([row.user for row in rows if row.is_new], batch_size=500)
    events: list[AuditEvent] = []
    for user in created:
        events.append(
            _event(actor, AuditAction.USER_CREATED, user, {"role": user.role, "source": "import"})
        )
    for row in rows:
        if not row.is_new and row.changes:
            row.user.save(update_fields=list(row.changes))
            events.append(
                _event(
                    actor,
                    AuditAction.USER_UPDATED,
                    row.user,
                    {"changes": row.changes, "source": "import"},
                )
            )
        for enterprise in row.assign:
            old = enterprise.liaison_id
            enterprise.liaison = row.user
            enterprise.save(update_fields=["liaison", "updated_at"])
            # The figures group a day's enterprises by that day's liaison: keep the history.
            enterprise_history_record(enterprise)
            events.append(
                AuditEvent(
                    actor=actor,
                    action=AuditAction.ENTERPRISE_LIAISON_ASSIGNED,
                    target_type=Enterprise._meta.label_lower,
                    target_id=str(enterprise.pk),
                    enterprise_id=enterprise.pk,
                    summary=enterprise.name,
                    data={"changes": {"liaison": [_plain(old), str(row.user.pk)]}},
                )
            )
        if row.is_new:
            result.created += 1
        elif row.changes or row.assign:
            result.updated += 1
        else:
            result.unchanged += 1
    AuditEvent.objects.bulk_create(events, batch_size=500)
    counts = {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
    audit_event_record(
        actor=actor,
        action=AuditAction.USERS_IMPORTED,
        target=actor,
        summary=_("%(created)s created, %(updated)s updated, %(unchanged)s unchanged") % counts,
        data=counts,
    )


def _event(actor: User, action: str, user: User, data: dict[str, Any]) -> AuditEvent:
    return AuditEvent(
        actor=actor,
        action=action,
        target_type=User._meta.label_lower,
        target_id=str(user.pk),
        enterprise_id=user.enterprise_id,
        summary=user.username,
        data=data,
    )


TEMPLATE_ROWS = (
    ("zhoumin", "周敏", "企业防疫专员", "13800138001", "{code}", "", "", ""),
    ("menggang01", "孟刚", "门岗人员", "", "{code}", "", "", ""),
    ("lidong", "李东", "联点干部", "13900139002", "", "", "是", "{code}"),
    ("caiye", "蔡烨", "属地联络员", "", "", "云溪区", "", ""),
)

template_title = gettext_lazy("Accounts")


def users_import_template() -> bytes:
    """The import template: the header row and one example row per kind of account."""
    from stdnum.cn import uscc

    body = "91430600MA4L00001"
    code = body + uscc.calc_check_digit(body)
    rows = [[cell.format(code=code) for cell in row] for row in TEMPLATE_ROWS]
    return xlsx_bytes(str(template_title), [column.header for column in COLUMNS], rows)
