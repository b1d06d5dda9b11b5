"""Workers made through the real services, with valid invented ID numbers."""

from __future__ import annotations

import itertools
from datetime import date

from stdnum.cn import ric

from fugong.workforce import services

_sequence = itertools.count(1)


def with_check(body: str) -> str:
    """A 17-digit body completed with its check character."""
    return body + ric.calc_check_digit(body + "0")


def resident_id(
    county: str = "430603", birth: date = date(1985, 6, 15), sequence: int | None = None
) -> str:
    sequence = next(_sequence) % 1000 if sequence is None else sequence
    body = f"{county}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


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
