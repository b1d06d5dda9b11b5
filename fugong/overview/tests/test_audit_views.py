import pytest
from django.urls import reverse

from fugong.audit.models import AuditAction
from fugong.enterprises.services import enterprise_update

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "role, status",
    [
        ("command", 200),
        ("liaison", 403),
        ("inspector", 403),
        ("officer", 403),
        ("gate", 403),
        ("district", 403),
    ],
)
def test_only_the_command_post_reads_the_audit_trail(client, park, role, status):
    client.force_login(park.users()[role])
    assert client.get(reverse("audit:event_list")).status_code == status


def test_the_trail_lists_events_with_their_actor(client, park):
    enterprise_update(actor=park.command, enterprise=park.a, usual_headcount=5)
    client.force_login(park.command)
    response = client.get(reverse("audit:event_list"), {"action": AuditAction.ENTERPRISE_UPDATED})
    events = list(response.context["page"])
    assert len(events) == 1
    assert events[0].actor == park.command
    assert client.get(reverse("audit:event_list"), {"action": "<bogus>"}).status_code == 200


def test_the_trail_of_one_enterprise(client, park):
    enterprise_update(actor=park.command, enterprise=park.a, usual_headcount=5)
    enterprise_update(actor=park.command, enterprise=park.b, usual_headcount=6)
    client.force_login(park.command)
    response = client.get(reverse("audit:event_list"), {"enterprise": park.b.pk})
    assert {event.enterprise for event in response.context["page"]} == {park.b}
    assert response.context["enterprise"] == park.b
    everything = client.get(reverse("audit:event_list"), {"enterprise": "b"})
    assert {event.enterprise for event in everything.context["page"]} >= {park.a, park.b}
    client.force_login(park.officer)
    assert client.get(reverse("audit:event_list"), {"enterprise": park.a.pk}).status_code == 403


def test_the_enterprise_page_links_to_its_trail_for_the_command_post_only(client, park):
    enterprise_update(actor=park.command, enterprise=park.a, usual_headcount=5)  # a timeline
    link = f'href="{reverse("audit:event_list")}?enterprise={park.a.pk}"'
    client.force_login(park.command)
    assert link in client.get(reverse("enterprises:detail", args=[park.a.pk])).content.decode()
    client.force_login(park.officer)
    assert link not in client.get(reverse("enterprises:detail", args=[park.a.pk])).content.decode()
