"""The home page each role lands on."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_officer_home_points_to_the_application(client, park):
    client.force_login(park.officer)
    body = client.get(reverse("overview:home")).content.decode()
    assert "申请复工" in body


def test_liaison_home_lists_applications_waiting_for_a_visit(client, park):
    from fugong.resumption.tests.factories import make_application

    make_application(officer=park.officer, state="submitted")
    client.force_login(park.liaison)
    response = client.get(reverse("overview:home"))
    assert [application.enterprise for application in response.context["waiting"]] == [park.a]
    client.force_login(park.other_liaison)
    assert list(client.get(reverse("overview:home")).context["waiting"]) == []


@pytest.mark.parametrize("role", ["command", "liaison", "inspector", "officer", "gate", "district"])
def test_unusual_reveal_volumes_are_on_the_command_posts_home(client, park, settings, role):
    from datetime import timedelta

    from django.utils import timezone

    from fugong.audit.models import AuditAction, AuditEvent
    from fugong.workforce.services import worker_reveal
    from fugong.workforce.tests.factories import make_worker

    settings.FUGONG_REVEAL_ALERT = (timedelta(hours=1), 2)
    worker = make_worker(actor=park.officer, enterprise=park.a)
    for _ in range(2):
        worker_reveal(actor=park.liaison, worker=worker, field="phone")
    client.force_login(park.users()[role])
    page = client.get(reverse("overview:home")).content.decode()
    if role == "command":
        assert 'id="reveal-alerts"' in page
        assert park.liaison.full_name in page and f"（{park.liaison.username}）" in page
    else:
        assert 'id="reveal-alerts"' not in page
    # An alert older than a day is no longer shown.
    AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_REVEAL_ALERT).update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    assert 'id="reveal-alerts"' not in client.get(reverse("overview:home")).content.decode()
