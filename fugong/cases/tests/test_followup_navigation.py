"""The follow-up pages are reachable: an entry in the navigation and links on the case list's
header for the roles that may read the declarations, none for the others."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "role, shown",
    [
        ("command", True),
        ("liaison", True),
        ("officer", True),
        ("inspector", False),
        ("gate", False),
        ("district", False),
    ],
)
def test_the_navigation_links_the_follow_ups(client, park, role, shown):
    client.force_login(park.users()[role])
    response = client.get(reverse("overview:home"))
    urls = [entry["url"] for entry in response.context["navigation"]]
    assert (reverse("cases:follow_up_list") in urls) == shown
    if shown:
        assert client.get(reverse("cases:follow_up_list")).status_code == 200


def test_the_follow_up_entry_is_active_on_its_pages(client, park):
    client.force_login(park.command)
    navigation = client.get(reverse("cases:follow_up_missing")).context["navigation"]
    active = [entry["url"] for entry in navigation if entry["active"]]
    assert active == [reverse("cases:follow_up_list")]


@pytest.mark.parametrize("role", ["command", "liaison", "officer"])
def test_the_case_list_links_the_follow_up_pages(client, park, role):
    client.force_login(park.users()[role])
    body = client.get(reverse("cases:list")).content.decode()
    assert f'href="{reverse("cases:follow_up_list")}"' in body
    assert f'href="{reverse("cases:follow_up_missing")}"' in body
    assert client.get(reverse("cases:follow_up_missing")).status_code == 200
