import pytest
from django.urls import reverse
from django.utils import timezone

from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts
from fugong.screening.models import RiskArea, ScreeningRun

pytestmark = pytest.mark.django_db

READ = {"command": 200, "liaison": 200, "other_liaison": 200, "officer": 200, "other_officer": 200}


@pytest.mark.parametrize("role", PARK_ROLES)
def test_rules_pages_by_role(client, park, role):
    client.force_login(park.users()[role])
    expected = READ.get(role, 403)
    assert client.get(reverse("screening:rules")).status_code == expected
    assert client.get(reverse("screening:runs")).status_code == expected
    before = database_counts()
    response = client.post(
        reverse("screening:area_add"),
        {
            "division_code": "湖北省武汉市",
            "level": "high",
            "starts_on": timezone.localdate().isoformat(),
        },
    )
    if role == "command":
        assert response.status_code == 302
        area = RiskArea.objects.get()
        assert area.division_code == "420100"
        run = ScreeningRun.objects.get()
        assert client.get(reverse("screening:run", args=[run.pk])).status_code == 200
    else:
        assert response.status_code == 403
        assert_nothing_written(before)


def test_a_bad_area_shows_the_error(client, park):
    client.force_login(park.command)
    response = client.post(
        reverse("screening:area_add"),
        {"division_code": "火星", "level": "high", "starts_on": "2020-01-01"},
    )
    assert response.status_code == 400
    assert "division_code" in response.context["area_form"].errors


def test_policy_form(client, park):
    client.force_login(park.command)
    response = client.post(
        reverse("screening:policy_add"),
        {
            "effective_from": timezone.localdate().isoformat(),
            "observation_days": 21,
            "yellow_code_days": 7,
            "red_code_days": 14,
            "observation_levels": ["medium", "high"],
            "fever_threshold": "37.3",
            "spo2_threshold": 95,
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("screening:policy_add"),
        {
            "effective_from": timezone.localdate().isoformat(),
            "observation_days": 500,
            "fever_threshold": "50",
            "spo2_threshold": 10,
            "yellow_code_days": 7,
            "red_code_days": 14,
        },
    )
    assert response.status_code == 400


def test_officers_do_not_see_other_enterprises_imports(client, park):
    from fugong.screening.models import ScreeningRun
    from fugong.workforce.imports import worker_import
    from fugong.workforce.tests.test_imports import good_rows, upload

    worker_import(actor=park.other_officer, enterprise=park.b, upload=upload(good_rows()))
    run = ScreeningRun.objects.get(trigger="import")
    client.force_login(park.officer)
    assert run not in client.get(reverse("screening:runs")).context["page"]
    assert client.get(reverse("screening:run", args=[run.pk])).status_code == 404
    client.force_login(park.other_officer)
    assert client.get(reverse("screening:run", args=[run.pk])).status_code == 200


def test_a_moved_workers_old_rescreenings_stay_with_the_old_enterprise(client, park):
    from datetime import timedelta

    from fugong.workforce import services
    from fugong.workforce.tests.factories import make_worker, resident_id

    worker = make_worker(
        actor=park.other_officer, enterprise=park.b, document_number=resident_id(sequence=31)
    )
    services.worker_update(
        actor=park.other_officer,
        worker=worker,
        contact_on=timezone.localdate() - timedelta(days=2),
    )
    at_b = ScreeningRun.objects.get()
    services.worker_move(actor=park.command, worker=worker, enterprise=park.a)
    move = ScreeningRun.objects.exclude(pk=at_b.pk).get()
    assert move.changes.get().old_clearance == "observation"  # b's clearance, recorded…
    services.worker_update(actor=park.officer, worker=worker, holiday_location_code="430603")
    at_a = ScreeningRun.objects.exclude(pk__in=[at_b.pk, move.pk]).get()
    client.force_login(park.officer)
    runs = list(client.get(reverse("screening:runs")).context["page"])
    assert at_a in runs and at_b not in runs and move not in runs  # …but not shown to a
    for hidden in (at_b, move):
        assert client.get(reverse("screening:run", args=[hidden.pk])).status_code == 404
    changes = client.get(reverse("screening:run", args=[at_a.pk])).context["page"]
    assert [change.enterprise for change in changes] == [park.a]
    client.force_login(park.other_officer)
    runs = list(client.get(reverse("screening:runs")).context["page"])
    assert at_b in runs and at_a not in runs and move not in runs
    client.force_login(park.command)
    runs = list(client.get(reverse("screening:runs")).context["page"])
    assert {at_a, at_b, move} <= set(runs)
