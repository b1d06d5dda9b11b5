"""What every phase of the scale generator shares: the options, the seeded random source, the
enterprises kept in memory, the clock of the generated days and the report."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from datetime import time as clock
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from .names import GIVEN, SURNAMES
from .state import Firm, ScaleOptions, ScaleReport

if TYPE_CHECKING:
    from fugong.accounts.models import User


class GeneratorBase:
    """The state and helpers the phases (one mixin per domain) share."""

    # What a phase sets for the later ones (``ScaleGenerator.run`` runs them in order).
    command: User  # ``users``: the command post's user the records name
    observed: dict[int, set[int]]  # ``workers``: day → indexes of the workers under observation
    not_cleared: set[int]  # ``workers``: indexes of the workers not cleared
    worker_id: list[int]  # ``workers``: worker index → id

    def __init__(self, options: ScaleOptions, log: Callable[[str], None] = print) -> None:
        self.options = options
        self.log = log
        self.rng = random.Random(options.seed)
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.first_day = self.today - timedelta(days=options.days - 1)
        self.days = [self.first_day + timedelta(days=n) for n in range(options.days)]
        self.report = ScaleReport(first_day=self.first_day, last_day=self.today)
        self.firms: list[Firm] = []
        self._moments: dict[tuple[int, int], datetime] = {}

    # ----- time ----------------------------------------------------------------------------

    def moment(self, day: int, seconds: int) -> datetime:
        """``seconds`` after 05:00 on day ``day`` (Asia/Shanghai), never later than now: on
        today the day's timetable is squeezed into the hours gone by."""
        key = (day, seconds)
        found = self._moments.get(key)
        if found is None:
            midnight = timezone.make_aware(datetime.combine(self.days[day], clock.min))
            found = midnight + timedelta(seconds=18_000 + seconds)
            if found >= self.now - timedelta(minutes=1):
                elapsed = max((self.now - midnight).total_seconds() - 120, 0)
                found = midnight + timedelta(seconds=int(elapsed * (18_000 + seconds) / 86_400))
            found = found.replace(microsecond=0)
            self._moments[key] = found
        return found

    def before(self, day: int, hours_back: float) -> datetime:
        """A time ``hours_back`` hours before the first day's midnight plus ``day`` days."""
        midnight = timezone.make_aware(datetime.combine(self.first_day, clock.min))
        return (midnight + timedelta(days=day, hours=-hours_back)).replace(microsecond=0)

    def _phase(self, name: str, step: Callable[[], object], atomic: bool = True) -> None:
        self.log(f"{name}…")
        started = time.perf_counter()
        if atomic:
            with transaction.atomic():
                step()
        else:
            step()
        elapsed = time.perf_counter() - started
        self.report.seconds[name] = round(elapsed, 1)
        self.log(f"  ({elapsed:.1f} s)")

    def _count(self, name: str, number: int) -> None:
        self.report.counts[name] = self.report.counts.get(name, 0) + number
        self.log(f"  {name}: {number:,}")

    def name(self) -> str:
        rng = self.rng
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        return rng.choice(SURNAMES) + given
