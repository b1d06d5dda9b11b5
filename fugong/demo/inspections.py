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

import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from fugong.accounts.models import User
from fugong.core.roles import Role
from fugong.enterprises.models import EnterpriseKind
from fugong.guide.selectors import guide_version_current
from fugong.inspections import services as inspections
from fugong.inspections.models import AttachmentPurpose, Finding, Inspection, InspectionKind
from fugong.resumption.models import ApplicationStatus, ResumptionApplication

from .attachments import demo_png
from .bulletins import BulletinsAndNotices
from .inspection_texts import (
    ACCEPT_NOTES,
    COMMON_CODES,
    FINDINGS,
    FOLLOW_UP_CODES,
    GOOD_PRACTICE,
    REOPEN_GENERIC,
    REOPEN_NOTES,
    SECOND_RESPONSES,
    SUMMARIES_CLEAN,
    SUMMARY_OPENINGS,
    TEAMS,
    WINDOW_DAYS,
    FindingPlan,
    Step,
    finding_fate,
)

if TYPE_CHECKING:
    from .park import Plan


def make_inspections(*, command: User, plans, logins: dict, today: date, rng) -> dict:
    """Inspections with findings and rectifications, bulletins and notices for the demo park."""
    return _Builder(command=command, plans=plans, logins=logins, today=today, rng=rng).build()


class _Builder(BulletinsAndNotices):
    def __init__(
        self,
        *,
        command: User,
        plans: list[Plan],
        logins: dict[str, User],
        today: date,
        rng: random.Random,
    ) -> None:
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
        findings: Sequence[FindingPlan] = (),
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
        results: dict[int, tuple[bool | None, str]] = {
            item.pk: (True, "") for item in self.items.values()
        }
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
            assert finding.text is not None  # chosen above
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
                        upload=demo_png(self.rng, f"现场照片{index}.png"),
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
        assert plan.text is not None  # chosen when the finding was made (``inspect``)
        response = plan.text[2]
        submitted_at: datetime | None = None
        for step in plan.steps:
            if step.action == "submit":
                submitted_at = self.at(step.day, rng.choice((9, 10, 11)))
                evidence = [demo_png(self.rng, "整改照片.png")] if rng.random() < 0.65 else []
                inspections.rectification_submit(
                    actor=officer,
                    finding=finding,
                    response=response,
                    uploads=evidence,
                    at=submitted_at,
                )
                response = rng.choice(SECOND_RESPONSES)
            elif step.action == "reopen":
                assert submitted_at is not None  # a review follows an answer
                inspections.rectification_review(
                    actor=reviewer,
                    finding=finding,
                    accept=False,
                    note=REOPEN_NOTES.get(plan.code) or rng.choice(REOPEN_GENERIC),
                    new_deadline=step.new_deadline,
                    at=max(self.at(step.day, rng.choice((14, 15, 16))), submitted_at),
                )
            elif step.action == "accept":
                assert submitted_at is not None  # a review follows an answer
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
            steps, reinspect = finding_fate(self.rng, last=self.last, found=day, deadline=deadline)
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
            assert accept_day is not None  # the latest of the later acceptances
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
                steps, _reinspect = finding_fate(
                    self.rng, last=self.last, found=day, deadline=deadline
                )
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
