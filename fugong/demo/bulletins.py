"""The demo park's supervision bulletins (第1期 … 第7期 and a draft) and its notices with their
acknowledgements: the steps of the inspections builder that come after the inspections."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from fugong.accounts.models import User
from fugong.bulletins import services as bulletins
from fugong.core.roles import Role
from fugong.enterprises.models import Enterprise, EnterpriseKind

from .attachments import demo_pdf, demo_png
from .inspection_texts import BULLETIN_PERIOD_DAYS, BULLETINS_PUBLISHED, NOTICE_WINDOW_DAYS


class BulletinsAndNotices:
    """The bulletin and notice steps of the demo's inspections builder."""

    # Set by the builder (``inspections._Builder``), whose helpers these steps use too.
    command: User
    demo_officer: User | None
    today: date
    last: date  # the last whole day: steps happen up to it
    rng: random.Random

    if TYPE_CHECKING:

        def at(self, day: date, hour: int, minute: int | None = None) -> datetime: ...

        def days_ago(self, days: int) -> date: ...

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
            changes: bulletins.BulletinFields = {
                "title": self.BULLETIN_TITLES[index % len(self.BULLETIN_TITLES)]
            }
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
        for user in User.objects.filter(
            role=Role.ENTERPRISE_OFFICER, enterprise__isnull=False, is_active=True
        ).order_by("id"):
            assert user.enterprise_id is not None  # filtered above
            officers.setdefault(user.enterprise_id, user)
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
                uploads = [demo_pdf("企业复工复产疫情防控指南.pdf")]
            elif index == 9:
                uploads = [demo_png(self.rng, "复工人员通行证样式.png")]
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
