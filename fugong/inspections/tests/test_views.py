from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from fugong.audit.models import AuditAction, AuditEvent
from fugong.core.testing import (
    PARK_ROLES,
    assert_nothing_written,
    assert_upright_without_metadata,
    database_counts,
    media_files,
    photo_with_gps,
)
from fugong.inspections import services
from fugong.inspections.models import Finding, FindingAttachment, Inspection
from fugong.resumption.models import Suspension
from fugong.resumption.tests.factories import make_application

from .factories import PDF, first_item, png_bytes, png_upload

pytestmark = pytest.mark.django_db

# Reading a completed inspection of enterprise ``a`` and its findings.
READ = {
    "command": 200,
    "inspector": 200,
    "liaison": 200,
    "officer": 200,
    "other_liaison": 404,
    "other_officer": 404,
}


def finding_data(today, **changes):
    data = {
        "description": "食堂未错峰就餐",
        "severity": "major",
        "rectification_required": "分批就餐",
        "deadline": (today + timedelta(days=2)).isoformat(),
    }
    data.update(changes)
    return data


@pytest.fixture
def submitted(park, finding):
    services.rectification_submit(actor=park.officer, finding=finding, response="已改")
    return Finding.objects.get(pk=finding.pk)


# ----- the list and recording an inspection --------------------------------------------------


@pytest.mark.parametrize("role", PARK_ROLES)
def test_the_list_by_role(client, park, finding, role):
    client.force_login(park.users()[role])
    response = client.get(reverse("inspections:list"))
    expected = 403 if role in ("gate", "district") else 200
    assert response.status_code == expected
    if expected == 200:
        body = response.content.decode()
        assert (f'data-inspection-id="{finding.inspection_id}"' in body) == (READ[role] == 200)
        assert ('id="inspection-create"' in body) == (
            role in ("command", "inspector", "liaison", "other_liaison")
        )


@pytest.mark.parametrize("role", PARK_ROLES)
def test_recording_an_inspection_by_role(client, park, today, role):
    client.force_login(park.users()[role])
    before = database_counts()
    response = client.post(
        reverse("inspections:list"),
        {"enterprise": park.a.pk, "kind": "unannounced", "inspected_on": today.isoformat()},
    )
    if role in ("command", "inspector"):
        inspection = Inspection.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("inspections:detail", args=[inspection.pk])
        assert inspection.inspector == park.users()[role]
    else:
        # A liaison may choose only follow-up visits, and only of their own enterprises.
        expected = 400 if role in ("liaison", "other_liaison") else 403
        assert response.status_code == expected
        assert_nothing_written(before)


def test_a_liaison_records_a_follow_up_visit(client, park, today):
    client.force_login(park.liaison)
    response = client.post(
        reverse("inspections:list"),
        {"enterprise": park.a.pk, "kind": "follow_up", "inspected_on": today.isoformat()},
    )
    assert response.status_code == 302
    assert Inspection.objects.get().kind == "follow_up"


def test_a_future_date_is_shown_on_the_form(client, park, tomorrow):
    client.force_login(park.inspector)
    before = database_counts()
    response = client.post(
        reverse("inspections:list"),
        {"enterprise": park.a.pk, "kind": "routine", "inspected_on": tomorrow.isoformat()},
    )
    assert response.status_code == 400
    assert 'id="form-errors"' in response.content.decode()
    assert_nothing_written(before)


# ----- the inspection page -------------------------------------------------------------------


@pytest.mark.parametrize("role", PARK_ROLES)
def test_the_inspection_page_by_role(client, park, finding, draft, role):
    client.force_login(park.users()[role])
    completed = client.get(reverse("inspections:detail", args=[finding.inspection_id]))
    drafted = client.get(reverse("inspections:detail", args=[draft.pk]))
    expected = READ.get(role, 403)
    assert completed.status_code == expected
    # The enterprise does not see an inspection while it is being recorded.
    assert drafted.status_code == (404 if role == "officer" else expected)
    if expected == 200:
        assert f'data-finding-id="{finding.pk}"' in completed.content.decode()
        editable = 'id="checklist-form"' in drafted.content.decode()
        assert editable == (role in ("command", "inspector"))


# What a write on the draft inspection answers, by role (its inspector is ``inspector``).
WRITE_DRAFT = {
    "command": 302,
    "inspector": 302,
    "liaison": 403,
    "other_liaison": 404,
    "officer": 404,
    "other_officer": 404,
    "gate": 403,
    "district": 403,
}


@pytest.mark.parametrize("role", PARK_ROLES)
def test_saving_the_checklist_by_role(client, park, draft, role):
    item = first_item()
    client.force_login(park.users()[role])
    before = database_counts()
    response = client.post(
        reverse("inspections:update", args=[draft.pk]),
        {f"item_{item.pk}_met": "0", f"item_{item.pk}_note": "无人值守", "summary": "入口缺漏"},
    )
    assert response.status_code == WRITE_DRAFT[role]
    if WRITE_DRAFT[role] == 302:
        result = draft.item_results.get()
        assert (result.item, result.met, result.note) == (item, False, "无人值守")
        assert Inspection.objects.get().summary == "入口缺漏"
    else:
        assert_nothing_written(before)


@pytest.mark.parametrize("role", PARK_ROLES)
def test_adding_a_finding_by_role(client, park, draft, today, role):
    client.force_login(park.users()[role])
    before = database_counts()
    response = client.post(
        reverse("inspections:finding_add", args=[draft.pk]),
        {**finding_data(today), "photo": png_upload()},
    )
    assert response.status_code == WRITE_DRAFT[role]
    if WRITE_DRAFT[role] == 302:
        finding = Finding.objects.get()
        assert finding.enterprise == park.a and finding.attachments.get().purpose == "photo"
    else:
        assert_nothing_written(before)


def test_adding_a_finding_with_htmx_returns_the_findings(client, park, draft, today):
    client.force_login(park.inspector)
    response = client.post(
        reverse("inspections:finding_add", args=[draft.pk]),
        finding_data(today),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 201
    body = response.content.decode()
    assert "<html" not in body and f'data-finding-id="{Finding.objects.get().pk}"' in body


def test_a_deadline_before_the_inspection_is_shown_on_the_form(client, park, today):
    inspection = services.inspection_create(
        actor=park.inspector,
        enterprise=park.a,
        kind="routine",
        inspected_on=today - timedelta(days=2),
    )
    client.force_login(park.inspector)
    before = database_counts()
    response = client.post(
        reverse("inspections:finding_add", args=[inspection.pk]),
        finding_data(today, deadline=(today - timedelta(days=3)).isoformat()),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert 'id="finding-form"' in response.content.decode()
    assert_nothing_written(before)


def test_a_photo_is_stored_without_its_gps_and_upright(client, park, draft, today):
    client.force_login(park.inspector)
    photo = SimpleUploadedFile("IMG_0001.jpg", photo_with_gps(), content_type="image/jpeg")
    response = client.post(
        reverse("inspections:finding_add", args=[draft.pk]), {**finding_data(today), "photo": photo}
    )
    assert response.status_code == 302
    attachment = FindingAttachment.objects.get()
    with attachment.file.open("rb") as stored:
        content = stored.read()
    assert_upright_without_metadata(content)
    assert attachment.size == len(content) and attachment.original_name == "IMG_0001.jpg"
    download = client.get(
        reverse("inspections:attachment_download", args=[attachment.finding_id, attachment.pk])
    )
    assert (
        b"".join(download.streaming_content if download.streaming else [download.content])
        == content
    )


def test_a_photo_that_is_not_an_image_leaves_no_finding(client, park, draft, today):
    client.force_login(park.inspector)
    before = database_counts()
    fake = SimpleUploadedFile("photo.png", b"not an image", content_type="image/png")
    response = client.post(
        reverse("inspections:finding_add", args=[draft.pk]), {**finding_data(today), "photo": fake}
    )
    assert response.status_code == 400
    assert_nothing_written(before)


@pytest.mark.parametrize("role", PARK_ROLES)
def test_completing_by_role(client, park, draft, draft_finding, role):
    services.inspection_update(actor=park.inspector, inspection=draft, summary="记录")
    client.force_login(park.users()[role])
    before = database_counts()
    response = client.post(reverse("inspections:complete", args=[draft.pk]))
    assert response.status_code == WRITE_DRAFT[role]
    if WRITE_DRAFT[role] == 302:
        assert Inspection.objects.get().status == "completed"
    else:
        assert_nothing_written(before)


def test_completing_an_empty_inspection_is_refused_on_the_page(client, park, draft):
    client.force_login(park.inspector)
    before = database_counts()
    response = client.post(reverse("inspections:complete", args=[draft.pk]))
    assert response.status_code == 400 and 'id="action-error"' in response.content.decode()
    assert_nothing_written(before)


# ----- findings ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", PARK_ROLES)
def test_the_findings_pages_by_role(client, park, finding, role):
    client.force_login(park.users()[role])
    listed = client.get(reverse("inspections:findings") + "?overdue=0")
    detail = client.get(reverse("inspections:finding", args=[finding.pk]))
    expected = READ.get(role, 403)
    assert detail.status_code == expected
    assert listed.status_code == (403 if expected == 403 else 200)
    if expected != 403:
        body = listed.content.decode()
        assert (f'data-finding-id="{finding.pk}"' in body) == (expected == 200)
        assert ("rectify-button" in body) == (role == "officer")
    if expected == 200:
        body = detail.content.decode()
        assert ('id="rectification-form"' in body) == (role == "officer")


def test_overdue_findings_are_highlighted_and_filtered(client, park, today):
    inspection = services.inspection_create(
        actor=park.inspector, enterprise=park.a, kind="routine", inspected_on=today - timedelta(5)
    )
    late = services.finding_add(
        actor=park.inspector,
        inspection=inspection,
        description="逾期",
        severity="minor",
        rectification_required="改",
        deadline=today - timedelta(days=1),
    )
    services.finding_add(
        actor=park.inspector,
        inspection=inspection,
        description="未到期",
        severity="minor",
        rectification_required="改",
        deadline=today + timedelta(days=1),
    )
    services.inspection_update(actor=park.inspector, inspection=inspection, summary="x")
    services.inspection_complete(actor=park.inspector, inspection=inspection)
    client.force_login(park.officer)
    body = client.get(reverse("inspections:findings") + "?overdue=1").content.decode()
    assert body.count("data-finding-id=") == 1 and f'data-finding-id="{late.pk}"' in body
    assert "table-danger" in body
    listed = client.get(reverse("inspections:list") + "?overdue=1").content.decode()
    assert f'data-inspection-id="{inspection.pk}"' in listed


# What rectifying the finding of ``a`` answers, by role.
RECTIFY = {
    "command": 403,
    "inspector": 403,
    "liaison": 403,
    "other_liaison": 404,
    "officer": 302,
    "other_officer": 404,
    "gate": 403,
    "district": 403,
}


@pytest.mark.parametrize("role", PARK_ROLES)
def test_rectifying_by_role(client, park, finding, role):
    client.force_login(park.users()[role])
    before = database_counts()
    response = client.post(
        reverse("inspections:rectify", args=[finding.pk]),
        {"response": "已设检测点", "evidence": SimpleUploadedFile("e.pdf", PDF)},
    )
    assert response.status_code == RECTIFY[role]
    if RECTIFY[role] == 302:
        finding.refresh_from_db()
        assert finding.status == "submitted"
        assert finding.rectifications.get().attachments.get().content_type == "application/pdf"
    else:
        assert_nothing_written(before)


@pytest.mark.parametrize("role", PARK_ROLES)
def test_uploading_evidence_by_role(client, park, finding, role):
    client.force_login(park.users()[role])
    before = database_counts()
    response = client.post(
        reverse("inspections:attachment_upload", args=[finding.pk]),
        {"purpose": "evidence", "file": SimpleUploadedFile("e.png", png_bytes())},
    )
    assert response.status_code == RECTIFY[role]
    if RECTIFY[role] == 302:
        assert FindingAttachment.objects.get().rectification is None
    else:
        assert_nothing_written(before)


def test_evidence_that_is_not_what_it_claims_is_refused(client, park, finding):
    client.force_login(park.officer)
    before = database_counts()
    response = client.post(
        reverse("inspections:attachment_upload", args=[finding.pk]),
        {"purpose": "evidence", "file": SimpleUploadedFile("e.pdf", b"plain text, not a PDF")},
    )
    assert response.status_code == 400 and 'id="attachment-error"' in response.content.decode()
    assert_nothing_written(before)


@override_settings(FUGONG_ATTACHMENT_MAX_BYTES=1024)
def test_oversize_evidence_is_refused(client, park, finding):
    client.force_login(park.officer)
    before = database_counts()
    response = client.post(
        reverse("inspections:rectify", args=[finding.pk]),
        {"response": "已改", "evidence": SimpleUploadedFile("e.pdf", PDF + b" " * 2048)},
    )
    assert response.status_code == 413
    assert_nothing_written(before)


@pytest.mark.parametrize("role", PARK_ROLES)
def test_downloading_an_attachment_by_role(client, park, finding, role):
    attachment = services.finding_attachment_add(
        actor=park.officer,
        finding=finding,
        upload=services_check(png_upload()),
        purpose="evidence",
    )
    client.force_login(park.users()[role])
    response = client.get(
        reverse("inspections:attachment_download", args=[finding.pk, attachment.pk])
    )
    assert response.status_code == READ.get(role, 403)
    if response.status_code == 200:
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "private" in response["Cache-Control"]
        assert 'filename="photo.png"' in response["Content-Disposition"]


def services_check(upload):
    from fugong.core.files import check_attachment

    return check_attachment(upload)


# What reviewing the submitted rectification answers, by role.
REVIEW = {
    "command": 302,
    "inspector": 302,
    "liaison": 403,
    "other_liaison": 404,
    "officer": 403,
    "other_officer": 404,
    "gate": 403,
    "district": 403,
}


@pytest.mark.parametrize("role", PARK_ROLES)
def test_reviewing_by_role(client, park, submitted, today, role):
    client.force_login(park.users()[role])
    before = database_counts()
    new_deadline = today + timedelta(days=4)
    response = client.post(
        reverse("inspections:review", args=[submitted.pk]),
        {"decision": "reopen", "note": "无登记", "new_deadline": new_deadline.isoformat()},
    )
    assert response.status_code == REVIEW[role]
    if REVIEW[role] == 302:
        submitted.refresh_from_db()
        assert (submitted.status, submitted.round, submitted.deadline) == ("open", 2, new_deadline)
    else:
        assert_nothing_written(before)


def test_reopening_without_a_note_is_shown_on_the_form(client, park, submitted):
    client.force_login(park.inspector)
    before = database_counts()
    response = client.post(
        reverse("inspections:review", args=[submitted.pk]), {"decision": "reopen", "note": ""}
    )
    assert response.status_code == 400 and 'id="review-form"' in response.content.decode()
    assert_nothing_written(before)


def test_the_rounds_are_shown(client, park, submitted):
    client.force_login(park.inspector)
    client.post(
        reverse("inspections:review", args=[submitted.pk]), {"decision": "reopen", "note": "再改"}
    )
    services.rectification_submit(actor=park.officer, finding=submitted, response="第二轮")
    client.post(reverse("inspections:review", args=[submitted.pk]), {"decision": "accept"})
    client.force_login(park.officer)
    body = client.get(reverse("inspections:finding", args=[submitted.pk])).content.decode()
    assert 'data-round="1"' in body and 'data-round="2"' in body and "第二轮" in body
    assert Finding.objects.get().status == "accepted"


# What suspending the enterprise over a serious finding answers, by role.
SUSPEND = {
    "command": 302,
    "inspector": 403,
    "liaison": 403,
    "other_liaison": 404,
    "officer": 403,
    "other_officer": 404,
    "gate": 403,
    "district": 403,
}


@pytest.mark.parametrize("role", PARK_ROLES)
def test_suspending_over_a_serious_finding_by_role(client, park, serious_finding, role):
    make_application(
        officer=park.officer, liaison=park.liaison, command=park.command, state="approved"
    )
    client.force_login(park.users()[role])
    page = client.get(reverse("inspections:finding", args=[serious_finding.pk]))
    if page.status_code == 200:
        assert ('id="suspend-form"' in page.content.decode()) == (role == "command")
    before = database_counts()
    response = client.post(
        reverse("inspections:suspend", args=[serious_finding.pk]), {"reason": "发热员工未隔离"}
    )
    assert response.status_code == SUSPEND[role]
    if SUSPEND[role] == 302:
        assert Suspension.objects.get().enterprise == park.a
        event = AuditEvent.objects.get(action=AuditAction.ENTERPRISE_SUSPENDED)
        assert event.data["finding_id"] == serious_finding.pk
    else:
        assert_nothing_written(before)


def test_the_suspension_reason_is_prefilled(client, park, serious_finding):
    client.force_login(park.command)
    body = client.get(reverse("inspections:finding", args=[serious_finding.pk])).content.decode()
    assert serious_finding.description in body.split('id="suspend-form"')[1]


def test_a_finding_page_that_fails_after_storing_the_photo_leaves_no_file(
    client, park, draft, today, monkeypatch
):
    # The page adds the finding and its photo in one block: the photo's service fails last.
    client.force_login(park.inspector)
    before = database_counts()
    monkeypatch.setattr(services.findings, "audit_event_record", _audit_fails_for_photos)
    with pytest.raises(RuntimeError):
        client.post(
            reverse("inspections:finding_add", args=[draft.pk]),
            {**finding_data(today), "photo": png_upload()},
        )
    assert media_files() == []
    assert_nothing_written(before)


def _audit_fails_for_photos(**kwargs):
    from fugong.audit.services import audit_event_record

    if kwargs["action"] == AuditAction.FINDING_ATTACHMENT_ADDED:
        raise RuntimeError("the audit table is unavailable")
    return audit_event_record(**kwargs)
