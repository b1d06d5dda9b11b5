"""The case pages: the list, opening (a worker, a person from outside, an abnormal event), the
case page with its timeline, classification and edits, the chain's data, role by role."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from fugong.audit.models import AuditAction, AuditEvent
from fugong.cases import services
from fugong.cases.models import Case, CaseEntryKind, CaseSource, Classification
from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts
from fugong.gate.services import abnormal_event_step

from .pages_fixtures import *  # noqa: F403 (the fixtures)

pytestmark = pytest.mark.django_db

# What each role gets for a case of enterprise ``a``: its page, or 403/404.
VIEW = {
    "command": 200,
    "liaison": 200,
    "officer": 200,
    "other_liaison": 404,
    "other_officer": 404,
    "inspector": 403,
    "gate": 403,
    "district": 403,
}


@pytest.mark.parametrize("role", PARK_ROLES)
def test_case_pages_by_role(client, park, case, contact, role):
    client.force_login(park.users()[role])
    expected = VIEW[role]
    listed = client.get(reverse("cases:list"))
    assert listed.status_code == (403 if expected == 403 else 200)
    if expected != 403:
        assert ("李四" in listed.content.decode()) == (expected == 200)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == expected
    assert client.get(reverse("cases:chain", args=[case.pk])).status_code == expected
    before = database_counts()
    exported = client.get(reverse("cases:export", args=[case.pk]))
    assert exported.status_code == expected
    if expected == 200:
        assert AuditEvent.objects.filter(action=AuditAction.CASE_EXPORTED).count() == 1
    else:
        assert_nothing_written(before)


@pytest.mark.parametrize("role", PARK_ROLES)
def test_case_writes_by_role_write_nothing_when_refused(client, park, worker, case, role, today):
    client.force_login(park.users()[role])
    allowed = role == "command"
    opened = client.get(reverse("cases:open"))
    assert opened.status_code == (200 if allowed else 403)
    before = database_counts()
    responses = [
        client.post(
            reverse("cases:open"),
            {
                "person": "external",
                "full_name": "王五",
                "classification": "suspected",
                "source": "district_notice",
                "sampling_on": today.isoformat(),
            },
        ),
        client.post(
            reverse("cases:classify", args=[case.pk]),
            {"classification": "excluded", "effective_on": today.isoformat()},
        ),
        client.post(
            reverse("cases:edit", args=[case.pk]),
            {"onset_on": (today - timedelta(days=1)).isoformat(), "isolated_on": today.isoformat()},
        ),
    ]
    if allowed:
        assert [response.status_code for response in responses] == [302, 302, 302]
        assert Case.objects.count() == 2
    else:
        statuses = {response.status_code for response in responses}
        assert statuses <= {403, 404}
        assert_nothing_written(before)


def test_navigation_shows_cases_to_those_who_may_see_them(client, park):
    for role, user in park.users().items():
        client.force_login(user)
        home = client.get(reverse("overview:home")).content.decode()
        assert (f'href="{reverse("cases:list")}"' in home) == (VIEW[role] != 403), role


def test_opening_a_case_for_a_worker_found_by_name(client, park, worker, today):
    client.force_login(park.command)
    found = client.get(reverse("cases:open"), {"q": "李"}).content.decode()
    assert "李四" in found and f"?worker={worker.pk}" in found
    form = client.get(reverse("cases:open"), {"worker": worker.pk})
    assert form.status_code == 200 and "李四" in form.content.decode()
    response = client.post(
        reverse("cases:open"),
        {
            "worker": worker.pk,
            "classification": "suspected",
            "source": "fever_clinic",
            "onset_on": today.isoformat(),
            "is_drill": "on",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "cases:detail", args=[case.pk]
    )
    assert case.worker == worker and case.is_drill and case.source == CaseSource.FEVER_CLINIC
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "drill-badge" in page and 'id="drill-note"' in page


def test_a_future_onset_is_a_form_error_and_nothing_is_written(client, park, worker, tomorrow):
    client.force_login(park.command)
    before = database_counts()
    response = client.post(
        reverse("cases:open"),
        {
            "worker": worker.pk,
            "classification": "suspected",
            "source": "other",
            "onset_on": tomorrow.isoformat(),
        },
    )
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert_nothing_written(before)


def test_a_bad_document_number_for_a_person_from_outside(client, park, today):
    client.force_login(park.command)
    before = database_counts()
    response = client.post(
        reverse("cases:open"),
        {
            "person": "external",
            "full_name": "王五",
            "document_type": "resident_id",
            "document_number": "123456",
            "classification": "confirmed",
            "source": "cdc_notice",
            "sampling_on": today.isoformat(),
        },
    )
    assert response.status_code == 400
    assert_nothing_written(before)


def test_the_event_page_offers_a_case_with_the_outcome_proposed(client, park, event, today):
    client.force_login(park.command)
    abnormal_event_step(actor=park.command, event=event, action="outcome", outcome="confirmed")
    page = client.get(reverse("gate:event", args=[event.pk])).content.decode()
    assert "open-case-from-event" in page and f"?event={event.pk}" in page
    form = client.get(reverse("cases:open"), {"event": event.pk}).content.decode()
    assert 'value="confirmed" selected' in form
    response = client.post(
        reverse("cases:open"),
        {"event": event.pk, "classification": "confirmed", "onset_on": today.isoformat()},
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.abnormal_event == event and case.source == CaseSource.GATE_EVENT
    assert case.classification == Classification.CONFIRMED
    # Only those who may open a case see the button.
    client.force_login(park.officer)
    assert (
        "open-case-from-event"
        not in client.get(reverse("gate:event", args=[event.pk])).content.decode()
    )


def test_classifying_with_an_effective_date_shows_on_the_timeline(client, park, case, today):
    client.force_login(park.command)
    response = client.post(
        reverse("cases:classify", args=[case.pk]),
        {"classification": "excluded", "effective_on": today.isoformat(), "note": "核酸阴性"},
    )
    assert response.status_code == 302
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "核酸阴性" in page and "classification-excluded" in page
    assert 'id="case-timeline"' in page
    before = database_counts()
    future = client.post(
        reverse("cases:classify", args=[case.pk]),
        {"classification": "confirmed", "effective_on": (today + timedelta(days=1)).isoformat()},
    )
    assert future.status_code == 400
    assert_nothing_written(before)


def test_editing_dates_and_isolation(client, park, case, today):
    client.force_login(park.command)
    form = client.get(reverse("cases:edit", args=[case.pk]))
    assert form.status_code == 200
    response = client.post(
        reverse("cases:edit", args=[case.pk]),
        {
            "onset_on": (today - timedelta(days=2)).isoformat(),
            "isolated_on": today.isoformat(),
            "isolation_kind": "hospital",
            "isolation_place": "市传染病医院",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.isolated_on == today and case.isolation_place == "市传染病医院"
    assert case.entries.filter(kind=CaseEntryKind.ISOLATED).exists()
    before = database_counts()
    bad = client.post(
        reverse("cases:edit", args=[case.pk]),
        {"onset_on": today.isoformat(), "isolated_on": (today - timedelta(days=3)).isoformat()},
    )
    assert bad.status_code == 400
    assert_nothing_written(before)


def test_the_list_filters_by_classification_and_drills(client, park, case, colleague, today):
    drill = services.case_open(
        actor=park.command,
        classification=Classification.CONFIRMED,
        worker_id=colleague.pk,
        onset_on=today,
        is_drill=True,
    )
    client.force_login(park.command)

    def listed(**query):
        body = client.get(reverse("cases:list"), query).content.decode()
        return {item.pk for item in (case, drill) if f'href="/cases/{item.pk}/"' in body}

    assert listed() == {case.pk, drill.pk}
    assert listed(drills="yes") == {drill.pk}
    assert listed(drills="no") == {case.pk}
    assert listed(classification="confirmed") == {drill.pk}
    assert listed(classification="nonsense") == {case.pk, drill.pk}
    fragment = client.get(reverse("cases:list"), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and 'id="cases"' in fragment


def test_the_chain_follows_contacts_and_the_cases_opened_from_them(
    client, park, case, contact, colleague, today
):
    second = services.case_open(
        actor=park.command,
        classification=Classification.SUSPECTED,
        worker_id=colleague.pk,
        onset_on=today,
    )
    Case.objects.filter(pk=second.pk).update(source_contact=contact, source=CaseSource.CONTACT)
    client.force_login(park.command)
    data = json.loads(client.get(reverse("cases:chain", args=[case.pk])).content)
    ids = {node["id"] for node in data["nodes"]}
    assert ids == {f"case-{case.pk}", f"contact-{contact.pk}", f"case-{second.pk}"}
    assert {"source": f"contact-{contact.pk}", "target": f"case-{second.pk}"} in data["links"]
    assert all("document" not in json.dumps(node) for node in data["nodes"])
    # From the second case the graph goes back to the first.
    back = json.loads(client.get(reverse("cases:chain", args=[second.pk])).content)
    assert {"source": f"case-{case.pk}", "target": f"case-{second.pk}"} in back["links"]
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="case-chain"' in page and "case_chain.js" in page and "<script>" not in page


@pytest.mark.parametrize(
    "query", [{"event": "x"}, {"worker": "99999999999999999999999"}, {"event": "123456"}]
)
def test_odd_ids_in_the_open_form_are_not_found(client, park, query):
    client.force_login(park.command)
    assert client.get(reverse("cases:open"), query).status_code == 404
