"""Abnormal events through the services: raised by a check, the worker's medical hold, the
steps that follow (scoped to whom may follow them), outcomes."""

from decimal import Decimal

import pytest

from fugong.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from fugong.core.testing import assert_nothing_written, database_counts
from fugong.gate import services
from fugong.gate.models import (
    AbnormalEvent,
    EventOutcome,
    EventStatus,
)
from fugong.workforce.models import Clearance
from fugong.workforce.services import (
    worker_move,
)

from .factories import check
from .helpers import record

pytestmark = pytest.mark.django_db


def test_a_confirmed_fever_raises_an_event_and_holds_the_worker(park, gate, worker, token):
    (result,) = record(
        gate,
        check(
            pass_token=token,
            temperature=Decimal("38.0"),
            temperature_recheck=Decimal("37.9"),
            recheck_method="axillary",
        ),
    )
    event = AbnormalEvent.objects.get()
    assert (
        result.check.abnormal_event == event
        and event.kind == "fever"
        and event.temperature == Decimal("37.9")
    )
    worker.refresh_from_db()
    assert worker.clearance == Clearance.NOT_CLEARED and "37.9" in worker.medical_hold
    # Released after a normal re-check in the observation room: cleared again.
    services.abnormal_event_step(
        actor=park.officer, event=event, action="recheck", temperature=Decimal("37.6")
    )
    services.abnormal_event_step(
        actor=park.officer, event=event, action="release", temperature=Decimal("36.8")
    )
    event.refresh_from_db()
    worker.refresh_from_db()
    assert (event.status, event.outcome) == (EventStatus.CLOSED, EventOutcome.CLEARED)
    assert worker.clearance == Clearance.CLEARED and worker.medical_hold == ""
    assert list(event.steps.values_list("action", flat=True)) == ["recheck", "release"]


def test_a_suspected_case_keeps_the_hold(park, gate, worker, token):
    record(gate, check(pass_token=token, spo2=90))
    event = AbnormalEvent.objects.get()
    services.abnormal_event_step(
        actor=park.liaison, event=event, action="fever_clinic", note="送市一医院发热门诊"
    )
    services.abnormal_event_step(
        actor=park.liaison, event=event, action="outcome", outcome="suspected"
    )
    worker.refresh_from_db()
    assert worker.clearance == Clearance.NOT_CLEARED
    with pytest.raises(ConflictError):
        services.abnormal_event_step(
            actor=park.liaison, event=event, action="recheck", temperature=Decimal("37")
        )
    # The outcome can still change: ruled out later.
    services.abnormal_event_step(
        actor=park.liaison, event=event, action="outcome", outcome="cleared"
    )
    worker.refresh_from_db()
    assert worker.clearance == Clearance.CLEARED


def test_event_steps_are_scoped(park, gate, worker, token):
    record(gate, check(pass_token=token, spo2=90))
    event = AbnormalEvent.objects.get()
    with pytest.raises(NotFoundError):
        services.abnormal_event_step(actor=park.other_officer, event=event, action="note", note="x")
    with pytest.raises(PermissionDeniedError):
        services.abnormal_event_step(actor=park.inspector, event=event, action="note", note="x")
    with pytest.raises(ApplicationError):
        services.abnormal_event_step(
            actor=park.officer, event=event, action="recheck", temperature=Decimal("50")
        )


def test_an_event_stays_with_the_enterprise_of_the_check_after_a_move(park, gate, worker, token):
    """The event of a worker who has since moved to ``b`` stays ``a``'s: ``a`` and the command
    post follow it; ``b``, the new employer, does not see the old employment's event."""
    record(gate, check(pass_token=token, spo2=90))
    event = AbnormalEvent.objects.get()
    assert event.enterprise == park.a
    worker_move(actor=park.command, worker=worker, enterprise=park.b)
    services.abnormal_event_step(actor=park.officer, event=event, action="note", note="已送观察室")
    services.abnormal_event_step(actor=park.command, event=event, action="note", note="已知悉")
    before = database_counts()
    for role in ("other_officer", "other_liaison"):
        with pytest.raises(NotFoundError):
            services.abnormal_event_step(
                actor=park.users()[role], event=event, action="note", note="已联系家属"
            )
    assert_nothing_written(before)
    assert event.steps.count() == 2
    with pytest.raises(PermissionDeniedError):
        services.abnormal_event_step(
            actor=park.users()["district"], event=event, action="note", note="x"
        )


def test_clearing_one_event_keeps_the_hold_of_another_open_one(park, gate, worker, token):
    record(gate, check(pass_token=token, spo2=90))
    record(
        gate,
        check(pass_token=token, temperature=Decimal("38.0"), temperature_recheck=Decimal("38.1")),
    )
    first, second = AbnormalEvent.objects.order_by("id")
    services.abnormal_event_step(
        actor=park.officer, event=first, action="outcome", outcome="cleared"
    )
    worker.refresh_from_db()
    assert worker.clearance == Clearance.NOT_CLEARED and worker.medical_hold
    services.abnormal_event_step(
        actor=park.officer, event=second, action="release", temperature=Decimal("36.8")
    )
    worker.refresh_from_db()
    assert worker.clearance == Clearance.CLEARED and worker.medical_hold == ""


def test_an_outcome_goes_with_its_own_step(park, gate, token):
    record(gate, check(pass_token=token, spo2=90))
    event = AbnormalEvent.objects.get()
    before = database_counts()
    with pytest.raises(ApplicationError) as refused:
        services.abnormal_event_step(
            actor=park.officer, event=event, action="recheck", spo2=97, outcome="cleared"
        )
    assert "outcome" in refused.value.fields
    assert_nothing_written(before)
