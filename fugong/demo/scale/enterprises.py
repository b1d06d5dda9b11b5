"""The scale data set's users, enterprises, resumption applications (with their audit trail),
suspensions and headcount declarations."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

from django.db import models

from .base import GeneratorBase
from .loading import insert, new_ids
from .names import PLACES, SUFFIX, TRADES
from .state import Firm


class EnterprisePhases(GeneratorBase):
    """Phases of ``ScaleGenerator`` for the park's enterprises and their resumption."""

    # ----- users ---------------------------------------------------------------------------

    def users(self) -> None:
        from fugong.accounts.models import User
        from fugong.core.roles import Role

        tag = f"scale{self.options.seed}"
        self.command = User.objects.create(
            username=f"{tag}-command",
            full_name="指挥部值班员",
            role=Role.COMMAND,
            password="!unusable",  # noqa: S106 - an unusable password hash
        )
        count = max(2, min(300, self.options.enterprises // 30))
        liaisons = User.objects.bulk_create(
            User(
                username=f"{tag}-liaison-{n:04d}",
                full_name=self.name(),
                role=Role.LIAISON,
                is_leader=n % 10 == 0,
                password="!unusable",  # noqa: S106
            )
            for n in range(count)
        )
        self.liaisons = [user.pk for user in liaisons]
        self.leaders = [user.pk for user in liaisons if user.is_leader]
        self._count("users", count + 1)

    # ----- enterprises ---------------------------------------------------------------------

    def enterprises(self) -> None:
        from stdnum.cn import uscc

        from fugong.enterprises.models import Enterprise

        rng = self.rng
        count = self.options.enterprises
        kinds = rng.choices(
            ["industrial", "construction_site", "port_logistics", "commercial_service", "other"],
            weights=[34, 10, 8, 38, 10],
            k=count,
        )
        weights = []
        for kind in kinds:
            above = kind == "industrial" and rng.random() < 0.3
            mu = {"industrial": 3.6, "construction_site": 4.0, "port_logistics": 3.2}.get(kind, 2.6)
            weights.append((above, rng.lognormvariate(mu + (1.2 if above else 0), 0.9)))
        total = sum(weight for _above, weight in weights)
        spare = self.options.workers - count if self.options.workers >= count else 0
        sizes = [
            (1 if self.options.workers >= count else 0) + int(spare * w / total)
            for _a, w in weights
        ]
        for index in rng.sample(range(count), min(count, self.options.workers - sum(sizes))):
            sizes[index] += 1
        for index, kind in enumerate(kinds):
            above, _weight = weights[index]
            size = sizes[index]
            self.firms.append(
                Firm(
                    index=index,
                    kind=kind,
                    above_scale=above,
                    in_scope=rng.random() < 0.97,
                    workers=size,
                    headcount=max(1, round(size * rng.uniform(0.95, 1.08))),
                    liaison=rng.choice(self.liaisons) if rng.random() < 0.96 else None,
                    registered=self.before(0, rng.uniform(72, 240)),
                )
            )
        key = set(rng.sample(range(count), max(1, count // 40)))
        names = [
            "name",
            "credit_code",
            "kind",
            "is_above_scale",
            "is_key",
            "in_scope",
            "usual_headcount",
            "address",
            "contact_person",
            "has_observation_room",
            "has_isolation_room",
            "has_waste_mask_bins",
            "has_medical_room",
            "liaison",
            "created_at",
            "updated_at",
        ]

        def rows() -> Iterator[tuple]:
            for firm in self.firms:
                place = rng.choice(PLACES)
                trade = rng.choice(TRADES[firm.kind])
                body = f"91430600MA{firm.index:07d}"[:17]
                if firm.index in key and self.leaders:
                    firm.liaison = rng.choice(self.leaders)
                yield (
                    f"岳阳{place}{trade}{SUFFIX[firm.kind]}{firm.index + 1:05d}",
                    body + uscc.calc_check_digit(body),
                    firm.kind,
                    firm.above_scale,
                    firm.index in key,
                    firm.in_scope,
                    firm.headcount,
                    f"岳阳市{place}区{rng.randint(1, 399)}号",
                    self.name(),
                    True,
                    True,
                    True,
                    rng.random() < 0.8,
                    firm.liaison,
                    firm.registered,
                    firm.registered,
                )

        written = insert(Enterprise, names, rows())
        ids = new_ids(Enterprise, written)
        for firm, pk in zip(self.firms, ids, strict=True):
            firm.id = pk
        self._count("enterprises", written)

    # ----- applications --------------------------------------------------------------------

    def applications(self) -> None:
        from fugong.audit.models import AuditEvent
        from fugong.guide.models import GuideVersion
        from fugong.resumption.models import ResumptionApplication

        rng = self.rng
        days = self.options.days
        guide = GuideVersion.objects.filter(status="published").order_by("-number").first()
        if guide is None:
            guide = GuideVersion.objects.create(
                number=(GuideVersion.objects.aggregate(n=models.Max("number"))["n"] or 0) + 1,
                title="复工复产防控指引（基准）",
                status="published",
                effective_date=self.first_day - timedelta(days=30),
                published_at=self.before(0, 24 * 30),
            )
        by_size = sorted(self.firms, key=lambda firm: -firm.workers)
        big = {firm.index for firm in by_size[: len(by_size) // 5]}
        day_weights = [days - n for n in range(days)]  # the big wave first, then fewer each day
        for firm in self.firms:
            chance = 0.8 if firm.index in big or firm.kind == "construction_site" else 0.42
            if rng.random() < chance:
                firm.status = "approved"
                decided_day = rng.choices(range(days), weights=day_weights)[0]
                firm.decided_at = self.moment(decided_day, rng.randint(14_400, 46_800))
                firm.resumption_day = min(days - 1, decided_day + rng.choice([0, 0, 0, 1, 2]))
                firm.approved_day = max(decided_day, firm.resumption_day)
            else:
                firm.status = rng.choices(
                    ["submitted", "verified", "returned", "draft"], weights=[30, 20, 20, 30]
                )[0]
        names = [
            "enterprise",
            "guide_version",
            "status",
            "round",
            "planned_date",
            "returning_local",
            "returning_outside",
            "prevention_plan",
            "emergency_plan",
            "masks_on_hand",
            "thermometers_on_hand",
            "responsible_person",
            "commitment_accepted",
            "submitted_at",
            "verified_at",
            "verified_by",
            "recommendation",
            "verification_summary",
            "decided_at",
            "decided_by",
            "decision_note",
            "resumption_date",
            "created_at",
            "updated_at",
        ]
        audit: list[tuple[int, str, datetime, int | None]] = []  # firm index, action, at, actor
        rows = []
        for firm in self.firms:
            created = firm.registered + timedelta(hours=rng.uniform(2, 48))
            submitted: datetime | None = None
            verified: datetime | None = None
            decided: datetime | None = None
            resumes_on: date | None = None
            recommendation = ""
            round_ = 1
            status = firm.status
            steps: list[tuple[str, datetime, int | None]] = [("application.created", created, None)]
            if status == "approved":
                decided = firm.decided_at
                # Set with the approval above.
                assert decided is not None and firm.resumption_day is not None
                resumes_on = self.days[firm.resumption_day]
                submitted = max(
                    created + timedelta(hours=1), decided - timedelta(hours=rng.uniform(30, 120))
                )
                verified = submitted + (decided - submitted) * rng.uniform(0.3, 0.8)
                steps += [
                    ("application.submitted", submitted, None),
                    ("application.verified", verified, firm.liaison),
                    ("application.approved", decided, self.command.pk),
                ]
                recommendation = "approve"
            elif status in ("submitted", "verified", "returned"):
                submitted = self.moment(rng.randrange(days), rng.randint(7_200, 50_000))
                submitted = max(submitted, created + timedelta(hours=1))
                steps.append(("application.submitted", submitted, None))
                if status in ("verified", "returned"):
                    verified = min(self.now, submitted + timedelta(hours=rng.uniform(4, 48)))
                    steps.append(("application.verified", verified, firm.liaison))
                    recommendation = "approve" if status == "verified" else "return"
                    if status == "returned":
                        returned = min(self.now, verified + timedelta(hours=rng.uniform(2, 30)))
                        steps.append(("application.returned", returned, self.command.pk))
                        if rng.random() < 0.3:  # rectified and submitted again
                            status = firm.status = "submitted"
                            round_ = 2
                            again = min(self.now, returned + timedelta(hours=rng.uniform(12, 48)))
                            steps.append(("application.resubmitted", again, None))
            audit.extend((firm.index, action, at, actor) for action, at, actor in steps)
            planned = (
                self.days[firm.resumption_day]
                if firm.resumption_day is not None
                else (self.first_day + timedelta(days=rng.randrange(days + 7)))
            )
            rows.append(
                (
                    firm.id,
                    guide.pk,
                    status,
                    round_,
                    planned,
                    round(firm.workers * 0.7),
                    round(firm.workers * 0.3),
                    "一、成立疫情防控领导小组……",
                    "发现发热人员立即隔离……",
                    firm.workers * 10,
                    max(2, firm.workers // 50),
                    self.name(),
                    status != "draft",
                    submitted,
                    verified,
                    firm.liaison if verified else None,
                    recommendation,
                    "现场核查：防控措施落实到位。" if verified else "",
                    decided,
                    self.command.pk if decided else None,
                    "同意复工。" if decided else "",
                    resumes_on,
                    created,
                    max(at for _action, at, _actor in steps),
                )
            )
        written = insert(ResumptionApplication, names, rows)
        application_ids = new_ids(ResumptionApplication, written)
        self._count("resumption applications", written)
        approved = sum(1 for firm in self.firms if firm.status == "approved")
        self._count("  of which approved", approved)
        application_of = {
            firm.index: pk for firm, pk in zip(self.firms, application_ids, strict=True)
        }
        audit.sort(key=lambda row: row[2])
        written = insert(
            AuditEvent,
            [
                "created_at",
                "actor",
                "action",
                "target_type",
                "target_id",
                "enterprise_id",
                "summary",
                "data",
            ],
            (
                (
                    at,
                    actor,
                    action,
                    "resumption.resumptionapplication",
                    str(application_of[index]),
                    self.firms[index].id,
                    "",
                    {},
                )
                for index, action, at, actor in audit
            ),
        )
        self._count("audit events", written)

    # ----- suspensions and declarations ------------------------------------------------------

    def suspensions_declarations(self) -> None:
        from fugong.reports.models import HeadcountDeclaration
        from fugong.resumption.models import Suspension

        rng = self.rng
        days = self.options.days
        last = days - 1
        approved = [firm for firm in self.firms if firm.approved_day is not None]
        eligible = [
            firm
            for firm in approved
            if firm.approved_day is not None and firm.approved_day < last and firm.workers
        ]
        suspended = rng.sample(
            eligible, min(len(eligible), max(1, self.options.enterprises // 250))
        )
        rows = []
        for firm in suspended:
            assert firm.approved_day is not None  # an eligible firm is approved
            starts = rng.randint(firm.approved_day + 1, last)
            ends = starts + rng.randint(2, 5) if rng.random() < 0.5 else None
            if ends is not None and ends > last:
                ends = None
            firm.suspension = (starts, ends)
            rows.append(
                (
                    firm.id,
                    self.days[starts],
                    "现场检查发现未落实测温登记制度，责令停工整改。",
                    self.command.pk,
                    self.days[ends] if ends is not None else None,
                    "整改完成，经复查同意恢复生产。" if ends is not None else "",
                    self.command.pk if ends is not None else None,
                    self.moment(ends - 1, 36_000) if ends is not None else None,
                    self.moment(max(starts - 1, 0), 30_000),
                    self.moment(max(starts - 1, 0), 30_000),
                )
            )
        written = insert(
            Suspension,
            [
                "enterprise",
                "starts_on",
                "reason",
                "suspended_by",
                "ends_on",
                "reinstatement_reason",
                "reinstated_by",
                "reinstated_at",
                "created_at",
                "updated_at",
            ],
            rows,
        )
        self._count("suspensions", written)
        self._count("  of which reinstated", sum(1 for row in rows if row[4] is not None))
        # A few resumed enterprises have no gate and declare their workers on duty instead.
        candidates = [firm for firm in approved if firm.suspension is None and firm.workers]
        declaring = rng.sample(
            candidates, min(len(candidates), max(1, self.options.enterprises // 500))
        )
        declarations = []
        for firm in declaring:
            assert firm.approved_day is not None  # a candidate is approved
            firm.declares = True
            for day in range(firm.approved_day, days):
                at = self.moment(day, 46_800)
                declarations.append(
                    (
                        firm.id,
                        self.days[day],
                        max(1, round(firm.workers * rng.uniform(0.75, 0.95))),
                        "无门禁，按考勤表申报。",
                        firm.liaison or self.command.pk,
                        at,
                        at,
                    )
                )
        written = insert(
            HeadcountDeclaration,
            ["enterprise", "day", "workers", "note", "declared_by", "created_at", "updated_at"],
            declarations,
        )
        self._count("headcount declarations", written)
        # A few enterprises admit workers without approval, the last days of the period (one
        # of them while suspended, when there is a suspension still running then).
        waiting = [firm for firm in self.firms if firm.approved_day is None and firm.workers >= 2]
        unapproved = rng.sample(
            waiting, min(len(waiting), max(1, self.options.enterprises // 2000))
        )
        for firm in unapproved:
            firm.unapproved_days = list(range(max(0, days - 3), days))
        still = [
            firm
            for firm in suspended
            if firm.suspension is not None
            and firm.suspension[1] is None
            and firm.suspension[0] < last
        ]
        if still:
            still[0].unapproved_days = [last]
        self.unapproved = unapproved + still[:1]
        self._count("enterprises admitting without approval", len(self.unapproved))
