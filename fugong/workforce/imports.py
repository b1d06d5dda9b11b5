"""Importing an enterprise's roster from xlsx or csv.

The whole file is checked first; if any row is bad nothing is written and the report lists
every bad row. The document number is the key: importing the same file again changes nothing.
A person on another enterprise's roster is a bad row (an import moves nobody: the old employer
records the leave, or the command post moves them); a person who has left is taken on again on
their one record, starting clean (see services._join).
Rows are written with set-based inserts and updates, so that a 100,000-row file imports in one go.
"""

from __future__ import annotations

import gc
import re
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.bulk import KeySet, bulk_insert_rows, bulk_update_rows
from fugong.core.divisions import division_code_from_text, division_get
from fugong.core.errors import ConflictError
from fugong.core.roles import Action, require
from fugong.core.tabular import Column, cell_text, read_sheet, xlsx_bytes
from fugong.screening import engine
from fugong.screening.models import ClearanceChange, ScreeningRun

from .models import DocumentType, Employment, HealthCode, TravelRecord, Worker, WorkerPass
from .personal import Document, parse_document, parse_phone, phone_digest, stored_phone
from .services import _scope_enterprise, on_another_roster_message

COLUMNS = (
    Column("full_name", "姓名", "Name", required=True),
    Column("document_type", "证件类型", "Document type"),
    Column(
        "document_number",
        "证件号码",
        "Document number",
        required=True,
        aliases=("身份证号", "身份证号码", "公民身份号码", "ID number"),
    ),
    Column("phone", "手机号码", "Mobile phone", aliases=("手机", "手机号", "联系电话")),
    Column("department", "部门车间", "Department", aliases=("部门", "车间", "班组")),
    Column("shift", "班次", "Shift"),
    Column("dormitory_room", "宿舍", "Dormitory room", aliases=("宿舍号",)),
    Column("shuttle_route", "班车线路", "Shuttle-bus route", aliases=("班车",)),
    Column(
        "residence", "居住地", "District of residence", required=True, aliases=("属地", "居住地区")
    ),
    Column(
        "holiday_location", "春节去向", "Holiday location", aliases=("假期所在地", "春节所在地")
    ),
    Column("returned_on", "返城日期", "Returned on", aliases=("返岳日期", "到岗日期")),
    Column("travel", "14天内途经地", "Places passed through", aliases=("途经地", "途经地区")),
    Column("contact_on", "接触病例日期", "Contact with a case on", aliases=("接触史日期",)),
    Column("symptoms", "症状", "Symptoms"),
    Column("health_code", "健康码", "Health code"),
    Column("health_code_on", "健康码日期", "Health code date"),
)
HEADER_BY_KEY = {column.key: column.header for column in COLUMNS}

DOCUMENT_TYPES = {
    "": DocumentType.RESIDENT_ID,
    "身份证": DocumentType.RESIDENT_ID,
    "居民身份证": DocumentType.RESIDENT_ID,
    "resident_id": DocumentType.RESIDENT_ID,
    "resident id": DocumentType.RESIDENT_ID,
    "护照": DocumentType.PASSPORT,
    "passport": DocumentType.PASSPORT,
    "其他": DocumentType.OTHER,
    "其他证件": DocumentType.OTHER,
    "港澳通行证": DocumentType.OTHER,
    "台胞证": DocumentType.OTHER,
    "other": DocumentType.OTHER,
}
HEALTH_CODES = {
    "": HealthCode.UNKNOWN,
    "绿": HealthCode.GREEN,
    "绿码": HealthCode.GREEN,
    "green": HealthCode.GREEN,
    "黄": HealthCode.YELLOW,
    "黄码": HealthCode.YELLOW,
    "yellow": HealthCode.YELLOW,
    "红": HealthCode.RED,
    "红码": HealthCode.RED,
    "red": HealthCode.RED,
}
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_STAY = re.compile(
    r"^(?P<place>[^@:：\s]+?)(?:[@:：\s]+(?P<start>\d{4}[-/.]\d{1,2}[-/.]\d{1,2})"
    r"(?:\s*(?:~|～|至|到|\.\.|—|–)\s*(?P<end>\d{4}[-/.]\d{1,2}[-/.]\d{1,2}))?)?$"
)
_STAY_SEPARATORS = re.compile(r"[;；、,，\n]+")
EXCEL_EPOCH = date(1899, 12, 30)

# The worker columns the import writes, in this order.
WORKER_COLUMNS = (
    "full_name",
    "department",
    "shift",
    "dormitory_room",
    "shuttle_route",
    "residence_code",
    "holiday_location_code",
    "returned_on",
    "contact_on",
    "symptoms",
    "health_code",
    "health_code_on",
)
FILE_KEYS = {
    "full_name": "full_name",
    "department": "department",
    "shift": "shift",
    "dormitory_room": "dormitory_room",
    "shuttle_route": "shuttle_route",
    "residence": "residence_code",
    "holiday_location": "holiday_location_code",
    "returned_on": "returned_on",
    "contact_on": "contact_on",
    "symptoms": "symptoms",
    "health_code": "health_code",
    "health_code_on": "health_code_on",
}


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class WorkerImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    moved: int = 0
    unchanged: int = 0
    clearance_changed: int = 0
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
            "moved": self.moved,
            "unchanged": self.unchanged,
            "clearance_changed": self.clearance_changed,
            "errors": [error.__dict__ for error in self.errors],
        }


@dataclass
class ParsedRow:
    number: int
    document: Document
    phone: str | None  # None: the file has no phone column
    values: dict  # worker field → value, only for columns in the file
    travel: list[tuple] | None  # None: the file has no travel column


def parse_date(value: object, *, today: date) -> date:
    """A date from a cell: a date cell, an Excel serial number, or text such as 2020-02-10,
    2020/2/10 or 2020年2月10日."""
    if isinstance(value, datetime):
        result = value.date()
    elif isinstance(value, date):
        result = value
    elif isinstance(value, int | float) and not isinstance(value, bool) and 36526 <= value <= 73051:
        result = EXCEL_EPOCH + timedelta(days=int(value))
    else:
        match = _DATE.match(cell_text(value))
        if not match:
            raise ValueError(
                _("Write a date as 2020-02-10, not “%(value)s”.") % {"value": cell_text(value)}
            )
        try:
            result = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError as error:
            raise ValueError(
                _("“%(value)s” is not a real date.") % {"value": cell_text(value)}
            ) from error
    if result > today:
        raise ValueError(_("This date is in the future."))
    if result.year < 2000:
        raise ValueError(_("“%(value)s” is too long ago.") % {"value": result.isoformat()})
    return result


class _RowParser:
    """Parses the rows of one file. Places and dates repeat across a roster, so their parsing
    is cached; columns absent from the file are known once, not looked up on every row."""

    def __init__(self, present: set[str], today: date, report: WorkerImportReport) -> None:
        self.present = present
        self.today = today
        self.report = report
        self.prefix = settings.FUGONG_PARK_CITY_PREFIX
        self.places: dict[str, str | None] = {}
        self.dates: dict[object, date | str] = {}

    def place(self, text: str) -> str | None:
        try:
            return self.places[text]
        except KeyError:
            code = self.places[text] = division_code_from_text(text, prefer_prefix=self.prefix)
            return code

    def day(self, value: object) -> date:
        """A cached ``parse_date``; raises ValueError with the message."""
        key = value if value.__class__ is str else repr(value)
        cached = self.dates.get(key)
        if cached is None:
            try:
                cached = parse_date(value, today=self.today)
            except ValueError as error:
                cached = str(error)
            self.dates[key] = cached
        if cached.__class__ is str:
            raise ValueError(cached)
        return cached

    def parse(self, number: int, cells: dict) -> ParsedRow | None:
        errors = self.report.errors
        errors_before = len(errors)

        def fail(key: str, message) -> None:
            errors.append(RowError(number, HEADER_BY_KEY[key], str(message)))

        present = self.present
        values: dict = {}
        name = cell_text(cells["full_name"])
        if " " in name or "\t" in name:
            name = " ".join(name.split())
        if not name:
            fail("full_name", _("Enter the worker's name."))
        elif len(name) > 100:
            fail("full_name", _("At most 100 characters."))
        values["full_name"] = name

        document_type = DocumentType.RESIDENT_ID
        if "document_type" in present:
            type_text = cell_text(cells["document_type"]).lower()
            document_type = DOCUMENT_TYPES.get(type_text)
            if document_type is None:
                fail(
                    "document_type",
                    _("Unknown document type “%(value)s”: use 居民身份证, 护照 or 其他.")
                    % {"value": type_text},
                )
        document = None
        raw = cells["document_number"]
        if raw == "":
            fail("document_number", _("Enter the document number."))
        elif document_type is not None:
            try:
                document = parse_document(document_type, raw, today=self.today)
            except ValidationError as error:
                fail("document_number", error.messages[0])

        phone = None
        if "phone" in present:
            try:
                phone = parse_phone(cell_text(cells["phone"]))
            except ValidationError as error:
                fail("phone", error.messages[0])

        for key, limit in TEXT_LIMITS:
            if key in present:
                text = cell_text(cells[key])
                if len(text) > limit:
                    fail(key, _("At most %(count)s characters.") % {"count": limit})
                values[key] = text

        residence_text = cell_text(cells["residence"])
        if not residence_text:
            fail("residence", _("Enter the district of residence."))
        else:
            code = self.place(residence_text)
            division = division_get(code) if code else None
            if division is None or not division.is_county_level:
                fail(
                    "residence",
                    _("“%(value)s” is not a county-level district: write its code or full name.")
                    % {"value": residence_text},
                )
            else:
                values["residence_code"] = code
        if "holiday_location" in present:
            text = cell_text(cells["holiday_location"])
            code = self.place(text) if text else ""
            if code is None:
                fail(
                    "holiday_location",
                    _("Unknown place “%(value)s”: write its division code or full name.")
                    % {"value": text},
                )
            values["holiday_location_code"] = code or ""
        for key in DATE_KEYS:
            if key in present:
                raw = cells[key]
                if raw == "":
                    values[key] = None
                else:
                    try:
                        values[key] = self.day(raw)
                    except ValueError as error:
                        fail(key, str(error))
        if "health_code" in present:
            text = cell_text(cells["health_code"]).lower()
            if text not in HEALTH_CODES:
                fail(
                    "health_code",
                    _("Write the health code as 绿, 黄 or 红, not “%(value)s”.") % {"value": text},
                )
            else:
                values["health_code"] = HEALTH_CODES[text]
                if values["health_code"] and not values.get("health_code_on"):
                    fail("health_code_on", _("Give the date of the health code."))
        travel = None
        if "travel" in present:
            text = cell_text(cells["travel"])
            try:
                travel = _parse_travel(text, self) if text else []
            except ValueError as error:
                fail("travel", str(error))
        if len(errors) > errors_before:
            return None
        return ParsedRow(number, document, phone, values, travel)


TEXT_LIMITS = (
    ("department", 100),
    ("shift", 50),
    ("dormitory_room", 50),
    ("shuttle_route", 50),
    ("symptoms", 200),
)
DATE_KEYS = ("returned_on", "contact_on", "health_code_on")


def _parse_travel(text: str, parser: _RowParser) -> list[tuple]:
    stays = []
    for part in _STAY_SEPARATORS.split(text):
        part = part.strip()
        if not part:
            continue
        match = _STAY.match(part)
        if not match:
            raise ValueError(
                _("Write places as 武汉市 2020-01-20~2020-01-25; separate them with ；.")
            )
        code = parser.place(match.group("place"))
        if code is None:
            raise ValueError(
                _("Unknown place “%(value)s”: write its division code or full name.")
                % {"value": match.group("place")}
            )
        start = parser.day(match.group("start")) if match.group("start") else None
        end = parser.day(match.group("end")) if match.group("end") else None
        if start and end and start > end:
            raise ValueError(_("A stay ends before it starts (%(value)s).") % {"value": part})
        stays.append((code, start, end))
    if len(stays) > 30:
        raise ValueError(_("At most %(count)s places.") % {"count": 30})
    return stays


def worker_import(*, actor, enterprise, upload) -> WorkerImportReport:
    """Check every row of the file; write all of them, or none."""
    require(actor, Action.WORKERS_MANAGE)
    _scope_enterprise(actor, enterprise)
    with collector_paused():
        return _import(actor, enterprise, upload)


@contextmanager
def collector_paused():
    """Pause Python's cyclic garbage collector: a roster creates hundreds of thousands of small
    objects that live until the import ends, and every collection would walk all of them again.
    Reference counting still frees everything; the collector resumes afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _import(actor, enterprise, upload) -> WorkerImportReport:
    sheet = read_sheet(upload, COLUMNS, max_bytes=settings.FUGONG_IMPORT_MAX_BYTES)
    today = timezone.localdate()
    report = WorkerImportReport(total=len(sheet.rows))
    parser = _RowParser({column.key for column in sheet.columns}, today, report)
    parsed: list[ParsedRow] = []
    seen: dict[str, int] = {}
    for number, cells in sheet.rows:
        if number in sheet.formula_cells:
            report.errors.append(
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
        row = parser.parse(number, cells)
        if row is None:
            continue
        digest = row.document.digest
        if digest in seen:
            report.errors.append(
                RowError(
                    number,
                    HEADER_BY_KEY["document_number"],
                    _("The same document number is already on row %(row)s.")
                    % {"row": seen[digest]},
                )
            )
            continue
        seen[digest] = number
        parsed.append(row)
    if report.errors:
        if parsed:
            # Name the rows of people on another roster too, so that one report lists them all.
            digests = KeySet((row.document.digest for row in parsed), name="import_digests")
            enterprises = dict(
                Worker.objects.filter(document_digest__in=digests.subquery()).values_list(
                    "document_digest", "enterprise_id"
                )
            )
            digests.drop()
            report.errors.extend(_on_other_rosters(parsed, enterprises, enterprise))
        report.errors.sort(key=lambda error: error.row)
        return report
    try:
        _write(actor, enterprise, parsed, report, today)
    except IntegrityError as error:
        raise ConflictError(
            _("The roster changed while the file was being checked; import it again.")
        ) from error
    return report


def _on_other_rosters(parsed, enterprises: dict[str, int | None], enterprise) -> list[RowError]:
    """The rows whose person is on another enterprise's roster (``enterprises``: the current
    enterprise of the workers already registered, by digest; None for one who has left). The
    message names nothing stored."""
    message = on_another_roster_message()
    column = HEADER_BY_KEY["document_number"]
    return [
        RowError(row.number, column, message)
        for row in parsed
        if enterprises.get(row.document.digest) not in (None, enterprise.pk)
    ]


EXISTING_FIELDS = (
    "id",
    "document_digest",
    "enterprise_id",
    "phone_digest",
    *WORKER_COLUMNS,
    *engine.WORKER_FACT_FIELDS[2:],
)


@transaction.atomic
def _write(
    actor, enterprise, parsed: list[ParsedRow], report: WorkerImportReport, today: date
) -> None:
    started = time.perf_counter()
    now = timezone.now()
    digests = KeySet((row.document.digest for row in parsed), name="import_digests")
    existing: dict[str, dict] = {
        record["document_digest"]: record
        for record in Worker.objects.filter(document_digest__in=digests.subquery()).values(
            *set(EXISTING_FIELDS)
        )
    }
    refused = _on_other_rosters(
        parsed, {digest: record["enterprise_id"] for digest, record in existing.items()}, enterprise
    )
    if refused:
        digests.drop()
        report.errors.extend(refused)
        return
    stored_travel: dict[int, list[tuple]] = defaultdict(list)
    if existing:
        for worker_id, code, begin, end in TravelRecord.objects.filter(
            worker__document_digest__in=digests.subquery()
        ).values_list("worker_id", "division_code", "from_date", "to_date"):
            stored_travel[worker_id].append((code, begin, end))

    policy = engine.policy_on(today)
    areas = engine.areas_in_force(today)
    city = settings.FUGONG_PARK_CITY_PREFIX

    new_rows: list[tuple] = []
    new_travel: dict[str, list[tuple]] = {}
    departments: dict = {}  # new workers by digest, moved ones by id: the employment's department
    updates: list[tuple] = []
    travel_replaced: dict[int, list[tuple]] = {}
    moved_ids: list[int] = []
    changes: list[tuple[dict, engine.Outcome]] = []
    updates_with_phone: list[tuple] = []
    update_fields = [
        *WORKER_COLUMNS,
        "enterprise",
        "clearance",
        "observation_until",
        "clearance_reasons",
        "clearance_computed_at",
        "updated_at",
    ]

    for row in parsed:
        record = existing.get(row.document.digest)
        if record is None:
            values = dict.fromkeys(WORKER_COLUMNS, "")
            values.update(returned_on=None, contact_on=None, health_code_on=None)
            values.update(row.values)
            travel = row.travel or []
            facts = engine.Facts(
                **{
                    key: values[key]
                    for key in (
                        "residence_code",
                        "holiday_location_code",
                        "returned_on",
                        "contact_on",
                        "symptoms",
                        "health_code",
                        "health_code_on",
                    )
                },
                travel=tuple(travel),
            )
            outcome = engine.assess(
                facts, policy=policy, areas=areas, today=today, city_prefix=city
            )
            document = row.document.stored()
            phone = stored_phone(row.phone or "")
            new_rows.append(
                (
                    now,
                    now,
                    enterprise.pk,
                    *(values[key] for key in WORKER_COLUMNS),
                    document["document_type"],
                    document["document_cipher"],
                    document["document_digest"],
                    document["document_masked"],
                    document["birth_year"],
                    document["sex"],
                    phone["phone_cipher"],
                    phone["phone_digest"],
                    phone["phone_masked"],
                    outcome.clearance,
                    outcome.until,
                    list(outcome.reasons),
                    now,
                    "",
                )
            )
            new_travel[row.document.digest] = travel
            departments[row.document.digest] = values["department"]
            continue
        # Someone who had left is taken on again, starting clean: nothing of the old employment
        # is kept but a medical hold, without its details.
        rejoining = record["enterprise_id"] is None
        if rejoining:
            merged = dict.fromkeys(WORKER_COLUMNS, "")
            merged.update(returned_on=None, contact_on=None, health_code_on=None)
            hold = engine.HOLD_WITHOUT_DETAIL if record["medical_hold"] else ""
            travel = row.travel or []
        else:
            merged = {key: record[key] for key in WORKER_COLUMNS}
            hold = record["medical_hold"]
            travel = row.travel if row.travel is not None else stored_travel[record["id"]]
        merged.update(row.values)
        facts = engine.Facts(
            **{
                key: merged[key]
                for key in (
                    "residence_code",
                    "holiday_location_code",
                    "returned_on",
                    "contact_on",
                    "symptoms",
                    "health_code",
                    "health_code_on",
                )
            },
            medical_hold=hold,
            travel=tuple(travel),
        )
        outcome = engine.assess(facts, policy=policy, areas=areas, today=today, city_prefix=city)
        phone_changed = rejoining or (
            row.phone is not None
            and (phone_digest(row.phone) if row.phone else "") != record["phone_digest"]
        )
        travel_changed = rejoining or (
            row.travel is not None
            and sorted(row.travel, key=str) != sorted(stored_travel[record["id"]], key=str)
        )
        fields_changed = any(merged[key] != record[key] for key in WORKER_COLUMNS)
        clearance_row = (outcome.clearance, outcome.until, list(outcome.reasons))
        clearance_changed = clearance_row != (
            record["clearance"],
            record["observation_until"],
            record["clearance_reasons"],
        )
        if not (
            rejoining or phone_changed or travel_changed or fields_changed or clearance_changed
        ):
            report.unchanged += 1
            continue
        base = (
            record["id"],
            *(merged[key] for key in WORKER_COLUMNS),
            enterprise.pk,
            *clearance_row,
            now,
            now,
        )
        if phone_changed:
            phone = stored_phone(row.phone or "")
            updates_with_phone.append(
                (*base, phone["phone_cipher"], phone["phone_digest"], phone["phone_masked"])
            )
        else:
            updates.append(base)
        if travel_changed:
            travel_replaced[record["id"]] = travel
        if rejoining:
            moved_ids.append(record["id"])
            departments[record["id"]] = merged["department"]
            report.moved += 1
        else:
            report.updated += 1
        if clearance_row[:2] != (record["clearance"], record["observation_until"]):
            changes.append((record, outcome))

    # New workers.
    insert_fields = [
        "created_at",
        "updated_at",
        "enterprise",
        *WORKER_COLUMNS,
        "document_type",
        "document_cipher",
        "document_digest",
        "document_masked",
        "birth_year",
        "sex",
        "phone_cipher",
        "phone_digest",
        "phone_masked",
        "clearance",
        "observation_until",
        "clearance_reasons",
        "clearance_computed_at",
        "medical_hold",
    ]
    if new_rows:
        bulk_insert_rows(Worker, insert_fields, new_rows)
        new_digests = list(new_travel)
        new_ids = {
            digest: worker_id
            for digest, worker_id in Worker.objects.filter(
                document_digest__in=digests.subquery()
            ).values_list("document_digest", "id")
            if digest in new_travel
        }
        bulk_insert_rows(
            Employment,
            ["worker", "enterprise", "started_on", "ended_on", "department"],
            (
                (new_ids[digest], enterprise.pk, today, None, departments[digest])
                for digest in new_digests
            ),
        )
        bulk_insert_rows(
            TravelRecord,
            ["worker", "division_code", "from_date", "to_date"],
            (
                (new_ids[digest], code, start, end)
                for digest, stays in new_travel.items()
                for code, start, end in stays
            ),
        )
        report.created = len(new_rows)

    # Existing workers.
    if updates:
        bulk_update_rows(Worker, update_fields, updates)
    if updates_with_phone:
        bulk_update_rows(
            Worker,
            [*update_fields, "phone_cipher", "phone_digest", "phone_masked"],
            updates_with_phone,
        )
    if moved_ids:
        Employment.objects.filter(worker_id__in=moved_ids, ended_on__isnull=True).update(
            ended_on=today
        )
        WorkerPass.objects.filter(worker_id__in=moved_ids, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=actor, revoke_reason=_("moved to another enterprise")
        )
        bulk_insert_rows(
            Employment,
            ["worker", "enterprise", "started_on", "ended_on", "department"],
            (
                (worker_id, enterprise.pk, today, None, departments[worker_id])
                for worker_id in moved_ids
            ),
        )
        Worker.objects.filter(pk__in=moved_ids).exclude(medical_hold="").update(
            medical_hold=engine.HOLD_WITHOUT_DETAIL
        )
    if travel_replaced:
        TravelRecord.objects.filter(worker_id__in=list(travel_replaced)).delete()
        bulk_insert_rows(
            TravelRecord,
            ["worker", "division_code", "from_date", "to_date"],
            (
                (worker_id, code, start, end)
                for worker_id, stays in travel_replaced.items()
                for code, start, end in stays
            ),
        )
    digests.drop()
    run = ScreeningRun.objects.create(
        trigger=ScreeningRun.Trigger.IMPORT,
        enterprise=enterprise,
        description=enterprise.name[:300],
        created_at=now,
        created_by=actor,
        examined=len(parsed),
        changed=len(changes),
        duration_ms=int((time.perf_counter() - started) * 1000),
    )
    ClearanceChange.objects.bulk_create(
        (
            ClearanceChange(
                run=run,
                worker_id=record["id"],
                # None for a worker taken on again: the change starts from the old employment's
                # clearance, which is not the new enterprise's to see (as in services._join).
                enterprise_id=record["enterprise_id"],
                old_clearance=record["clearance"],
                old_until=record["observation_until"],
                new_clearance=outcome.clearance,
                new_until=outcome.until,
                reasons=list(outcome.reasons),
            )
            for record, outcome in changes
        ),
        batch_size=2000,
    )
    report.clearance_changed = len(changes)
    audit_event_record(
        actor=actor,
        action=AuditAction.WORKERS_IMPORTED,
        target=enterprise,
        enterprise=enterprise,
        summary=_(
            "%(created)s new, %(updated)s updated, %(moved)s taken on again, "
            "%(unchanged)s unchanged"
        )
        % {
            "created": report.created,
            "updated": report.updated,
            "moved": report.moved,
            "unchanged": report.unchanged,
        },
        data=report.as_dict() | {"errors": []},
    )


template_title = gettext_lazy("Roster")

TEMPLATE_EXAMPLE = (
    "张伟",
    "居民身份证",
    "43060219800101",  # completed with sequence and check character below
    "13800138000",
    "一车间",
    "白班",
    "3号楼201",
    "1号线",
    "云溪区",
    "湖北省武汉市",
    "2020-02-01",
    "武汉市 2020-01-20~2020-01-25；长沙市",
    "",
    "",
    "绿",
    "2020-02-09",
)


def worker_import_template() -> bytes:
    """The roster template: the header row and one example row (a valid but invented ID)."""
    from stdnum.cn import ric

    example = list(TEMPLATE_EXAMPLE)
    body = example[2] + "123"
    example[2] = body + ric.calc_check_digit(body + "0")
    return xlsx_bytes(str(template_title), [column.header for column in COLUMNS], [example])
