"""What the demo's inspectors found and wrote: findings by guide item, notes on acceptance and
reopening, summaries, good practice and the inspection teams; and the shape of a finding's
planned life (``FindingPlan``, ``Step``)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

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


def finding_fate(
    rng: random.Random, *, last: date, found: date, deadline: date
) -> tuple[list[Step], bool]:
    """A random but plausible history, up to ``last``, for a finding found on ``found``; and
    whether its acceptance should be a re-inspection."""
    room = (last - found).days  # whole days after the inspection
    if room < 1:
        return [], False
    roll = rng.random()
    latest = min(room, max(1, (deadline - found).days))
    submit = found + timedelta(days=rng.randint(1, latest))
    if room >= 5:
        if roll < 0.6:
            accept = min(submit + timedelta(days=rng.randint(0, 2)), last)
            return [Step("submit", submit), Step("accept", accept)], rng.random() < 0.4
        if roll < 0.72 and submit <= last - timedelta(days=3):
            reopen = submit + timedelta(days=1)
            again = reopen + timedelta(days=rng.randint(1, 2))
            steps = [
                Step("submit", submit),
                Step("reopen", reopen, new_deadline=reopen + timedelta(days=rng.randint(2, 4))),
                Step("submit", again),
            ]
            if again < last:
                steps.append(Step("accept", again + timedelta(days=1)))
            return steps, False
        if roll < 0.84:
            return [Step("submit", last - timedelta(days=rng.randint(0, 1)))], False
        return [], False
    if roll < 0.35:
        return [Step("submit", submit)], False
    if roll < 0.55 and submit < last:
        return [Step("submit", submit), Step("accept", submit + timedelta(days=1))], False
    return [], False
