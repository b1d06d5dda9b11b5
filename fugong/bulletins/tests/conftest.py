"""A hand-built week of inspections whose every figure is known (see ``period``), and helpers."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from fugong.bulletins import services
from fugong.enterprises.models import Enterprise
from fugong.enterprises.tests.factories import EnterpriseFactory
from fugong.inspections.models import (
    Finding,
    FindingStatus,
    Inspection,
    InspectionStatus,
    Rectification,
    RectificationDecision,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_upload(name="notice.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def liar_upload() -> SimpleUploadedFile:
    """Says it is a PDF; is an HTML page."""
    return SimpleUploadedFile(
        "notice.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"
    )


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@dataclass
class Period:
    start: date
    end: date
    c: Enterprise  # a third enterprise: inspected, nothing found
    findings: dict[str, Finding]

    def day(self, offset: int) -> date:
        return self.start + timedelta(days=offset)


def inspect(enterprise, kind, day, inspector, guide, *, status=InspectionStatus.COMPLETED, good=""):
    return Inspection.objects.create(
        enterprise=enterprise,
        kind=kind,
        inspected_on=day,
        inspector=inspector,
        guide_version=guide,
        status=status,
        good_practice=good,
        completed_at=at(day, 17) if status == InspectionStatus.COMPLETED else None,
    )


def find(inspection, description, severity, deadline, **extra) -> Finding:
    return Finding.objects.create(
        inspection=inspection,
        enterprise=inspection.enterprise,
        description=description,
        severity=severity,
        rectification_required="立即整改",
        deadline=deadline,
        **extra,
    )


@pytest.fixture
def period(park, guide) -> Period:
    """Seven days ending two weeks ago:

    - day 1, ``a``, unannounced: 卡口未测体温 (serious, accepted on day 2) and 食堂未错峰就餐
      (minor, rectified on day 3, accepted only after the period): good practice 三道测温关口;
    - day 2, ``b``, routine: 未设废弃口罩收集桶 (major, deadline day 3, nothing done: overdue);
    - day 5, ``c``, unannounced: nothing found; good practice 宿舍每间不超过4人;
    - day 5, ``a``, re-inspection: 消毒记录不全 (minor, deadline after the period: open);
    - outside it: a completed inspection the day before, one on the day after, and one still
      being recorded on day 3 — each with a finding that must not count.
    """
    start = timezone.localdate() - timedelta(days=20)
    end = start + timedelta(days=6)
    c = EnterpriseFactory(name="丙企业有限公司")
    inspector = park.inspector
    day = lambda offset: start + timedelta(days=offset)  # noqa: E731
    first = inspect(park.a, "unannounced", day(1), inspector, guide, good="三道测温关口")
    gate_finding = find(
        first,
        "卡口未测体温",
        "serious",
        day(2),
        status=FindingStatus.ACCEPTED,
        accepted_at=at(day(2), 15),
        accepted_by=inspector,
    )
    canteen = find(
        first,
        "食堂未错峰就餐",
        "minor",
        day(4),
        status=FindingStatus.ACCEPTED,
        accepted_at=at(end + timedelta(days=2)),
        accepted_by=inspector,
    )
    Rectification.objects.create(
        finding=canteen,
        round=1,
        response="已错峰",
        submitted_by=park.officer,
        submitted_at=at(day(3)),
        decision=RectificationDecision.ACCEPTED,
        decided_by=inspector,
        decided_at=at(end + timedelta(days=2)),
    )
    second = inspect(park.b, "routine", day(2), inspector, guide)
    bins = find(second, "未设废弃口罩收集桶", "major", day(3))
    inspect(c, "unannounced", day(5), inspector, guide, good="宿舍每间不超过4人")
    again = inspect(park.a, "reinspection", day(5), inspector, guide)
    records = find(again, "消毒记录不全", "minor", end + timedelta(days=5))
    before = inspect(park.b, "routine", start - timedelta(days=1), inspector, guide)
    find(before, "之前的问题", "serious", day(1))
    after = inspect(park.b, "routine", end + timedelta(days=1), inspector, guide)
    find(after, "之后的问题", "serious", end + timedelta(days=3))
    unfinished = inspect(c, "routine", day(3), inspector, guide, status=InspectionStatus.DRAFT)
    find(unfinished, "未完成督查的问题", "serious", day(5))
    return Period(
        start=start,
        end=end,
        c=c,
        findings={"gate": gate_finding, "canteen": canteen, "bins": bins, "records": records},
    )


def draft(park, start=None, end=None, **extra):
    today = timezone.localdate()
    return services.bulletin_draft(
        actor=park.command,
        period_start=start or today - timedelta(days=7),
        period_end=end or today - timedelta(days=1),
        **extra,
    )


def published(park, **extra):
    bulletin = draft(park, **extra)
    services.bulletin_update(actor=park.command, bulletin=bulletin, enterprises=[park.a])
    return services.bulletin_publish(actor=park.command, bulletin=bulletin)


def issue(park, number="园指发〔2020〕1号", *, to_all=False, enterprises=None, uploads=(), **extra):
    fields = {
        "document_number": number,
        "title": "关于加强复工企业疫情防控的通知",
        "issued_on": timezone.localdate(),
        "body": "各企业：请严格落实卡口四不要求。",
        "to_all": to_all,
        "enterprises": [park.a] if enterprises is None and not to_all else (enterprises or ()),
        "uploads": uploads,
    }
    fields.update(extra)
    return services.notice_issue(actor=park.command, **fields)
