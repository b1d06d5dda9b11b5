"""The pages role by role: every refused request writes nothing."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx import Document

from fugong.bulletins.models import Bulletin, BulletinStatus, Notice, NoticeRecipient
from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts

from .conftest import PDF, draft, issue, pdf_upload, published

pytestmark = pytest.mark.django_db

BULLETIN_READERS = {"command", "liaison", "other_liaison", "inspector", "officer", "other_officer"}
NOTICE_READERS = {"command", "liaison", "other_liaison", "officer", "other_officer"}


def _expected(role, readers, in_scope):
    if role not in readers:
        return 403
    return 200 if role in in_scope else 404


@pytest.mark.parametrize("role", PARK_ROLES)
def test_bulletin_pages_by_role(client, park, role):
    concerning_a = published(park)
    a_draft = draft(park)
    client.force_login(park.users()[role])
    assert client.get(reverse("bulletins:list")).status_code == (
        200 if role in BULLETIN_READERS else 403
    )
    readers_of_a = {"command", "liaison", "other_liaison", "inspector", "officer"}
    for url in (
        reverse("bulletins:detail", args=[concerning_a.pk]),
        reverse("bulletins:docx", args=[concerning_a.pk]),
    ):
        assert client.get(url).status_code == _expected(role, BULLETIN_READERS, readers_of_a), url
    for url in (
        reverse("bulletins:detail", args=[a_draft.pk]),
        reverse("bulletins:docx", args=[a_draft.pk]),
    ):
        assert client.get(url).status_code == _expected(role, BULLETIN_READERS, {"command"}), url


@pytest.mark.parametrize("role", PARK_ROLES)
def test_bulletin_writes_by_role_write_nothing_when_refused(client, park, role):
    a_draft = draft(park)
    client.force_login(park.users()[role])
    before = database_counts()
    end = timezone.localdate() - timedelta(days=1)
    responses = [
        client.post(
            reverse("bulletins:list"),
            {"period_start": (end - timedelta(days=6)).isoformat(), "period_end": end.isoformat()},
        ),
        client.post(
            reverse("bulletins:detail", args=[a_draft.pk]),
            {
                "title": "改",
                "period_start": a_draft.period_start.isoformat(),
                "period_end": a_draft.period_end.isoformat(),
                "overview": "改",
                "problems": "改",
                "rectification": "改",
                "requirements": "改",
            },
        ),
        client.post(reverse("bulletins:publish", args=[a_draft.pk])),
    ]
    if role == "command":
        assert [response.status_code for response in responses] == [302, 302, 302]
        a_draft.refresh_from_db()
        assert a_draft.status == BulletinStatus.PUBLISHED and a_draft.title == "改"
        assert a_draft.number == 1 and Bulletin.objects.count() == 2
    else:
        expected = [403, 404, 404] if role in BULLETIN_READERS else [403, 403, 403]
        assert [response.status_code for response in responses] == expected
        assert_nothing_written(before)


def test_draft_form_errors_are_shown_with_a_4xx(client, park):
    client.force_login(park.command)
    today = timezone.localdate()
    before = database_counts()
    response = client.post(
        reverse("bulletins:list"),
        {"period_start": today.isoformat(), "period_end": (today - timedelta(days=2)).isoformat()},
    )
    assert response.status_code == 400
    assert (
        "form-errors" in response.content.decode()
        or "invalid-feedback" in response.content.decode()
    )
    assert_nothing_written(before)


def test_a_published_bulletin_cannot_be_edited_from_its_page(client, park):
    bulletin = published(park)
    client.force_login(park.command)
    page = client.get(reverse("bulletins:detail", args=[bulletin.pk])).content.decode()
    assert 'id="bulletin-form"' not in page and 'id="publish"' not in page
    before = database_counts()
    response = client.post(
        reverse("bulletins:detail", args=[bulletin.pk]),
        {
            "title": "改",
            "period_start": bulletin.period_start.isoformat(),
            "period_end": bulletin.period_end.isoformat(),
        },
    )
    assert response.status_code == 409
    assert client.post(reverse("bulletins:publish", args=[bulletin.pk])).status_code == 409
    assert_nothing_written(before)
    assert Bulletin.objects.get(pk=bulletin.pk).title != "改"


def test_draft_edit_publish_download(client, park, period):
    client.force_login(park.command)
    response = client.post(
        reverse("bulletins:list"),
        {"period_start": period.start.isoformat(), "period_end": period.end.isoformat()},
    )
    bulletin = Bulletin.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "bulletins:detail", args=[bulletin.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert 'id="bulletin-form"' in page and "卡口未测体温" in page
    assert client.post(reverse("bulletins:publish", args=[bulletin.pk])).status_code == 302
    bulletin.refresh_from_db()
    assert bulletin.number == 1
    docx = client.get(reverse("bulletins:docx", args=[bulletin.pk]))
    assert docx["Content-Disposition"].endswith(f'bulletin-{bulletin.year}-01.docx"')
    texts = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert "卡口未测体温" in "\n".join(texts)
    listing = client.get(reverse("bulletins:list")).content.decode()
    assert f'data-bulletin="{bulletin.pk}"' in listing


@pytest.mark.parametrize("role", PARK_ROLES)
def test_notice_pages_by_role(client, park, role):
    notice = issue(park, uploads=[pdf_upload()])  # to a
    attachment = notice.attachments.get()
    client.force_login(park.users()[role])
    assert client.get(reverse("bulletins:notices")).status_code == (
        200 if role in NOTICE_READERS else 403
    )
    in_scope = {"command", "liaison", "officer"}
    for url in (
        reverse("bulletins:notice", args=[notice.pk]),
        reverse("bulletins:notice_attachment", args=[notice.pk, attachment.pk]),
    ):
        assert client.get(url).status_code == _expected(role, NOTICE_READERS, in_scope), url


@pytest.mark.parametrize("role", PARK_ROLES)
def test_notice_writes_by_role_write_nothing_when_refused(client, park, role):
    notice = issue(park)  # to a
    client.force_login(park.users()[role])
    before = database_counts()
    issued = client.post(
        reverse("bulletins:notices"),
        {
            "document_number": "园指发〔2020〕9号",
            "title": "通知",
            "issued_on": timezone.localdate().isoformat(),
            "body": "正文",
            "recipients": "all",
        },
    )
    acknowledged = client.post(reverse("bulletins:notice_acknowledge", args=[notice.pk]))
    if role == "command":
        assert issued.status_code == 302
        assert Notice.objects.filter(document_number="园指发〔2020〕9号").exists()
        assert acknowledged.status_code == 403
    elif role == "officer":
        assert issued.status_code == 403 and acknowledged.status_code == 302
        assert NoticeRecipient.objects.get(notice=notice).acknowledged_by == park.officer
    else:
        assert issued.status_code == 403
        expected = {"other_liaison": 404, "other_officer": 404}.get(role, 403)
        assert acknowledged.status_code == expected
        assert_nothing_written(before)


def test_issue_form_with_chosen_enterprises_and_attachments(client, park):
    client.force_login(park.command)
    response = client.post(
        reverse("bulletins:notices"),
        {
            "document_number": "园指发〔2020〕3号",
            "title": "关于做好返岗人员排查的通知",
            "issued_on": timezone.localdate().isoformat(),
            "body": "正文",
            "recipients": "chosen",
            "enterprises": [park.a.pk, park.b.pk],
            "attachments": [
                SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf"),
                SimpleUploadedFile("b.pdf", PDF, content_type="application/pdf"),
            ],
        },
    )
    notice = Notice.objects.get()
    assert response.status_code == 302
    assert notice.attachments.count() == 2 and notice.recipients.count() == 2
    page = client.get(reverse("bulletins:notice", args=[notice.pk])).content.decode()
    assert 'id="recipients"' in page and page.count("table-warning") == 2
    client.force_login(park.officer)
    page = client.get(reverse("bulletins:notice", args=[notice.pk])).content.decode()
    assert 'id="acknowledge"' in page and 'id="recipients"' not in page
    client.post(reverse("bulletins:notice_acknowledge", args=[notice.pk]))
    page = client.get(reverse("bulletins:notice", args=[notice.pk])).content.decode()
    assert 'id="acknowledge"' not in page and 'id="acknowledged"' in page


@pytest.mark.parametrize(
    "changes, status",
    [
        ({"recipients": "chosen"}, 400),  # no enterprise chosen
        (
            {
                "attachments": [
                    SimpleUploadedFile("x.pdf", b"<html>", content_type="application/pdf")
                ]
            },
            400,
        ),
        ({"document_number": "DUP"}, 400),
        ({"title": ""}, 400),
    ],
)
def test_issue_form_errors_write_nothing(client, park, changes, status):
    issue(park, "DUP")
    client.force_login(park.command)
    data = {
        "document_number": "园指发〔2020〕4号",
        "title": "通知",
        "issued_on": timezone.localdate().isoformat(),
        "body": "正文",
        "recipients": "all",
        **changes,
    }
    before = database_counts()
    response = client.post(reverse("bulletins:notices"), data)
    assert response.status_code == status
    assert 'id="form-errors"' in response.content.decode()
    assert_nothing_written(before)


def test_anonymous_goes_to_sign_in(client):
    response = client.get(reverse("bulletins:list"))
    assert response.status_code == 302 and "login" in response["Location"]
