"""The demo park, shaped like Chenglingji New Port District on 16 February 2020 (see the brief):
268 enterprises in scope, 130 of them resumed (6 construction sites among them), a resumption
rate of 48.5%, 61% among the 100 above-scale industrial enterprises; applications in every
state, liaisons (leaders for key enterprises), and a login for every role.

Everything is written through the services, with ``at`` set to the day each step happened, so
the audit trail and every derived status are what the real workflow would have produced.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from stdnum.cn import uscc

from fugong.accounts.models import User
from fugong.accounts.services import user_create
from fugong.core.files import atomic_storing_files
from fugong.core.roles import Role
from fugong.enterprises.history import enterprise_history_record, registered_on
from fugong.enterprises.models import Enterprise, EnterpriseKind
from fugong.enterprises.services import enterprise_create
from fugong.guide.selectors import guide_version_current
from fugong.resumption import services as resumption
from fugong.resumption.models import Recommendation

from .names import (
    COMMERCE_WORDS,
    GIVEN,
    INDUSTRIAL_WORDS,
    LIAISON_NAMES,
    LOGISTICS_WORDS,
    OTHER_WORDS,
    PLACE_WORDS,
    ROADS,
    SITE_NAMES,
    SURNAMES,
    USCC_ALPHABET,
)
from .workforce import make_workforce

DEMO_PASSWORD = "fugong-demo-2020"  # noqa: S105 - printed by make run; demo data only

# (user name, full name, role, extra) for the logins printed by ``make run``.
DEMO_LOGINS = [
    ("command", "王建国", Role.COMMAND, {}),
    ("liaison", "刘克宏", Role.LIAISON, {"is_leader": True}),
    ("inspector", "何中帅", Role.INSPECTOR, {}),
    ("officer", "黎乐", Role.ENTERPRISE_OFFICER, {}),
    ("gate", "周敏", Role.GATE_OPERATOR, {}),
    ("district", "蔡烨", Role.DISTRICT_LIAISON, {"district_code": "430603"}),
]


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def mobile(rng: random.Random) -> str:
    return (
        rng.choice(("138", "139", "150", "151", "173", "180", "186", "199"))
        + f"{rng.randrange(10**8):08d}"
    )


def credit_code(rng: random.Random, used: set[str]) -> str:
    while True:
        body = "91430600" + "MA4" + "".join(rng.choice(USCC_ALPHABET) for _ in range(6))
        code = body + uscc.calc_check_digit(body)
        if code not in used:
            used.add(code)
            return code


def moment(day: date, hour: int, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, rng.randrange(60))))


@dataclass
class Plan:
    """The state each demo enterprise should end in."""

    enterprise: Enterprise
    # not_applied, draft, submitted, verified, returned, returned_resubmitted, approved_future,
    # resumed, suspended or reinstated
    state: str
    officer: User | None = None
    extra: dict = field(default_factory=dict)
    # Set by the inspections builder on the plans of working enterprises (absent until then).
    resumed_on: date = field(init=False, repr=False, compare=False)


# The park registered its enterprises a month ago: the dashboard's history starts then.
REGISTERED_DAYS_AGO = 30


class DemoPark:
    def __init__(self, *, today: date | None = None, seed: int = 2020, stdout=None):
        self.today = today or timezone.localdate()
        self.rng = random.Random(seed)
        self.stdout = stdout
        self.used_codes: set[str] = set()
        self.logins: dict[str, User] = {}

    def say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)

    @atomic_storing_files  # the demo's photos and notices are stored files
    def build(self) -> dict:
        rng = self.rng
        # The first command user is created directly: nobody yet exists to create them.
        command = User(username="command", full_name="王建国", role=Role.COMMAND, phone=mobile(rng))
        command.set_password(DEMO_PASSWORD)
        command.full_clean()
        command.save()
        self.logins["command"] = command
        self.command = command
        self.liaisons = self._make_liaisons()
        enterprises = self._make_enterprises()
        plans = self._plan(enterprises)
        self._make_role_logins(plans)
        for plan in plans:
            self._play(plan)
        workers = make_workforce(
            command=command, plans=plans, district=self.logins["district"], today=self.today
        )
        from .gates import make_gates

        gates = make_gates(
            command=command,
            plans=plans,
            logins=self.logins,
            password=DEMO_PASSWORD,
            today=self.today,
            rng=rng,
        )
        self.say(f"demo gates: {gates['gates']} gates, {gates['checks']} checks")
        from .cases import make_cases

        cases = make_cases(
            command=command,
            gate_enterprise_id=self.logins["gate"].enterprise_id,
            today=self.today,
        )
        self.say(
            f"demo cases: #{cases['excluded']} excluded after a negative test, "
            f"drill #{cases['drill']} with {cases['contacts']} contacts"
        )
        from .inspections import make_inspections

        checks = make_inspections(
            command=command, plans=plans, logins=self.logins, today=self.today, rng=rng
        )
        self.say(
            f"demo inspections: {checks['inspections']} inspections, "
            f"{checks['findings']} findings, {checks['bulletins']} bulletins published "
            f"(+{checks['bulletin_drafts']} draft), {checks['notices']} notices, "
            f"{checks['acknowledgements']} acknowledgements"
        )
        from .training import make_training

        trained = make_training(
            command=command, plans=plans, logins=self.logins, today=self.today, rng=rng
        )
        self.say(
            f"demo training: {trained['sessions']} sessions, {trained['attendances']} attendances"
        )
        from .duty import make_duty

        roster = make_duty(command=command, today=self.today, rng=rng)
        self.say(f"demo duty roster: {roster['shifts']} shifts")
        from .supplies import make_supplies

        supplies = make_supplies(
            command=command, plans=plans, logins=self.logins, today=self.today, rng=rng
        )
        self.say(
            f"demo supplies: {supplies['enterprises']} enterprises with stock, "
            f"{supplies['requests']} requests ({supplies['pending']} pending)"
        )
        from .rooms import make_rooms

        rooms = make_rooms(command=command, plans=plans, today=self.today)
        self.say(
            f"demo rooms: {rooms['rooms']} rooms, {rooms['placements']} placements "
            f"(refused: {rooms['refused']})"
        )
        users = User.objects.count()
        self.say(f"demo park: {len(enterprises)} enterprises, {workers} workers, {users} users")
        return {"enterprises": len(enterprises), "workers": workers, "users": User.objects.count()}

    # ----- people --------------------------------------------------------------------------

    def _make_liaisons(self) -> list[User]:
        rng = self.rng
        liaisons = [
            user_create(
                must_change_password=False,
                actor=self.command,
                password=DEMO_PASSWORD,
                username="liaison",
                full_name="刘克宏",
                role=Role.LIAISON,
                is_leader=True,
                phone=mobile(rng),
            )
        ]
        self.logins["liaison"] = liaisons[0]
        for index, name in enumerate(LIAISON_NAMES, start=2):
            liaisons.append(
                user_create(
                    must_change_password=False,
                    actor=self.command,
                    password=DEMO_PASSWORD,
                    username=f"liaison{index:02d}",
                    full_name=name,
                    role=Role.LIAISON,
                    is_leader=index <= 5,
                    phone=mobile(rng),
                )
            )
        return liaisons

    def _make_role_logins(self, plans: list[Plan]) -> None:
        rng = self.rng
        self.logins["inspector"] = user_create(
            must_change_password=False,
            actor=self.command,
            password=DEMO_PASSWORD,
            username="inspector",
            full_name="何中帅",
            role=Role.INSPECTOR,
            phone=mobile(rng),
        )
        # The demo officer's enterprise has not applied yet, so the whole loop can be walked.
        officer_plan = next(
            plan
            for plan in plans
            if plan.state == "not_applied"
            and plan.enterprise.liaison_id == self.logins["liaison"].pk
        )
        officer_plan.enterprise.name = "岳阳高澜节能装备制造有限公司"
        Enterprise.objects.filter(pk=officer_plan.enterprise.pk).update(
            name=officer_plan.enterprise.name
        )
        self.logins["officer"] = user_create(
            must_change_password=False,
            actor=self.command,
            password=DEMO_PASSWORD,
            username="officer",
            full_name="黎乐",
            role=Role.ENTERPRISE_OFFICER,
            enterprise=officer_plan.enterprise,
            phone=mobile(rng),
        )
        # The demo gate operator works at one of the demo liaison's enterprises, so that the
        # liaison sees that gate's abnormal events.
        resumed = sorted(
            (
                plan
                for plan in plans
                if plan.state == "resumed" and plan.enterprise.kind == EnterpriseKind.INDUSTRIAL
            ),
            key=lambda plan: plan.enterprise.liaison_id != self.logins["liaison"].pk,
        )[0]
        self.logins["gate"] = user_create(
            must_change_password=False,
            actor=self.command,
            password=DEMO_PASSWORD,
            username="gate",
            full_name="周敏",
            role=Role.GATE_OPERATOR,
            enterprise=resumed.enterprise,
            phone=mobile(rng),
        )
        self.logins["district"] = user_create(
            must_change_password=False,
            actor=self.command,
            password=DEMO_PASSWORD,
            username="district",
            full_name="蔡烨",
            role=Role.DISTRICT_LIAISON,
            district_code="430603",
            phone=mobile(rng),
        )
        user_create(
            must_change_password=False,
            actor=self.command,
            password=DEMO_PASSWORD,
            username="district2",
            full_name="任志红",
            role=Role.DISTRICT_LIAISON,
            district_code="430602",
            phone=mobile(rng),
        )
        # Every other enterprise that has applied gets its own safety officer.
        for plan in plans:
            if plan.state != "not_applied" and plan.officer is None:
                plan.officer = User(
                    username=f"officer-{plan.enterprise.pk}",
                    full_name=person_name(rng),
                    role=Role.ENTERPRISE_OFFICER,
                    enterprise=plan.enterprise,
                    phone=mobile(rng),
                )
        officers: list[User] = []
        for plan in plans:
            if plan.officer is not None and plan.officer.pk is None:
                officers.append(plan.officer)
        # One hash for all of them: argon2 is slow on purpose, and these are demo accounts.
        template = User()
        template.set_password(DEMO_PASSWORD)
        for officer in officers:
            officer.password = template.password
        User.objects.bulk_create(officers)
        for plan in plans:
            if plan.officer is not None and plan.officer.pk is None:
                plan.officer = User.objects.get(username=plan.officer.username)

    # ----- enterprises ---------------------------------------------------------------------

    def _make_enterprises(self) -> list[Enterprise]:
        rng = self.rng
        kinds = (
            [EnterpriseKind.CONSTRUCTION_SITE] * 6
            + [EnterpriseKind.PORT_LOGISTICS] * 22
            + [EnterpriseKind.COMMERCIAL_SERVICE] * 32
            + [EnterpriseKind.OTHER] * 8
            + [EnterpriseKind.INDUSTRIAL] * 200
        )
        names: set[str] = set()
        enterprises = []
        site_names = iter(SITE_NAMES)
        industrial_index = 0
        for index, kind in enumerate(kinds):
            if kind == EnterpriseKind.CONSTRUCTION_SITE:
                name = next(site_names)
            else:
                words = {
                    EnterpriseKind.INDUSTRIAL: INDUSTRIAL_WORDS,
                    EnterpriseKind.PORT_LOGISTICS: LOGISTICS_WORDS,
                    EnterpriseKind.COMMERCIAL_SERVICE: COMMERCE_WORDS,
                    EnterpriseKind.OTHER: OTHER_WORDS,
                }[kind]
                while True:
                    trade, suffix = rng.choice(words)
                    name = f"{rng.choice(PLACE_WORDS)}{trade}{suffix}"
                    if rng.random() < 0.4:
                        name = "湖南" + name
                    if name not in names:
                        break
            names.add(name)
            above_scale = kind == EnterpriseKind.INDUSTRIAL and industrial_index < 100
            if kind == EnterpriseKind.INDUSTRIAL:
                industrial_index += 1
            is_key = above_scale and industrial_index <= 10
            headcount = (
                rng.randrange(150, 1500)
                if is_key
                else rng.randrange(60, 600)
                if above_scale
                else rng.randrange(40, 300)
                if kind == EnterpriseKind.CONSTRUCTION_SITE
                else rng.randrange(5, 120)
            )
            leaders = [liaison for liaison in self.liaisons if liaison.is_leader]
            liaison = rng.choice(leaders) if is_key else self.liaisons[index % len(self.liaisons)]
            enterprises.append(
                enterprise_create(
                    actor=self.command,
                    at=moment(self.today - timedelta(days=REGISTERED_DAYS_AGO), 9, rng),
                    name=name,
                    credit_code=credit_code(rng, self.used_codes),
                    kind=kind,
                    is_above_scale=above_scale,
                    is_key=is_key,
                    in_scope=True,
                    usual_headcount=headcount,
                    address=f"湖南城陵矶新港区{rng.choice(ROADS)}{rng.randrange(1, 300)}号",
                    legal_representative=person_name(rng),
                    contact_person=person_name(rng),
                    contact_phone=mobile(rng),
                    health_officer=person_name(rng),
                    health_officer_phone=mobile(rng),
                    liaison=liaison,
                )
            )
        # Registered in the park but not counted in its figures (branch offices and the like).
        for _ in range(12):
            trade, suffix = rng.choice(COMMERCE_WORDS + OTHER_WORDS)
            enterprise_create(
                actor=self.command,
                at=moment(self.today - timedelta(days=REGISTERED_DAYS_AGO), 9, rng),
                name=f"{rng.choice(PLACE_WORDS)}{trade}{suffix}岳阳分公司",
                credit_code=credit_code(rng, self.used_codes),
                kind=EnterpriseKind.OTHER,
                in_scope=False,
                usual_headcount=rng.randrange(2, 20),
                liaison=self.liaisons[-1],
            )
        return enterprises

    def _plan(self, enterprises: list[Enterprise]) -> list[Plan]:
        """130 resumed today (6 sites, 61 of the 100 above-scale industrial), 2 suspended, one
        reinstated, and the rest spread over every state of the workflow."""
        rng = self.rng
        sites = [e for e in enterprises if e.kind == EnterpriseKind.CONSTRUCTION_SITE]
        above = [e for e in enterprises if e.is_above_scale]
        rest = [e for e in enterprises if e not in sites and e not in above]
        rng.shuffle(rest)
        # Key enterprises resume first.
        above.sort(key=lambda e: (not e.is_key, rng.random()))
        plans: list[Plan] = []
        plans += [Plan(e, "resumed") for e in sites]
        plans += [Plan(e, "resumed") for e in above[:60]] + [Plan(above[60], "reinstated")]
        plans += [Plan(e, "suspended") for e in above[61:63]]
        remaining_above = above[63:]
        plans += [Plan(e, "resumed") for e in rest[:63]]
        others = rest[63:] + remaining_above
        rng.shuffle(others)
        states = (
            ["approved_future"] * 5
            + ["verified"] * 8
            + ["submitted"] * 12
            + ["returned"] * 6
            + ["returned_resubmitted"] * 3
            + ["draft"] * 10
        )
        for enterprise, state in zip(others, states + ["not_applied"] * len(others), strict=False):
            plans.append(Plan(enterprise, state))
        # The demo liaison has applications waiting for their visit.
        demo_liaison = self.logins["liaison"]
        waiting = [plan for plan in plans if plan.state == "submitted"][:4]
        not_applied = [
            plan for plan in plans if plan.state == "not_applied" and not plan.enterprise.is_key
        ][:1]
        for plan in waiting + not_applied:
            plan.enterprise.liaison = demo_liaison
            Enterprise.objects.filter(pk=plan.enterprise.pk).update(liaison=demo_liaison)
            # The demo sets its liaison from the start: the history row is changed in place.
            enterprise_history_record(plan.enterprise, on=registered_on(plan.enterprise))
        return plans

    # ----- the workflow --------------------------------------------------------------------

    def _play(self, plan: Plan) -> None:
        if plan.state == "not_applied":
            return
        rng = self.rng
        enterprise = plan.enterprise
        officer = plan.officer
        liaison = enterprise.liaison
        # Every plan that applies has its officer (``_make_role_logins``), every enterprise its
        # liaison (``_make_enterprises``).
        assert officer is not None and liaison is not None
        today = self.today
        if plan.state in ("resumed", "suspended", "reinstated"):
            start = today - timedelta(days=rng.randrange(12, 26))
        elif plan.state == "approved_future":
            start = today - timedelta(days=rng.randrange(3, 8))
        else:
            start = today - timedelta(days=rng.randrange(1, 6))
        planned = start + timedelta(days=rng.randrange(3, 7))
        headcount = enterprise.usual_headcount
        outside = int(headcount * rng.uniform(0.05, 0.35))
        application = resumption.application_create(
            actor=officer,
            enterprise=enterprise,
            at=moment(start, 9, rng),
            planned_date=planned,
            returning_local=headcount - outside,
            returning_outside=outside,
            prevention_plan="成立疫情防控工作小组，总经理任组长；门岗落实“四不”；车间、食堂、宿舍每日消毒两次；错峰上下班、分餐。",
            emergency_plan="发现发热员工立即送观察室复测，复测仍异常由卫生员陪同送发热门诊，同时报告园区指挥部和联点干部。",
            masks_on_hand=headcount * rng.randrange(10, 30),
            thermometers_on_hand=rng.randrange(2, 10),
            oximeters_on_hand=rng.randrange(1, 4),
            disinfectant_litres_on_hand=rng.randrange(20, 200),
            responsible_person=enterprise.legal_representative,
            commitment_accepted=plan.state != "draft",
        )
        items = list(guide_version_current().items.all())
        weak = rng.sample(items, 2) if plan.state.startswith("returned") else []
        answers = {
            item.pk: resumption.ItemAnswer(
                None if plan.state == "draft" and index > 10 else item not in weak,
                "整改中" if item in weak else "",
            )
            for index, item in enumerate(items)
        }
        resumption.application_update(
            actor=officer, application=application, self_check=answers, at=moment(start, 10, rng)
        )
        if plan.state == "draft":
            return
        resumption.application_submit(
            actor=officer, application=application, at=moment(start, 11, rng)
        )
        if plan.state == "submitted":
            return
        visit = start + timedelta(days=1)
        recommend_return = plan.state.startswith("returned")
        resumption.application_verify(
            actor=liaison,
            application=application,
            checks={
                item.pk: resumption.ItemAnswer(item not in weak, "现场未见" if item in weak else "")
                for item in items
            },
            recommendation=Recommendation.RETURN if recommend_return else Recommendation.APPROVE,
            summary="观察室未单独设置，废弃口罩回收箱不足。"
            if recommend_return
            else "防控措施落实到位，建议同意复工。",
            at=moment(visit, 15, rng),
        )
        if plan.state == "verified":
            return
        decision = visit + timedelta(days=1)
        if recommend_return:
            resumption.application_return(
                actor=self.command,
                application=application,
                rectification_items=[f"{item.code}：{item.text}" for item in weak],
                note="请整改后重新提交。",
                at=moment(decision, 10, rng),
            )
            if plan.state == "returned_resubmitted":
                resubmit = decision + timedelta(days=1)
                rectifications = {
                    item.pk: "已整改，附照片。" for item in application.rectification_items.all()
                }
                resumption.application_update(
                    actor=officer,
                    application=application,
                    self_check={item.pk: resumption.ItemAnswer(True, "") for item in items},
                    rectification_responses=rectifications,
                    at=moment(resubmit, 9, rng),
                    planned_date=max(planned, resubmit + timedelta(days=2)),
                )
                resumption.application_submit(
                    actor=officer, application=application, at=moment(resubmit, 10, rng)
                )
            return
        if plan.state == "approved_future":
            resumption_date = today + timedelta(days=rng.randrange(1, 4))
        else:
            resumption_date = max(planned, decision)
            resumption_date = min(resumption_date, today - timedelta(days=4))
            resumption_date = max(resumption_date, decision)
        resumption.application_approve(
            actor=self.command,
            application=application,
            resumption_date=resumption_date,
            note="一企一策：严格落实门岗“四不”，联点干部全程督导。",
            at=moment(decision, 16, rng),
        )
        if plan.state in ("suspended", "reinstated"):
            suspend_day = today - timedelta(days=3)
            resumption.enterprise_suspend(
                actor=self.command,
                enterprise=enterprise,
                reason="“四不两直”督查发现门岗未落实测温登记，责令停工整改。",
                starts_on=suspend_day,
                at=moment(suspend_day, 14, rng),
            )
            if plan.state == "reinstated":
                back = today - timedelta(days=1)
                resumption.enterprise_reinstate(
                    actor=self.command,
                    enterprise=enterprise,
                    reason="复查整改到位，同意恢复生产。",
                    ends_on=back,
                    at=moment(back, 9, rng),
                )
