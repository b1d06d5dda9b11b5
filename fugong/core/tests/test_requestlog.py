"""The request id (in from nginx, out in the header, on the error pages and in the API's error
bodies) and the JSON access log: one line a request, without personal data."""

import json
import logging

import pytest
from django.urls import path, reverse

from fugong.core import requestlog
from fugong.urls import urlpatterns as fugong_urlpatterns

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("an unexpected failure")


# This module is a URL conf for the 500 test: the application's URLs and one that fails.
urlpatterns = [path("test-boom/", boom), *fugong_urlpatterns]
handler404 = "fugong.core.views.page_not_found"
handler500 = "fugong.core.views.server_error"


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(record.getMessage()))


@pytest.fixture
def access_log():
    """The access log's lines as dicts (the test settings keep the logger quiet)."""
    logger = logging.getLogger("fugong.access")
    handler, level = Lines(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler.lines
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_a_well_formed_request_id_from_the_proxy_is_kept_and_answered(client):
    nginx_id = "0123456789abcdef0123456789abcdef"
    response = client.get("/api/v1/health", HTTP_X_REQUEST_ID=nginx_id)
    assert response["X-Request-ID"] == nginx_id


@pytest.mark.parametrize(
    "sent", ["", "short", "has space in it", "x" * 65, "abc\ndef-ghijkl", "<script>alert</script>"]
)
def test_a_missing_or_malformed_request_id_is_replaced(client, sent):
    response = client.get("/api/v1/health", HTTP_X_REQUEST_ID=sent)
    made = response["X-Request-ID"]
    assert made != sent and len(made) == 32 and int(made, 16) >= 0


def test_each_request_gets_its_own_id(client):
    assert (
        client.get("/api/v1/health")["X-Request-ID"] != client.get("/api/v1/health")["X-Request-ID"]
    )


def test_one_json_line_per_request_without_query_or_names(client, park, access_log):
    client.force_login(park.liaison)
    response = client.get(
        "/enterprises/?q=张三&phone=13800000000", HTTP_X_REQUEST_ID="req-12345678"
    )
    assert response.status_code == 200
    (line,) = access_log
    assert line["request_id"] == "req-12345678"
    assert line["method"] == "GET"
    assert line["path"] == "/enterprises/"
    assert line["status"] == 200
    assert line["bytes"] == len(response.content)
    assert line["duration_ms"] >= 0
    assert line["user"] == park.liaison.pk
    assert line["client"] == "127.0.0.1"
    assert line["time"].endswith("Z")
    text = json.dumps(line, ensure_ascii=False)
    for personal in ("张三", "13800000000", park.liaison.username, park.liaison.full_name):
        assert personal not in text


def test_a_pass_token_in_the_path_is_masked(client, park, access_log):
    client.get(reverse("pass_page", args=["sEcReT-pass-token.abc"]))
    assert access_log[-1]["path"] == "/passes/<token>/"
    assert "sEcReT" not in json.dumps(access_log)


def test_the_client_address_is_the_one_the_application_believes(client, settings, access_log):
    settings.FUGONG_TRUSTED_PROXIES = 1
    client.get(
        "/api/v1/health", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="127.0.0.1"
    )
    assert access_log[-1]["client"] == "203.0.113.9"
    assert access_log[-1]["user"] is None


def test_api_token_requests_log_the_user_id(client, park, access_log):
    from fugong.accounts.services import api_token_create

    _token, secret = api_token_create(actor=park.liaison, name="script")
    client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert access_log[-1]["user"] == park.liaison.pk
    assert secret not in json.dumps(access_log)


def test_gate_device_requests_log_the_device_id(client, park, access_log):
    from fugong.gate import services
    from fugong.gate.tests.factories import make_gate

    gate = make_gate(park.a)
    device, secret = services.gate_device_create(actor=park.officer, gate=gate, name="东门")
    response = client.post(
        f"/api/v1/gates/{gate.pk}/checks",
        {},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 422
    assert access_log[-1]["device"] == device.pk
    assert access_log[-1]["user"] is None


def test_an_anonymous_request_does_not_load_a_session_for_the_log(
    client, access_log, django_assert_max_num_queries
):
    with django_assert_max_num_queries(0):
        client.get("/static/fugong/app.js")
    assert access_log[-1]["user"] is None


def test_api_errors_carry_the_request_id(client, park):
    unauthenticated = client.get("/api/v1/enterprises", HTTP_X_REQUEST_ID="abcdef0123456789")
    assert unauthenticated.status_code == 401
    assert unauthenticated.json()["error"]["request_id"] == "abcdef0123456789"
    unknown = client.get("/api/v1/no-such-thing")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["request_id"] == unknown["X-Request-ID"]
    client.force_login(park.liaison)
    invalid = client.post("/api/v1/enterprises", {}, content_type="application/json")
    assert invalid.status_code in (403, 422)
    assert invalid.json()["error"]["request_id"] == invalid["X-Request-ID"]


def test_error_pages_show_the_request_id(client, park):
    client.force_login(park.liaison)
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="page-request-0001")
    assert response.status_code == 404
    assert b'data-request-id="page-request-0001"' in response.content


def test_the_500_page_shows_the_request_id(client, settings, access_log):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    response = client.get("/test-boom/", HTTP_X_REQUEST_ID="boom-request-0001")
    assert response.status_code == 500
    assert response["X-Request-ID"] == "boom-request-0001"
    assert b'data-request-id="boom-request-0001"' in response.content
    assert access_log[-1]["status"] == 500


def test_outside_a_request_there_is_no_id():
    assert requestlog.current_request_id() is None
    from fugong.core.errors import ApplicationError

    assert ApplicationError("no").as_dict()["error"]["request_id"] is None


def test_loggable_path_cuts_long_paths():
    assert len(requestlog.loggable_path("/x" * 1000)) == requestlog.MAX_PATH
