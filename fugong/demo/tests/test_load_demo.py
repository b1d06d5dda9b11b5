"""The demo park is shaped like the park in the article, and every demo login works."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from fugong.accounts.models import User
from fugong.core.roles import Role
from fugong.demo.park import DEMO_LOGINS, DEMO_PASSWORD
from fugong.enterprises.models import Enterprise, EnterpriseKind
from fugong.resumption.models import ApplicationStatus, ResumptionApplication
from fugong.resumption.selectors import EnterpriseStatus, resumed_on_q, with_status

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back afterwards."""
    from django.db import transaction

    from fugong.core.files import atomic_storing_files
    from fugong.guide.models import GuideItem, GuideVersion
    from fugong.guide.seed import seed_guide

    with django_db_blocker.unblock(), atomic_storing_files():
        seed_guide(GuideVersion, GuideItem)
        output = StringIO()
        call_command("load_demo", stdout=output)
        yield output.getvalue()
        transaction.set_rollback(True)


def test_figures_match_the_article(demo):
    today = timezone.localdate()
    in_scope = Enterprise.objects.filter(in_scope=True)
    assert in_scope.count() == 268
    resumed = in_scope.filter(resumed_on_q(today))
    assert resumed.count() == 130
    assert resumed.filter(kind=EnterpriseKind.CONSTRUCTION_SITE).count() == 6
    assert round(resumed.count() / in_scope.count() * 100, 1) == 48.5
    above = in_scope.filter(is_above_scale=True, kind=EnterpriseKind.INDUSTRIAL)
    assert round(above.filter(resumed_on_q(today)).count() / above.count() * 100) == 61


def test_every_state_is_present(demo):
    statuses = set(with_status(Enterprise.objects.all()).values_list("status", flat=True))
    assert statuses == set(EnterpriseStatus.values)
    assert set(ResumptionApplication.objects.values_list("status", flat=True)) == set(
        ApplicationStatus.values
    )
    assert ResumptionApplication.objects.filter(round__gt=1).exists()


def test_key_enterprises_have_leader_liaisons(demo):
    for enterprise in Enterprise.objects.filter(is_key=True).select_related("liaison"):
        assert enterprise.liaison.is_leader


def test_every_demo_login_works(demo):
    for username, _name, role, _extra in DEMO_LOGINS:
        user = User.objects.get(username=username)
        assert user.role == role
        client = Client()
        response = client.post(
            "/accounts/login/", {"username": username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
        assert client.get("/").status_code == 200
    officer = User.objects.get(username="officer")
    assert not ResumptionApplication.objects.filter(enterprise=officer.enterprise).exists()
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert "fugong-demo-2020" in demo


def test_load_demo_refuses_a_database_that_is_not_empty(demo):
    with pytest.raises(CommandError):
        call_command("load_demo", stdout=StringIO())
    output = StringIO()
    call_command("load_demo", "--if-empty", stdout=output)
    assert "not empty" in output.getvalue()


def test_gates_and_their_mornings(demo):
    from fugong.gate.models import AbnormalEvent, Gate, GateCheck, GateOperator, Visitor

    working = with_status(Enterprise.objects.all()).filter(status=EnterpriseStatus.RESUMED)
    assert Gate.objects.filter(enterprise__in=working).count() == working.count()
    wharf = Gate.objects.get(enterprise__isnull=True)
    assert wharf.name == "城陵矶码头入口" and wharf.devices.exists()
    operator = User.objects.get(username="gate")
    operator_gate = GateOperator.objects.get(user=operator).gate
    assert operator_gate.enterprise == operator.enterprise
    assert GateOperator.objects.get(user__username="gate2").gate == wharf
    assert "gate2" in demo  # printed with the other logins
    days = set(GateCheck.objects.values_list("check_date", flat=True))
    assert len(days) >= 2 and max(days) <= timezone.localdate()
    assert GateCheck.objects.filter(verdict="denied").exists()
    assert Visitor.objects.exists()
    # Every check was judged by the same rules as at a real gate.
    assert not GateCheck.objects.filter(verdict="admitted").exclude(reasons=[]).exists()
    closed = AbnormalEvent.objects.filter(status="closed")
    assert closed.exists() and all(event.steps.exists() for event in closed)
    # The demo operator has been at work this morning, and the demo liaison has an event to
    # follow from that gate.
    assert GateCheck.objects.filter(operator=operator).exists()
    if timezone.localtime().hour >= 8:
        assert AbnormalEvent.objects.filter(gate=operator_gate, status="open").exists()


def test_the_demo_has_cases_and_no_confirmed_one(demo):
    from fugong.cases.models import Case, Classification
    from fugong.reports.selectors import daily_figures

    assert Case.objects.filter(is_drill=False, classification=Classification.EXCLUDED).count() == 1
    drill = Case.objects.get(is_drill=True)
    assert drill.contacts.count() >= 3
    figures = daily_figures(actor=User.objects.get(username="command"), day=timezone.localdate())
    assert (figures.confirmed, figures.suspected, figures.contacts_under_observation) == (0, 0, 0)


def test_training_sessions_and_who_is_trained(demo):
    from fugong.reports.selectors import daily_figures
    from fugong.training.models import TrainingAttendance, TrainingSession

    assert "demo training:" in demo
    today = timezone.localdate()
    assert TrainingSession.objects.filter(enterprise__isnull=True).count() == 1
    assert TrainingSession.objects.filter(held_on__gt=today).exists()  # one planned
    assert TrainingSession.objects.get(enterprise__isnull=True).materials.count() == 1
    assert TrainingAttendance.objects.count() > 50
    command = User.objects.get(username="command")
    # Yesterday: a whole day of admissions, whatever the hour the test runs at.
    figures = daily_figures(actor=command, day=today - timedelta(days=1))
    assert 0 < figures.untrained_on_duty < figures.on_duty


def test_the_duty_roster(demo):
    from fugong.duty.models import DutyShift
    from fugong.duty.selectors import on_duty_now

    assert "demo duty roster:" in demo
    today = timezone.localdate()
    assert DutyShift.objects.filter(day=today).count() == 2
    assert DutyShift.objects.filter(day__gt=today + timedelta(days=20)).exists()
    assert DutyShift.objects.filter(handover_acknowledged_at__isnull=False).exists()
    assert len(on_duty_now()) == 1


def test_supplies_for_every_screen(demo):
    from fugong.supplies.models import RequestStatus, SupplyEntry, SupplyRequest, SupplyStock

    assert "demo supplies:" in demo
    assert SupplyStock.objects.filter(enterprise__isnull=True, quantity__gt=0).count() >= 9
    assert SupplyEntry.objects.filter(kind="opening").exists()
    assert SupplyEntry.objects.filter(kind="daily_use").exists()
    statuses = set(SupplyRequest.objects.values_list("status", flat=True))
    assert statuses == {RequestStatus.PENDING, RequestStatus.ALLOCATED, RequestStatus.DECLINED}
    officer = User.objects.get(username="officer")
    assert SupplyRequest.objects.filter(enterprise=officer.enterprise).exists()
    liaison = User.objects.get(username="liaison")
    client = Client()
    client.force_login(liaison)
    page = client.get("/supplies/low-on-masks/").content.decode()
    assert 'id="low-on-masks"' in page
    from fugong.supplies.selectors import enterprises_low_on_masks

    low = enterprises_low_on_masks(
        Enterprise.objects.filter(liaison=liaison), on=timezone.localdate()
    )
    assert low, "the liaison's enterprises include one low on masks"


def test_every_chart_point_equals_its_days_figure(demo):
    """The dashboard's 30-day lines plot, for each day, the very figure that day's dashboard
    shows (rounded once, to one decimal, where it is shown): 80 of 268 is 29.9 %, not 29.8 %."""
    import json
    import re
    from datetime import date

    from fugong.reports import selectors
    from fugong.reports.exports import percent, percent_number

    command = User.objects.get(username="command")
    client = Client()
    client.force_login(command)
    body = client.get("/reports/").content.decode()
    found = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', body)
    assert found is not None
    chart = json.loads(found.group(1))
    facts = selectors.enterprise_facts(command)
    assert len(chart["days"]) >= 20
    for index, text in enumerate(chart["days"]):
        figures = selectors.daily_figures(actor=command, day=date.fromisoformat(text), facts=facts)
        point = chart["resumption_rate"][index]
        assert point == percent_number(figures.resumption_rate), text
        assert (f"{point:.1f}%" if point is not None else percent(None)) == percent(
            figures.resumption_rate
        )
        assert chart["on_duty"][index] == figures.on_duty, text
        assert chart["abnormal_events"][index] == figures.abnormal_events, text
    assert percent_number(80 / 268) == 29.9 and percent(80 / 268) == "29.9%"


def test_rooms_for_every_screen(demo):
    from fugong.rooms.models import Placement, Room
    from fugong.rooms.selectors import room_alerts

    assert "demo rooms:" in demo
    from fugong.gate.models import AbnormalEvent, EventStatus

    assert Room.objects.filter(enterprise__isnull=True).exists()
    assert Placement.objects.filter(released_at__isnull=False).exists()
    # This morning's open event (once the morning has begun) has its person in a room.
    if AbnormalEvent.objects.exclude(status=EventStatus.CLOSED).exists():
        assert Placement.objects.filter(released_at__isnull=True).exists()
    command = User.objects.get(username="command")
    assert room_alerts(actor=command).without_room


def test_the_kept_summary_agrees_with_the_records(demo):
    """Everything the demo does goes through the services (imports, approvals, suspensions,
    a liaison's assignments): the kept history and resumption periods equal their
    recomputation from the records."""
    output = StringIO()
    call_command("summary_rebuild", "--check", stdout=output)
    assert "0 difference" in output.getvalue()
