import pytest
from django.urls import reverse

from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts
from fugong.retention.models import RetentionPolicy

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", PARK_ROLES)
def test_the_page_by_role(client, park, today, role):
    client.force_login(park.users()[role])
    before = database_counts()
    response = client.post(
        reverse("retention:policy"),
        {
            "effective_from": today.isoformat(),
            "gate_reading_days": 60,
            "visitor_days": 60,
            "departed_worker_days": 400,
        },
    )
    if role == "command":
        assert response.status_code == 302
        assert RetentionPolicy.objects.get().gate_reading_days == 60
        page = client.get(reverse("retention:policy")).content.decode()
        assert 'id="retention-current"' in page and "400" in page
    else:
        assert response.status_code == 403
        assert_nothing_written(before)


def test_bad_input_shows_the_form_again(client, park, today):
    client.force_login(park.command)
    before = database_counts()
    response = client.post(
        reverse("retention:policy"),
        {"effective_from": "not a date", "gate_reading_days": -1, "visitor_days": "x"},
    )
    assert response.status_code == 400
    assert_nothing_written(before)
