"""Workers made through the real services, with valid invented ID numbers."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from stdnum.cn import ric

from fugong.workforce import services

_sequence = itertools.count(1)


def with_check(body: str) -> str:
    """A 17-digit body completed with its check character."""
    return body + ric.calc_check_digit(body + "0")


def resident_id(
    county: str = "430603", birth: date = date(1985, 6, 15), sequence: int | None = None
) -> str:
    """A valid invented resident ID, never one ending in 000, which registering asks to confirm
    (see ``suspicious_id``): such a number is made the day before instead."""
    if sequence is None:
        sequence = next(_sequence) % 1000
    number = _number(county, birth, sequence)
    if number.endswith("000"):
        number = _number(county, birth - timedelta(days=1), sequence)
    return number


def _number(county: str, birth: date, sequence: int) -> str:
    body = f"{county}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def suspicious_id(county: str = "430603", year: int = 1985) -> str:
    """A valid resident ID (check character, birth date, county) that ends in 000, like one a
    spreadsheet cut to 15 digits (about one body in eleven ending in 00 gets the check 0)."""
    for day in range(1, 29):
        for hundred in range(0, 1000, 100):
            number = _number(county, date(year, 3, day), hundred)
            if number.endswith("000"):
                return number
    raise AssertionError("no such number for this county and year")


def phone_number() -> str:
    return f"139{next(_sequence):08d}"


def make_worker(*, actor, enterprise, **fields):
    values = {
        "full_name": "测试工人",
        "document_number": resident_id(),
        "phone": phone_number(),
        "residence_code": "430603",
        "holiday_location_code": "430603",
    }
    values.update(fields)
    return services.worker_register(actor=actor, enterprise=enterprise, **values)
