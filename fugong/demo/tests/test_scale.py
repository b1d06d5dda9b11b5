"""The city-scale generator (``manage.py generate_scale_data``), at a small size: its records are
consistent with one another and give the dashboard non-trivial figures."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from fugong.accounts.models import User
from fugong.audit.models import AuditEvent
from fugong.core.roles import Role
from fugong.enterprises.models import Enterprise
from fugong.gate.attendance import attendance_from_checks, attendance_stored
from fugong.gate.models import AbnormalEvent, GateCheck
from fugong.reports import selectors
from fugong.reports.exports import daily_report_text
from fugong.resumption.models import ApplicationStatus, ResumptionApplication
from fugong.workforce.models import Worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated():
    output = io.StringIO()
    call_command(
        "generate_scale_data",
        enterprises=30,
        workers=600,
        days=3,
        seed=7,
        stdout=output,
    )
    return output.getvalue()


def test_the_records_are_consistent(generated):
    today = timezone.localdate()
    first = today - timedelta(days=2)
    assert Enterprise.objects.count() == 30
    assert Worker.objects.count() == 600
    assert ResumptionApplication.objects.count() == 30
    assert GateCheck.objects.count() > 500
    assert not GateCheck.objects.exclude(check_date__range=(first, today)).exists()
    assert GateCheck.objects.values("client_id").distinct().count() == GateCheck.objects.count()
    # Every admitted worker is counted once a day, for the enterprise of their first admission.
    kept = attendance_stored(first, today)
    assert kept and kept == attendance_from_checks(first, today)
    # Each application's steps are in the audit trail, up to its status.
    approved = ResumptionApplication.objects.filter(status=ApplicationStatus.APPROVED)
    assert approved.exists()
    assert (
        AuditEvent.objects.filter(
            action="application.approved", target_type="resumption.resumptionapplication"
        ).count()
        == approved.count()
    )
    assert AbnormalEvent.objects.exists()


def test_the_dashboard_figures_are_not_trivial(generated):
    command = User.objects.get(role=Role.COMMAND, username__startswith="scale")
    today = timezone.localdate()
    for day in (today, today - timedelta(days=1)):
        figures = selectors.daily_figures(actor=command, day=day)
        assert figures.in_scope > 0
        assert 0 < figures.resumed < figures.in_scope
        assert figures.on_duty > 0
        assert 0 < figures.resumption_rate < 1
        assert 0 < figures.return_to_post_rate < 1
        assert figures.under_observation > 0
        assert sum(figures.applications_waiting.values()) > 0
    # The enterprise admitting workers without approval is flagged today.
    figures = selectors.daily_figures(actor=command, day=today)
    assert figures.alerts
    assert all(alert.admitted_workers > 0 and alert.gates for alert in figures.alerts)
    assert figures.alerts[0].enterprise.name in daily_report_text(figures, "en")
    trend = selectors.trends(actor=command, day=today, facts=selectors.enterprise_facts(command))
    assert trend.on_duty[-1] == figures.on_duty
    # A liaison sees their own enterprises only.
    liaison = User.objects.filter(role=Role.LIAISON, liaison_enterprises__isnull=False).first()
    mine = selectors.daily_figures(actor=liaison, day=today)
    assert 0 < mine.in_scope < figures.in_scope


def test_refuses_a_database_with_enterprises(generated):
    with pytest.raises(CommandError, match="already has 30 enterprises"):
        call_command("generate_scale_data", enterprises=5, workers=10, days=1, stdout=io.StringIO())


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ([], (10_000, 500_000, 14)),
        (["--size", "province"], (50_000, 2_000_000, 7)),
        (["--size", "province", "--days", "3"], (50_000, 2_000_000, 3)),
        (["--workers", "20"], (10_000, 20, 14)),
    ],
)
def test_named_sizes_and_overrides(db, monkeypatch, arguments, expected):
    from fugong.demo.management.commands import generate_scale_data

    asked = []

    def fake_generate(options, log):
        asked.append((options.enterprises, options.workers, options.days))
        raise CommandError("stop here")

    monkeypatch.setattr(generate_scale_data, "generate", fake_generate)
    with pytest.raises(CommandError, match="stop here"):
        call_command("generate_scale_data", *arguments, stdout=io.StringIO())
    assert asked == [expected]


def test_the_generated_summary_agrees_with_the_records(generated):
    """The generator writes the kept history and resumption periods set-based: they equal
    their recomputation (``summary_rebuild --check``)."""
    output = io.StringIO()
    call_command("summary_rebuild", "--check", stdout=output)
    assert "0 difference" in output.getvalue()
