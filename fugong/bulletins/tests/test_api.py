"""The bulletins and notices endpoints role by role; refused requests write nothing."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from docx import Document

from fugong.accounts.services import api_token_create
from fugong.bulletins.models import Bulletin, BulletinStatus, NoticeRecipient
from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts

from .conftest import PDF, draft, issue, pdf_upload, published

pytestmark = pytest.mark.django_db

BULLETIN_READERS = {"command", "liaison", "other_liaison", "inspector", "officer", "other_officer"}
NOTICE_READERS = {"command", "liaison", "other_liaison", "officer", "other_officer"}


def auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(actor=user, name='test')[1]}"}


def send(client, method, url, headers, body=None):
    return getattr(client, method)(
        url, json.dumps(body or {}), content_type="application/json", **headers
    )


def _expected(role, readers, in_scope):
    if role not in readers:
        return 403
    return 200 if role in in_scope else 404


@pytest.mark.parametrize("role", PARK_ROLES)
def test_bulletin_reads_by_role(client, park, role):
    concerning_a = published(park)
    a_draft = draft(park)
    headers = auth(park.users()[role])
    listing = client.get("/api/v1/bulletins", **headers)
    assert listing.status_code == (200 if role in BULLETIN_READERS else 403)
    if role == "command":
        assert [item["id"] for item in listing.json()["items"]] == [a_draft.pk, concerning_a.pk]
    elif role == "other_officer":
        assert listing.json()["items"] == []
    readers_of_a = {"command", "liaison", "other_liaison", "inspector", "officer"}
    for suffix in ("", "/docx"):
        url = f"/api/v1/bulletins/{concerning_a.pk}{suffix}"
        assert client.get(url, **headers).status_code == _expected(
            role, BULLETIN_READERS, readers_of_a
        ), url
        url = f"/api/v1/bulletins/{a_draft.pk}{suffix}"
        assert client.get(url, **headers).status_code == _expected(
            role, BULLETIN_READERS, {"command"}
        ), url


@pytest.mark.parametrize("role", PARK_ROLES)
def test_bulletin_writes_by_role(client, park, role):
    a_draft = draft(park)
    headers = auth(park.users()[role])
    before = database_counts()
    end = timezone.localdate() - timedelta(days=1)
    created = send(
        client,
        "post",
        "/api/v1/bulletins",
        headers,
        {"period_start": (end - timedelta(days=6)).isoformat(), "period_end": end.isoformat()},
    )
    patched = send(client, "patch", f"/api/v1/bulletins/{a_draft.pk}", headers, {"title": "改"})
    publish = send(client, "post", f"/api/v1/bulletins/{a_draft.pk}/publish", headers)
    statuses = [created.status_code, patched.status_code, publish.status_code]
    if role == "command":
        assert statuses == [201, 200, 200]
        assert created.json()["status"] == "draft" and created.json()["number"] is None
        assert patched.json()["title"] == "改"
        assert publish.json()["number"] == 1 and publish.json()["status"] == "published"
    else:
        assert statuses == ([403, 404, 404] if role in BULLETIN_READERS else [403, 403, 403])
        assert_nothing_written(before)


def test_patch_after_publishing_is_409_and_writes_nothing(client, park):
    bulletin = published(park)
    headers = {**auth(park.command), "HTTP_ACCEPT_LANGUAGE": "en"}
    before = database_counts()
    for body in ({"title": "改"}, {"overview": "改"}, {"enterprise_ids": [park.b.pk]}):
        response = send(client, "patch", f"/api/v1/bulletins/{bulletin.pk}", headers, body)
        assert response.status_code == 409
        assert (
            response.json()["error"]["message"] == "A published bulletin can no longer be changed."
        )
    again = send(client, "post", f"/api/v1/bulletins/{bulletin.pk}/publish", headers)
    assert again.status_code == 409
    assert_nothing_written(before)
    assert Bulletin.objects.get(pk=bulletin.pk).number == 1


@pytest.mark.parametrize(
    "body",
    [
        {"period_start": "2020-02-16", "period_end": "2020-02-10"},
        {"period_start": "2020-02-10"},
        {"period_start": "2020-02-10", "period_end": "2999-01-01"},
        {"period_start": "2020-02-10", "period_end": "2020-02-16", "number": 3},
    ],
)
def test_draft_bad_input_writes_nothing(client, park, body):
    headers = auth(park.command)
    before = database_counts()
    response = send(client, "post", "/api/v1/bulletins", headers, body)
    assert response.status_code in (400, 422)
    assert_nothing_written(before)


def test_patch_enterprises_and_read_back(client, park, period):
    bulletin = draft(park, start=period.start, end=period.end)
    headers = auth(park.command)
    body = client.get(f"/api/v1/bulletins/{bulletin.pk}", **headers).json()
    assert body["enterprise_ids"] == sorted([park.a.pk, park.b.pk])
    assert "卡口未测体温" in body["problems"]
    patched = send(
        client,
        "patch",
        f"/api/v1/bulletins/{bulletin.pk}",
        headers,
        {"enterprise_ids": [park.b.pk]},
    )
    assert patched.json()["enterprise_ids"] == [park.b.pk]
    docx = client.get(f"/api/v1/bulletins/{bulletin.pk}/docx", **headers)
    texts = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert "卡口未测体温" in "\n".join(texts)


@pytest.mark.parametrize("role", PARK_ROLES)
def test_notice_reads_by_role(client, park, role):
    notice = issue(park, uploads=[pdf_upload()])  # to a
    attachment = notice.attachments.get()
    headers = auth(park.users()[role])
    listing = client.get("/api/v1/notices", **headers)
    assert listing.status_code == (200 if role in NOTICE_READERS else 403)
    in_scope = {"command", "liaison", "officer"}
    for url in (
        f"/api/v1/notices/{notice.pk}",
        f"/api/v1/notices/{notice.pk}/attachments/{attachment.pk}",
    ):
        assert client.get(url, **headers).status_code == _expected(
            role, NOTICE_READERS, in_scope
        ), url
    if role == "command":
        body = client.get(f"/api/v1/notices/{notice.pk}", **headers).json()
        assert body["recipients"] == 1 and body["acknowledged"] == 0
        assert [item["enterprise_id"] for item in body["recipient_list"]] == [park.a.pk]
        assert body["attachments"][0]["content_type"] == "application/pdf"


@pytest.mark.parametrize("role", PARK_ROLES)
def test_notice_writes_by_role(client, park, role):
    notice = issue(park)  # to a
    headers = auth(park.users()[role])
    before = database_counts()
    issued = send(
        client,
        "post",
        "/api/v1/notices",
        headers,
        {
            "document_number": "园指发〔2020〕9号",
            "title": "通知",
            "issued_on": timezone.localdate().isoformat(),
            "body": "正文",
            "enterprise_ids": [park.a.pk, park.b.pk],
        },
    )
    attached = client.post(
        f"/api/v1/notices/{notice.pk}/attachments",
        {"file": SimpleUploadedFile("n.pdf", PDF, content_type="application/pdf")},
        **headers,
    )
    acknowledged = send(client, "post", f"/api/v1/notices/{notice.pk}/acknowledge", headers)
    statuses = [issued.status_code, attached.status_code, acknowledged.status_code]
    if role == "command":
        assert statuses == [201, 201, 403]
        assert issued.json()["recipients"] == 2
    elif role == "officer":
        assert statuses == [403, 403, 200]
        assert acknowledged.json()["enterprise_id"] == park.a.pk
        again = send(client, "post", f"/api/v1/notices/{notice.pk}/acknowledge", headers)
        assert again.json() == acknowledged.json()
    else:
        if role in ("other_liaison", "other_officer"):
            assert statuses == [403, 404, 404]
        else:
            assert statuses == [403, 403, 403]
        assert_nothing_written(before)
        assert not NoticeRecipient.objects.filter(acknowledged_at__isnull=False).exists()


def test_notice_issue_errors(client, park):
    issue(park, "DUP")
    headers = auth(park.command)
    base = {
        "document_number": "N-2",
        "title": "通知",
        "issued_on": timezone.localdate().isoformat(),
        "body": "正文",
    }
    before = database_counts()
    duplicate = send(
        client,
        "post",
        "/api/v1/notices",
        headers,
        {**base, "document_number": "DUP", "to_all": True},
    )
    assert duplicate.status_code == 400 and duplicate.json()["error"]["code"] == "duplicate"
    nobody = send(client, "post", "/api/v1/notices", headers, base)
    assert nobody.status_code == 400 and "enterprise_ids" in nobody.json()["error"]["fields"]
    extra = send(client, "post", "/api/v1/notices", headers, {**base, "to_all": True, "x": 1})
    assert extra.status_code == 422
    assert_nothing_written(before)


def test_an_attachment_that_lies_about_its_type(client, park):
    notice = issue(park)
    headers = auth(park.command)
    before = database_counts()
    response = client.post(
        f"/api/v1/notices/{notice.pk}/attachments",
        {
            "file": SimpleUploadedFile(
                "n.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
            )
        },
        **headers,
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unsupported_file"
    assert_nothing_written(before)


def test_drafts_are_published_in_order_over_the_api(client, park):
    headers = auth(park.command)
    ids = [draft(park).pk for _ in range(3)]
    numbers = [
        send(client, "post", f"/api/v1/bulletins/{pk}/publish", headers).json()["number"]
        for pk in reversed(ids)
    ]
    assert numbers == [1, 2, 3]
    assert set(Bulletin.objects.values_list("status", flat=True)) == {BulletinStatus.PUBLISHED}
