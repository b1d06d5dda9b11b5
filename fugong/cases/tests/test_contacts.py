"""Close-contact finding: every rule with its evidence, the exposure window and its edges, the
rules' effective dates, merging a new search, the second level, and confirming, dropping and
adding by hand (with what is refused, and nothing written then)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from fugong.audit.models import AuditAction, AuditEvent
from fugong.cases import contact_services, services
from fugong.cases.contacts import Subject, Window, exposure_window, find_contacts
from fugong.cases.models import CaseEntryKind, ContactRules, ContactStatus
from fugong.cases.selectors import contact_rules_on
from fugong.cases.selectors_contacts import contact_get, contact_list, contacts_by_reason
from fugong.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from fugong.core.testing import assert_nothing_written, database_counts
from fugong.workforce.tests.factories import resident_id

from .contact_data import admit, at, outbreak, worker

pytestmark = pytest.mark.django_db


def rules_of(case):
    return {
        contact.full_name: sorted({r["rule"] for r in contact.reasons})
        for contact in case.contacts.all()
    }


def test_every_rule_finds_its_people_with_the_evidence(park, today):
    o = outbreak(park, today=today)
    result = contact_services.contacts_find(actor=park.command, case=o.case)
    day = o.exposed_on.isoformat()
    assert rules_of(o.case) == {
        "同班乙": ["department_shift"],
        "室友丁": ["dormitory_room"],
        "同车戊": ["shuttle_route"],
        "邻近己": ["same_gate"],
        "访客301": ["visitor_hosted"],
        "访客302": ["visitor_hosted"],
    }
    contacts = {contact.full_name: contact for contact in o.case.contacts.all()}
    (shift,) = contacts["同班乙"].reasons
    assert shift | {"level": 1, "via": None} == {
        "rule": "department_shift",
        "on": day,
        "level": 1,
        "via": None,
        "enterprise": park.a.name,
        "department": "二车间",
        "shift": "早班",
        "case_checks": [{"gate": "东门", "at": "08:00"}],
        "contact_checks": [{"gate": "东门", "at": "07:30"}],
    }
    (room,) = contacts["室友丁"].reasons
    assert (room["room"], room["from"], room["until"]) == (
        "3-402",
        (today - timedelta(days=3)).isoformat(),
        today.isoformat(),
    )
    (bus,) = contacts["同车戊"].reasons
    assert (bus["route"], bus["contact_checks"]) == ("1路", [{"gate": "东门", "at": "07:20"}])
    (gate,) = contacts["邻近己"].reasons
    assert (gate["gate"], gate["case_at"], gate["contact_at"], gate["minutes"]) == (
        "东门",
        "08:00",
        "08:10",
        10,
    )
    (host,) = contacts["访客301"].reasons
    assert (host["matched"], host["host"], host["visitor_at"]) == (
        "department",
        "二车间 王主任",
        "14:00",
    )
    (employer,) = contacts["访客302"].reasons
    assert (employer["matched"], employer["employer"]) == ("enterprise", park.a.name)
    # Everyone is a candidate, their last contact the day of the evidence.
    assert {contact.status for contact in contacts.values()} == {ContactStatus.CANDIDATE}
    assert contacts["同班乙"].last_contact_on == o.exposed_on
    assert contacts["访客301"].enterprise == park.a and contacts["访客301"].visitor == o.supplier
    # The search is on the case's timeline and in the audit trail, with counts and window.
    assert result.found == 6 and result.new == 6
    entry = o.case.entries.get(kind=CaseEntryKind.CONTACTS_FOUND)
    assert entry.data["window"] == {
        "from": (today - timedelta(days=3)).isoformat(),
        "until": today.isoformat(),
    }
    assert entry.data["by_rule"]["visitor_hosted"] == 2
    audit = AuditEvent.objects.get(action=AuditAction.CONTACTS_FOUND)
    assert audit.data["found"] == 6
    # Grouped by reason for the page.
    groups = contacts_by_reason(list(contact_list(actor=park.command, case=o.case)))
    assert [group.rule for group in groups] == [
        "department_shift",
        "dormitory_room",
        "shuttle_route",
        "same_gate",
        "visitor_hosted",
    ]


def test_a_case_without_a_shift_matches_the_department(park, today):
    o = outbreak(park, today=today)
    o.patient.shift = ""
    o.patient.save(update_fields=["shift"])
    contact_services.contacts_find(actor=park.command, case=o.case)
    found = rules_of(o.case)
    assert found["同班乙"] == ["department_shift"] and found["夜班丙"] == ["department_shift"]
    assert "乙厂辛" not in found  # same workshop name, another enterprise


def test_the_window_and_its_edges(park, today):
    o = outbreak(park, today=today)
    rules = contact_rules_on(today)
    day = o.exposed_on
    subject = Subject.of(o.case)
    inside = find_contacts(subject, Window(start=day, end=day), rules).reasons
    assert ("worker", o.colleague.pk) in inside
    before = find_contacts(subject, Window(start=day + timedelta(days=1), end=today), rules)
    after = find_contacts(
        subject, Window(start=day - timedelta(days=3), end=day - timedelta(days=1)), rules
    )
    for findings in (before, after):
        assert ("worker", o.colleague.pk) not in findings.reasons
        assert ("worker", o.roommate.pk) in findings.reasons  # a room: any day in the window
    # From onset (else sampling) back by the days of the rules, until isolation (else today).
    case = o.case
    assert exposure_window(case, rules, today=today) == Window(today - timedelta(days=3), today)
    case.onset_on, case.sampling_on, case.isolated_on = (
        None,
        today - timedelta(days=4),
        today - timedelta(days=2),
    )
    assert exposure_window(case, rules, today=today) == Window(
        today - timedelta(days=6), today - timedelta(days=2)
    )


def test_the_rules_in_force_are_the_newest_effective_today(park, today):
    o = outbreak(park, today=today)
    contact_services.contact_rules_save(
        actor=park.command,
        effective_from=today - timedelta(days=5),
        days_before_onset=1,
        same_gate_minutes=15,
        same_gate=False,
        visitors_hosted=False,
    )
    contact_services.contact_rules_save(
        actor=park.command,
        effective_from=today + timedelta(days=1),
        days_before_onset=10,
        same_gate_minutes=60,
    )
    result = contact_services.contacts_find(actor=park.command, case=o.case)
    assert result.rules.effective_from == today - timedelta(days=5)
    # One day before onset (yesterday): the day of the admissions is outside.
    assert result.window == Window(today - timedelta(days=2), today)
    found = rules_of(o.case)
    assert found["同班乙"] == ["department_shift"]  # the edge day is included
    assert "邻近己" not in found and "访客301" not in found  # rules switched off
    assert AuditEvent.objects.filter(action=AuditAction.CONTACT_RULES_SAVED).count() == 2


def test_a_new_search_merges_and_keeps_the_decisions(park, today, monkeypatch):
    o = outbreak(park, today=today)
    contact_services.contacts_find(actor=park.command, case=o.case)
    colleague = o.case.contacts.get(worker=o.colleague)
    rider = o.case.contacts.get(worker=o.rider)
    # The colleague is dropped, so that they are still admitted at the gate afterwards (a
    # confirmed contact is under observation and denied); the rider is confirmed.
    contact_services.contact_drop(actor=park.command, contact=colleague, reason="不同班次")
    contact_services.contact_confirm(actor=park.command, contact=rider)
    yesterday = today - timedelta(days=1)
    admit(o.gate, o.patient, at(yesterday, 8, 0))
    admit(o.gate, o.colleague, at(yesterday, 8, 5))
    result = contact_services.contacts_find(actor=park.command, case=o.case)
    assert result.new == 0 and result.updated == 1
    colleague.refresh_from_db()
    rider.refresh_from_db()
    assert colleague.status == ContactStatus.DROPPED and rider.status == ContactStatus.CONFIRMED
    assert sorted((r["rule"], r["on"]) for r in colleague.reasons) == [
        ("department_shift", o.exposed_on.isoformat()),
        ("department_shift", yesterday.isoformat()),
        ("same_gate", yesterday.isoformat()),
    ]
    assert colleague.last_contact_on == yesterday
    # The same search again adds nothing.
    again = contact_services.contacts_find(actor=park.command, case=o.case)
    assert (again.new, again.updated) == (0, 0)
    assert o.case.contacts.count() == 6
    assert o.case.entries.filter(kind=CaseEntryKind.CONTACTS_FOUND).count() == 3


def test_contacts_of_confirmed_contacts(park, today):
    o = outbreak(park, today=today)
    o.colleague.dormitory_room = "5-101"
    o.colleague.save(update_fields=["dormitory_room"])
    friend = worker(park, full_name="室友壬", department="仓储部", dormitory_room="5-101")
    contact_services.contacts_find(actor=park.command, case=o.case)
    colleague = o.case.contacts.get(worker=o.colleague)
    contact_services.contact_confirm(actor=park.command, contact=colleague)
    # Without the second level, nobody new.
    assert contact_services.contacts_find(actor=park.command, case=o.case).new == 0
    result = contact_services.contacts_find(actor=park.command, case=o.case, second_level=True)
    assert result.second_level and result.new >= 1
    second = o.case.contacts.get(worker=friend)
    assert (second.level, second.via) == (2, colleague)
    assert (
        second.reasons[0]["rule"] == "dormitory_room" and second.reasons[0]["via"] == colleague.pk
    )
    # A level-1 contact the second level finds too stays level 1, with the new reason.
    neighbour = o.case.contacts.get(worker=o.neighbour)
    assert neighbour.level == 1
    assert not o.case.contacts.filter(worker=o.patient).exists()  # never the case itself


def test_confirming_calls_the_consequences_in_the_transaction(park, today, monkeypatch):
    o = outbreak(park, today=today)
    contact_services.contacts_find(actor=park.command, case=o.case)
    contact = o.case.contacts.get(worker=o.colleague)
    calls = []
    monkeypatch.setattr(
        contact_services.consequences,
        "contact_confirmed_consequences",
        lambda *, actor, contact: calls.append((actor, contact.pk)),
    )
    confirmed = contact_services.contact_confirm(actor=park.command, contact=contact)
    assert confirmed.status == ContactStatus.CONFIRMED and confirmed.decided_by == park.command
    assert calls == [(park.command, contact.pk)]
    assert o.case.entries.filter(kind=CaseEntryKind.CONTACT_CONFIRMED).exists()
    assert AuditEvent.objects.filter(action=AuditAction.CONTACT_CONFIRMED).count() == 1
    before = database_counts()
    with pytest.raises(ConflictError):
        contact_services.contact_confirm(actor=park.command, contact=contact)
    with pytest.raises(ConflictError):
        contact_services.contact_drop(actor=park.command, contact=contact, reason="误报")
    assert_nothing_written(before)

    def failing(*, actor, contact):
        raise ConflictError("refused")

    other = o.case.contacts.get(worker=o.rider)
    monkeypatch.setattr(contact_services.consequences, "contact_confirmed_consequences", failing)
    before = database_counts()
    with pytest.raises(ConflictError):
        contact_services.contact_confirm(actor=park.command, contact=other)
    assert_nothing_written(before)  # the confirmation rolled back with its consequences
    other.refresh_from_db()
    assert other.status == ContactStatus.CANDIDATE


def test_dropping_needs_a_reason(park, today):
    o = outbreak(park, today=today)
    contact_services.contacts_find(actor=park.command, case=o.case)
    contact = o.case.contacts.get(worker=o.rider)
    before = database_counts()
    for reason in ("", "   ", "长" * 301):
        with pytest.raises(ApplicationError) as error:
            contact_services.contact_drop(actor=park.command, contact=contact, reason=reason)
        assert "reason" in error.value.fields
    assert_nothing_written(before)
    dropped = contact_services.contact_drop(actor=park.command, contact=contact, reason=" 未同车 ")
    assert (dropped.status, dropped.drop_reason) == (ContactStatus.DROPPED, "未同车")
    with pytest.raises(ConflictError):
        contact_services.contact_drop(actor=park.command, contact=contact, reason="again")
    # A dropped person may still be confirmed (the decision changed).
    assert contact_services.contact_confirm(actor=park.command, contact=dropped).drop_reason == ""


def test_adding_by_hand(park, today):
    o = outbreak(park, today=today)
    number = resident_id()
    contact = contact_services.contact_add(
        actor=park.command,
        case=o.case,
        external={"full_name": "家属", "document_number": number, "phone": "13912345678"},
        last_contact_on=today - timedelta(days=1),
        note="同住家属",
    )
    assert contact.added_by_hand and contact.status == ContactStatus.CANDIDATE
    assert contact.reasons[0]["rule"] == "by_hand" and contact.reasons[0]["note"] == "同住家属"
    assert contact.document_masked.endswith(number[-4:])
    by_worker = contact_services.contact_add(
        actor=park.command, case=o.case, worker_id=o.late.pk, last_contact_on=today
    )
    by_visitor = contact_services.contact_add(
        actor=park.command, case=o.case, visitor_id=o.stranger.pk, last_contact_on=today
    )
    assert (by_worker.worker, by_visitor.visitor) == (o.late, o.stranger)
    assert AuditEvent.objects.filter(action=AuditAction.CONTACT_ADDED).count() == 3
    # A search afterwards finds the same person again: one contact, with both reasons.
    contact_services.contacts_find(actor=park.command, case=o.case)
    assert o.case.contacts.filter(worker=o.late).count() == 1


def _bad_check_digit() -> str:
    number = resident_id(sequence=977)
    return number[:-1] + ("1" if number[-1] != "1" else "2")


@pytest.mark.parametrize(
    ("person", "error", "field"),
    [
        ("self", ApplicationError, "person"),
        ("self_by_number", ApplicationError, "person"),
        ("duplicate_worker", ConflictError, None),
        ("duplicate_number", ConflictError, None),
        ("unknown_worker", NotFoundError, None),
        ("unknown_visitor", NotFoundError, None),
        ("nobody", ApplicationError, "person"),
        ("future", ApplicationError, "last_contact_on"),
        ("no_day", ApplicationError, "last_contact_on"),
        ("bad_number", ApplicationError, "document_number"),
    ],
)
def test_bad_additions_are_refused_and_nothing_written(park, today, person, error, field):
    o = outbreak(park, today=today)
    contact_services.contacts_find(actor=park.command, case=o.case)
    # A birth date no worker of the outbreak has: the factory's numbers without a sequence
    # (the workers') run through every sequence, so a plain ``sequence=7`` may be one of theirs.
    colleague_number = resident_id(birth=date(1971, 3, 9), sequence=7)
    contact_services.contact_add(
        actor=park.command,
        case=o.case,
        external={"full_name": "已登记", "document_number": colleague_number},
        last_contact_on=today,
    )
    arguments = {
        "self": {"worker_id": o.patient.pk},
        "self_by_number": {"worker_id": None},
        "duplicate_worker": {"worker_id": o.colleague.pk},
        "duplicate_number": {
            "external": {"full_name": "又一次", "document_number": colleague_number}
        },
        "unknown_worker": {"worker_id": 10**9},
        "unknown_visitor": {"visitor_id": 10**9},
        "nobody": {},
        "future": {"worker_id": o.late.pk, "last_contact_on": today + timedelta(days=1)},
        "no_day": {"worker_id": o.late.pk, "last_contact_on": None},
        "bad_number": {"external": {"full_name": "错号", "document_number": _bad_check_digit()}},
    }[person]
    if person == "self_by_number":
        arguments = {"visitor_id": _visitor_of(o)}
    arguments.setdefault("last_contact_on", today)
    before = database_counts()
    with pytest.raises(error) as raised:
        contact_services.contact_add(actor=park.command, case=o.case, **arguments)
    if field:
        assert field in raised.value.fields
    assert_nothing_written(before)


def _visitor_of(o):
    """The case's own person registered as a visitor (same document): still the case."""
    from fugong.gate.models import Visitor

    visitor = Visitor.objects.get(pk=o.supplier.pk)
    Visitor.objects.filter(pk=visitor.pk).update(document_digest=o.patient.document_digest)
    return visitor.pk


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"days_before_onset": 0}, "days_before_onset"),
        ({"days_before_onset": -2}, "days_before_onset"),
        ({"days_before_onset": None}, "days_before_onset"),
        ({"days_before_onset": 22}, "days_before_onset"),
        ({"same_gate_minutes": 0}, "same_gate_minutes"),
        ({"effective_from": None}, "effective_from"),
    ],
)
def test_bad_rules_are_refused(park, today, values, field):
    arguments = {"effective_from": today, "days_before_onset": 2, "same_gate_minutes": 15}
    arguments.update(values)
    before = database_counts()
    with pytest.raises(ApplicationError) as error:
        contact_services.contact_rules_save(actor=park.command, **arguments)
    assert field in error.value.fields
    assert_nothing_written(before)


def test_rules_once_per_day(park, today):
    contact_services.contact_rules_save(
        actor=park.command, effective_from=today, days_before_onset=3, same_gate_minutes=10
    )
    before = database_counts()
    with pytest.raises(ConflictError):
        contact_services.contact_rules_save(
            actor=park.command, effective_from=today, days_before_onset=4, same_gate_minutes=10
        )
    assert_nothing_written(before)
    assert ContactRules.objects.get().days_before_onset == 3


@pytest.mark.parametrize(
    "role",
    ["liaison", "other_liaison", "inspector", "officer", "other_officer", "gate", "district"],
)
def test_only_the_command_post_finds_and_decides(park, today, role):
    o = outbreak(park, today=today)
    contact_services.contacts_find(actor=park.command, case=o.case)
    contact = o.case.contacts.get(worker=o.colleague)
    actor = getattr(park, role)
    before = database_counts()
    attempts = [
        lambda: contact_services.contacts_find(actor=actor, case=o.case),
        lambda: contact_services.contacts_find(actor=actor, case=o.case, second_level=True),
        lambda: contact_services.contact_confirm(actor=actor, contact=contact),
        lambda: contact_services.contact_drop(actor=actor, contact=contact, reason="x"),
        lambda: contact_services.contact_add(
            actor=actor, case=o.case, worker_id=o.late.pk, last_contact_on=today
        ),
        lambda: contact_services.contact_rules_save(
            actor=actor, effective_from=today, days_before_onset=2, same_gate_minutes=15
        ),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDeniedError):
            attempt()
    assert_nothing_written(before)


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("command", True),
        ("liaison", True),
        ("officer", True),
        ("other_liaison", NotFoundError),
        ("other_officer", NotFoundError),
        ("inspector", PermissionDeniedError),
        ("gate", PermissionDeniedError),
        ("district", PermissionDeniedError),
    ],
)
def test_who_sees_the_contacts(park, today, role, sees):
    o = outbreak(park, today=today)
    contact_services.contacts_find(actor=park.command, case=o.case)
    contact = o.case.contacts.get(worker=o.colleague)
    actor = getattr(park, role)
    if sees is True:
        assert len(contact_list(actor=actor, case=o.case)) == 6
        assert contact_get(actor=actor, contact_id=contact.pk) == contact
        return
    with pytest.raises(sees):
        contact_list(actor=actor, case=o.case)
    with pytest.raises(sees):
        contact_get(actor=actor, contact_id=contact.pk)


def test_a_case_outside_the_park_finds_nobody_but_says_so(park, today):
    case = services.case_open(
        actor=park.command,
        classification="suspected",
        external={"full_name": "外来人员"},
        onset_on=today,
    )
    result = contact_services.contacts_find(actor=park.command, case=case)
    assert (result.found, case.contacts.count()) == (0, 0)
    assert case.entries.filter(kind=CaseEntryKind.CONTACTS_FOUND).exists()


def test_visitors_elsewhere_in_the_park_are_not_the_case_s(park, today):
    """A visitor naming the case's workshop at another enterprise's gate did not meet the case."""
    from fugong.gate.tests.factories import make_gate

    from .contact_data import visit

    o = outbreak(park, today=today)
    other_gate = make_gate(park.b, name="乙厂门")
    elsewhere = visit(other_gate, at(o.exposed_on, 14, 0), sequence=304, host="二车间")
    contact_services.contacts_find(actor=park.command, case=o.case)
    assert not o.case.contacts.filter(visitor=elsewhere).exists()
    assert o.case.contacts.filter(visitor=o.supplier).exists()
