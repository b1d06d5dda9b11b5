"""The contacts section and the contact rules page: htmx answers, errors shown on the section,
role by role with nothing written when refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from fugong.cases import contact_services
from fugong.cases.models import ContactRules, ContactStatus
from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts

from .contact_data import outbreak

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_finding_confirming_dropping_and_adding_on_the_section(client, park, today):
    o = outbreak(park, today=today)
    client.force_login(park.command)
    section = reverse("cases:contacts_section", args=[o.case.pk])
    page = client.get(section)
    assert page.status_code == 200 and 'id="contacts-empty"' in page.content.decode()
    found = client.post(reverse("cases:contacts_find", args=[o.case.pk]), **HTMX)
    html = found.content.decode()
    assert found.status_code == 200 and "<html" not in html
    assert 'id="contacts-notice"' in html and "同班乙" in html and "07:30" in html
    for rule in ("department_shift", "dormitory_room", "shuttle_route", "same_gate"):
        assert f'data-rule="{rule}"' in html
    colleague = o.case.contacts.get(worker=o.colleague)
    rider = o.case.contacts.get(worker=o.rider)
    confirmed = client.post(reverse("cases:contacts_confirm", args=[colleague.pk]), **HTMX)
    assert confirmed.status_code == 200
    colleague.refresh_from_db()
    assert colleague.status == ContactStatus.CONFIRMED
    before = database_counts()
    refused = client.post(reverse("cases:contacts_drop", args=[rider.pk]), {"reason": "  "}, **HTMX)
    assert refused.status_code == 400 and "invalid-feedback" in refused.content.decode()
    assert_nothing_written(before)
    dropped = client.post(
        reverse("cases:contacts_drop", args=[rider.pk]), {"reason": "未同车"}, **HTMX
    )
    assert dropped.status_code == 200 and "未同车" in dropped.content.decode()
    before = database_counts()
    own = client.post(
        reverse("cases:contacts_add", args=[o.case.pk]),
        {"worker_id": o.patient.pk, "last_contact_on": today.isoformat()},
        **HTMX,
    )
    assert own.status_code == 400 and 'id="form-errors"' in own.content.decode()
    future = client.post(
        reverse("cases:contacts_add", args=[o.case.pk]),
        {"worker_id": o.late.pk, "last_contact_on": (today + timedelta(days=1)).isoformat()},
        **HTMX,
    )
    assert future.status_code == 400
    twice = client.post(
        reverse("cases:contacts_add", args=[o.case.pk]),
        {"worker_id": o.colleague.pk, "last_contact_on": today.isoformat()},
        **HTMX,
    )
    assert twice.status_code == 409
    assert_nothing_written(before)
    added = client.post(
        reverse("cases:contacts_add", args=[o.case.pk]),
        {"full_name": "家属", "last_contact_on": today.isoformat(), "note": "同住"},
    )
    assert added.status_code == 302 and added["Location"] == section
    assert o.case.contacts.filter(full_name="家属", added_by_hand=True).exists()
    second = client.post(
        reverse("cases:contacts_find", args=[o.case.pk]), {"second_level": "1"}, **HTMX
    )
    assert second.status_code == 200


def test_the_contact_rules_page(client, park, today):
    client.force_login(park.command)
    url = reverse("cases:contacts_rules")
    assert 'id="contact-rules-form"' in client.get(url).content.decode()
    add = reverse("cases:contacts_rules_add")
    data = {
        "effective_from": today.isoformat(),
        "days_before_onset": "0",
        "same_gate_minutes": "15",
        "same_gate": "on",
    }
    before = database_counts()
    refused = client.post(add, data)
    assert refused.status_code == 400 and "invalid-feedback" in refused.content.decode()
    assert_nothing_written(before)
    saved = client.post(add, {**data, "days_before_onset": "3"})
    assert saved.status_code == 302
    rules = ContactRules.objects.get()
    assert (rules.days_before_onset, rules.same_gate, rules.same_dormitory_room) == (3, True, False)
    assert client.post(add, {**data, "days_before_onset": "3"}).status_code == 409


PAGE_CODES = {
    "command": (200, 200),
    "liaison": (200, 200),
    "officer": (200, 200),
    "other_liaison": (404, 200),
    "other_officer": (404, 200),
    "inspector": (403, 403),
    "gate": (403, 403),
    "district": (403, 403),
}


@pytest.mark.parametrize("role", PARK_ROLES)
def test_contact_pages_by_role(client, park, today, role):
    o = outbreak(park, today=today)
    contact_services.contacts_find(actor=park.command, case=o.case)
    client.force_login(getattr(park, role))
    section = client.get(reverse("cases:contacts_section", args=[o.case.pk]))
    rules = client.get(reverse("cases:contacts_rules"))
    assert (section.status_code, rules.status_code) == PAGE_CODES[role]
    if section.status_code == 200:
        html = section.content.decode()
        assert o.colleague.document_masked in html
        # Only the command post finds and decides.
        assert ('id="contacts-find"' in html) == (role == "command")
        assert ("contact-confirm" in html) == (role == "command")


@pytest.mark.parametrize("role", [role for role in PARK_ROLES if role != "command"])
def test_contact_writes_by_role_write_nothing_when_refused(client, park, today, role):
    o = outbreak(park, today=today)
    contact_services.contacts_find(actor=park.command, case=o.case)
    contact = o.case.contacts.get(worker=o.colleague)
    client.force_login(getattr(park, role))
    before = database_counts()
    answers = [
        client.post(reverse("cases:contacts_find", args=[o.case.pk]), **HTMX),
        client.post(
            reverse("cases:contacts_add", args=[o.case.pk]),
            {"worker_id": o.late.pk, "last_contact_on": today.isoformat()},
        ),
        client.post(reverse("cases:contacts_confirm", args=[contact.pk])),
        client.post(reverse("cases:contacts_drop", args=[contact.pk]), {"reason": "x"}),
        client.post(
            reverse("cases:contacts_rules_add"),
            {"effective_from": today.isoformat(), "days_before_onset": 2, "same_gate_minutes": 9},
        ),
    ]
    for answer in answers:
        assert answer.status_code in (403, 404), (role, answer.status_code)
    assert_nothing_written(before)
