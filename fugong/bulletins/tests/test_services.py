"""Bulletins: drafting from a period, editing, publishing with numbers that have no gaps and no
duplicates (also when published at once); notices: issuing, attachments, acknowledgement."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from fugong.audit.models import AuditAction, AuditEvent
from fugong.bulletins import services
from fugong.bulletins.models import (
    Bulletin,
    BulletinSequence,
    BulletinStatus,
    Notice,
    NoticeAttachment,
    NoticeRecipient,
)
from fugong.bulletins.texts import official, official_date
from fugong.core.errors import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
)
from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts
from fugong.enterprises.tests.factories import EnterpriseFactory

from .conftest import PDF, at, draft, issue, liar_upload, pdf_upload, png_bytes, published

pytestmark = pytest.mark.django_db


# ----- drafting ------------------------------------------------------------------------------


def test_draft_from_the_period(park, period):
    bulletin = services.bulletin_draft(
        actor=park.command, period_start=period.start, period_end=period.end
    )
    assert bulletin.status == BulletinStatus.DRAFT and bulletin.number is None
    assert bulletin.year == period.end.year
    assert bulletin.title == official(
        "Bulletin on the inspection of epidemic prevention at resumed enterprises"
    )
    # Overview: 4 inspections by kind, 3 enterprises, 4 findings by severity.
    kinds = official(", ").join(
        official("%(kind)s: %(count)s", kind=official(label), count=count)
        for label, count in (
            ("Unannounced inspection", 2),
            ("Routine inspection", 1),
            ("Re-inspection", 1),
        )
    )
    severities = official(", ").join(
        official("%(severity)s: %(count)s", severity=official(label), count=count)
        for label, count in (("Serious", 1), ("Major", 1), ("Minor", 2))
    )
    assert bulletin.overview == official(
        "From %(start)s to %(end)s the park carried out %(inspections)s inspections "
        "(%(kinds)s) at %(enterprises)s enterprises and found %(findings)s problems "
        "(%(severities)s).",
        start=official_date(period.start),
        end=official_date(period.end),
        inspections=4,
        kinds=kinds,
        enterprises=3,
        findings=4,
        severities=severities,
    )
    # Problems: one line per enterprise with findings, each finding with its severity.
    lines = bulletin.problems.splitlines()
    assert len(lines) == 2
    assert park.a.name in lines[0] and park.b.name in lines[1]
    for text in ("卡口未测体温", "食堂未错峰就餐", "消毒记录不全"):
        assert text in lines[0]
    assert "未设废弃口罩收集桶" in lines[1]
    assert (
        official(
            "%(description)s (%(severity)s)",
            description="卡口未测体温",
            severity=official("Serious"),
        )
        in lines[0]
    )
    for outside in ("之前的问题", "之后的问题", "未完成督查的问题"):
        assert outside not in bulletin.problems
    # Rectification as of the period's end: 1 accepted, 1 awaiting acceptance (accepted only
    # later), 2 open of which 1 overdue (b's, deadline day 3).
    assert bulletin.rectification.splitlines()[0] == official(
        "As of %(date)s, of the %(findings)s problems found, %(accepted)s have been rectified "
        "and accepted, %(submitted)s have been rectified and await acceptance, and "
        "%(open)s are still being rectified (%(overdue)s of them past their deadline).",
        date=official_date(period.end),
        findings=4,
        accepted=1,
        submitted=1,
        open=2,
        overdue=1,
    )
    assert park.b.name in bulletin.rectification.splitlines()[1]
    assert park.a.name not in bulletin.rectification
    # Good practice with the enterprise's name.
    assert bulletin.good_practice.splitlines() == [
        official("%(enterprise)s: %(text)s", enterprise=park.a.name, text="三道测温关口"),
        official("%(enterprise)s: %(text)s", enterprise=period.c.name, text="宿舍每间不超过4人"),
    ]
    assert bulletin.requirements
    # The enterprises concerned: those with findings (not c).
    assert set(bulletin.enterprises.all()) == {park.a, park.b}
    event = AuditEvent.objects.get(action=AuditAction.BULLETIN_DRAFTED)
    assert event.target_id == str(bulletin.pk) and event.actor == park.command


def test_draft_of_an_empty_period(park):
    bulletin = draft(park, title="  第二周督查通报 ")
    assert bulletin.title == "第二周督查通报"
    assert bulletin.problems == official("No problems were found in this period.")
    assert bulletin.rectification == official("There is nothing to rectify.")
    assert bulletin.enterprises.count() == 0


@pytest.mark.parametrize(
    "start, end, field",
    [
        (-3, -5, "period_end"),  # ends before it starts
        (-1, 1, "period_end"),  # ends in the future
        (None, -1, "period_start"),
        (-3, None, "period_end"),
    ],
)
def test_draft_refuses_a_bad_period(park, start, end, field):
    today = timezone.localdate()
    before = database_counts()
    with pytest.raises(ApplicationError) as error:
        services.bulletin_draft(
            actor=park.command,
            period_start=None if start is None else today + timedelta(days=start),
            period_end=None if end is None else today + timedelta(days=end),
        )
    assert error.value.status == 400 and field in error.value.fields
    assert_nothing_written(before)


def test_draft_today_is_allowed(park):
    today = timezone.localdate()
    assert draft(park, start=today, end=today).period_end == today


@pytest.mark.parametrize("role", [role for role in PARK_ROLES if role != "command"])
def test_only_the_command_post_drafts(park, role):
    before = database_counts()
    with pytest.raises(PermissionDeniedError):
        services.bulletin_draft(
            actor=park.users()[role],
            period_start=date(2020, 2, 10),
            period_end=date(2020, 2, 16),
        )
    assert_nothing_written(before)


# ----- editing -------------------------------------------------------------------------------


def test_update_a_draft(park, period):
    bulletin = draft(park, start=period.start, end=period.end)
    services.bulletin_update(
        actor=park.command,
        bulletin=bulletin,
        title="督查通报（第二周）",
        overview="改写的概况",
        enterprises=[park.b.pk],
    )
    bulletin.refresh_from_db()
    assert bulletin.title == "督查通报（第二周）" and bulletin.overview == "改写的概况"
    assert list(bulletin.enterprises.all()) == [park.b]
    event = AuditEvent.objects.get(action=AuditAction.BULLETIN_UPDATED)
    assert sorted(event.data["fields"]) == ["enterprises", "overview", "title"]
    # Nothing changed: nothing recorded.
    services.bulletin_update(actor=park.command, bulletin=bulletin, title="督查通报（第二周）")
    assert AuditEvent.objects.filter(action=AuditAction.BULLETIN_UPDATED).count() == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"title": "  "},
        {"period_end": date(2000, 1, 1)},
        {"period_end": timezone.localdate() + timedelta(days=3)},
        {"enterprises": [999_999]},
        {"number": 5},
        {"status": "published"},
    ],
)
def test_update_refuses_bad_fields_and_writes_nothing(park, fields):
    bulletin = draft(park)
    before = database_counts()
    snapshot = Bulletin.objects.values().get(pk=bulletin.pk)
    with pytest.raises(ApplicationError) as error:
        services.bulletin_update(actor=park.command, bulletin=bulletin, **fields)
    assert error.value.status == 400
    assert_nothing_written(before)
    assert Bulletin.objects.values().get(pk=bulletin.pk) == snapshot


def test_a_published_bulletin_can_no_longer_change(park):
    bulletin = published(park)
    before = database_counts()
    snapshot = Bulletin.objects.values().get(pk=bulletin.pk)
    enterprises = list(bulletin.enterprises.values_list("pk", flat=True))
    for fields in (
        {"title": "改"},
        {"overview": "改"},
        {"problems": "改"},
        {"rectification": "改"},
        {"good_practice": "改"},
        {"requirements": "改"},
        {"period_start": bulletin.period_start - timedelta(days=1)},
        {"enterprises": [park.b]},
        {},
    ):
        with pytest.raises(ConflictError) as error:
            services.bulletin_update(actor=park.command, bulletin=bulletin, **fields)
        assert error.value.status == 409
        assert error.value.message == "A published bulletin can no longer be changed."
    with pytest.raises(ConflictError):
        services.bulletin_publish(actor=park.command, bulletin=bulletin)
    assert_nothing_written(before)
    assert Bulletin.objects.values().get(pk=bulletin.pk) == snapshot
    assert list(bulletin.enterprises.values_list("pk", flat=True)) == enterprises
    assert BulletinSequence.objects.get().last == 1


def test_a_stale_copy_cannot_change_a_published_bulletin(park):
    """The service re-reads the row under its lock: an old in-memory draft is no way round."""
    bulletin = draft(park)
    stale = Bulletin.objects.get(pk=bulletin.pk)
    services.bulletin_publish(actor=park.command, bulletin=bulletin)
    with pytest.raises(ConflictError):
        services.bulletin_update(actor=park.command, bulletin=stale, title="改")
    assert Bulletin.objects.get(pk=bulletin.pk).title != "改"


# ----- publishing and numbering --------------------------------------------------------------


def test_numbers_follow_each_other_per_year(park):
    this_year = timezone.localdate() - timedelta(days=1)  # draft()'s period ends then
    last_year = date(this_year.year - 1, 12, 1)
    drafts = [draft(park) for _ in range(3)]
    old = [draft(park, start=last_year, end=last_year) for _ in range(2)]
    # Published out of creation order, interleaved with the other year.
    numbers = []
    for bulletin in (drafts[2], old[1], drafts[0], old[0], drafts[1]):
        bulletin = services.bulletin_publish(actor=park.command, bulletin=bulletin)
        numbers.append((bulletin.year, bulletin.number))
    assert numbers == [
        (this_year.year, 1),
        (last_year.year, 1),
        (this_year.year, 2),
        (last_year.year, 2),
        (this_year.year, 3),
    ]
    assert dict(BulletinSequence.objects.values_list("year", "last")) == {
        this_year.year: 3,
        last_year.year: 2,
    }
    event = AuditEvent.objects.filter(action=AuditAction.BULLETIN_PUBLISHED).order_by("-id")[0]
    assert event.data == {"year": this_year.year, "number": 3}


def test_a_refused_publication_uses_no_number(park):
    first = draft(park)
    services.bulletin_update(actor=park.command, bulletin=first, overview="")
    before = database_counts()
    with pytest.raises(ApplicationError) as error:
        services.bulletin_publish(actor=park.command, bulletin=first)
    assert error.value.code == "incomplete" and "overview" in error.value.fields
    assert_nothing_written(before)
    second = services.bulletin_publish(actor=park.command, bulletin=draft(park))
    assert second.number == 1


@pytest.mark.parametrize("role", [role for role in PARK_ROLES if role != "command"])
def test_only_the_command_post_edits_and_publishes(park, role):
    bulletin = draft(park)
    before = database_counts()
    user = park.users()[role]
    with pytest.raises(PermissionDeniedError):
        services.bulletin_update(actor=user, bulletin=bulletin, title="改")
    with pytest.raises(PermissionDeniedError):
        services.bulletin_publish(actor=user, bulletin=bulletin)
    assert_nothing_written(before)


@pytest.mark.django_db(transaction=True)
def test_bulletins_published_at_once_get_distinct_numbers_without_gaps(park):
    """Two (then three) command post staff press Publish on different drafts at the same
    moment: the first pair also races to create the year's sequence row."""
    outcomes: list = []
    barrier_errors: list = []

    def publish(bulletin, barrier):
        try:
            barrier.wait(timeout=10)
            result = services.bulletin_publish(actor=park.command, bulletin=bulletin)
            outcomes.append(result.number)
        except Exception as error:
            barrier_errors.append(repr(error))
        finally:
            connection.close()

    for size in (2, 3):
        drafts = [draft(park) for _ in range(size)]
        barrier = threading.Barrier(size)
        threads = [threading.Thread(target=publish, args=(item, barrier)) for item in drafts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert not barrier_errors
    assert sorted(outcomes) == [1, 2, 3, 4, 5]
    numbers = sorted(
        Bulletin.objects.filter(status=BulletinStatus.PUBLISHED).values_list("number", flat=True)
    )
    assert numbers == [1, 2, 3, 4, 5]
    assert BulletinSequence.objects.get().last == 5


# ----- notices -------------------------------------------------------------------------------


def test_issue_to_chosen_enterprises_with_attachments(park):
    notice = issue(
        park,
        enterprises=[park.a, park.b.pk],
        uploads=[pdf_upload(), _png_upload()],
    )
    assert set(notice.recipients.values_list("enterprise_id", flat=True)) == {park.a.pk, park.b.pk}
    assert not notice.to_all
    kinds = sorted(notice.attachments.values_list("content_type", flat=True))
    assert kinds == ["application/pdf", "image/png"]
    attachment = notice.attachments.get(content_type="application/pdf")
    assert attachment.file.read().startswith(b"%PDF")
    event = AuditEvent.objects.get(action=AuditAction.NOTICE_ISSUED)
    assert event.data["recipients"] == 2 and len(event.data["attachments"]) == 2


def _png_upload():
    return SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png")


def test_issue_to_every_enterprise(park):
    EnterpriseFactory(name="丁企业", in_scope=False)
    notice = issue(park, to_all=True)
    assert notice.to_all and notice.recipients.count() == 3  # every registered enterprise


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"enterprises": []}, "enterprises"),
        ({"enterprises": [999_999]}, "enterprises"),
        ({"document_number": " "}, "document_number"),
        ({"title": ""}, "title"),
        ({"body": ""}, "body"),
        ({"issued_on": timezone.localdate() + timedelta(days=31)}, "issued_on"),
    ],
)
def test_issue_refuses_bad_input_and_writes_nothing(park, fields, field):
    before = database_counts()
    with pytest.raises(ApplicationError) as error:
        issue(park, **fields)
    assert error.value.status == 400 and field in error.value.fields
    assert_nothing_written(before)


def test_a_document_number_is_issued_once(park):
    issue(park)
    before = database_counts()
    with pytest.raises(ApplicationError) as error:
        issue(park, enterprises=[park.b])
    assert error.value.code == "duplicate" and error.value.status == 400
    assert_nothing_written(before)


def test_an_attachment_that_is_not_what_it_claims_is_refused(park, settings, tmp_path):
    before = database_counts()
    with pytest.raises(ApplicationError) as error:
        issue(park, uploads=[pdf_upload(), liar_upload()])
    assert error.value.code == "unsupported_file" and error.value.status == 400
    assert_nothing_written(before)
    media = tmp_path / "media"
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def test_an_oversize_attachment_is_refused(park, settings):
    settings.FUGONG_ATTACHMENT_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.pdf", PDF + b" " * 2048, content_type="application/pdf")
    before = database_counts()
    with pytest.raises(PayloadTooLargeError) as error:
        issue(park, uploads=[big])
    assert error.value.status == 413
    assert_nothing_written(before)


@pytest.mark.parametrize("role", [role for role in PARK_ROLES if role != "command"])
def test_only_the_command_post_issues(park, role):
    before = database_counts()
    with pytest.raises(PermissionDeniedError):
        services.notice_issue(
            actor=park.users()[role],
            document_number="X1",
            title="t",
            issued_on=timezone.localdate(),
            body="b",
            to_all=True,
        )
    assert_nothing_written(before)


def test_attachment_added_later_by_the_command_post_only(park):
    notice = issue(park)
    attachment = services.notice_attachment_add(
        actor=park.command, notice=notice, upload=pdf_upload()
    )
    assert attachment.notice == notice and attachment.size > 0
    before = database_counts()
    with pytest.raises(PermissionDeniedError):
        services.notice_attachment_add(actor=park.officer, notice=notice, upload=pdf_upload())
    with pytest.raises(ApplicationError):
        services.notice_attachment_add(actor=park.command, notice=notice, upload=liar_upload())
    assert_nothing_written(before)


def test_acknowledge_is_idempotent(park):
    notice = issue(park)
    first = services.notice_acknowledge(
        actor=park.officer, notice=notice, at=at(timezone.localdate(), 9)
    )
    assert first.acknowledged_by == park.officer
    stamp = first.acknowledged_at
    before = database_counts()
    again = services.notice_acknowledge(actor=park.officer, notice=notice)
    assert again.acknowledged_at == stamp
    assert_nothing_written(before)
    assert NoticeRecipient.objects.get(notice=notice, enterprise=park.a).acknowledged_at == stamp
    assert AuditEvent.objects.filter(action=AuditAction.NOTICE_ACKNOWLEDGED).count() == 1
    event = AuditEvent.objects.get(action=AuditAction.NOTICE_ACKNOWLEDGED)
    assert event.enterprise_id == park.a.pk


def test_only_a_recipients_officer_acknowledges(park):
    notice = issue(park)  # to a only
    before = database_counts()
    with pytest.raises(NotFoundError):
        services.notice_acknowledge(actor=park.other_officer, notice=notice)
    for role in ("command", "liaison", "inspector", "gate", "district"):
        with pytest.raises(PermissionDeniedError):
            services.notice_acknowledge(actor=park.users()[role], notice=notice)
    assert_nothing_written(before)
    assert not NoticeRecipient.objects.filter(acknowledged_at__isnull=False).exists()


def test_counts_after_issue(park):
    issue(park, to_all=True)
    assert Notice.objects.count() == 1 and NoticeAttachment.objects.count() == 0


def test_a_notice_that_fails_after_storing_its_attachments_leaves_no_file(park, monkeypatch):
    from fugong.core.testing import media_files

    def audit_fails(**kwargs):
        raise RuntimeError("the audit table is unavailable")

    before = database_counts()
    with monkeypatch.context() as patch:
        patch.setattr(services.notices, "audit_event_record", audit_fails)
        with pytest.raises(RuntimeError):
            issue(park, enterprises=[park.a], uploads=[pdf_upload(), _png_upload()])
    assert media_files() == []
    assert_nothing_written(before)
    notice = issue(park, enterprises=[park.a], uploads=[pdf_upload()])
    assert media_files() == [notice.attachments.get().file.name]
