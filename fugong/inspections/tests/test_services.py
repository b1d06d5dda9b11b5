from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from fugong.audit.models import AuditAction, AuditEvent
from fugong.core.errors import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
)
from fugong.core.files import check_attachment
from fugong.core.testing import assert_nothing_written, database_counts
from fugong.guide.models import GuideItem, GuideVersion
from fugong.inspections import services
from fugong.inspections.models import (
    Finding,
    FindingAttachment,
    FindingStatus,
    InspectionItemResult,
    InspectionKind,
    InspectionStatus,
    Rectification,
)
from fugong.resumption.models import Suspension
from fugong.resumption.tests.factories import make_application

from .factories import checked_pdf, checked_png, first_item, make_finding, make_inspection

pytestmark = pytest.mark.django_db


# ----- the whole life of a finding -----------------------------------------------------------


def test_the_whole_life_of_a_finding(park, today):
    inspection = make_inspection(actor=park.inspector, enterprise=park.a, team="王强")
    assert inspection.status == InspectionStatus.DRAFT and inspection.guide_version.items.exists()
    item, other_item = inspection.guide_version.items.order_by("position", "code")[:2]
    finding = make_finding(
        actor=park.inspector, inspection=inspection, item=item, deadline=today + timedelta(days=2)
    )
    services.finding_attachment_add(
        actor=park.inspector, finding=finding, upload=checked_png(), purpose="photo"
    )
    services.inspection_update(
        actor=park.inspector,
        inspection=inspection,
        item_results={item.pk: (False, "入口无人值守"), other_item.pk: (True, "")},
        summary="入口有缺漏",
    )
    assert InspectionItemResult.objects.filter(inspection=inspection).count() == 2
    services.inspection_complete(actor=park.inspector, inspection=inspection)

    # The enterprise answers with evidence uploaded first, then the rectification.
    services.finding_attachment_add(
        actor=park.officer, finding=finding, upload=checked_pdf(), purpose="evidence"
    )
    first = services.rectification_submit(
        actor=park.officer, finding=finding, response="已设检测点", uploads=[checked_png("2.png")]
    )
    assert first.round == 1 and first.attachments.count() == 2
    finding.refresh_from_db()
    assert finding.status == FindingStatus.SUBMITTED

    # Reopened with a new deadline: a second round.
    new_deadline = today + timedelta(days=5)
    services.rectification_review(
        actor=park.inspector,
        finding=finding,
        accept=False,
        note="无登记本",
        new_deadline=new_deadline,
    )
    finding.refresh_from_db()
    assert (finding.status, finding.round, finding.deadline) == ("open", 2, new_deadline)
    first.refresh_from_db()
    assert first.decision == "reopened" and first.new_deadline == new_deadline

    second = services.rectification_submit(
        actor=park.officer, finding=finding, response="已补登记本"
    )
    assert second.round == 2 and second.attachments.count() == 0
    services.rectification_review(actor=park.inspector, finding=finding, accept=True)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.ACCEPTED
    assert finding.accepted_by == park.inspector and finding.accepted_at is not None
    assert Rectification.objects.filter(finding=finding).count() == 2

    actions = list(
        AuditEvent.objects.filter(enterprise_id=park.a.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        AuditAction.INSPECTION_CREATED,
        AuditAction.FINDING_ADDED,
        AuditAction.FINDING_ATTACHMENT_ADDED,
        AuditAction.INSPECTION_UPDATED,
        AuditAction.INSPECTION_COMPLETED,
        AuditAction.FINDING_ATTACHMENT_ADDED,
        AuditAction.FINDING_RECTIFIED,
        AuditAction.FINDING_REOPENED,
        AuditAction.FINDING_RECTIFIED,
        AuditAction.FINDING_ACCEPTED,
    ]


# ----- creating inspections ------------------------------------------------------------------


def test_inspectors_and_command_inspect_any_enterprise(park):
    for actor in (park.inspector, park.command):
        inspection = make_inspection(actor=actor, enterprise=park.b)
        assert inspection.inspector == actor


def test_a_liaison_records_follow_ups_of_their_own_enterprises_only(park):
    visit = make_inspection(actor=park.liaison, enterprise=park.a, kind=InspectionKind.FOLLOW_UP)
    assert visit.kind == "follow_up"
    before = database_counts()
    with pytest.raises(PermissionDeniedError):
        make_inspection(actor=park.liaison, enterprise=park.a, kind=InspectionKind.UNANNOUNCED)
    with pytest.raises(NotFoundError):
        make_inspection(actor=park.liaison, enterprise=park.b, kind=InspectionKind.FOLLOW_UP)
    assert_nothing_written(before)


@pytest.mark.parametrize("role", ["officer", "gate", "district"])
def test_other_roles_cannot_inspect(park, role):
    before = database_counts()
    with pytest.raises(PermissionDeniedError):
        make_inspection(actor=park.users()[role], enterprise=park.a)
    assert_nothing_written(before)


def test_an_inspection_cannot_be_dated_in_the_future(park, tomorrow):
    before = database_counts()
    with pytest.raises(ApplicationError) as caught:
        make_inspection(actor=park.inspector, enterprise=park.a, inspected_on=tomorrow)
    assert caught.value.status == 400 and "inspected_on" in caught.value.fields
    assert_nothing_written(before)


def test_no_published_guide_is_a_conflict(park):
    GuideVersion.objects.update(status=GuideVersion.Status.DRAFT)
    with pytest.raises(ApplicationError) as caught:
        make_inspection(actor=park.inspector, enterprise=park.a)
    assert caught.value.status == 409


def test_a_reinspection_follows_an_inspection_of_the_same_enterprise(park):
    first = make_inspection(actor=park.inspector, enterprise=park.a)
    again = make_inspection(
        actor=park.inspector, enterprise=park.a, kind=InspectionKind.REINSPECTION, follows=first
    )
    assert again.follows == first
    other = make_inspection(actor=park.inspector, enterprise=park.b)
    with pytest.raises(ApplicationError) as caught:
        make_inspection(actor=park.inspector, enterprise=park.a, follows=other)
    assert "follows" in caught.value.fields


# ----- recording -----------------------------------------------------------------------------


def test_only_its_inspector_or_command_records_it(park, draft):
    services.inspection_update(actor=park.command, inspection=draft, summary="指挥部补记")
    other_inspector = park.inspector.__class__.objects.create(
        username="inspector2", role="inspector"
    )
    before = database_counts()
    with pytest.raises(PermissionDeniedError):
        services.inspection_update(actor=other_inspector, inspection=draft, summary="x")
    with pytest.raises(PermissionDeniedError):
        make_finding(actor=other_inspector, inspection=draft)
    with pytest.raises(PermissionDeniedError):
        services.inspection_complete(actor=other_inspector, inspection=draft)
    assert_nothing_written(before)


def test_an_unknown_item_is_refused(park, draft):
    other_version_item = GuideItem.objects.create(
        version=GuideVersion.objects.create(number=99, title="草稿"), code="X1", category="people"
    )
    before = database_counts()
    with pytest.raises(ApplicationError) as caught:
        services.inspection_update(
            actor=park.inspector, inspection=draft, item_results={other_version_item.pk: (True, "")}
        )
    assert caught.value.code == "unknown_item"
    with pytest.raises(ApplicationError) as caught:
        make_finding(actor=park.inspector, inspection=draft, item=other_version_item)
    assert caught.value.code == "unknown_item"
    assert_nothing_written(before)


def test_a_deadline_before_the_inspection_is_refused(park, today):
    inspection = make_inspection(
        actor=park.inspector, enterprise=park.a, inspected_on=today - timedelta(days=3)
    )
    before = database_counts()
    with pytest.raises(ApplicationError) as caught:
        make_finding(
            actor=park.inspector, inspection=inspection, deadline=today - timedelta(days=4)
        )
    assert caught.value.status == 400
    assert caught.value.fields == {"deadline": ["The deadline is before the inspection."]}
    assert_nothing_written(before)


def test_a_finding_needs_its_texts_and_severity(park, draft):
    with pytest.raises(ApplicationError) as caught:
        services.finding_add(
            actor=park.inspector,
            inspection=draft,
            description=" ",
            severity="grave",
            rectification_required="",
            deadline=None,
        )
    assert set(caught.value.fields) == {
        "description",
        "severity",
        "rectification_required",
        "deadline",
    }


def test_completing_needs_a_summary_or_a_result_and_then_freezes(park, draft, draft_finding):
    with pytest.raises(ApplicationError) as caught:
        services.inspection_complete(actor=park.inspector, inspection=draft)
    assert caught.value.code == "incomplete"
    services.inspection_update(
        actor=park.inspector, inspection=draft, item_results={first_item().pk: (True, "")}
    )
    services.inspection_complete(actor=park.inspector, inspection=draft)
    before = database_counts()
    with pytest.raises(ConflictError):
        services.inspection_update(actor=park.inspector, inspection=draft, summary="迟到")
    with pytest.raises(ConflictError):
        make_finding(actor=park.inspector, inspection=draft)
    with pytest.raises(ConflictError):
        services.inspection_complete(actor=park.inspector, inspection=draft)
    with pytest.raises(ConflictError):
        services.finding_attachment_add(
            actor=park.inspector, finding=draft_finding, upload=checked_png(), purpose="photo"
        )
    assert_nothing_written(before)


# ----- attachments ---------------------------------------------------------------------------


def test_an_attachment_that_is_not_what_it_claims_is_refused(park, finding):
    before = database_counts()
    fake = SimpleUploadedFile("evidence.pdf", b"just some text", content_type="application/pdf")
    with pytest.raises(ApplicationError) as caught:
        services.finding_attachment_add(
            actor=park.officer, finding=finding, upload=check_attachment(fake), purpose="evidence"
        )
    assert caught.value.status == 400 and caught.value.code == "unsupported_file"
    assert_nothing_written(before)


@override_settings(FUGONG_ATTACHMENT_MAX_BYTES=1024)
def test_an_oversize_attachment_is_refused(park, finding):
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 2048 + b"\n%%EOF\n")
    with pytest.raises(PayloadTooLargeError) as caught:
        check_attachment(big)
    assert caught.value.status == 413


def test_at_most_twenty_attachments_per_finding(park, finding):
    for number in range(services.MAX_ATTACHMENTS_PER_FINDING):
        services.finding_attachment_add(
            actor=park.officer,
            finding=finding,
            upload=checked_pdf(f"{number}.pdf"),
            purpose="evidence",
        )
    before = database_counts()
    with pytest.raises(ConflictError):
        services.finding_attachment_add(
            actor=park.officer, finding=finding, upload=checked_pdf(), purpose="evidence"
        )
    assert_nothing_written(before)


def test_who_attaches_what(park, draft_finding, finding):
    before = database_counts()
    # Evidence only from the enterprise's officer, and not before the inspection is completed.
    with pytest.raises(NotFoundError):
        services.finding_attachment_add(
            actor=park.other_officer, finding=finding, upload=checked_pdf(), purpose="evidence"
        )
    with pytest.raises(NotFoundError):
        services.finding_attachment_add(
            actor=park.officer, finding=draft_finding, upload=checked_pdf(), purpose="evidence"
        )
    with pytest.raises(PermissionDeniedError):
        services.finding_attachment_add(
            actor=park.inspector, finding=finding, upload=checked_pdf(), purpose="evidence"
        )
    with pytest.raises(PermissionDeniedError):
        services.finding_attachment_add(
            actor=park.officer, finding=draft_finding, upload=checked_png(), purpose="photo"
        )
    assert_nothing_written(before)
    attachment = services.finding_attachment_add(
        actor=park.inspector, finding=draft_finding, upload=checked_png(), purpose="photo"
    )
    assert attachment.file.name.startswith(f"findings/{draft_finding.pk}/")
    assert attachment.content_type == "image/png" and attachment.original_name == "photo.png"


# ----- rectification -------------------------------------------------------------------------


def test_rectifying_another_enterprises_finding_is_not_found(park, finding):
    before = database_counts()
    with pytest.raises(NotFoundError):
        services.rectification_submit(actor=park.other_officer, finding=finding, response="已改")
    assert_nothing_written(before)


def test_a_finding_of_a_draft_inspection_cannot_be_rectified(park, draft_finding):
    before = database_counts()
    with pytest.raises(NotFoundError):
        services.rectification_submit(actor=park.officer, finding=draft_finding, response="已改")
    assert_nothing_written(before)


@pytest.mark.parametrize("role", ["command", "liaison", "inspector", "gate", "district"])
def test_only_the_officer_rectifies(park, finding, role):
    before = database_counts()
    with pytest.raises(PermissionDeniedError):
        services.rectification_submit(actor=park.users()[role], finding=finding, response="已改")
    assert_nothing_written(before)


def test_a_rectification_needs_a_response_and_an_open_finding(park, finding):
    with pytest.raises(ApplicationError) as caught:
        services.rectification_submit(actor=park.officer, finding=finding, response="  ")
    assert "response" in caught.value.fields
    services.rectification_submit(actor=park.officer, finding=finding, response="已改")
    before = database_counts()
    with pytest.raises(ConflictError):
        services.rectification_submit(actor=park.officer, finding=finding, response="再改")
    with pytest.raises(ConflictError):
        services.finding_attachment_add(
            actor=park.officer, finding=finding, upload=checked_pdf(), purpose="evidence"
        )
    assert_nothing_written(before)


# ----- review --------------------------------------------------------------------------------


@pytest.fixture
def submitted(park, finding):
    services.rectification_submit(actor=park.officer, finding=finding, response="已改")
    return Finding.objects.get(pk=finding.pk)


def test_reopening_needs_a_note_and_a_deadline_not_in_the_past(park, submitted, today):
    before = database_counts()
    with pytest.raises(ApplicationError) as caught:
        services.rectification_review(actor=park.inspector, finding=submitted, accept=False)
    assert "note" in caught.value.fields
    with pytest.raises(ApplicationError) as caught:
        services.rectification_review(
            actor=park.inspector,
            finding=submitted,
            accept=False,
            note="不够",
            new_deadline=today - timedelta(days=1),
        )
    assert "new_deadline" in caught.value.fields
    assert_nothing_written(before)
    services.rectification_review(
        actor=park.inspector, finding=submitted, accept=False, note="不够", new_deadline=today
    )
    submitted.refresh_from_db()
    assert submitted.deadline == today and submitted.round == 2


def test_reopening_without_a_new_deadline_keeps_the_old_one(park, submitted):
    old = submitted.deadline
    services.rectification_review(actor=park.command, finding=submitted, accept=False, note="不够")
    submitted.refresh_from_db()
    assert submitted.deadline == old and submitted.status == "open"


def test_who_reviews(park, submitted):
    before = database_counts()
    for role in ("officer", "gate", "district"):
        with pytest.raises(PermissionDeniedError):
            services.rectification_review(actor=park.users()[role], finding=submitted, accept=True)
    # A liaison reviews only the inspections they recorded; another's enterprise is 404.
    with pytest.raises(PermissionDeniedError):
        services.rectification_review(actor=park.liaison, finding=submitted, accept=True)
    with pytest.raises(NotFoundError):
        services.rectification_review(actor=park.other_liaison, finding=submitted, accept=True)
    assert_nothing_written(before)
    services.rectification_review(actor=park.command, finding=submitted, accept=True)
    before = database_counts()
    with pytest.raises(ConflictError):
        services.rectification_review(actor=park.command, finding=submitted, accept=True)
    assert_nothing_written(before)


def test_a_liaison_reviews_their_own_follow_up(park):
    visit = make_inspection(actor=park.liaison, enterprise=park.a, kind=InspectionKind.FOLLOW_UP)
    finding = make_finding(actor=park.liaison, inspection=visit)
    services.inspection_update(actor=park.liaison, inspection=visit, summary="回访")
    services.inspection_complete(actor=park.liaison, inspection=visit)
    services.rectification_submit(actor=park.officer, finding=finding, response="已改")
    services.rectification_review(actor=park.liaison, finding=finding, accept=True)
    assert Finding.objects.get(pk=finding.pk).status == "accepted"


# ----- suspension on a serious finding -------------------------------------------------------


def test_command_suspends_the_enterprise_on_a_serious_finding(park, serious_finding, finding):
    make_application(
        officer=park.officer, liaison=park.liaison, command=park.command, state="approved"
    )
    before = database_counts()
    with pytest.raises(ConflictError):
        services.finding_suspend_enterprise(actor=park.command, finding=finding, reason="严重")
    with pytest.raises(PermissionDeniedError):
        services.finding_suspend_enterprise(
            actor=park.inspector, finding=serious_finding, reason="严重"
        )
    assert_nothing_written(before)
    suspension = services.finding_suspend_enterprise(
        actor=park.command, finding=serious_finding, reason="发热员工未隔离"
    )
    assert suspension.starts_on == timezone.localdate()
    assert Suspension.objects.get(enterprise=park.a).reason == "发热员工未隔离"
    event = AuditEvent.objects.get(action=AuditAction.ENTERPRISE_SUSPENDED)
    assert event.data["finding_id"] == serious_finding.pk


def test_suspension_on_a_finding_needs_an_approved_enterprise(park, serious_finding):
    before = database_counts()
    with pytest.raises(ConflictError):
        services.finding_suspend_enterprise(actor=park.command, finding=serious_finding, reason="x")
    assert_nothing_written(before)


def test_attachments_are_stored_once(park, draft_finding):
    services.finding_attachment_add(
        actor=park.inspector, finding=draft_finding, upload=checked_png(), purpose="photo"
    )
    assert FindingAttachment.objects.get().sha256


def test_a_rectification_that_fails_after_storing_its_evidence_leaves_no_file(
    park, finding, monkeypatch
):
    from fugong.core.testing import media_files

    before = database_counts()
    with monkeypatch.context() as patch:
        patch.setattr(services.rectification, "audit_event_record", _audit_fails)
        with pytest.raises(RuntimeError):
            services.rectification_submit(
                actor=park.officer,
                finding=finding,
                response="已整改",
                uploads=[checked_pdf("a.pdf"), checked_png("b.png")],
            )
    assert media_files() == []
    assert_nothing_written(before)
    services.rectification_submit(
        actor=park.officer, finding=finding, response="已整改", uploads=[checked_pdf("a.pdf")]
    )
    assert media_files() == [FindingAttachment.objects.get().file.name]


def _audit_fails(**kwargs):
    raise RuntimeError("the audit table is unavailable")
