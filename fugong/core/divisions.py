"""Administrative division codes (GB/T 2260), read from the table python-stdnum ships.

A code stays meaningful after the county is renamed, merged or recoded: resident ID numbers keep
the code in force when they were assigned. So a code is accepted if it appears in the table at
*any* date, and its name is the latest one it carried.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from stdnum import numdb

_PERIOD = re.compile(r"^\[(?P<start>\d{4})?-(?P<end>\d{4})?\](?P<name>.*)$")


@dataclass(frozen=True)
class DivisionName:
    name: str
    start_year: int | None
    end_year: int | None


@dataclass(frozen=True)
class Division:
    code: str
    province: str
    prefecture: str
    names: tuple[DivisionName, ...]

    @property
    def name(self) -> str:
        """The latest name the code carried."""
        return self.names[-1].name

    @property
    def is_current(self) -> bool:
        return self.names[-1].end_year is None

    @property
    def is_county_level(self) -> bool:
        return not self.code.endswith("00")

    @property
    def full_name(self) -> str:
        parts = [self.province]
        if self.prefecture and self.prefecture not in (self.province, self.name, "市辖区", "县"):
            parts.append(self.prefecture)
        if self.name not in parts:
            parts.append(self.name)
        return " ".join(parts)


def _parse_names(raw: str) -> tuple[DivisionName, ...]:
    result = []
    for part in raw.split(","):
        match = _PERIOD.match(part)
        if match:
            start = match.group("start")
            end = match.group("end")
            result.append(
                DivisionName(
                    match.group("name"), int(start) if start else None, int(end) if end else None
                )
            )
        else:
            result.append(DivisionName(part, None, None))
    return tuple(result)


@cache
def all_divisions() -> dict[str, Division]:
    """Every six-digit code in the table, keyed by code."""
    database = numdb.get("cn/loc")
    result: dict[str, Division] = {}
    # numdb has no public iterator; its prefixes are the parsed tree of the data file.
    for _length, province_code, _high, province_props, counties in database.prefixes:
        province = province_props.get("province", "")
        for _county_length, county_code_start, county_code_end, county_props, _ in counties:
            # Entries cover one code each in this file (start == end).
            for number in range(int(county_code_start), int(county_code_end) + 1):
                suffix = f"{number:04d}"
                code = f"{province_code}{suffix}"
                prefecture_code = f"{province_code}{suffix[:2]}00"
                names = _parse_names(county_props.get("county", ""))
                prefecture = ""
                if prefecture_code in result:
                    prefecture = result[prefecture_code].name
                result[code] = Division(code, province, prefecture, names)
    return result


def division_get(code: str) -> Division | None:
    """The division with this code, current or historical, or None."""
    if not code or len(code) != 6 or not code.isdigit():
        return None
    return all_divisions().get(code)


def division_exists(code: str) -> bool:
    return division_get(code) is not None


def division_name(code: str) -> str:
    """The full name for display, or the bare code if the table does not know it."""
    division = division_get(code)
    return division.full_name if division else code


def county_choices(prefix: str = "") -> list[tuple[str, str]]:
    """Current county-level divisions (optionally within a province or prefecture prefix)."""
    return [
        (code, division.full_name)
        for code, division in sorted(all_divisions().items())
        if division.is_county_level
        and division.is_current
        and code.startswith(prefix)
        and not division.name.startswith("市辖区")
    ]


@cache
def _name_index() -> dict[str, list[str]]:
    """Every way a division is commonly written (its name, its full name with or without the
    province) → the codes that carry it, current divisions first."""
    index: dict[str, list[str]] = {}
    for code, division in sorted(
        all_divisions().items(), key=lambda item: (not item[1].is_current, item[0])
    ):
        for name in {
            division.name,
            division.full_name.replace(" ", ""),
            "".join(division.full_name.split()[1:]),
        }:
            if name and not name.startswith("市辖区"):
                index.setdefault(name, []).append(code)
    return index


def division_code_from_text(text: str, *, prefer_prefix: str = "") -> str | None:
    """A division code from what people write: the code itself, or a name such as 云溪区,
    岳阳市云溪区 or 湖北省武汉市. Ambiguous names (朝阳区…) resolve only within
    ``prefer_prefix``."""
    text = "".join(str(text).split())
    if text.isdigit():
        return text if len(text) == 6 and text in all_divisions() else None
    codes = _name_index().get(text, [])
    if len(codes) == 1:
        return codes[0]
    preferred = [code for code in codes if prefer_prefix and code.startswith(prefer_prefix)]
    if len(preferred) == 1:
        return preferred[0]
    current = [code for code in codes if all_divisions()[code].is_current]
    if len(current) == 1:
        return current[0]
    return None
