"""The demo's inspections, bulletins and notices, built on the small park (the whole demo is
built once in test_load_demo)."""

import itertools
import random

import pytest
from django.utils import timezone

from fugong.bulletins.models import Bulletin, BulletinStatus, Notice, NoticeRecipient
from fugong.demo.inspections import make_inspections
from fugong.demo.park import Plan
from fugong.inspections.models import (
    AttachmentPurpose,
    Finding,
    FindingAttachment,
    FindingSeverity,
    Inspection,
    InspectionKind,
    InspectionStatus,
    Rectification,
    RectificationDecision,
)
from fugong.inspections.selectors import _overdue_q

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(park, today):
    plans = [
        Plan(park.a, "resumed", officer=park.officer),
        Plan(park.b, "resumed", officer=park.other_officer),
    ]
    logins = {
        "command": park.command,
        "inspector": park.inspector,
        "liaison": park.liaison,
        "officer": park.officer,
    }
    return make_inspections(
        command=park.command, plans=plans, logins=logins, today=today, rng=random.Random(2020)
    )


def test_inspections_of_every_kind_walk_the_guide(built, park):
    completed = Inspection.objects.filter(status=InspectionStatus.COMPLETED)
    assert built["inspections"] == completed.count() >= 20
    assert set(completed.values_list("kind", flat=True)) == set(InspectionKind.values)
    assert completed.filter(inspector=park.inspector).count() > completed.count() / 2
    assert completed.filter(kind=InspectionKind.REINSPECTION, follows__isnull=False).exists()
    # Follow-up visits are the liaisons', at their own enterprises.
    for inspection in completed.filter(kind=InspectionKind.FOLLOW_UP):
        assert inspection.inspector_id == inspection.enterprise.liaison_id
    for inspection in completed:
        results = list(inspection.item_results.all())
        assert len(results) >= 17 and inspection.summary
        assert sum(result.met is False for result in results) <= 3
    assert completed.filter(item_results__met=False).exists()
    assert completed.exclude(good_practice="").exists()


def test_findings_stand_in_every_state(built, today):
    findings = Finding.objects.all()
    assert built["findings"] == findings.count()
    now = timezone.now()
    open_ = findings.filter(status="open")
    assert open_.filter(deadline__gte=today).exists()  # open, not yet due
    assert findings.filter(_overdue_q(today)).exists()  # open, overdue
    assert findings.filter(status="submitted", round=1).exists()
    assert findings.filter(status="accepted").exists()
    reopened = findings.filter(rectifications__decision=RectificationDecision.REOPENED).distinct()
    assert reopened.filter(status="open", deadline__gte=today).exists()  # new deadline
    assert reopened.filter(status="submitted").exists()  # answered again
    assert reopened.filter(status="accepted").exists()
    assert findings.filter(severity=FindingSeverity.SERIOUS).count() >= 2
    # Photos and evidence, every moment in the past, every answer by the enterprise's officer.
    assert FindingAttachment.objects.filter(purpose=AttachmentPurpose.PHOTO).exists()
    assert FindingAttachment.objects.filter(
        purpose=AttachmentPurpose.EVIDENCE, rectification__isnull=False
    ).exists()
    for rectification in Rectification.objects.select_related("finding", "submitted_by"):
        assert rectification.submitted_by.enterprise_id == rectification.finding.enterprise_id
        assert rectification.submitted_at <= now
        assert rectification.decided_at is None or (
            rectification.submitted_at <= rectification.decided_at <= now
        )
    assert not findings.filter(created_at__gt=now).exists()


def test_seven_bulletins_published_in_order_and_a_draft(built, today):
    published = Bulletin.objects.filter(status=BulletinStatus.PUBLISHED).order_by("number")
    assert built["bulletins"] == 7
    assert len({bulletin.year for bulletin in published}) == 1
    assert [bulletin.number for bulletin in published] == list(range(1, 8))
    periods = [(bulletin.period_start, bulletin.period_end) for bulletin in published]
    for (_start, end), (next_start, _end) in itertools.pairwise(periods):
        assert (next_start - end).days == 1
    published_at = [bulletin.published_at for bulletin in published]
    assert published_at == sorted(published_at) and published_at[-1] <= timezone.now()
    assert all("通报" in bulletin.title for bulletin in published)
    # Every period had its inspections.
    assert all("园区共开展督查" in bulletin.overview for bulletin in published)
    assert published.filter(enterprises__isnull=False).exists()
    assert Bulletin.objects.filter(status=BulletinStatus.DRAFT).count() == 1


def test_eighteen_notices_with_acknowledgements(built, today, park):
    notices = Notice.objects.order_by("issued_on", "id")
    assert built["notices"] == notices.count() == 18
    year = notices.last().issued_on.year
    if notices.first().issued_on.year == year:
        assert [notice.document_number for notice in notices] == [
            f"新港防指〔{year}〕{number}号" for number in range(1, 19)
        ]
    assert notices.filter(attachments__isnull=False).count() >= 1
    assert all(notice.issued_on <= today for notice in notices)
    acknowledged = NoticeRecipient.objects.filter(acknowledged_at__isnull=False)
    assert built["acknowledgements"] == acknowledged.count() > 0
    assert NoticeRecipient.objects.filter(acknowledged_at__isnull=True).exists()
    for recipient in acknowledged.select_related("notice", "acknowledged_by"):
        assert recipient.acknowledged_by.enterprise_id == recipient.enterprise_id
        assert recipient.acknowledged_at >= recipient.notice.created_at
