"""Importing enterprises from an xlsx or csv file.

The whole file is checked before anything is written: if any row is bad, nothing is written and
the report lists every bad row and why. The credit code is the key, so importing the same file
again changes nothing, and a changed row updates that enterprise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong.accounts.models import User
from fugong.audit.models import AuditAction, AuditEvent
from fugong.audit.services import audit_event_record
from fugong.core.errors import ConflictError
from fugong.core.files import Upload
from fugong.core.roles import Action, Role, require
from fugong.core.tabular import Column, cell_bool, cell_text, read_sheet, xlsx_bytes
from fugong.core.validators import normalize_credit_code, normalize_phone
from fugong.jobs.models import Job
from fugong.jobs.progress import Progress
from fugong.jobs.services import job_enqueue, runs_as_job  # noqa: F401  (re-exported)

from .history import enterprise_history_record, enterprise_history_start
from .models import Enterprise, EnterpriseKind
from .services import ENTERPRISE_FIELDS, HISTORY_CHANGES

COLUMNS = (
    Column("name", "企业名称", "Name", required=True, aliases=("名称", "单位名称")),
    Column(
        "credit_code",
        "统一社会信用代码",
        "Credit code",
        required=True,
        aliases=("信用代码", "USCC", "unified social credit code"),
    ),
    Column("kind", "企业类型", "Kind", aliases=("类型",)),
    Column("is_above_scale", "规模以上", "Above scale", aliases=("规上", "规模以上企业")),
    Column("is_key", "重点企业", "Key enterprise"),
    Column("in_scope", "纳入统计", "In scope"),
    Column("usual_headcount", "常用员工数", "Usual headcount", aliases=("员工人数", "员工数")),
    Column("address", "地址", "Address"),
    Column("legal_representative", "法定代表人", "Legal representative"),
    Column("contact_person", "联系人", "Contact person"),
    Column("contact_phone", "联系电话", "Contact phone"),
    Column("health_officer", "卫生员", "Health officer"),
    Column("health_officer_phone", "卫生员电话", "Health officer phone"),
    Column("has_observation_room", "观察室", "Observation room"),
    Column("observation_room_details", "观察室说明", "Observation room details"),
    Column("has_isolation_room", "隔离室", "Isolation room"),
    Column("isolation_room_details", "隔离室说明", "Isolation room details"),
    Column("has_waste_mask_bins", "废弃口罩回收箱", "Waste-mask bins"),
    Column("waste_mask_bins_details", "回收箱说明", "Waste-mask bins details"),
    Column("has_medical_room", "医务室", "Medical room"),
    Column("medical_room_details", "医务室说明", "Medical room details"),
    Column("liaison", "联点干部账号", "Liaison user name", aliases=("联点干部",)),
)

# What people write in the kind column, in Chinese or English, mapped to the stored value.
KIND_WORDS: dict[str, str] = {
    "工业": EnterpriseKind.INDUSTRIAL,
    "工业企业": EnterpriseKind.INDUSTRIAL,
    "工地": EnterpriseKind.CONSTRUCTION_SITE,
    "建筑工地": EnterpriseKind.CONSTRUCTION_SITE,
    "在建工地": EnterpriseKind.CONSTRUCTION_SITE,
    "港口物流": EnterpriseKind.PORT_LOGISTICS,
    "物流": EnterpriseKind.PORT_LOGISTICS,
    "港口": EnterpriseKind.PORT_LOGISTICS,
    "商贸服务": EnterpriseKind.COMMERCIAL_SERVICE,
    "商贸": EnterpriseKind.COMMERCIAL_SERVICE,
    "服务业": EnterpriseKind.COMMERCIAL_SERVICE,
    "其他": EnterpriseKind.OTHER,
}
# The stored values and the English labels are accepted too (written out: the labels are lazy
# translations, and this module may be loaded while Chinese is active).
KIND_WORDS.update({value: value for value in EnterpriseKind.values})
KIND_WORDS.update(
    {
        "industrial": EnterpriseKind.INDUSTRIAL,
        "construction site": EnterpriseKind.CONSTRUCTION_SITE,
        "port and logistics": EnterpriseKind.PORT_LOGISTICS,
        "commercial and services": EnterpriseKind.COMMERCIAL_SERVICE,
        "other": EnterpriseKind.OTHER,
    }
)

BOOLEAN_KEYS = {
    "is_above_scale",
    "is_key",
    "in_scope",
    "has_observation_room",
    "has_isolation_room",
    "has_waste_mask_bins",
    "has_medical_room",
}

HEADER_BY_KEY = {column.key: column.header for column in COLUMNS}


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def bad_rows(self) -> int:
        return len({error.row for error in self.errors})

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [error.__dict__ for error in self.errors],
        }


def _parse_row(row_number: int, values: dict, liaisons: dict, report: ImportReport) -> dict:
    """The row's typed values. An empty cell is left out: a new enterprise takes the default,
    an existing one keeps what it has (an import never erases data by omission)."""
    parsed: dict = {}

    def fail(key: str, message: str) -> None:
        report.errors.append(RowError(row_number, HEADER_BY_KEY[key], message))

    for key, raw in values.items():
        text = cell_text(raw)
        if key == "credit_code":
            parsed[key] = normalize_credit_code(raw)
        elif key == "name":
            parsed[key] = " ".join(text.split())
        elif not text:
            continue
        elif key in BOOLEAN_KEYS:
            value = cell_bool(raw)
            if value is None:
                fail(key, _("Write 是 or 否 (yes or no), not “%(value)s”.") % {"value": text})
            else:
                parsed[key] = value
        elif key == "kind":
            if text.lower() in KIND_WORDS:
                parsed[key] = KIND_WORDS[text.lower()]
            else:
                fail(
                    key,
                    _("Unknown kind “%(value)s”: use 工业, 工地, 港口物流, 商贸服务 or 其他.")
                    % {"value": text},
                )
        elif key == "usual_headcount":
            if text.isdigit():
                parsed[key] = int(text)
            else:
                fail(key, _("Write a whole number of people, not “%(value)s”.") % {"value": text})
        elif key == "liaison":
            if text in liaisons:
                parsed[key] = liaisons[text]
            else:
                fail(
                    key,
                    _("No active liaison officer has the user name “%(value)s”.") % {"value": text},
                )
        elif key in ("contact_phone", "health_officer_phone"):
            parsed[key] = normalize_phone(text)
        else:
            parsed[key] = text
    return parsed


def _validation_messages(error: ValidationError) -> list[tuple[str, str]]:
    result = []
    for key, messages in error.message_dict.items():
        header = HEADER_BY_KEY.get(key, "—")
        for message in messages:
            result.append((header, message))
    return result


ENTERPRISE_IMPORT_JOB = "enterprises.import"


def enterprise_import_enqueue(*, actor: User, upload: Upload) -> Job:
    """Start the import as a background job (``enterprises.jobs`` runs it); the permission is
    checked now and again when it runs. For files that ``runs_as_job`` finds large."""
    require(actor, Action.ENTERPRISES_IMPORT)
    return job_enqueue(actor=actor, kind=ENTERPRISE_IMPORT_JOB, parameters={}, input_file=upload)


def enterprise_import(
    *, actor: User, upload: Upload, progress: Progress | None = None
) -> ImportReport:
    """Validate every row of the file; write all of them, or none. ``progress``: a job's, told
    the stages and the rows checked (all of it before the write transaction)."""
    require(actor, Action.ENTERPRISES_IMPORT)
    progress = progress or Progress()
    progress.stage(_("Reading the file"))
    sheet = read_sheet(upload, COLUMNS, max_bytes=settings.FUGONG_IMPORT_MAX_BYTES)
    report = ImportReport(total=len(sheet.rows))
    progress.stage(_("Checking the rows"), total=len(sheet.rows))
    liaisons = {
        user.username: user
        for user in actor.__class__.objects.filter(role=Role.LIAISON, is_active=True)
    }
    existing = {enterprise.credit_code: enterprise for enterprise in Enterprise.objects.all()}
    seen: dict[str, int] = {}
    to_create: list[Enterprise] = []
    to_update: list[tuple[Enterprise, list[str]]] = []
    for checked, (row_number, values) in enumerate(sheet.rows):
        progress.advance(checked)
        if row_number in sheet.formula_cells:
            report.errors.append(
                RowError(
                    row_number,
                    ", ".join(sheet.formula_cells[row_number]),
                    _(
                        "This cell holds a formula; paste its value instead "
                        "(Paste Special → Values)."
                    ),
                )
            )
            continue
        errors_before = len(report.errors)
        parsed = _parse_row(row_number, values, liaisons, report)
        code = parsed.get("credit_code", "")
        if code and code in seen:
            report.errors.append(
                RowError(
                    row_number,
                    HEADER_BY_KEY["credit_code"],
                    _("The same credit code is already on row %(row)s.") % {"row": seen[code]},
                )
            )
            continue
        if code:
            seen[code] = row_number
        if len(report.errors) > errors_before:
            continue
        current = existing.get(code)
        enterprise = Enterprise() if current is None else current
        changed = []
        for key, value in parsed.items():
            if key in ENTERPRISE_FIELDS and getattr(enterprise, key) != value:
                setattr(enterprise, key, value)
                changed.append(key)
        try:
            enterprise.full_clean(validate_unique=False)
        except ValidationError as error:
            for header, message in _validation_messages(error):
                report.errors.append(RowError(row_number, header, message))
            continue
        if current is None:
            to_create.append(enterprise)
        elif changed:
            to_update.append((enterprise, changed))
        else:
            report.unchanged += 1
    if report.errors:
        report.errors.sort(key=lambda error: error.row)
        return report
    progress.stage(_("Saving"))
    _write(actor, to_create, to_update, report)
    return report


def _write(actor, to_create, to_update, report: ImportReport) -> None:
    try:
        _write_all(actor, to_create, to_update, report)
    except IntegrityError as error:
        # Someone registered one of these codes while the file was being checked.
        raise ConflictError(
            _("The enterprises changed while the file was being checked; import it again.")
        ) from error


@transaction.atomic
def _write_all(actor, to_create, to_update, report: ImportReport) -> None:
    created = Enterprise.objects.bulk_create(to_create, batch_size=500)
    # bulk_create sets primary keys on PostgreSQL and SQLite 3.35+, which the audit rows need.
    enterprise_history_start(created)
    for enterprise, changed in to_update:
        enterprise.save(update_fields=[*changed, "updated_at"])
        if HISTORY_CHANGES & set(changed):
            enterprise_history_record(enterprise)
    events = [
        AuditEvent(
            actor=actor,
            action=AuditAction.ENTERPRISE_CREATED,
            target_type=Enterprise._meta.label_lower,
            target_id=str(enterprise.pk),
            enterprise_id=enterprise.pk,
            summary=enterprise.name,
            data={"source": "import"},
        )
        for enterprise in created
    ]
    events += [
        AuditEvent(
            actor=actor,
            action=AuditAction.ENTERPRISE_UPDATED,
            target_type=Enterprise._meta.label_lower,
            target_id=str(enterprise.pk),
            enterprise_id=enterprise.pk,
            summary=enterprise.name,
            data={"source": "import", "fields": changed},
        )
        for enterprise, changed in to_update
    ]
    AuditEvent.objects.bulk_create(events, batch_size=500)
    report.created = len(created)
    report.updated = len(to_update)
    audit_event_record(
        actor=actor,
        action=AuditAction.ENTERPRISES_IMPORTED,
        target=actor,
        summary=_("%(created)s created, %(updated)s updated, %(unchanged)s unchanged")
        % {"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
        data={"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
    )


TEMPLATE_EXAMPLE = (
    "岳阳示例科技有限公司",
    "91430600MA4L0000XX",
    "工业",
    "是",
    "否",
    "是",
    "120",
    "湖南城陵矶新港区示例路1号",
    "张三",
    "李四",
    "13800138000",
    "王五",
    "13900139000",
    "是",
    "1楼东侧，2间",
    "是",
    "独立隔离室1间",
    "是",
    "门口及各车间",
    "否",
    "",
    "",
)

template_title = gettext_lazy("Enterprise list")


def enterprise_import_template() -> bytes:
    """The import template: the header row and one example row."""
    from stdnum.cn import uscc

    example = list(TEMPLATE_EXAMPLE)
    body = "91430600MA4L00001"
    example[1] = body + uscc.calc_check_digit(body)
    return xlsx_bytes(str(template_title), [column.header for column in COLUMNS], [example])
