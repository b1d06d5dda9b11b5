"""The daily follow-up pages and API: the worker's phone page through the pass (no login), the
officer's entry, the declarations and the missing ones, role by role; nothing written when
refused."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from fugong.cases import followups
from fugong.cases.models import FollowUp
from fugong.core.requestlog import loggable_path
from fugong.core.testing import PARK_ROLES, assert_nothing_written, changed_tables, database_counts
from fugong.gate.models import AbnormalEvent
from fugong.workforce.models import WorkerPass

pytestmark = pytest.mark.django_db

# Who sees the declarations and the missing ones (own scope), who enters them.
VIEW = {"command", "liaison", "other_liaison", "officer", "other_officer"}
RECORD = {"command", "officer", "other_officer"}
# Who may enter a declaration for enterprise ``a``'s worker.
RECORD_A = {"command", "officer"}


def _form(worker_id=None, **fields):
    values = {"period": "morning", "temperature": "36.6", "day": timezone.localdate().isoformat()}
    if worker_id is not None:
        values["worker"] = str(worker_id)
    values.update(fields)
    return values


# ----- the worker's phone page ------------------------------------------------------------


def test_the_phone_page_through_the_pass(client, observed, observed_token):
    url = reverse("follow_up_pass", args=[observed_token])
    assert url == f"/passes/{observed_token}/follow-up/"
    page = client.get(url)
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store" and page["Referrer-Policy"] == "same-origin"
    assert observed.full_name in page.content.decode()
    assert observed.document_masked not in page.content.decode()
    done = client.post(url, {"period": "morning", "temperature": "36.6", "symptoms": []})
    assert done.status_code == 200 and 'id="follow-up-done"' in done.content.decode()
    item = FollowUp.objects.get()
    assert item.worker == observed and item.channel == "pass"
    again = client.post(url, {"period": "morning", "temperature": "36.8"})
    assert again.status_code == 409 and FollowUp.objects.count() == 1
    fever = client.post(url, {"period": "afternoon", "temperature": "38.4", "symptoms": ["cough"]})
    assert fever.status_code == 200 and "alert-danger" in fever.content.decode()
    assert AbnormalEvent.objects.get().worker == observed
    complete = client.get(url).content.decode()
    assert 'id="follow-up-complete"' in complete and 'id="follow-up-form"' not in complete


def test_the_token_never_reaches_the_access_log(observed_token):
    path = reverse("follow_up_pass", args=[observed_token])
    assert observed_token not in loggable_path(path)
    assert loggable_path(path) == "/passes/<token>/follow-up/"


def test_the_phone_page_refuses_bad_readings_and_writes_nothing(client, observed_token):
    url = reverse("follow_up_pass", args=[observed_token])
    for data in [
        {"period": "morning", "temperature": "50"},
        {"period": "morning", "temperature": "29"},
        {"period": "noon", "temperature": "36.5"},
        {"period": "morning", "temperature": "36.5", "symptoms": ["hiccups"]},
    ]:
        before = database_counts()
        response = client.post(url, data)
        assert response.status_code in (400, 422), data
        assert "form-errors" in response.content.decode()
        assert not {k for k in changed_tables(before) if k != "core.RateCounter"}


@pytest.mark.parametrize("how", ["forged", "revoked", "expired"])
def test_a_bad_pass_is_a_clear_page_and_nothing_written(client, park, observed_token, how):
    token = observed_token
    if how == "forged":
        token = observed_token[:-3] + "xyz"
    elif how == "revoked":
        WorkerPass.objects.update(revoked_at=timezone.now(), revoke_reason="丢失")
    else:
        WorkerPass.objects.update(expires_on=timezone.localdate() - timedelta(days=1))
    url = reverse("follow_up_pass", args=[token])
    before = database_counts()
    response = client.post(url, {"period": "morning", "temperature": "36.5"})
    assert response.status_code == (404 if how == "forged" else 409)
    assert 'id="follow-up-error"' in response.content.decode()
    assert 'id="follow-up-form"' not in response.content.decode()
    assert not {k for k in changed_tables(before) if k != "core.RateCounter"}


@override_settings(FUGONG_RATE_LIMITS={"follow_up_page": (2, 60)})
def test_the_phone_page_is_rate_limited(client, observed_token):
    url = reverse("follow_up_pass", args=[observed_token])
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    limited = client.post(url, {"period": "morning", "temperature": "36.5"})
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1
    assert not FollowUp.objects.exists()


def test_the_pass_grants_nothing_else(client, observed_token):
    """The token is no login: the park's pages still ask to sign in."""
    client.get(reverse("follow_up_pass", args=[observed_token]))
    for name in ["cases:follow_up_list", "cases:follow_up_missing", "cases:follow_up_record"]:
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/v1/follow-ups").status_code == 401


def test_the_pass_page_links_to_the_declaration(client, observed_token):
    page = client.get(f"/passes/{observed_token}/").content.decode()
    assert f"/passes/{observed_token}/follow-up/" in page


# ----- the officer's pages, role by role ---------------------------------------------------


@pytest.mark.parametrize("role", PARK_ROLES)
def test_follow_up_pages_by_role(client, park, observed, observed_b, role):
    """cases:follow_up_list, cases:follow_up_missing, cases:follow_up_record."""
    user = park.users()[role]
    client.force_login(user)
    followups.follow_up_record(
        actor=park.command,
        worker_id=observed.pk,
        day=timezone.localdate(),
        declaration=followups.Declaration(period="morning", temperature="36.5", symptoms=[]),
    )
    listed = client.get(reverse("cases:follow_up_list"))
    missing = client.get(reverse("cases:follow_up_missing"))
    if role in VIEW:
        assert listed.status_code == 200 and missing.status_code == 200
        sees_a = role in ("command", "liaison", "officer")
        assert (observed.full_name in listed.content.decode()) == sees_a
        assert (observed_b.full_name in missing.content.decode()) == (
            role in ("command", "other_liaison", "other_officer")
        )
    else:
        assert listed.status_code == 403 and missing.status_code == 403
    form = client.get(reverse("cases:follow_up_record"))
    assert form.status_code == (200 if role in RECORD else 403)
    before = database_counts()
    response = client.post(
        reverse("cases:follow_up_record"), _form(observed.pk, period="afternoon")
    )
    if role in RECORD_A:
        assert response.status_code == 302
        assert FollowUp.objects.filter(period="afternoon").get().recorded_by == user
    else:
        assert response.status_code in (400, 403)
        assert_nothing_written(before)
    # Another enterprise's worker is not in the officer's choices: refused, nothing written.
    if role == "officer":
        before = database_counts()
        refused = client.post(reverse("cases:follow_up_record"), _form(observed_b.pk))
        assert refused.status_code == 400
        assert_nothing_written(before)


def test_the_officers_entry_refuses_a_future_day(client, park, observed):
    client.force_login(park.officer)
    before = database_counts()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(reverse("cases:follow_up_record"), _form(observed.pk, day=tomorrow))
    assert response.status_code == 400 and "form-errors" in response.content.decode()
    assert_nothing_written(before)
    hot = client.post(reverse("cases:follow_up_record"), _form(observed.pk, temperature="46"))
    assert hot.status_code == 422
    assert_nothing_written(before)


def test_a_bad_day_in_the_list_is_a_clear_400(client, park):
    client.force_login(park.command)
    assert client.get(reverse("cases:follow_up_list") + "?day=2026-13-45").status_code == 400
    assert client.get(reverse("cases:follow_up_missing") + "?day=nonsense").status_code == 400


# ----- the API, role by role ----------------------------------------------------------------


def _post(client, data):
    return client.post("/api/v1/follow-ups", json.dumps(data), content_type="application/json")


@pytest.mark.parametrize("role", PARK_ROLES)
def test_follow_up_api_by_role(client, park, observed, observed_b, role):
    """POST /api/v1/follow-ups, GET /api/v1/follow-ups, GET /api/v1/follow-ups/missing."""
    client.force_login(park.users()[role])
    listed = client.get("/api/v1/follow-ups")
    missing = client.get("/api/v1/follow-ups/missing")
    if role in VIEW:
        assert listed.status_code == 200 and missing.status_code == 200
        names = {row["worker_name"] for row in missing.json()["workers"]}
        assert (observed.full_name in names) == (role in ("command", "liaison", "officer"))
        assert missing.json()["count"] == len(names)
    else:
        assert listed.status_code == 403 and missing.status_code == 403
    before = database_counts()
    body = {"worker_id": observed.pk, "period": "morning", "temperature": "38.0"}
    created = client.post("/api/v1/follow-ups", json.dumps(body), content_type="application/json")
    if role in RECORD_A:
        assert created.status_code == 201
        out = created.json()
        assert out["abnormal"] is True and out["abnormal_event_id"] is not None
        assert out["document"] == observed.document_masked
        assert _post(client, body).status_code == 409
    else:
        assert created.status_code in (403, 404)
        assert_nothing_written(before)


def test_the_api_refuses_bad_input(client, park, observed):
    client.force_login(park.command)
    before = database_counts()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    for body, status in [
        ({"worker_id": observed.pk, "period": "morning", "temperature": "45.5"}, 422),
        (
            {"worker_id": observed.pk, "period": "morning", "temperature": "36", "day": tomorrow},
            400,
        ),
        ({"worker_id": observed.pk, "period": "night", "temperature": "36"}, 422),
        ({"worker_id": observed.pk, "period": "morning", "temperature": "x"}, 422),
        ({"worker_id": 999999, "period": "morning", "temperature": "36"}, 404),
        ({"worker_id": observed.pk, "period": "morning", "temperature": "36", "x": 1}, 422),
    ]:
        response = _post(client, body)
        assert response.status_code == status, (body, response.content)
        assert "error" in response.json()
    assert_nothing_written(before)
    assert client.get("/api/v1/follow-ups?day=nonsense").status_code == 422
