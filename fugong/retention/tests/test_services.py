"""Retention: the periods the command post sets, and removing what is older (PIPL arts. 19, 47)
without changing any figure of a past day."""

from dataclasses import asdict
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from fugong.audit.models import AuditAction, AuditEvent
from fugong.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts
from fugong.gate.models import GateCheck, GateOperator, Visitor
from fugong.gate.services import VisitorInput
from fugong.gate.tests.factories import check, make_gate
from fugong.gate.tests.helpers import record
from fugong.reports.selectors import daily_figures
from fugong.retention import services
from fugong.retention.models import RetentionPolicy
from fugong.retention.selectors import policy_on
from fugong.workforce.models import TravelRecord, Worker
from fugong.workforce.services import pass_issue, pass_token, worker_leave
from fugong.workforce.tests.factories import make_worker, resident_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(park, today):
    """A gate with a worker's check (with readings), a visitor's, a worker who left today and
    one still employed."""
    gate = make_gate(park.a)
    GateOperator.objects.create(user=park.gate, gate=gate)
    staying = make_worker(
        actor=park.officer, enterprise=park.a, document_number=resident_id(sequence=301)
    )
    leaving = make_worker(
        actor=park.officer,
        enterprise=park.a,
        full_name="离职工人",
        document_number=resident_id(sequence=302),
        travel=[("430602", today - timedelta(days=5), today - timedelta(days=4))],
    )
    token = pass_token(pass_issue(actor=park.officer, worker=staying))
    record(gate, check(pass_token=token, temperature=Decimal("36.6"), spo2=98))
    visitor = VisitorInput(
        full_name="送货司机",
        document_type="resident_id",
        document_number=resident_id(sequence=303),
        phone="13900001111",
        origin="430100",
        employer="长沙物流",
        purpose="送货",
        host="仓储部",
        contact_history="",
    )
    record(gate, check(visitor=visitor, temperature=Decimal("36.4"), spo2=97))
    worker_leave(actor=park.officer, worker=leaving, on=today)
    return {"gate": gate, "staying": staying, "leaving": leaving}


def figures(park, day):
    return asdict(daily_figures(actor=park.command, day=day))


def test_nothing_is_removed_within_the_periods(park, history, today):
    before = database_counts()
    counts = services.retention_apply(today=today + timedelta(days=30))
    assert counts == {"gate_checks": 0, "abnormal_events": 0, "visitors": 0, "workers": 0}
    assert GateCheck.objects.filter(temperature__isnull=False).count() == 2
    # Only the run's own audit row is written.
    after = database_counts()
    assert {k: v - before[k] for k, v in after.items() if v != before[k]} == {"audit.AuditEvent": 1}


def test_older_personal_data_is_removed_and_past_figures_stay(park, history, today):
    # given the figures of the day the records were made
    day_figures = figures(park, today)
    # when the nightly run comes well past every default period
    counts = services.retention_apply(today=today + timedelta(days=400))
    # then readings, the visitor's registration and the leaver's data are gone
    assert counts == {"gate_checks": 2, "abnormal_events": 0, "visitors": 1, "workers": 1}
    assert not GateCheck.objects.filter(temperature__isnull=False).exists()
    assert GateCheck.objects.count() == 2  # the checks themselves stay
    visitor = Visitor.objects.get()
    assert (visitor.full_name, visitor.document_cipher, visitor.phone_cipher) == ("", "", "")
    assert visitor.personal_data_removed_at is not None and visitor.purpose == "送货"
    leaver = Worker.objects.get(pk=history["leaving"].pk)
    assert (leaver.full_name, leaver.document_cipher, leaver.document_masked) == ("", "", "")
    assert leaver.document_digest == f"removed:{leaver.pk}" and leaver.birth_year is None
    assert not TravelRecord.objects.filter(worker=leaver).exists()
    staying = Worker.objects.get(pk=history["staying"].pk)
    assert staying.full_name and staying.personal_data_removed_at is None
    # and every figure of that past day is exactly as it was
    assert figures(park, today) == day_figures
    # the run is one audit row with its counts and cut-offs
    event = AuditEvent.objects.get(action=AuditAction.RETENTION_APPLIED)
    assert event.data["counts"] == counts and event.actor_id is None
    # a second run finds nothing more
    again = services.retention_apply(today=today + timedelta(days=400))
    assert again == {"gate_checks": 0, "abnormal_events": 0, "visitors": 0, "workers": 0}


def test_a_worker_who_left_recently_is_kept(park, history, today):
    counts = services.retention_apply(today=today + timedelta(days=100))
    assert counts["workers"] == 0 and counts["gate_checks"] == 2


def test_the_command_sets_the_periods_and_runs(park, history, today, capsys):
    services.retention_policy_add(
        actor=park.command,
        effective_from=today,
        gate_reading_days=30,
        visitor_days=365,
        departed_worker_days=3650,
    )
    assert policy_on(today + timedelta(days=40)).gate_reading_days == 30
    call_command("apply_retention")
    out = capsys.readouterr().out
    assert "gate_checks: 0" in out and "expired_jobs: 0" in out


@pytest.mark.parametrize(
    "fields, error",
    [
        ({"gate_reading_days": 7}, ApplicationError),  # below the minimum of 30
        ({"visitor_days": 5000}, ApplicationError),  # above ten years
        ({"days_ago": 1}, ConflictError),  # in the past
    ],
)
def test_bad_periods_are_refused(park, today, fields, error):
    values = {"gate_reading_days": 90, "visitor_days": 90, "departed_worker_days": 365}
    effective = today - timedelta(days=fields.pop("days_ago", 0))
    values.update(fields)
    before = database_counts()
    with pytest.raises(error):
        services.retention_policy_add(actor=park.command, effective_from=effective, **values)
    assert_nothing_written(before)


@pytest.mark.parametrize("role", [role for role in PARK_ROLES if role != "command"])
def test_only_the_command_post_sets_the_periods(park, today, role):
    before = database_counts()
    with pytest.raises(PermissionDeniedError):
        services.retention_policy_add(
            actor=park.users()[role],
            effective_from=today,
            gate_reading_days=90,
            visitor_days=90,
            departed_worker_days=365,
        )
    assert_nothing_written(before)
    assert not RetentionPolicy.objects.exists()
