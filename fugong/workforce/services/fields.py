"""A worker's own data as a form or the API gives it: the fields a caller may set, those that
the screening reads, their checks (the roster import applies the same rules with its own parser),
and the refusal of a person on another enterprise's roster.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from fugong.core.divisions import division_exists, division_get
from fugong.core.text import normalize_name
from fugong.screening.engine import Stay

from ..models import HealthCode

# Fields a form, the API or an import may set directly.
WORKER_FIELDS = (
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
# Changing any of these can change the clearance.
SCREENED_FIELDS = (
    "residence_code",
    "holiday_location_code",
    "returned_on",
    "contact_on",
    "symptoms",
    "health_code",
    "health_code_on",
)
MAX_TRAVEL_RECORDS = 30


def on_another_roster_message() -> str:
    """The refusal of a registration or import row whose person is on another enterprise's
    roster. It says whom to ask and nothing stored (not the enterprise, not the name)."""
    return _(
        "This person is on another enterprise's roster. Their employer must first record that "
        "they have left, or the command post must move them to this enterprise."
    )


def check_worker_fields(fields: dict[str, Any], *, today: date) -> dict[str, list[str]]:
    """Field errors of the worker's own data, for the form and the API (the roster import has
    its own, faster parser applying the same rules)."""
    errors: dict[str, list[str]] = {}

    def fail(key: str, message: str) -> None:
        errors.setdefault(key, []).append(str(message))

    # Text fields sent empty or as null are stored as empty text.
    for key in (
        "department",
        "shift",
        "dormitory_room",
        "shuttle_route",
        "symptoms",
        "health_code",
    ):
        if key in fields:
            fields[key] = (fields[key] or "").strip()

    if "full_name" in fields:
        name = normalize_name(fields["full_name"])
        fields["full_name"] = name
        if not name:
            fail("full_name", _("Enter the worker's name."))
        elif len(name) > 100:
            fail("full_name", _("At most 100 characters."))
    if "residence_code" in fields:
        code = (fields["residence_code"] or "").strip()
        fields["residence_code"] = code
        division = division_get(code)
        if not code:
            fail(
                "residence_code", _("Enter the district of residence (county-level division code).")
            )
        elif division is None or not division.is_county_level:
            fail(
                "residence_code",
                _("“%(code)s” is not a county-level division code.") % {"code": code},
            )
    if "holiday_location_code" in fields and fields["holiday_location_code"] is None:
        fields["holiday_location_code"] = ""
    if fields.get("holiday_location_code"):
        code = fields["holiday_location_code"].strip()
        fields["holiday_location_code"] = code
        if not division_exists(code):
            fail("holiday_location_code", _("“%(code)s” is not a division code.") % {"code": code})
    for key in ("returned_on", "contact_on", "health_code_on"):
        value = fields.get(key)
        if value is not None and value > today:
            fail(key, _("This date is in the future."))
        elif value is not None and value.year < 2000:
            fail(key, _("“%(value)s” is too long ago.") % {"value": value.isoformat()})
    if "health_code" in fields and fields["health_code"] not in HealthCode.values:
        fail("health_code", _("Unknown health-code colour."))
    if fields.get("health_code") and not fields.get("health_code_on"):
        fail("health_code_on", _("Give the date of the health code."))
    return errors


def check_travel(travel: Sequence[Stay], *, today: date) -> list[str]:
    problems: list[str] = []
    if len(travel) > MAX_TRAVEL_RECORDS:
        problems.append(_("At most %(count)s places.") % {"count": MAX_TRAVEL_RECORDS})
    for code, start, end in travel:
        if not division_exists(code):
            problems.append(_("“%(code)s” is not a division code.") % {"code": code})
        if start and end and start > end:
            problems.append(_("A stay ends before it starts (%(code)s).") % {"code": code})
        if (start and start > today) or (end and end > today):
            problems.append(_("A stay lies in the future (%(code)s).") % {"code": code})
    return problems
