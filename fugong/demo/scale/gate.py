"""The scale data set's gates, two weeks of gate checks, abnormal events and the attendance
kept from them."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

from .base import GeneratorBase
from .loading import insert, new_ids, without_indexes
from .names import GATE_NAMES

CHECK_FIELDS = [
    "client_id",
    "payload_digest",
    "gate",
    "enterprise",
    "worker",
    "worker_enterprise",
    "mask",
    "disinfected",
    "temperature",
    "spo2",
    "verdict",
    "reasons",
    "offline",
    "occurred_at",
    "check_date",
    "received_at",
    "recheck_method",
]


class GatePhases(GeneratorBase):
    """Phases of ``ScaleGenerator`` for the gates and what passes them."""

    # ----- gates and checks ------------------------------------------------------------------

    def gates(self) -> None:
        from fugong.gate.models import Gate

        rng = self.rng
        gated = [
            firm
            for firm in self.firms
            if (firm.approved_day is not None and not firm.declares) or firm.unapproved_days
        ]
        rows = []
        for firm in gated:
            day = firm.approved_day if firm.approved_day is not None else firm.unapproved_days[0]
            at = self.before(day, rng.uniform(6, 30))
            rows.append((rng.choice(GATE_NAMES), firm.id, "厂区大门", True, at, at))
        written = insert(
            Gate, ["name", "enterprise", "location", "is_active", "created_at", "updated_at"], rows
        )
        for firm, pk in zip(gated, new_ids(Gate, written), strict=True):
            firm.gate = pk
        self._count("gates", written)

    def client_keys(self) -> None:
        """The checks were loaded with the triggers off (the replica role): their client ids are
        claimed in the partitioned table's key table (``gate.partitions``) in one statement."""
        from fugong.gate.partitions import client_keys_claim

        client_keys_claim()

    def gate_checks(self) -> None:
        from fugong.gate.models import GateCheck

        self.check_counter = 0
        self.client_base = self.rng.getrandbits(64) << 64
        self.digest_base = self.rng.getrandbits(256)
        with without_indexes(GateCheck):
            written = insert(GateCheck, CHECK_FIELDS, self._checks())
        self._count("gate checks", written)

    def _check(
        self,
        day: int,
        seconds: int,
        gate: int,
        firm: int,
        worker: int | None,
        verdict: str,
        reasons: list,
        temperature: Decimal,
    ) -> tuple:
        self.check_counter += 1
        counter = self.check_counter
        at = self.moment(day, seconds)
        return (
            uuid.UUID(int=self.client_base + counter),
            format(self.digest_base ^ counter, "064x"),
            gate,
            firm,
            worker,
            firm,
            True,
            True,
            temperature,
            97 + counter % 3,
            verdict,
            reasons,
            False,
            at,
            self.days[day],
            at,
            "",
        )

    def _checks(self) -> Iterator[tuple]:
        rng = self.rng
        random_ = rng.random
        randint = rng.randint
        temperatures = [Decimal(f"36.{n}") for n in range(2, 9)]
        worker_id = self.worker_id
        check = self._check
        started = time.perf_counter()
        for day in range(self.options.days):
            observed = self.observed.get(day, set())
            not_cleared = self.not_cleared
            count_before = self.check_counter
            for firm in self.firms:
                if firm.gate is None:
                    continue
                if firm.resumed(day):
                    share = 0.93
                elif day in firm.unapproved_days:
                    share = 0.5
                else:
                    continue
                first = firm.first_index
                for index in range(first, first + firm.workers):
                    pk = worker_id[index]
                    if index in observed or index in not_cleared:
                        if random_() < 0.25:
                            reason = "under_observation" if index in observed else "not_cleared"
                            yield check(
                                day,
                                randint(7_200, 16_200),
                                firm.gate,
                                firm.id,
                                pk,
                                "denied",
                                [reason],
                                temperatures[2],
                            )
                        continue
                    if random_() >= share:
                        continue
                    temperature = temperatures[randint(0, 6)]
                    if random_() < 0.003:  # forgot the mask, came back with one
                        yield check(
                            day,
                            randint(7_200, 16_000),
                            firm.gate,
                            firm.id,
                            pk,
                            "denied",
                            ["no_mask"],
                            temperature,
                        )
                    yield check(
                        day,
                        randint(7_200, 16_200),
                        firm.gate,
                        firm.id,
                        pk,
                        "admitted",
                        [],
                        temperature,
                    )
                    if random_() < 0.9:  # back from lunch
                        yield check(
                            day,
                            randint(27_000, 30_600),
                            firm.gate,
                            firm.id,
                            pk,
                            "admitted",
                            [],
                            temperature,
                        )
                    if random_() < 0.45:  # the evening shift, or back from an errand
                        yield check(
                            day,
                            randint(43_200, 50_400),
                            firm.gate,
                            firm.id,
                            pk,
                            "admitted",
                            [],
                            temperature,
                        )
            self.log(
                f"  {self.days[day]}: {self.check_counter - count_before:,} checks "
                f"({time.perf_counter() - started:.0f} s)"
            )

    # ----- abnormal events -------------------------------------------------------------------

    def abnormal_events(self) -> None:
        from fugong.gate.models import AbnormalEvent, EventStep, GateCheck

        rng = self.rng
        days = self.options.days
        count = max(3, self.options.workers // 1_500)
        candidates = [
            (day, firm)
            for day in range(days)
            for firm in self.firms
            if firm.gate is not None and firm.resumed(day) and firm.workers
        ]
        if not candidates:
            return
        chosen = sorted(
            rng.choices(candidates, weights=[firm.workers for _d, firm in candidates], k=count),
            key=lambda pair: pair[0],
        )
        checks = []
        for day, firm in chosen:
            assert firm.gate is not None  # the candidates have a gate
            self.check_counter += 1
            at = self.moment(day, rng.randint(27_000, 30_600))
            fever = rng.random() < 0.8
            checks.append(
                GateCheck(
                    client_id=uuid.UUID(int=self.client_base + self.check_counter),
                    payload_digest=format(self.digest_base ^ self.check_counter, "064x"),
                    gate_id=firm.gate,
                    enterprise_id=firm.id,
                    worker_id=self.worker_id[firm.first_index + rng.randrange(firm.workers)],
                    worker_enterprise_id=firm.id,
                    mask=True,
                    disinfected=True,
                    temperature=Decimal(f"{rng.choice([37.6, 37.8, 38.1, 38.4])}")
                    if fever
                    else Decimal("36.8"),
                    temperature_recheck=Decimal("37.7") if fever else None,
                    recheck_method="ear" if fever else "",
                    spo2=97 if fever else 92,
                    verdict="denied",
                    reasons=["fever"] if fever else ["low_spo2"],
                    occurred_at=at,
                    check_date=self.days[day],
                    received_at=at,
                )
            )
        checks = GateCheck.objects.bulk_create(checks)
        plans = rng.choices(
            ["cleared", "home_observation", "clinic_cleared", "open"],
            weights=[65, 20, 10, 5],
            k=len(checks),
        )
        cases = rng.sample(range(len(checks)), min(len(checks), max(2, count // 30)))
        for number, index in enumerate(cases):  # a handful: a third of them confirmed later
            plans[index] = "confirmed" if number % 3 == 0 else "suspected"
        events = []
        for check, plan in zip(checks, plans, strict=True):
            at = check.occurred_at
            outcome = {
                "cleared": "cleared",
                "clinic_cleared": "cleared",
                "home_observation": "home_observation",
                "suspected": "suspected",
                "confirmed": "confirmed",
                "open": "",
            }[plan]
            events.append(
                AbnormalEvent(
                    gate_check=check,
                    gate_id=check.gate_id,
                    enterprise_id=check.enterprise_id,
                    worker_id=check.worker_id,
                    kind="fever" if check.reasons == ["fever"] else "low_spo2",
                    temperature=check.temperature,
                    spo2=check.spo2,
                    status="closed" if outcome else "rechecked",
                    outcome=outcome,
                    occurred_at=at,
                    closed_at=None,
                    created_at=at,
                )
            )
        events = AbnormalEvent.objects.bulk_create(events)
        steps = []
        actor = self.command.pk
        for event, plan in zip(events, plans, strict=True):
            at = event.occurred_at
            later = lambda hours, at=at: min(self.now, at + timedelta(hours=hours))  # noqa: E731
            steps.append(
                EventStep(
                    event=event,
                    action="recheck",
                    temperature=Decimal("37.5"),
                    actor_id=actor,
                    at=later(0.2),
                )
            )
            if plan == "cleared":
                steps.append(
                    EventStep(
                        event=event,
                        action="release",
                        outcome="cleared",
                        actor_id=actor,
                        at=later(1),
                    )
                )
            elif plan == "home_observation":
                steps.append(
                    EventStep(
                        event=event,
                        action="outcome",
                        outcome="home_observation",
                        actor_id=actor,
                        at=later(2),
                    )
                )
            elif plan in ("clinic_cleared", "suspected", "confirmed"):
                steps.append(
                    EventStep(event=event, action="fever_clinic", actor_id=actor, at=later(1))
                )
                first = "cleared" if plan == "clinic_cleared" else "suspected"
                steps.append(
                    EventStep(
                        event=event, action="outcome", outcome=first, actor_id=actor, at=later(8)
                    )
                )
                if plan == "confirmed":
                    steps.append(
                        EventStep(
                            event=event,
                            action="outcome",
                            outcome="confirmed",
                            actor_id=actor,
                            at=later(30),
                        )
                    )
            closing = [step.at for step in steps if step.event is event and step.outcome]
            if closing:
                event.closed_at = max(closing)
        EventStep.objects.bulk_create(steps)
        AbnormalEvent.objects.bulk_update(events, ["closed_at"], batch_size=500)
        self._count("abnormal events", len(events))
        self._count("  suspected / confirmed", plans.count("suspected") + plans.count("confirmed"))
        self._count("event steps", len(steps))

    # ----- attendance and statistics -------------------------------------------------------

    def attendance(self) -> None:
        from fugong.gate.attendance import attendance_rebuild

        self._count("attendance rows", attendance_rebuild(self.first_day, self.today))
