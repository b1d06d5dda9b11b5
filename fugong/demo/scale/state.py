"""What the scale generator is asked for, what it keeps of each enterprise while writing, and
what it reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class ScaleOptions:
    enterprises: int = 10_000
    workers: int = 500_000
    days: int = 14
    seed: int = 2020


@dataclass
class Firm:
    """What the generator keeps of an enterprise while it writes the rest."""

    index: int
    kind: str
    above_scale: bool
    in_scope: bool
    workers: int
    headcount: int
    liaison: int | None
    registered: datetime
    id: int = 0
    first_index: int = 0  # the index of its first worker (its workers follow)
    status: str = "draft"
    approved_day: int | None = None  # index of the first day its approval counts
    decided_at: datetime | None = None
    resumption_day: int | None = None
    suspension: tuple[int, int | None] | None = None  # day indexes: from, reinstated from
    declares: bool = False  # resumed without a gate: declares its headcount
    unapproved_days: list[int] = field(default_factory=list)  # admits without approval
    gate: int | None = None

    def resumed(self, day: int) -> bool:
        if self.approved_day is None or self.approved_day > day:
            return False
        if self.suspension is None:
            return True
        starts, ends = self.suspension
        return not (starts <= day and (ends is None or ends > day))


@dataclass
class ScaleReport:
    first_day: date
    last_day: date
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
