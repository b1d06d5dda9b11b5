"""Looks at full numbers are limited per user, counted from the audit trail; over a limit the
look is refused (429 with the wait, recorded once); an unusual number alerts the command post."""

import logging
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fugong.audit.models import AuditAction, AuditEvent
from fugong.core.crypto import decrypt
from fugong.core.errors import PermissionDeniedError, RateLimitedError
from fugong.core.testing import assert_nothing_written, changed_tables, database_counts
from fugong.workforce import services

from .factories import make_worker

pytestmark = pytest.mark.django_db

TEN_MINUTES = timedelta(minutes=10)
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


@pytest.fixture
def limits(settings):
    """3 looks in 10 minutes, 5 a day; an alert at 4 in an hour."""
    settings.FUGONG_REVEAL_LIMITS = [(TEN_MINUTES, 3), (DAY, 5)]
    settings.FUGONG_REVEAL_ALERT = (HOUR, 4)
    return settings


@pytest.fixture
def worker(park):
    return make_worker(actor=park.officer, enterprise=park.a, phone="13911112222")


def look(actor, worker, field="phone"):
    return services.worker_reveal(actor=actor, worker=worker, field=field)


def looks_of(user):
    return AuditEvent.objects.filter(actor=user, action=AuditAction.PERSONAL_DATA_VIEWED)


def backdate(user, *ages: timedelta):
    """Move the user's looks, oldest first, to these ages."""
    now = timezone.now()
    for event, age in zip(looks_of(user).order_by("created_at", "id"), ages, strict=True):
        AuditEvent.objects.filter(pk=event.pk).update(created_at=now - age)


def test_looks_up_to_the_limit_pass_and_the_next_is_refused_with_the_wait(park, worker, limits):
    for _ in range(3):
        assert look(park.officer, worker) == "13911112222"
    before = database_counts()
    with pytest.raises(RateLimitedError) as refused:
        look(park.officer, worker, "document")
    assert refused.value.status == 429 and refused.value.code == "too_many_reveals"
    assert 590 <= refused.value.retry_after <= 600
    assert "at most 3 in 10 minutes" in refused.value.message
    # No look was recorded, only the refusal (without any number).
    assert changed_tables(before) == {
        "audit.AuditEvent": (before["audit.AuditEvent"], before["audit.AuditEvent"] + 1)
    }
    refusal = AuditEvent.objects.get(action=AuditAction.PERSONAL_DATA_REVEAL_REFUSED)
    assert refusal.actor == park.officer and refusal.target_id == str(worker.pk)
    assert refusal.data == {"field": "document", "limit": 3, "period_minutes": 10}
    assert decrypt(worker.document_cipher) not in str(refusal.data) + refusal.summary
    # Retrying within the period is refused again, and recorded only once.
    before = database_counts()
    with pytest.raises(RateLimitedError):
        look(park.officer, worker)
    assert_nothing_written(before)


def test_a_place_frees_up_when_the_oldest_look_leaves_the_period(park, worker, limits):
    for _ in range(3):
        look(park.officer, worker)
    backdate(park.officer, timedelta(minutes=9), timedelta(minutes=2), timedelta(minutes=1))
    with pytest.raises(RateLimitedError) as refused:
        look(park.officer, worker)
    assert 50 <= refused.value.retry_after <= 60
    backdate(park.officer, timedelta(minutes=11), timedelta(minutes=2), timedelta(minutes=1))
    assert look(park.officer, worker) == "13911112222"


def test_the_daily_limit(park, worker, limits):
    limits.FUGONG_REVEAL_ALERT = (HOUR, 100)
    for _ in range(3):
        look(park.officer, worker)
    backdate(park.officer, *[timedelta(hours=3)] * 3)
    look(park.officer, worker)
    look(park.officer, worker)
    with pytest.raises(RateLimitedError) as refused:
        look(park.officer, worker)
    # The first of the day's five looks leaves the day in 21 hours.
    assert 21 * 3600 - 60 <= refused.value.retry_after <= 21 * 3600
    assert "at most 5 in 24 hours" in refused.value.message
    assert "21 hours" in refused.value.message


def test_the_limits_are_per_user(park, worker, limits):
    for _ in range(3):
        look(park.officer, worker)
    with pytest.raises(RateLimitedError):
        look(park.officer, worker)
    assert look(park.command, worker) == "13911112222"
    assert look(park.liaison, worker) == "13911112222"


def test_a_role_that_may_not_look_is_refused_before_any_count(park, worker, limits):
    before = database_counts()
    with pytest.raises(PermissionDeniedError):
        look(park.inspector, worker)
    assert_nothing_written(before)


def test_an_unusual_number_of_looks_alerts_the_command_post_once(park, worker, limits, caplog):
    limits.FUGONG_REVEAL_LIMITS = [(TEN_MINUTES, 100), (DAY, 200)]
    with caplog.at_level(logging.WARNING, logger="fugong.workforce.reveals"):
        for _ in range(3):
            look(park.officer, worker)
        assert not AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_REVEAL_ALERT)
        look(park.officer, worker)
        for _ in range(3):
            look(park.officer, worker)
    alert = AuditEvent.objects.get(action=AuditAction.PERSONAL_DATA_REVEAL_ALERT)
    assert alert.actor == park.officer
    assert alert.target_type == "accounts.user" and alert.target_id == str(park.officer.pk)
    assert alert.data == {"looks": 4, "period_minutes": 60}
    assert [record.levelname for record in caplog.records] == ["WARNING"]
    text = caplog.text
    assert f"user id {park.officer.pk}" in text
    for personal in ("13911112222", decrypt(worker.document_cipher), worker.full_name):
        assert personal not in text
    assert park.officer.full_name not in text


def test_an_alert_comes_again_after_its_period(park, worker, limits):
    limits.FUGONG_REVEAL_LIMITS = [(TEN_MINUTES, 100), (DAY, 200)]
    for _ in range(4):
        look(park.officer, worker)
    AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_REVEAL_ALERT).update(
        created_at=timezone.now() - timedelta(minutes=61)
    )
    backdate(park.officer, *[timedelta(minutes=61)] * 4)
    for _ in range(4):
        look(park.officer, worker)
    assert AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_REVEAL_ALERT).count() == 2


# ----- the API and the page ------------------------------------------------------------------


def test_the_api_answers_429_with_retry_after(client, park, worker, limits):
    client.force_login(park.officer)
    url = f"/api/v1/workers/{worker.pk}/reveal/phone"
    for _ in range(3):
        assert client.post(url).json() == {"value": "13911112222"}
    before = database_counts()
    response = client.post(url)
    assert response.status_code == 429
    assert 590 <= int(response["Retry-After"]) <= 600
    body = response.json()
    assert body["error"]["code"] == "too_many_reveals" and "value" not in body
    assert "13911112222" not in response.content.decode()
    assert changed_tables(before) == {
        "audit.AuditEvent": (before["audit.AuditEvent"], before["audit.AuditEvent"] + 1)
    }


def test_the_page_says_so_in_place_of_the_number(client, park, worker, limits):
    client.force_login(park.officer)
    url = reverse("workforce:reveal", args=[worker.pk, "phone"])
    for _ in range(3):
        assert client.post(url, HTTP_HX_REQUEST="true").status_code == 200
    before = database_counts()
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 429
    assert 590 <= int(response["Retry-After"]) <= 600
    page = response.content.decode()
    assert 'role="alert"' in page and "13911112222" not in page
    assert changed_tables(before) == {
        "audit.AuditEvent": (before["audit.AuditEvent"], before["audit.AuditEvent"] + 1)
    }
