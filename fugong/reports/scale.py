"""A city-sized data set for measuring the dashboard: ``manage.py generate_scale_data``.

Ten thousand enterprises, half a million workers and two weeks of gate checks (about seven
million rows) are written set-based with ``core.bulk.bulk_insert_rows`` (``executemany`` on
SQLite, ``COPY`` on PostgreSQL), never through the services: the services' rules are what the
rest of the test suite checks; here only the shape and the volume of the records matter. The
records are nevertheless consistent with one another, as the services would have left them:

- enterprises of every kind, about a third industrial (some above scale), with liaisons, their
  usual headcounts summing to about the number of workers, registered before the first day;
- one resumption application each: about half approved during the period (large enterprises
  and construction sites first), the others submitted, verified, returned or in draft, each
  step written to the audit trail at the time it happened (which the waiting figures read);
- a few dozen suspensions, some reinstated; headcount declarations of a few resumed
  enterprises without a gate;
- the workers, most cleared, a few percent under medical observation after a daily
  re-screening moved them in (and later out), with the clearance changes those runs recorded;
- one gate per resumed enterprise and, each day, the workers of the enterprises resumed that
  day passing it (morning, after lunch, some in the evening), the denials of workers under
  observation or not cleared, a few hundred abnormal events followed up to an outcome
  (a handful suspected or confirmed), and a few enterprises admitting workers without being
  allowed to (unapproved resumption);
- the kept attendance recomputed from the checks (``attendance_rebuild``), then ``ANALYZE``.

The last day is today. Everything is drawn from one seeded ``random.Random``.
"""

from __future__ import annotations

import contextlib
import hashlib
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from django.db import connection, models, transaction
from django.utils import timezone

from fugong.core.bulk import bulk_insert_rows
from fugong.core.privacy import mask_identity_number

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰鹏辉斌波宇浩凯"
    "健俊帆帅旭宁龙林欣怡佳琪雪梅晨阳婷慧"
)
PLACES = [
    "东湖",
    "城陵矶",
    "云溪",
    "君山",
    "临湘",
    "汨罗",
    "湘阴",
    "平江",
    "华容",
    "屈原",
    "南湖",
    "金鹗",
    "洞庭",
    "巴陵",
    "岳阳楼",
    "求索",
    "鹰山",
    "琵琶王",
    "枫桥湖",
    "松阳湖",
]
TRADES = {
    "industrial": [
        "机械",
        "电子",
        "化工",
        "纺织",
        "食品",
        "新材料",
        "装备制造",
        "精密铸造",
        "包装",
        "汽车零部件",
    ],
    "construction_site": [
        "城市道路",
        "安置小区",
        "污水处理厂",
        "产业园厂房",
        "综合管廊",
        "学校",
        "医院",
        "桥梁",
    ],
    "port_logistics": ["港务", "物流", "仓储", "集装箱", "冷链", "货运"],
    "commercial_service": ["商贸", "餐饮", "酒店", "物业", "超市", "科技服务", "咨询"],
    "other": ["农业", "环保", "文化", "印务"],
}
SUFFIX = {
    "industrial": "有限公司",
    "construction_site": "项目工地",
    "port_logistics": "有限公司",
    "commercial_service": "有限公司",
    "other": "有限公司",
}
GATE_NAMES = ["东门", "南门", "北门", "西门", "1号门", "主门"]
DEPARTMENTS = ["生产一车间", "生产二车间", "装配车间", "仓储部", "行政部", "质检部", "项目部", ""]


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


class ScaleGenerator:
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

    # ----- the run -------------------------------------------------------------------------

    def run(self) -> ScaleReport:
        started = time.perf_counter()
        postgres = connection.vendor == "postgresql"
        with contextlib.ExitStack() as stack:
            if not connection.in_atomic_block:
                # Set-based loading of consistent rows: skip the per-row foreign-key checks.
                stack.enter_context(connection.constraint_checks_disabled())
                if connection.vendor == "sqlite":
                    stack.enter_context(_sqlite_pragmas())
            if postgres:
                stack.enter_context(_postgres_replica_role(self.log))
            self._phase("users", self.users)
            self._phase("enterprises", self.enterprises)
            self._phase("applications and audit trail", self.applications)
            self._phase("suspensions and declarations", self.suspensions_declarations)
            self._phase("workers and clearance history", self.workers)
            self._phase("gates", self.gates)
            self._phase("gate checks", self.gate_checks)
            self._phase("abnormal events", self.abnormal_events)
            self._phase("attendance rebuilt from the checks", self.attendance)
        self._phase("analyze", self.analyze, atomic=False)
        self.report.seconds["total"] = round(time.perf_counter() - started, 1)
        self.log(f"done in {self.report.seconds['total']:.1f} s")
        return self.report

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

    def name(self) -> str:
        rng = self.rng
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        return rng.choice(SURNAMES) + given

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
                decided = rng.choices(range(days), weights=day_weights)[0]
                firm.decided_at = self.moment(decided, rng.randint(14_400, 46_800))
                firm.resumption_day = min(days - 1, decided + rng.choice([0, 0, 0, 1, 2]))
                firm.approved_day = max(decided, firm.resumption_day)
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
            submitted = verified = decided = None
            recommendation = ""
            round_ = 1
            status = firm.status
            steps: list[tuple[str, datetime, int | None]] = [("application.created", created, None)]
            if status == "approved":
                decided = firm.decided_at
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
                    self.days[firm.resumption_day] if decided else None,
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
                "enterprise",
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
        eligible = [firm for firm in approved if firm.approved_day < last and firm.workers]
        suspended = rng.sample(
            eligible, min(len(eligible), max(1, self.options.enterprises // 250))
        )
        rows = []
        for firm in suspended:
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
        rows = []
        for firm in declaring:
            firm.declares = True
            for day in range(firm.approved_day, days):
                at = self.moment(day, 46_800)
                rows.append(
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
            rows,
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
            firm for firm in suspended if firm.suspension[1] is None and firm.suspension[0] < last
        ]
        if still:
            still[0].unapproved_days = [last]
        self.unapproved = unapproved + still[:1]
        self._count("enterprises admitting without approval", len(self.unapproved))

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
        self.observed: dict[int, set[int]] = defaultdict(set)  # day → worker indexes
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

        with _without_indexes(Worker):
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

    def gate_checks(self) -> None:
        from fugong.gate.models import GateCheck

        self.check_counter = 0
        self.client_base = self.rng.getrandbits(64) << 64
        self.digest_base = self.rng.getrandbits(256)
        with _without_indexes(GateCheck):
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
        from .attendance import attendance_rebuild

        self._count("attendance rows", attendance_rebuild(self.first_day, self.today))

    def analyze(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("VACUUM ANALYZE" if not connection.in_atomic_block else "ANALYZE")
            else:
                cursor.execute("PRAGMA analysis_limit=10000")
                cursor.execute("ANALYZE")


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


# ----- helpers ---------------------------------------------------------------------------------


def insert(model: type[models.Model], names: Sequence[str], rows: Iterable[tuple]) -> int:
    """``bulk_insert_rows`` with every other non-null column given its model default."""
    given = set(names)
    extra_names, extra_values = [], []
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key or model_field.name in given or model_field.null:
            continue
        default = model_field.get_default()
        if default is None:
            raise ValueError(f"{model.__name__}.{model_field.name} needs a value")
        extra_names.append(model_field.name)
        extra_values.append(default)
    if not extra_names:
        return bulk_insert_rows(model, list(names), rows)
    tail = tuple(extra_values)
    return bulk_insert_rows(model, [*names, *extra_names], (row + tail for row in rows))


def new_ids(model: type[models.Model], count: int) -> list[int]:
    """The ids of the ``count`` rows just inserted (in insertion order: one writer)."""
    if not count:
        return []
    ids = list(model.objects.order_by("-pk").values_list("pk", flat=True)[:count])
    ids.reverse()
    return ids


@contextlib.contextmanager
def _sqlite_pragmas():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-1000000")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA cache_size=-65536")


@contextlib.contextmanager
def _postgres_replica_role(log):
    """Skip the foreign-key triggers while loading (a superuser's privilege; without it the
    load is slower but the same)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
        enabled = True
    except Exception:
        log("  (not a superuser: foreign keys are checked row by row)")
        enabled = False
    try:
        yield
    finally:
        if enabled:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")


@contextlib.contextmanager
def _without_indexes(model: type[models.Model]):
    """Drop the table's plain indexes for a bulk load and build them again after it: one sort
    per index instead of millions of b-tree insertions. Constraints stay."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
                "WHERE t.relname = %s AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)",
                [table],
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL",
                [table],
            )
        indexes = cursor.fetchall()
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for _name, sql in indexes:
                cursor.execute(sql)


def generate(options: ScaleOptions, log: Callable[[str], None] = print) -> ScaleReport:
    """Write the data set (see the module's docstring) into an empty database."""
    return ScaleGenerator(options, log).run()
