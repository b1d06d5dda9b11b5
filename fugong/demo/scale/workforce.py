"""The scale data set's workers and their clearance history."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta

from fugong.core.privacy import mask_identity_number

from .base import GeneratorBase
from .loading import insert, new_ids, without_indexes
from .names import DEPARTMENTS


class WorkforcePhases(GeneratorBase):
    """The phase of ``ScaleGenerator`` that writes the workers."""

    # ----- workers -------------------------------------------------------------------------

    def workers(self) -> None:
        from fugong.screening.models import ClearanceChange, ScreeningRun
        from fugong.workforce.models import Worker

        rng = self.rng
        days = self.options.days
        total = sum(firm.workers for firm in self.firms)
        # The clearance history: who is under observation now, who was and has been released,
        # who is not cleared (no change recorded: they never were).
        sample = rng.sample(range(total), min(total, int(total * 0.065)))
        now_count, released_count = int(total * 0.03), int(total * 0.02)
        observed_now = sample[:now_count]
        released = sample[now_count : now_count + released_count]
        not_cleared = set(sample[now_count + released_count :])
        state: dict[int, tuple[str, int | None]] = {}  # worker index → clearance, until (day)
        changes: list[tuple[int, int, str, int | None, str, int | None]] = []
        self.observed = defaultdict(set)  # day → worker indexes
        for index in observed_now:
            length = rng.choice([7, 14])
            starts = rng.randint(max(0, days - length), days - 1)
            until = starts + length - 1
            state[index] = ("observation", until)
            changes.append((starts, index, "cleared", None, "observation", until))
            for day in range(starts, days):
                self.observed[day].add(index)
        short = 7 if days >= 9 else 1
        for index in released:
            starts = rng.randint(0, max(0, days - 1 - short))
            until = starts + short - 1
            ends = until + 1
            changes.append((starts, index, "cleared", None, "observation", until))
            if ends < days:
                changes.append((ends, index, "observation", until, "cleared", None))
                state[index] = ("cleared", None)
            else:
                state[index] = ("observation", until)
            for day in range(starts, min(ends, days)):
                self.observed[day].add(index)
        for index in not_cleared:
            state[index] = ("not_cleared", None)
        self.not_cleared = not_cleared
        names = [
            "created_at",
            "updated_at",
            "full_name",
            "document_type",
            "document_cipher",
            "document_digest",
            "document_masked",
            "birth_year",
            "sex",
            "enterprise",
            "department",
            "residence_code",
            "health_code",
            "health_code_on",
            "clearance",
            "observation_until",
            "clearance_reasons",
            "clearance_computed_at",
        ]
        tag = f"scale-{self.options.seed}-"

        def rows() -> Iterator[tuple]:
            index = 0
            for firm in self.firms:
                firm.first_index = index
                span = max(3_601, int((self.before(0, 2) - firm.registered).total_seconds()))
                for _n in range(firm.workers):
                    clearance, until = state.get(index, ("cleared", None))
                    created = firm.registered + timedelta(minutes=10 * rng.randint(6, span // 600))
                    number = f"43060{rng.randint(0, 9)}{index:012d}"
                    yield (
                        created,
                        created,
                        self.name(),
                        "resident_id",
                        f"v1:{tag}{index}",
                        hashlib.sha256(f"{tag}{index}".encode()).hexdigest(),
                        mask_identity_number(number),
                        1965 + rng.randrange(36),
                        rng.choice("MF"),
                        firm.id,
                        rng.choice(DEPARTMENTS),
                        "430602",
                        "green" if clearance != "not_cleared" else "",
                        self.first_day - timedelta(days=1),
                        clearance,
                        None if until is None else self.first_day + timedelta(days=until),
                        [],
                        created,
                    )
                    index += 1

        with without_indexes(Worker):
            written = insert(Worker, names, rows())
        ids = new_ids(Worker, written)
        self.worker_id = ids  # worker index → id
        self._count("workers", written)
        self._count(
            "  under observation now", sum(1 for c, _u in state.values() if c == "observation")
        )
        # One daily re-screening per day, recording the changes it made.
        by_day = defaultdict(list)
        for change in changes:
            by_day[change[0]].append(change)
        runs = ScreeningRun.objects.bulk_create(
            ScreeningRun(
                trigger="daily",
                description="每日复筛",
                created_at=self.moment(day, 3_600),
                created_by=None,
                examined=written,
                changed=len(by_day[day]),
                duration_ms=rng.randint(20_000, 60_000),
            )
            for day in range(days)
        )
        enterprise_of = [firm.id for firm in self.firms for _n in range(firm.workers)]
        written = insert(
            ClearanceChange,
            [
                "run",
                "worker",
                "enterprise",
                "old_clearance",
                "old_until",
                "new_clearance",
                "new_until",
                "reasons",
            ],
            (
                (
                    runs[day].pk,
                    ids[index],
                    enterprise_of[index],
                    old,
                    None if old_until is None else self.first_day + timedelta(days=old_until),
                    new,
                    None if new_until is None else self.first_day + timedelta(days=new_until),
                    ["contact"] if new == "observation" else [],
                )
                for day in range(days)
                for day_, index, old, old_until, new, new_until in by_day[day]
            ),
        )
        self._count("screening runs", len(runs))
        self._count("clearance changes", written)
