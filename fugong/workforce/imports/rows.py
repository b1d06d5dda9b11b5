"""The rules for one row of a roster: the names of document types and health-code colours,
dates and places as a file writes them, the parser that checks a row into worker values (or
errors), the errors and the import's report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong.core.divisions import division_code_from_text, division_get
from fugong.core.identity import possibly_truncated
from fugong.core.tabular import cell_text
from fugong.core.text import normalize_name
from fugong.enterprises.models import Enterprise
from fugong.screening.engine import Stay

from ..models import DocumentType, HealthCode
from ..personal import Document, parse_document, parse_phone
from ..services import on_another_roster_message
from .columns import HEADER_BY_KEY

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
_SUSPICIOUS_IN_FILE = gettext_lazy(
    "This ID number ends in 000: a spreadsheet may have replaced its last digits with zeros. "
    "Check it against the ID card; if it is right, tick “Numbers ending in 000 have been "
    "checked” and upload the file again."
)


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
    # Rows whose resident ID ends in 000, taken because the importer confirmed for the file that
    # such numbers were checked against the ID cards (refused otherwise).
    checked_numbers: list[int] = field(default_factory=list)

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
            "moved": self.moved,
            "unchanged": self.unchanged,
            "clearance_changed": self.clearance_changed,
            "errors": [error.__dict__ for error in self.errors],
            "checked_numbers": self.checked_numbers,
        }


@dataclass
class ParsedRow:
    number: int
    document: Document
    phone: str | None  # None: the file has no phone column
    values: dict[str, Any]  # worker field → value, only for columns in the file
    travel: list[Stay] | None  # None: the file has no travel column


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

    def __init__(
        self,
        present: set[str],
        today: date,
        report: WorkerImportReport,
        *,
        numbers_checked: bool = False,
    ) -> None:
        self.present = present
        self.numbers_checked = numbers_checked
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
        if isinstance(cached, str):
            raise ValueError(cached)
        return cached

    def parse(self, number: int, cells: dict[str, Any]) -> ParsedRow | None:
        errors = self.report.errors
        errors_before = len(errors)

        def fail(key: str, message: str) -> None:
            errors.append(RowError(number, HEADER_BY_KEY[key], str(message)))

        present = self.present
        values: dict[str, Any] = {}
        name = normalize_name(cell_text(cells["full_name"]))
        if not name:
            fail("full_name", _("Enter the worker's name."))
        elif len(name) > 100:
            fail("full_name", _("At most 100 characters."))
        values["full_name"] = name

        document_type: str | None = DocumentType.RESIDENT_ID
        if "document_type" in present:
            type_text = cell_text(cells["document_type"]).lower()
            document_type = DOCUMENT_TYPES.get(type_text)
            if document_type is None:
                fail(
                    "document_type",
                    _("Unknown document type “%(value)s”: use 居民身份证, 护照 or 其他.")
                    % {"value": type_text},
                )
        document: Document | None = None
        raw = cells["document_number"]
        if raw == "":
            fail("document_number", _("Enter the document number."))
        elif document_type is not None:
            try:
                document = parse_document(document_type, raw, today=self.today)
            except ValidationError as error:
                fail("document_number", error.messages[0])
            else:
                if document.number[-3:] == "000" and possibly_truncated(document.number):
                    if self.numbers_checked:
                        self.report.checked_numbers.append(number)
                    else:
                        fail("document_number", str(_SUSPICIOUS_IN_FILE))

        phone: str | None = None
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
        travel: list[Stay] | None = None
        if "travel" in present:
            text = cell_text(cells["travel"])
            try:
                travel = _parse_travel(text, self) if text else []
            except ValueError as error:
                fail("travel", str(error))
        if len(errors) > errors_before:
            return None
        assert document is not None  # a row without a readable number has an error above
        return ParsedRow(number, document, phone, values, travel)


TEXT_LIMITS = (
    ("department", 100),
    ("shift", 50),
    ("dormitory_room", 50),
    ("shuttle_route", 50),
    ("symptoms", 200),
)
DATE_KEYS = ("returned_on", "contact_on", "health_code_on")


def _parse_travel(text: str, parser: _RowParser) -> list[Stay]:
    stays: list[Stay] = []
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


def _on_other_rosters(
    parsed: Iterable[ParsedRow], enterprises: Mapping[str, int | None], enterprise: Enterprise
) -> list[RowError]:
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
