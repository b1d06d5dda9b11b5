"""Daily follow-up (健康打卡): what is refused, what a fever or a symptom raises, the pass token
as the only key of the worker's page, who misses a declaration."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from fugong.audit.models import AuditAction, AuditEvent
from fugong.cases import followups
from fugong.cases.followups import Declaration
from fugong.cases.models import FollowUp, FollowUpChannel
from fugong.cases.selectors_followups import (
    follow_ups_missed_count,
    follow_ups_missing,
    periods_due,
    worker_declaration_status,
)
from fugong.core.errors import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
)
from fugong.core.testing import changed_tables, database_counts
from fugong.gate.models import AbnormalEvent, EventKind, EventSource
from fugong.workforce.models import Clearance, WorkerPass
from fugong.workforce.services import pass_issue, pass_revoke, pass_token

pytestmark = pytest.mark.django_db


def _declare(period="morning", temperature="36.5", symptoms=(), note=""):
    return Declaration(period=period, temperature=temperature, symptoms=list(symptoms), note=note)


def assert_nothing_but_counters(before):
    """Nothing written but the rate limit's own counter."""
    changed = {
        label: counts
        for label, counts in changed_tables(before).items()
        if label != "core.RateCounter"
    }
    assert not changed, f"a refused declaration wrote rows: {changed}"


def test_an_officer_enters_a_normal_declaration(park, observed, today):
    item = followups.follow_up_record(
        actor=park.officer, worker_id=observed.pk, day=today, declaration=_declare()
    )
    assert (item.temperature, item.abnormal, item.channel) == (
        Decimal("36.5"),
        False,
        FollowUpChannel.OFFICER,
    )
    assert item.enterprise == park.a and item.recorded_by == park.officer
    assert item.abnormal_event is None and not AbnormalEvent.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.FOLLOW_UP_RECORDED).count() == 1


@pytest.mark.parametrize("temperature", ["29.9", "45.1", "abc", "", "NaN", "Infinity", "-37"])
def test_a_temperature_outside_30_to_45_is_refused(park, observed, today, temperature):
    before = database_counts()
    with pytest.raises(ApplicationError) as error:
        followups.follow_up_record(
            actor=park.officer,
            worker_id=observed.pk,
            day=today,
            declaration=_declare(temperature=temperature),
        )
    assert "temperature" in error.value.fields and error.value.status == 422
    assert changed_tables(before) == {}


@pytest.mark.parametrize("temperature", ["30", "45.0", "36,8"])
def test_the_range_ends_are_accepted(park, observed, today, temperature):
    followups.follow_up_record(
        actor=park.officer,
        worker_id=observed.pk,
        day=today,
        declaration=_declare(temperature=temperature),
    )


def test_a_future_day_is_refused_and_a_past_one_accepted(park, observed, today):
    before = database_counts()
    with pytest.raises(ApplicationError) as error:
        followups.follow_up_record(
            actor=park.officer,
            worker_id=observed.pk,
            day=today + timedelta(days=1),
            declaration=_declare(),
        )
    assert "day" in error.value.fields
    assert changed_tables(before) == {}
    followups.follow_up_record(
        actor=park.officer,
        worker_id=observed.pk,
        day=today - timedelta(days=1),
        declaration=_declare(),
    )


def test_bad_period_or_symptom_is_refused(park, observed, today):
    for declaration, field in [
        (_declare(period="evening"), "period"),
        (_declare(symptoms=["hiccups"]), "symptoms"),
    ]:
        with pytest.raises(ApplicationError) as error:
            followups.follow_up_record(
                actor=park.officer, worker_id=observed.pk, day=today, declaration=declaration
            )
        assert field in error.value.fields
    assert not FollowUp.objects.exists()


def test_a_second_declaration_of_a_period_is_refused_not_replaced(park, observed, today):
    followups.follow_up_record(
        actor=park.officer, worker_id=observed.pk, day=today, declaration=_declare()
    )
    before = database_counts()
    with pytest.raises(ConflictError) as error:
        followups.follow_up_record(
            actor=park.command,
            worker_id=observed.pk,
            day=today,
            declaration=_declare(temperature="38.5"),
        )
    assert error.value.status == 409 and error.value.code == "already_declared"
    assert changed_tables(before) == {}
    assert FollowUp.objects.get().temperature == Decimal("36.5")
    # The other period of the day is still open.
    followups.follow_up_record(
        actor=park.officer,
        worker_id=observed.pk,
        day=today,
        declaration=_declare(period="afternoon"),
    )


def test_a_fever_raises_an_event_and_holds_the_worker(park, observed, today):
    item = followups.follow_up_record(
        actor=park.officer,
        worker_id=observed.pk,
        day=today,
        declaration=_declare(temperature="37.3"),  # the default threshold: a fever
    )
    event = item.abnormal_event
    assert item.abnormal and event is not None
    assert (event.source, event.kind, event.gate_check, event.gate) == (
        EventSource.FOLLOW_UP,
        EventKind.FEVER,
        None,
        None,
    )
    assert event.temperature == Decimal("37.3") and event.enterprise == park.a
    observed.refresh_from_db()
    assert "37.3 °C" in observed.medical_hold
    assert observed.clearance == Clearance.NOT_CLEARED
    assert AuditEvent.objects.filter(action=AuditAction.GATE_EVENT_RAISED).count() == 1


def test_just_below_the_threshold_is_normal(park, observed, today):
    item = followups.follow_up_record(
        actor=park.officer,
        worker_id=observed.pk,
        day=today,
        declaration=_declare(temperature="37.2"),
    )
    assert not item.abnormal and not AbnormalEvent.objects.exists()


def test_a_symptom_raises_an_event_and_the_afternoon_reuses_it(park, observed, today):
    morning = followups.follow_up_record(
        actor=park.officer,
        worker_id=observed.pk,
        day=today,
        declaration=_declare(symptoms=["cough"]),
    )
    assert morning.abnormal and morning.abnormal_event.kind == EventKind.SYMPTOMS
    assert morning.abnormal_event.temperature is None
    afternoon = followups.follow_up_record(
        actor=park.officer,
        worker_id=observed.pk,
        day=today,
        declaration=_declare(period="afternoon", temperature="38.0"),
    )
    assert afternoon.abnormal_event == morning.abnormal_event
    assert AbnormalEvent.objects.count() == 1


def test_the_gate_event_pages_work_without_a_gate_check(client, park, observed, today):
    event = followups.follow_up_record(
        actor=park.officer, worker_id=observed.pk, day=today, declaration=_declare("morning", "39")
    ).abnormal_event
    client.force_login(park.officer)
    for url in ["/gate/events/", "/gate/events/panel/", f"/gate/events/{event.pk}/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        # The source's label where a gate's name would be (English until translated).
        assert any(
            label in response.content.decode() for label in ("Daily health declaration", "健康打卡")
        )
    api = client.get("/api/v1/abnormal-events").json()
    assert api[0]["source"] == "follow_up" and api[0]["disputed"] is False
    step = client.post(f"/gate/events/{event.pk}/", {"action": "release"})
    assert step.status_code == 302
    observed.refresh_from_db()
    assert observed.medical_hold == ""
    client.force_login(park.other_officer)
    assert client.get(f"/gate/events/{event.pk}/").status_code == 404


def test_only_officers_and_the_command_post_enter_within_their_scope(park, observed, today):
    for user, error in [
        (park.liaison, PermissionDeniedError),
        (park.inspector, PermissionDeniedError),
        (park.gate, PermissionDeniedError),
        (park.district, PermissionDeniedError),
        (park.other_officer, NotFoundError),
    ]:
        before = database_counts()
        with pytest.raises(error):
            followups.follow_up_record(
                actor=user, worker_id=observed.pk, day=today, declaration=_declare()
            )
        assert changed_tables(before) == {}
    followups.follow_up_record(
        actor=park.command, worker_id=observed.pk, day=today, declaration=_declare()
    )


# ----- the worker's own declaration through the pass --------------------------------------


def test_the_worker_declares_through_the_pass(park, observed, observed_token):
    item = followups.follow_up_self_report(
        token=observed_token, client="10.0.0.1", declaration=_declare()
    )
    assert item.worker == observed and item.channel == FollowUpChannel.PASS
    assert item.recorded_by is None and item.day == timezone.localdate()


def test_any_worker_may_declare(park, observed_token):
    from fugong.workforce.tests.factories import make_worker

    worker = make_worker(actor=park.officer, enterprise=park.a, full_name="普通工人")
    token = pass_token(pass_issue(actor=park.officer, worker=worker))
    item = followups.follow_up_self_report(token=token, client="10.0.0.1", declaration=_declare())
    assert item.worker == worker


@pytest.mark.parametrize("how", ["forged", "unknown", "garbage", "revoked", "expired", "left"])
def test_a_bad_pass_is_refused_and_nothing_written(park, observed, observed_token, how):
    token = observed_token
    status = 404
    if how == "forged":
        token = observed_token[:-2] + ("AA" if not observed_token.endswith("AA") else "BB")
    elif how == "unknown":
        token = "FG1.nothing.abc"
    elif how == "garbage":
        token = "../../etc/passwd"
    elif how == "revoked":
        pass_revoke(actor=park.officer, worker_pass=WorkerPass.objects.get(), reason="丢失")
        status = 409
    elif how == "expired":
        WorkerPass.objects.update(expires_on=timezone.localdate() - timedelta(days=1))
        status = 409
    elif how == "left":
        type(observed).objects.filter(pk=observed.pk).update(enterprise=None)
        status = 409
    before = database_counts()
    with pytest.raises(ApplicationError) as error:
        followups.follow_up_self_report(token=token, client="10.0.0.1", declaration=_declare())
    assert error.value.status == status
    assert_nothing_but_counters(before)


@override_settings(FUGONG_RATE_LIMITS={"follow_up_page": (3, 60)})
def test_the_pass_page_is_rate_limited_per_address(park, observed, observed_token):
    for _ in range(3):
        with pytest.raises(ApplicationError):
            followups.follow_up_pass_worker(token="FG1.forged.x", client="10.0.0.9")
    before = database_counts()
    with pytest.raises(RateLimitedError) as error:
        followups.follow_up_self_report(
            token=observed_token, client="10.0.0.9", declaration=_declare()
        )
    assert error.value.status == 429 and error.value.retry_after >= 1
    assert_nothing_but_counters(before)
    # Another address is not limited.
    followups.follow_up_self_report(
        token=observed_token, client="10.0.0.10", declaration=_declare()
    )


# ----- who misses a declaration -----------------------------------------------------------


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, datetime.min.time())).replace(
        hour=hour, minute=minute
    )


def test_the_afternoon_is_due_from_three(today):
    assert periods_due(today, _at(today, 14, 59)) == ["morning"]
    assert periods_due(today, _at(today, 15, 0)) == ["morning", "afternoon"]
    assert periods_due(today - timedelta(days=1), _at(today, 8)) == ["morning", "afternoon"]
    assert periods_due(today + timedelta(days=1), _at(today, 8)) == []


def test_missing_declarations_are_counted_and_listed_in_scope(park, observed, observed_b, today):
    from fugong.workforce.tests.factories import make_worker

    make_worker(actor=park.officer, enterprise=park.a, full_name="未观察")  # not observed
    morning = _at(today, 10)
    assert follow_ups_missed_count(today, now=morning) == 2
    assert follow_ups_missed_count(today, [park.a.pk], now=morning) == 1
    followups.follow_up_record(
        actor=park.officer, worker_id=observed.pk, day=today, declaration=_declare()
    )
    assert follow_ups_missed_count(today, [park.a.pk], now=morning) == 0
    assert follow_ups_missed_count(today, [park.a.pk], now=_at(today, 16)) == 1
    rows = follow_ups_missing(actor=park.officer, day=today, now=_at(today, 16))
    assert [(row.worker, row.missing) for row in rows] == [(observed, ["afternoon"])]
    everyone = follow_ups_missing(actor=park.command, day=today, now=morning)
    assert [row.worker for row in everyone] == [observed_b]
    assert [row.worker for row in follow_ups_missing(actor=park.other_liaison, day=today)] == [
        observed_b
    ]
    with pytest.raises(PermissionDeniedError):
        follow_ups_missing(actor=park.inspector, day=today)
    # An ended observation no longer asks for declarations.
    type(observed_b).objects.filter(pk=observed_b.pk).update(
        observation_until=today - timedelta(days=1)
    )
    assert follow_ups_missed_count(today, now=morning) == 0


def test_the_kiosk_status_of_a_worker(park, observed, today):
    status = worker_declaration_status(observed, today)
    assert status is not None and status["state"] == "missing"
    followups.follow_up_record(
        actor=park.officer, worker_id=observed.pk, day=today, declaration=_declare()
    )
    if timezone.localtime().hour < 15:
        assert worker_declaration_status(observed, today) is None
    followups.follow_up_record(
        actor=park.officer,
        worker_id=observed.pk,
        day=today,
        declaration=_declare(period="afternoon", temperature="38.2", symptoms=["cough"]),
    )
    status = worker_declaration_status(observed, today)
    assert status is not None and status["state"] == "abnormal" and "38.2" in status["message"]
