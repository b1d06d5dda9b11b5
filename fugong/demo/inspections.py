"""The demo park's inspections, supervision bulletins and notices.

Over the last few weeks the command post's inspector (now and then the command post itself) has
walked the prevention guide at the resumed enterprises — mostly unannounced (“四不两直”), some
routine, a few re-inspections of earlier findings — and the liaisons have paid follow-up visits
to their own enterprises. The findings stand in every state: open and not yet due, overdue,
rectified and awaiting acceptance, accepted, reopened and then open again or answered again; a
serious one at an enterprise the demo suspended. Every few days the command post drafted a
supervision bulletin from the period's inspections, touched up its title and published it
(第1期 … 第7期 of the year); the next one is still a draft. Eighteen notices (文件) went out to
the enterprises, and most of their safety officers have acknowledged them.

Everything goes through the services, with ``at`` set to the moment each step happened.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from fugong.accounts.models import User
from fugong.bulletins import services as bulletins
from fugong.core.files import CheckedUpload, check_attachment
from fugong.core.roles import Role
from fugong.enterprises.models import Enterprise, EnterpriseKind
from fugong.guide.selectors import guide_version_current
from fugong.inspections import services as inspections
from fugong.inspections.models import AttachmentPurpose, Finding, Inspection, InspectionKind
from fugong.resumption.models import ApplicationStatus, ResumptionApplication

WINDOW_DAYS = 25  # inspections over the last 25 days
BULLETINS_PUBLISHED = 7
BULLETIN_PERIOD_DAYS = 3
NOTICE_WINDOW_DAYS = 30

# By guide item: what was found, what must be done, and the enterprise's answer.
FINDINGS: dict[str, list[tuple[str, str, str]]] = {
    "G01": [
        (
            "2名湖北返岗人员未满14天医学观察即安排上岗",
            "立即停止上述人员上岗，落实14天医学观察，期满无异常方可上岗",
            "2名人员已安排至集中观察点继续医学观察，期满无异常后再上岗，附观察记录。",
        ),
    ],
    "G02": [
        (
            "门岗未落实体温检测登记，部分员工未测温即进入厂区",
            "门岗安排专人值守，对所有进入人员逐一测温并登记",
            "已安排2名专职门岗人员轮班值守，配备红外测温仪，逐一测温登记，附登记表照片。",
        ),
        (
            "仍在使用指纹考勤机",
            "立即停用指纹考勤，改用人脸识别或人工登记",
            "已停用指纹考勤机，改为门岗人工登记考勤，附照片。",
        ),
    ],
    "G03": [
        (
            "门岗“四不”未落实，外来送货人员未戴口罩、未登记即进入厂区",
            "严格落实“四不”要求，外来人员一律测温、登记后方可进入",
            "已在门岗张贴“四不”告示，外来人员一律测温登记后进入，附门岗照片和登记本。",
        ),
    ],
    "G04": [
        (
            "外来人员登记表缺少来源地和接触史信息",
            "完善外来人员登记表，逐项询问来源地、工作单位和接触史",
            "已重新印制外来人员登记表，增加来源地、接触史栏目，附样表。",
        ),
    ],
    "G05": [
        (
            "办公楼中央空调未关闭回风",
            "关闭回风，保证新风量，排风直接排到室外",
            "已关闭中央空调回风阀，改为全新风运行，附照片。",
        ),
    ],
    "G06": [
        (
            "车间入口未配备洗手设施或免洗手消毒液",
            "在车间入口、食堂入口配备洗手设施或免洗手消毒液",
            "已在车间入口、食堂入口各配备免洗手消毒液2瓶，附照片。",
        ),
    ],
    "G07": [
        (
            "消毒记录不全，电梯、卫生间未纳入每日消毒",
            "将电梯、卫生间、班车纳入每日消毒范围并做好记录",
            "已建立消毒台账，电梯、卫生间每日消毒两次并登记，附台账照片。",
        ),
    ],
    "G08": [
        (
            "宿舍每间超过6人，个别房间住8人",
            "调整宿舍安排，每间不超过6人，人均面积不少于2.5平方米",
            "已租用附近公寓12间，宿舍每间调整为4至6人，附宿舍分配表。",
        ),
    ],
    "G09": [
        (
            "未实行错峰上下班，下班时门岗人员聚集",
            "实行错峰上下班，分批次进出厂区",
            "已将上下班分为三个批次，间隔15分钟，附排班表。",
        ),
    ],
    "G10": [
        (
            "车间班前会集中召开，人员密集，未保持间距",
            "减少集中开会，班前会控制在15分钟以内并保持1米以上间距",
            "班前会改为分班组召开，时间控制在10分钟以内，附照片。",
        ),
    ],
    "G11": [
        (
            "食堂未实行分餐，员工面对面就座",
            "实行错峰用餐或分餐、盒饭，避免面对面就座",
            "食堂已改为分餐制，餐桌加装隔板、单向就座，分三批错峰就餐，附照片。",
        ),
    ],
    "G12": [
        (
            "未设置医务室，也未与就近医疗机构建立联系",
            "设置医务室或与就近医疗机构签订协议",
            "已与城陵矶社区卫生服务中心签订医疗服务协议，附协议扫描件。",
        ),
    ],
    "G13": [
        (
            "未设置废弃口罩专用回收箱",
            "在厂区入口、车间、食堂设置废弃口罩专用回收箱，每日消毒处置",
            "已增设废弃口罩回收箱3个，附照片。",
        ),
    ],
    "G14": [
        (
            "部分新返岗员工未参加岗前防疫培训",
            "对全体员工开展岗前防疫培训并留存记录",
            "已组织两场防疫培训，覆盖全体在岗员工，附签到表。",
        ),
    ],
    "G15": [
        (
            "观察室未配备体温计，未制定发热人员处置流程",
            "观察室配备体温计、口罩、消毒液，制定并张贴发热人员处置流程",
            "观察室已配备体温计7支及口罩、消毒液，处置流程已上墙，附照片。",
        ),
    ],
    "G16": [
        (
            "未明确疫情防控第一责任人，卫生员未到岗",
            "明确第一责任人，成立防控工作小组并配备卫生员",
            "已发文明确总经理为第一责任人，成立防控小组，指定卫生员1名，附文件。",
        ),
    ],
    "G17": [
        (
            "员工健康状况未每日汇总上报",
            "建立每日健康状况汇总制度，发现异常及时报告园区指挥部",
            "已建立员工健康日报表，由卫生员每日16时前汇总上报，附近三日报表。",
        ),
    ],
    "G18": [
        (
            "口罩储备不足3天用量，体温计仅1支",
            "按不少于7天用量储备口罩，增配体温计",
            "已采购口罩5000只、体温计10支，附采购单和入库单。",
        ),
    ],
}
# The problems found on an ordinary visit (G01 is kept for the scripted serious finding).
COMMON_CODES = [code for code in FINDINGS if code != "G01"]
FOLLOW_UP_CODES = ["G06", "G07", "G13", "G14", "G17"]

REOPEN_NOTES = {
    "G08": "复查发现仍有2间宿舍住8人，整改不到位。",
    "G11": "复查时午餐仍有员工面对面就座，请继续整改。",
    "G13": "仅食堂设置了回收箱，车间和入口仍未设置。",
    "G15": "观察室已配体温计，但发热人员处置流程仍未张贴。",
    "G01": "观察记录缺少每日两次体温记录，请补充完整。",
}
REOPEN_GENERIC = [
    "整改佐证材料不充分，请补充现场照片。",
    "复查发现仍未落实到位，请继续整改。",
    "整改措施不具体，请说明落实情况并附照片。",
]
SECOND_RESPONSES = [
    "已按复查意见进一步整改，补充现场照片。",
    "已逐项落实复查意见，附整改前后对比照片。",
    "已按要求补充整改，并由企业负责人签字确认，附照片。",
]
ACCEPT_NOTES = ["经复查，整改到位。", "佐证材料齐全，同意销号。", "现场核实已整改到位。", ""]
SUMMARIES_CLEAN = [
    "门岗“四不”落实到位，测温登记完整；车间、食堂每日消毒两次，记录齐全；防疫物资储备充足。"
    "防控措施总体落实到位。",
    "企业防控工作小组运转正常，卫生员在岗；员工健康日报按时上报，观察室、隔离室设置规范。",
    "门岗值守、外来人员登记、错峰上下班和分餐等措施均已落实，未发现问题。",
    "抽查员工宿舍、食堂和车间，通风消毒到位，员工规范佩戴口罩。防控措施落实较好。",
]
SUMMARY_OPENINGS = [
    "企业防控工作总体有序，门岗值守和员工健康监测基本落实。",
    "企业已成立防控工作小组，防控措施基本落实，但仍有薄弱环节。",
    "现场查看门岗、车间、食堂和宿舍，防控工作有部署，但落实不够到位。",
]
GOOD_PRACTICE = [
    "食堂设置隔板、分批就餐，每批之间消毒一次。",
    "为每名员工建立健康档案，每日两次测温并在工作群打卡。",
    "门岗配备红外测温仪和手持测温枪双重测温。",
    "班车每趟消毒，员工间隔就座、全程佩戴口罩。",
    "设置独立观察室，配备体温计、口罩和消毒液，专人值守。",
    "以视频会议代替集中开会，车间分三批错峰上下班。",
    "外来车辆司机不下车，货物在指定区域交接并消毒。",
    "",
    "",
]
TEAMS = [
    "园区督查组 张卫东",
    "园区督查组 李红梅；市卫健委 陈医生",
    "园区安监办 罗志刚",
    "",
]


@dataclass
class Step:
    """One step in a finding's rectification: submit, reopen (with a new deadline) or accept."""

    action: str
    day: date
    new_deadline: date | None = None


@dataclass
class FindingPlan:
    code: str
    severity: str = "minor"
    deadline: date | None = None
    steps: list[Step] = field(default_factory=list)
    photo: bool = False
    text: tuple[str, str, str] | None = None
    # Accepted on a re-inspection rather than on the evidence alone.
    reinspect: bool = False


def make_inspections(*, command: User, plans, logins: dict, today: date, rng) -> dict:
    """Inspections with findings and rectifications, bulletins and notices for the demo park."""
    return _Builder(command=command, plans=plans, logins=logins, today=today, rng=rng).build()


class _Builder:
    def __init__(self, *, command, plans, logins, today, rng):
        self.command = command
        self.plans = plans
        self.inspector = logins["inspector"]
        self.demo_liaison = logins.get("liaison")
        self.demo_officer = logins.get("officer")
        self.today = today
        self.last = today - timedelta(days=1)  # the last whole day: steps happen up to it
        self.rng = rng
        self.items = {item.code: item for item in guide_version_current().items.all()}
        self.inspections = 0
        self.findings = 0
        self.photos = 0
        self._working_plans: list | None = None

    def build(self) -> dict:
        self._scripted()
        self._routine()
        self._follow_ups()
        self._draft_today()
        published, drafts = self._bulletins()
        notices, acknowledgements = self._notices()
        return {
            "inspections": self.inspections,
            "findings": self.findings,
            "photos": self.photos,
            "bulletins": published,
            "bulletin_drafts": drafts,
            "notices": notices,
            "acknowledgements": acknowledgements,
        }

    # ----- helpers -------------------------------------------------------------------------

    def at(self, day: date, hour: int, minute: int | None = None) -> datetime:
        minute = self.rng.randrange(60) if minute is None else minute
        return timezone.make_aware(datetime.combine(day, time(hour, minute)))

    def days_ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def png(self, name: str) -> CheckedUpload:
        """A small photo-like PNG (a coloured scene with a frame), checked like an upload."""
        rng = self.rng
        image = Image.new("RGB", (64, 48), (rng.randrange(90, 230), rng.randrange(90, 230), 160))
        draw = ImageDraw.Draw(image)
        draw.rectangle((8, 10, 40, 40), fill=(rng.randrange(256), rng.randrange(256), 60))
        draw.line((0, 47, 63, rng.randrange(20, 40)), fill=(40, 40, 40), width=2)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return check_attachment(SimpleUploadedFile(name, buffer.getvalue(), "image/png"))

    def pdf(self, name: str) -> CheckedUpload:
        buffer = io.BytesIO()
        Image.new("RGB", (210, 297), (255, 255, 255)).save(buffer, format="PDF")
        return check_attachment(SimpleUploadedFile(name, buffer.getvalue(), "application/pdf"))

    def _working(self) -> list:
        """Plans of the enterprises working today, each with the day it resumed."""
        if self._working_plans is not None:
            return list(self._working_plans)
        working = [plan for plan in self.plans if plan.state in ("resumed", "reinstated")]
        dates = dict(
            ResumptionApplication.objects.filter(
                status=ApplicationStatus.APPROVED,
                enterprise_id__in=[plan.enterprise.pk for plan in working],
            ).values_list("enterprise_id", "resumption_date")
        )
        earliest = self.days_ago(WINDOW_DAYS)
        for plan in working:
            plan.resumed_on = max(dates.get(plan.enterprise.pk) or self.days_ago(20), earliest)
        self._working_plans = [
            plan for plan in working if plan.resumed_on <= self.last and plan.officer
        ]
        return list(self._working_plans)

    # ----- one inspection ------------------------------------------------------------------

    def inspect(
        self,
        plan,
        *,
        day: date,
        kind: str,
        actor: User,
        findings: list[FindingPlan] = (),
        follows: Inspection | None = None,
        hour: int | None = None,
        summary: str | None = None,
    ) -> tuple[Inspection, list[Finding]]:
        rng = self.rng
        enterprise = plan.enterprise
        start = self.at(day, hour if hour is not None else rng.choice((9, 10, 14, 15)))
        inspection = inspections.inspection_create(
            actor=actor,
            enterprise=enterprise,
            kind=kind,
            inspected_on=day,
            team="" if actor.role == Role.LIAISON else rng.choice(TEAMS),
            follows=follows,
            at=start,
        )
        texts = []
        results = {item.pk: (True, "") for item in self.items.values()}
        if enterprise.usual_headcount < 30 and enterprise.kind != EnterpriseKind.CONSTRUCTION_SITE:
            results[self.items["G08"].pk] = (None, "无员工宿舍")
        for finding in findings:
            finding.text = finding.text or rng.choice(FINDINGS[finding.code])
            results[self.items[finding.code].pk] = (False, finding.text[0])
            texts.append(finding.text[0])
        if summary is None:
            if texts:
                summary = (
                    rng.choice(SUMMARY_OPENINGS)
                    + "发现问题"
                    + str(len(texts))
                    + "个："
                    + "；".join(texts)
                    + "。已向企业负责人当场反馈，责令限期整改。"
                )
            else:
                summary = rng.choice(SUMMARIES_CLEAN)
        inspections.inspection_update(
            actor=actor,
            inspection=inspection,
            item_results=results,
            summary=summary,
            good_practice=rng.choice(GOOD_PRACTICE),
            at=start + timedelta(minutes=50),
        )
        made = []
        for finding in findings:
            deadline = finding.deadline or day + timedelta(days=rng.choice((2, 3, 3, 5, 7)))
            finding.deadline = deadline
            made.append(
                inspections.finding_add(
                    actor=actor,
                    inspection=inspection,
                    description=finding.text[0],
                    severity=finding.severity,
                    rectification_required=finding.text[1],
                    deadline=deadline,
                    item=self.items[finding.code],
                    at=start + timedelta(minutes=60),
                )
            )
            if finding.photo:
                for index in range(1, rng.choice((1, 1, 2)) + 1):
                    inspections.finding_attachment_add(
                        actor=actor,
                        finding=made[-1],
                        upload=self.png(f"现场照片{index}.png"),
                        purpose=AttachmentPurpose.PHOTO,
                    )
                    self.photos += 1
        inspections.inspection_complete(
            actor=actor, inspection=inspection, at=start + timedelta(minutes=90)
        )
        self.inspections += 1
        self.findings += len(made)
        for finding, made_finding in zip(findings, made, strict=True):
            self.rectify(made_finding, finding, plan.officer, actor)
        return inspection, made

    def rectify(self, finding: Finding, plan: FindingPlan, officer: User, reviewer: User) -> None:
        """Play a finding's steps: the officer's answers and the reviewer's decisions."""
        rng = self.rng
        response = plan.text[2]
        submitted_at = None
        for step in plan.steps:
            if step.action == "submit":
                submitted_at = self.at(step.day, rng.choice((9, 10, 11)))
                evidence = [self.png("整改照片.png")] if rng.random() < 0.65 else []
                inspections.rectification_submit(
                    actor=officer,
                    finding=finding,
                    response=response,
                    uploads=evidence,
                    at=submitted_at,
                )
                response = rng.choice(SECOND_RESPONSES)
            elif step.action == "reopen":
                inspections.rectification_review(
                    actor=reviewer,
                    finding=finding,
                    accept=False,
                    note=REOPEN_NOTES.get(plan.code) or rng.choice(REOPEN_GENERIC),
                    new_deadline=step.new_deadline,
                    at=max(self.at(step.day, rng.choice((14, 15, 16))), submitted_at),
                )
            elif step.action == "accept":
                inspections.rectification_review(
                    actor=reviewer,
                    finding=finding,
                    accept=True,
                    note=rng.choice(ACCEPT_NOTES),
                    at=max(self.at(step.day, rng.choice((14, 15, 16))), submitted_at),
                )
            finding.refresh_from_db()

    # ----- the stories ---------------------------------------------------------------------

    def _scripted(self) -> None:
        """The findings every demo needs, whatever the random ones turn out to be."""
        working = self._working()
        self.rng.shuffle(working)
        if not working:
            return
        days = self.days_ago
        used: list = []

        def pick(day: date):
            """A working enterprise that had resumed by ``day``, a different one each time."""
            ready = [plan for plan in working if plan.resumed_on <= day] or working
            fresh = [plan for plan in ready if plan not in used] or ready
            used.append(fresh[0])
            return fresh[0]

        inspector = self.inspector

        # A serious finding at an enterprise the demo suspended over it (3 days ago, in the
        # afternoon): unannounced that morning, still open, not yet due.
        suspended = [
            plan for plan in self.plans if plan.state == "suspended" and plan.officer is not None
        ]
        target = suspended[0] if suspended else pick(days(3))
        self.inspect(
            target,
            day=days(3),
            hour=9,
            kind=InspectionKind.UNANNOUNCED,
            actor=inspector,
            findings=[
                FindingPlan(
                    "G02",
                    severity="serious",
                    deadline=self.today + timedelta(days=4),
                    photo=True,
                    text=(
                        "门岗未落实体温检测登记，当日上午进厂员工均未测温",
                        "停工整改：门岗安排专人值守，所有进入人员逐一测温、登记，整改到位后申请复查",
                        "已安排专职门岗人员并配备测温设备，附照片。",
                    ),
                ),
                FindingPlan("G13", severity="minor", deadline=self.today + timedelta(days=2)),
            ],
        )

        # The reinstated enterprise: the same problem, rectified the next day, accepted on
        # the re-inspection yesterday morning (the command post lifted the suspension then).
        reinstated = [plan for plan in self.plans if plan.state == "reinstated" and plan.officer]
        if reinstated:
            plan = reinstated[0]
            findings = [
                FindingPlan(
                    "G03",
                    severity="serious",
                    deadline=days(1),
                    photo=True,
                    steps=[Step("submit", days(2))],
                )
            ]
            first, made = self.inspect(
                plan,
                day=days(3),
                hour=9,
                kind=InspectionKind.UNANNOUNCED,
                actor=inspector,
                findings=findings,
            )
            self._reinspect(plan, first, made, day=days(1), hour=7)

        # Overdue: nothing done about the canteen since the deadline passed.
        self.inspect(
            pick(days(10)),
            day=days(10),
            kind=InspectionKind.ROUTINE,
            actor=inspector,
            findings=[FindingPlan("G11", severity="major", deadline=days(5), photo=True)],
        )
        # Rectified, awaiting acceptance.
        self.inspect(
            pick(days(5)),
            day=days(5),
            kind=InspectionKind.UNANNOUNCED,
            actor=inspector,
            findings=[
                FindingPlan(
                    "G13", deadline=self.today + timedelta(days=1), steps=[Step("submit", days(2))]
                )
            ],
        )
        # Reopened on a re-inspection with a new deadline, open again (not yet due).
        plan = pick(days(12))
        first, made = self.inspect(
            plan,
            day=days(12),
            kind=InspectionKind.UNANNOUNCED,
            actor=inspector,
            findings=[
                FindingPlan(
                    "G08",
                    severity="major",
                    deadline=days(8),
                    photo=True,
                    steps=[
                        Step("submit", days(9)),
                        Step("reopen", days(6), new_deadline=self.today + timedelta(days=2)),
                    ],
                )
            ],
        )
        self.inspect(
            plan,
            day=days(6),
            hour=9,
            kind=InspectionKind.REINSPECTION,
            actor=inspector,
            follows=first,
            summary="复查上次督查发现的宿舍问题：仍有2间宿舍住8人，整改不到位，已重新明确整改期限。",
        )
        # Reopened, and overdue again.
        self.inspect(
            pick(days(14)),
            day=days(14),
            kind=InspectionKind.ROUTINE,
            actor=inspector,
            findings=[
                FindingPlan(
                    "G15",
                    severity="major",
                    deadline=days(11),
                    steps=[
                        Step("submit", days(11)),
                        Step("reopen", days(9), new_deadline=days(4)),
                    ],
                )
            ],
        )
        # A second serious finding: reopened, then answered again and awaiting acceptance.
        self.inspect(
            pick(days(16)),
            day=days(16),
            kind=InspectionKind.UNANNOUNCED,
            actor=inspector,
            findings=[
                FindingPlan(
                    "G01",
                    severity="serious",
                    deadline=days(15),
                    photo=True,
                    steps=[
                        Step("submit", days(15)),
                        Step("reopen", days(13), new_deadline=days(9)),
                        Step("submit", days(10)),
                    ],
                )
            ],
        )
        # Reopened by the command post, answered again and accepted.
        self.inspect(
            pick(days(19)),
            day=days(19),
            kind=InspectionKind.ROUTINE,
            actor=self.command,
            findings=[
                FindingPlan(
                    "G18",
                    severity="major",
                    deadline=days(16),
                    steps=[
                        Step("submit", days(17)),
                        Step("reopen", days(16), new_deadline=days(13)),
                        Step("submit", days(14)),
                        Step("accept", days(12)),
                    ],
                )
            ],
        )
        # Found yesterday, open and not yet due.
        self.inspect(
            pick(days(1)),
            day=days(1),
            kind=InspectionKind.UNANNOUNCED,
            actor=inspector,
            findings=[
                FindingPlan("G06", deadline=self.today + timedelta(days=2), photo=True),
                FindingPlan("G09", deadline=self.today + timedelta(days=3)),
            ],
        )

    def _reinspect(
        self, plan, first: Inspection, findings: list[Finding], *, day: date, hour: int
    ) -> None:
        """A re-inspection of ``first`` on ``day`` that accepts the answers to ``findings``."""
        self.inspect(
            plan,
            day=day,
            hour=hour,
            kind=InspectionKind.REINSPECTION,
            actor=first.inspector,
            follows=first,
            summary="复查上次督查发现的问题，已整改到位，同意销号。",
        )
        for finding in findings:
            inspections.rectification_review(
                actor=first.inspector,
                finding=finding,
                accept=True,
                note="复查现场核实，整改到位。",
                at=self.at(day, hour + 1),
            )

    def _fate(self, found: date, deadline: date) -> tuple[list[Step], bool]:
        """A random but plausible history for a finding found on ``found``; and whether its
        acceptance should be a re-inspection."""
        rng = self.rng
        room = (self.last - found).days  # whole days after the inspection
        if room < 1:
            return [], False
        roll = rng.random()
        latest = min(room, max(1, (deadline - found).days))
        submit = found + timedelta(days=rng.randint(1, latest))
        if room >= 5:
            if roll < 0.6:
                accept = min(submit + timedelta(days=rng.randint(0, 2)), self.last)
                return [Step("submit", submit), Step("accept", accept)], rng.random() < 0.4
            if roll < 0.72 and submit <= self.last - timedelta(days=3):
                reopen = submit + timedelta(days=1)
                again = reopen + timedelta(days=rng.randint(1, 2))
                steps = [
                    Step("submit", submit),
                    Step("reopen", reopen, new_deadline=reopen + timedelta(days=rng.randint(2, 4))),
                    Step("submit", again),
                ]
                if again < self.last:
                    steps.append(Step("accept", again + timedelta(days=1)))
                return steps, False
            if roll < 0.84:
                return [Step("submit", self.last - timedelta(days=rng.randint(0, 1)))], False
            return [], False
        if roll < 0.35:
            return [Step("submit", submit)], False
        if roll < 0.55 and submit < self.last:
            return [Step("submit", submit), Step("accept", submit + timedelta(days=1))], False
        return [], False

    def _routine(self) -> None:
        """The inspector's visits over the window: unannounced or routine, most without
        findings; some findings accepted on a re-inspection. Every bulletin's period has at
        least one."""
        rng = self.rng
        working = self._working()
        if not working:
            return
        periods, _draft = self._bulletin_periods()
        for start, end in periods:
            ready = [plan for plan in working if plan.resumed_on <= end]
            if ready:
                plan = rng.choice(ready)
                day = max(start, plan.resumed_on) + timedelta(
                    days=rng.randint(0, (end - max(start, plan.resumed_on)).days)
                )
            else:  # nobody had resumed yet: the first to resume, visited as it prepared
                plan = min(working, key=lambda plan: plan.resumed_on)
                day = end
            self._visit(plan, day)
        for _index in range(22):
            plan = rng.choice(working)
            span = (self.last - plan.resumed_on).days
            self._visit(plan, plan.resumed_on + timedelta(days=rng.randint(0, span)))

    def _visit(self, plan, day: date) -> None:
        rng = self.rng
        actor = self.command if rng.random() < 0.12 else self.inspector
        count = rng.choices((0, 1, 2, 3), weights=(45, 35, 17, 3))[0]
        findings = []
        for code in rng.sample(COMMON_CODES, count):
            deadline = day + timedelta(days=rng.choice((2, 3, 3, 5, 7)))
            steps, reinspect = self._fate(day, deadline)
            findings.append(
                FindingPlan(
                    code,
                    severity=rng.choices(("minor", "major"), weights=(6, 4))[0],
                    deadline=deadline,
                    steps=steps,
                    photo=rng.random() < 0.35,
                    reinspect=reinspect,
                )
            )
        kind = InspectionKind.UNANNOUNCED if rng.random() < 0.55 else InspectionKind.ROUTINE
        # Some answers are accepted on a re-inspection: the acceptance moves to it.
        later = [item for item in findings if item.reinspect]
        accept_day = max((item.steps[-1].day for item in later), default=None)
        for item in later:
            item.steps = item.steps[:-1]
        inspection, made = self.inspect(plan, day=day, kind=kind, actor=actor, findings=findings)
        if later:
            accepted = [
                finding for finding, item in zip(made, findings, strict=True) if item in later
            ]
            self._reinspect(plan, inspection, accepted, day=accept_day, hour=14)

    def _follow_ups(self) -> None:
        """Liaisons' follow-up visits to their own enterprises (the demo liaison's first)."""
        rng = self.rng
        working = self._working()
        own = [
            plan
            for plan in working
            if self.demo_liaison is not None and plan.enterprise.liaison_id == self.demo_liaison.pk
        ]
        others = [plan for plan in working if plan not in own]
        chosen = own[:2] + rng.sample(others, min(5, len(others)))
        for plan in chosen:
            liaison = plan.enterprise.liaison
            if liaison is None or liaison.role != Role.LIAISON:
                continue
            span = (self.last - plan.resumed_on).days
            day = plan.resumed_on + timedelta(days=rng.randint(max(0, span - 10), span))
            findings = []
            if rng.random() < 0.6:
                deadline = day + timedelta(days=rng.choice((1, 2, 3)))
                steps, _reinspect = self._fate(day, deadline)
                findings.append(
                    FindingPlan(rng.choice(FOLLOW_UP_CODES), deadline=deadline, steps=steps)
                )
            self.inspect(
                plan,
                day=day,
                kind=InspectionKind.FOLLOW_UP,
                actor=liaison,
                findings=findings,
                summary=None
                if findings
                else "联点回访：督导企业落实门岗测温、分餐和每日消毒，防控措施落实到位。",
            )

    def _draft_today(self) -> None:
        """The inspector is recording this morning's visit: a draft, half walked."""
        started = timezone.now() - timedelta(minutes=20)
        working = self._working()
        if timezone.localdate(started) != self.today or not working:
            return
        plan = self.rng.choice(working)
        inspection = inspections.inspection_create(
            actor=self.inspector,
            enterprise=plan.enterprise,
            kind=InspectionKind.UNANNOUNCED,
            inspected_on=self.today,
            team=TEAMS[0],
            at=started,
        )
        codes = sorted(self.items)[:8]
        inspections.inspection_update(
            actor=self.inspector,
            inspection=inspection,
            item_results={self.items[code].pk: (True, "") for code in codes},
            at=started + timedelta(minutes=5),
        )

    # ----- bulletins -----------------------------------------------------------------------

    BULLETIN_TITLES = [
        "关于近期复工企业疫情防控督查情况的通报",
        "关于复工企业疫情防控“四不两直”督查情况的通报",
        "关于复工企业门岗管控和食堂宿舍管理督查情况的通报",
    ]

    def _bulletin_periods(self) -> tuple[list[tuple[date, date]], tuple[date, date]]:
        """Seven consecutive periods ending the day before yesterday, all in one year, and the
        period of the draft that follows them."""
        end = self.today - timedelta(days=2)
        available = (end - date(end.year, 1, 1)).days + 1
        if available >= BULLETINS_PUBLISHED * BULLETIN_PERIOD_DAYS:
            length = BULLETIN_PERIOD_DAYS
        elif available >= BULLETINS_PUBLISHED:
            length = available // BULLETINS_PUBLISHED
        else:  # the first days of January: last year's last weeks
            end, length = date(end.year - 1, 12, 31), BULLETIN_PERIOD_DAYS
        first = end - timedelta(days=BULLETINS_PUBLISHED * length - 1)
        periods = [
            (
                first + timedelta(days=index * length),
                first + timedelta(days=(index + 1) * length - 1),
            )
            for index in range(BULLETINS_PUBLISHED)
        ]
        return periods, (end + timedelta(days=1), self.today)

    def _bulletins(self) -> tuple[int, int]:
        rng = self.rng
        periods, draft_period = self._bulletin_periods()
        for index, (start, end) in enumerate(periods):
            day = min(end + timedelta(days=1), self.last)
            bulletin = bulletins.bulletin_draft(
                actor=self.command, period_start=start, period_end=end, at=self.at(day, 9)
            )
            changes = {"title": self.BULLETIN_TITLES[index % len(self.BULLETIN_TITLES)]}
            if index % 3 == 2:
                changes["requirements"] = bulletin.requirements + (
                    "\n4. 各企业要对照本通报举一反三，开展自查自纠，"
                    "自查情况于三日内报园区指挥部办公室。"
                )
            bulletins.bulletin_update(
                actor=self.command, bulletin=bulletin, at=self.at(day, 11), **changes
            )
            bulletins.bulletin_publish(
                actor=self.command, bulletin=bulletin, at=self.at(day, rng.choice((15, 16)))
            )
        start, end = draft_period
        bulletins.bulletin_draft(
            actor=self.command,
            period_start=start,
            period_end=end,
            title=self.BULLETIN_TITLES[0],
            at=min(timezone.now(), max(timezone.now() - timedelta(minutes=10), self.at(end, 0, 1))),
        )
        return len(periods), 1

    # ----- notices -------------------------------------------------------------------------

    NOTICES = [
        ("关于做好企业复工复产疫情防控工作的通知", "all", "统筹做好疫情防控和复工复产工作"),
        ("关于印发《企业复工复产疫情防控指南》的通知", "all", "指导企业规范做好复工复产防控工作"),
        ("关于建立复工企业联点干部制度的通知", "all", "压实联点干部督导责任"),
        ("关于做好返岗员工健康管理的通知", "all", "做好返岗员工健康监测和医学观察"),
        ("关于进一步加强门岗管控的通知", "all", "严格落实门岗“四不”要求"),
        ("关于开展复工企业督查的通知", "all", "检验复工企业防控措施落实情况"),
        ("关于建筑工地复工疫情防控工作的通知", "sites", "规范建筑工地复工防控工作"),
        ("关于规范设置废弃口罩回收箱的通知", "all", "规范废弃口罩收集和处置"),
        ("关于加强企业食堂和员工宿舍防控管理的通知", "all", "防止人员聚集造成交叉感染"),
        ("关于实行复工人员通行证管理的通知", "all", "规范复工人员进出园区管理"),
        ("关于加强外来车辆和人员登记管理的通知", "logistics", "严防外来输入风险"),
        ("关于做好防疫物资储备工作的通知", "all", "确保企业防疫物资充足"),
        ("关于规模以上工业企业加快复工复产的通知", "above", "推动规模以上工业企业有序复工"),
        ("关于做好每日健康监测和信息报送工作的通知", "all", "及时准确掌握员工健康状况"),
        ("关于对督查发现问题限期整改的通知", "findings", "确保督查发现问题整改到位"),
        ("关于做好发热员工处置工作的通知", "all", "规范发热员工发现、报告和处置流程"),
        ("关于加强班车和通勤管理的通知", "all", "降低通勤途中感染风险"),
        ("关于进一步落实企业疫情防控主体责任的通知", "all", "压紧压实企业防控主体责任"),
    ]
    NOTICE_POINTS = [
        "企业主要负责人是本单位疫情防控第一责任人，要亲自部署、亲自督导。",
        "门岗严格落实“四不”要求，对所有进入人员测温、登记，外来人员一律登记来源地和接触史。",
        "员工每日两次测温，健康状况由卫生员汇总后于当日16时前报园区指挥部。",
        "食堂实行错峰用餐或分餐，员工宿舍每间不超过6人，保持通风并每日消毒。",
        "发现发热员工立即送观察室复测，复测异常的由卫生员陪同送发热门诊，同时报告指挥部。",
        "联点干部要深入企业督导，发现问题及时督促整改，重大问题立即报告。",
    ]

    def _notice_body(self, purpose: str, issued_on: date) -> str:
        points = self.rng.sample(self.NOTICE_POINTS, 3)
        numerals = "一二三"
        lines = [
            "各有关企业：",
            f"为{purpose}，根据省、市疫情防控工作部署，结合园区实际，现就有关事项通知如下：",
            *(f"{numerals[index]}、{point}" for index, point in enumerate(points)),
            "请各企业认真贯彻落实，确保各项防控措施落实到位。",
            "特此通知。",
            "",
            "城陵矶新港区新冠肺炎疫情防控指挥部",
            f"{issued_on.year}年{issued_on.month}月{issued_on.day}日",
        ]
        return "\n".join(lines)

    def _notices(self) -> tuple[int, int]:
        rng = self.rng
        enterprises = Enterprise.objects.filter(in_scope=True)
        groups = {
            "sites": list(enterprises.filter(kind=EnterpriseKind.CONSTRUCTION_SITE)),
            "logistics": list(enterprises.filter(kind=EnterpriseKind.PORT_LOGISTICS)),
            "above": list(enterprises.filter(is_above_scale=True)),
            "findings": list(Enterprise.objects.filter(findings__isnull=False).distinct()),
        }
        everyone = list(Enterprise.objects.all())
        officers: dict[int, User] = {}
        for officer in User.objects.filter(
            role=Role.ENTERPRISE_OFFICER, enterprise__isnull=False, is_active=True
        ).order_by("id"):
            officers.setdefault(officer.enterprise_id, officer)
        count = len(self.NOTICES)
        # Spread over the last month, oldest first; the last one goes out this morning.
        earlier = sorted(rng.sample(range(2, NOTICE_WINDOW_DAYS + 1), count - 1), reverse=True)
        offsets = [*earlier, 0]
        numbers: dict[int, int] = {}
        now = timezone.now()
        acknowledged = 0
        for index, ((title, audience, purpose), offset) in enumerate(
            zip(self.NOTICES, offsets, strict=True)
        ):
            issued_on = self.days_ago(offset)
            issued_at = (
                self.at(issued_on, rng.choice((9, 10, 11)))
                if offset
                else max(now - timedelta(minutes=30), self.at(issued_on, 0, 1))
            )
            numbers[issued_on.year] = numbers.get(issued_on.year, 0) + 1
            uploads = []
            if index == 1:
                uploads = [self.pdf("企业复工复产疫情防控指南.pdf")]
            elif index == 9:
                uploads = [self.png("复工人员通行证样式.png")]
            recipients = groups.get(audience) or everyone
            notice = bulletins.notice_issue(
                actor=self.command,
                document_number=f"新港防指〔{issued_on.year}〕{numbers[issued_on.year]}号",
                title=title,
                issued_on=issued_on,
                body=self._notice_body(purpose, issued_on),
                to_all=audience == "all" or not groups.get(audience),
                enterprises=[] if audience == "all" else recipients,
                uploads=uploads,
                at=issued_at,
            )
            # Older notices have been read by most; the newest by a few.
            share = min(0.85, 0.25 + 0.08 * offset)
            for recipient in notice.recipients.order_by("enterprise_id"):
                officer = officers.get(recipient.enterprise_id)
                if officer is None or rng.random() >= share:
                    continue
                # The demo officer has the latest week's notices still to acknowledge.
                if offset < 7 and self.demo_officer is not None and officer == self.demo_officer:
                    continue
                moment = issued_at + timedelta(minutes=rng.randrange(20, 60 * 36))
                if moment >= now:
                    continue
                bulletins.notice_acknowledge(actor=officer, notice=notice, at=moment)
                acknowledged += 1
        return count, acknowledged
