import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from fugong.audit.models import AuditAction, AuditEvent
from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts
from fugong.handover.models import HandoverList
from fugong.handover.services import handover_generate
from fugong.workforce.tests.factories import make_worker, resident_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists(park):
    make_worker(
        actor=park.officer,
        enterprise=park.a,
        document_number=resident_id(sequence=31),
        phone="13655556666",
        residence_code="430603",
        contact_on=timezone.localdate() - timedelta(days=2),
    )
    make_worker(
        actor=park.officer,
        enterprise=park.a,
        document_number=resident_id(sequence=32),
        residence_code="430602",
        contact_on=timezone.localdate() - timedelta(days=2),
    )
    return handover_generate(actor=park.command)


VIEW = {"command": 200, "district": 200}


@pytest.mark.parametrize("role", PARK_ROLES)
def test_pages_by_role(client, park, lists, role):
    client.force_login(park.users()[role])
    mine = HandoverList.objects.get(district_code="430603", kind="reminder")
    other = HandoverList.objects.get(district_code="430602", kind="reminder")
    assert client.get(reverse("handover:list")).status_code == VIEW.get(role, 403)
    assert client.get(reverse("handover:detail", args=[mine.pk])).status_code == VIEW.get(role, 403)
    expected_other = {"command": 200, "district": 404}.get(role, 403)
    assert client.get(reverse("handover:detail", args=[other.pk])).status_code == expected_other
    before = database_counts()
    response = client.post(reverse("handover:acknowledge", args=[mine.pk]))
    if role == "district":
        assert response.status_code == 302
    else:
        assert response.status_code == 403
        assert_nothing_written(before)
    response = client.post(reverse("handover:generate"))
    assert response.status_code == (302 if role == "command" else 403)


def test_export_gives_districts_full_phones_and_is_audited(client, park, lists):
    item = HandoverList.objects.get(district_code="430603", kind="reminder")
    client.force_login(park.district)
    response = client.get(reverse("handover:export", args=[item.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for cell in sheet[2]]
    assert "13655556666" in values
    client.force_login(park.command)
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("handover:export", args=[item.pk])).content)
    ).active
    assert "136****6666" in [cell.value for cell in sheet[2]]
    assert AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_EXPORTED).count() == 2


def test_command_sees_the_unacknowledged(client, park, lists):
    client.force_login(park.command)
    response = client.get(reverse("handover:list"), {"unacknowledged": "1"})
    assert response.context["unacknowledged_count"] == 4
