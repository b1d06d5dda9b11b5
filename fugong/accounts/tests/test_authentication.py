"""API tokens: each token may make ``FUGONG_RATE_LIMITS["api_token"]`` requests a minute; over
that, 429 with Retry-After and the JSON error body, and nothing done."""

import pytest

from fugong.accounts.models import ApiToken
from fugong.accounts.services import api_token_create
from fugong.core.testing import assert_nothing_written, database_counts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.FUGONG_RATE_LIMITS = {**settings.FUGONG_RATE_LIMITS, "api_token": (2, 60)}


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_token_over_its_limit_is_refused_with_retry_after(client, park):
    _token, secret = api_token_create(actor=park.command, name="script")
    assert [client.get("/api/v1/me", **bearer(secret)).status_code for _ in range(2)] == [200, 200]
    before = database_counts()
    # A write over the limit does nothing: here, a notice to every enterprise.
    notice = {
        "document_number": "园区〔2020〕1号",
        "title": "通知",
        "issued_on": "2020-02-10",
        "body": "内容",
        "to_all": True,
    }
    refused = client.post(
        "/api/v1/notices", notice, content_type="application/json", **bearer(secret)
    )
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["error"]["code"] == "rate_limited"
    assert "秒后重试" in refused.json()["error"]["message"]  # "try again in N seconds"
    assert_nothing_written(before)
    assert ApiToken.objects.count() == 1


def test_under_the_limit_a_token_writes(client, park):
    _token, secret = api_token_create(actor=park.command, name="script")
    notice = {
        "document_number": "园区〔2020〕2号",
        "title": "通知",
        "issued_on": "2020-02-10",
        "body": "内容",
        "to_all": True,
    }
    response = client.post(
        "/api/v1/notices", notice, content_type="application/json", **bearer(secret)
    )
    assert response.status_code == 201, response.content


def test_the_limit_is_per_token(client, park):
    _token, first = api_token_create(actor=park.command, name="first")
    _token, second = api_token_create(actor=park.command, name="second")
    for _ in range(2):
        client.get("/api/v1/me", **bearer(first))
    assert client.get("/api/v1/me", **bearer(first)).status_code == 429
    assert client.get("/api/v1/me", **bearer(second)).status_code == 200
    # The browser's session is not counted as a token.
    client.force_login(park.command)
    assert [client.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 200]
