import pytest
from django.urls import reverse

from fugong.core.testing import assert_nothing_written, database_counts
from fugong.guide.models import GuideVersion

pytestmark = pytest.mark.django_db

READERS = {
    "command": 200,
    "liaison": 200,
    "inspector": 200,
    "officer": 200,
    "gate": 403,
    "district": 403,
}


@pytest.mark.parametrize("role, status", READERS.items())
def test_reading_the_guide(client, park, guide, role, status):
    client.force_login(park.users()[role])
    assert client.get(reverse("guide:version_list")).status_code == status
    assert client.get(reverse("guide:version_detail", args=[guide.pk])).status_code == status
    response = client.get("/api/v1/guide/current")
    assert response.status_code == status
    if status == 200:
        assert len(response.json()["items"]) == 18
    assert client.get(f"/api/v1/guide/versions/{guide.pk}").status_code == status


@pytest.mark.parametrize("role", ["liaison", "inspector", "officer", "gate", "district"])
def test_editing_is_for_the_command_post(client, park, guide, role):
    client.force_login(park.users()[role])
    before = database_counts()
    assert client.post(reverse("guide:version_draft")).status_code == 403
    assert client.get(reverse("guide:item_create", args=[guide.pk])).status_code in (403, 404)
    assert client.post(reverse("guide:version_publish", args=[guide.pk])).status_code in (403, 404)
    assert_nothing_written(before)


def test_command_drafts_edits_and_publishes(client, park, guide):
    client.force_login(park.command)
    assert client.post(reverse("guide:version_draft")).status_code == 302
    draft = GuideVersion.objects.get(status="draft")
    response = client.post(
        reverse("guide:item_create", args=[draft.pk]),
        {"code": "G30", "category": "premises", "text": "班车每趟消毒", "guidance": ""},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("guide:item_create", args=[draft.pk]),
        {"code": "G30", "category": "premises", "text": "重复"},
    )
    assert response.status_code == 400
    assert client.post(reverse("guide:version_publish", args=[draft.pk])).status_code == 302
    # A published version refuses edits with 409.
    item = draft.items.first()
    response = client.post(
        reverse("guide:item_edit", args=[item.pk]),
        {"code": item.code, "category": item.category, "text": "改"},
    )
    assert response.status_code == 409


def test_drafts_are_seen_only_by_the_command_post(client, park, guide):
    from fugong.guide.services import guide_version_draft

    draft = guide_version_draft(actor=park.command)
    client.force_login(park.officer)
    assert client.get(reverse("guide:version_detail", args=[draft.pk])).status_code == 404
    assert client.get(f"/api/v1/guide/versions/{draft.pk}").status_code == 404
    assert draft not in client.get(reverse("guide:version_list")).context["versions"]
    client.force_login(park.command)
    assert client.get(reverse("guide:version_detail", args=[draft.pk])).status_code == 200
