"""The enterprise list and the enterprise's page."""

import pytest
from django.urls import reverse

from fugong.core.testing import PARK_ROLES
from fugong.enterprises.models import Enterprise

pytestmark = pytest.mark.django_db

ROLES = PARK_ROLES

# Expected status of GET on enterprise a's pages, by role.
DETAIL = {
    "command": 200,
    "liaison": 200,
    "other_liaison": 404,
    "inspector": 200,
    "officer": 200,
    "other_officer": 404,
    "gate": 403,
    "district": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_list_and_detail_by_role(client, park, role):
    client.force_login(park.users()[role])
    list_status = 403 if role in ("gate", "district") else 200
    assert client.get(reverse("enterprises:list")).status_code == list_status
    assert client.get(reverse("enterprises:detail", args=[park.a.pk])).status_code == DETAIL[role]


def test_list_filters_and_htmx_fragment(client, park):
    client.force_login(park.command)
    response = client.get(reverse("enterprises:list"), {"q": "甲"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert "甲企业有限公司" in body and "乙企业有限公司" not in body
    response = client.get(
        reverse("enterprises:list"), {"status": "not_applied", "kind": "industrial"}
    )
    assert response.context["page"].paginator.count == 2
    # A malformed filter is ignored, not a crash.
    response = client.get(reverse("enterprises:list"), {"status": "<script>", "liaison": "abc"})
    assert response.status_code == 200


def test_inspector_sees_masked_phones(client, park):
    Enterprise.objects.filter(pk=park.a.pk).update(contact_phone="13800138000")
    client.force_login(park.inspector)
    body = client.get(reverse("enterprises:detail", args=[park.a.pk])).content.decode()
    assert "13800138000" not in body and "138****8000" in body
    client.force_login(park.liaison)
    assert (
        "13800138000"
        in client.get(reverse("enterprises:detail", args=[park.a.pk])).content.decode()
    )
