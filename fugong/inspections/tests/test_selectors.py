from datetime import timedelta

import pytest

from fugong.core.errors import NotFoundError, PermissionDeniedError
from fugong.inspections import selectors, services
from fugong.inspections.models import InspectionKind

from .factories import first_item, make_finding, make_inspection, moment

pytestmark = pytest.mark.django_db


def _complete(actor, inspection, at):
    services.inspection_update(actor=actor, inspection=inspection, summary="记录", at=at)
    services.inspection_complete(actor=actor, inspection=inspection, at=at)


@pytest.fixture
def history(park, today):
    """Hand-built: findings over the last three weeks, recorded on the days they happened."""
    d = today - timedelta(days=20)
    day = lambda n: d + timedelta(days=n)  # noqa: E731
    at = lambda n, hour=10: moment(day(n), hour)  # noqa: E731
    inspector, officer = park.inspector, park.officer

    # F1: deadline d+3; rectified d+5, reopened d+7 (same deadline), rectified d+9, accepted d+10.
    first = make_inspection(actor=inspector, enterprise=park.a, inspected_on=day(0), at=at(0))
    f1 = make_finding(actor=inspector, inspection=first, deadline=day(3), at=at(0, 11))
    _complete(inspector, first, at(0, 16))
    services.rectification_submit(actor=officer, finding=f1, response="已改", at=at(5))
    services.rectification_review(actor=inspector, finding=f1, accept=False, note="不够", at=at(7))
    services.rectification_submit(actor=officer, finding=f1, response="再改", at=at(9))
    services.rectification_review(actor=inspector, finding=f1, accept=True, at=at(10))

    # F2: recorded on d+2 with the deadline that same day, never answered.
    second = make_inspection(actor=inspector, enterprise=park.a, inspected_on=day(2), at=at(2))
    f2 = make_finding(actor=inspector, inspection=second, deadline=day(2), at=at(2))
    _complete(inspector, second, at(2, 17))

    # F3: inspected on d+0 with a deadline d+1, but the inspection completed only on d+6.
    third = make_inspection(actor=inspector, enterprise=park.a, inspected_on=day(0), at=at(0))
    f3 = make_finding(actor=inspector, inspection=third, deadline=day(1), at=at(0))
    _complete(inspector, third, at(6))

    # F4: enterprise b, deadline d+1, never answered.
    fourth = make_inspection(actor=inspector, enterprise=park.b, inspected_on=day(0), at=at(0))
    f4 = make_finding(actor=inspector, inspection=fourth, deadline=day(1), at=at(0))
    _complete(inspector, fourth, at(0, 18))
    return {"day": day, "f1": f1, "f2": f2, "f3": f3, "f4": f4}


EXPECTED = {
    # day offset: the overdue findings of enterprise a that day
    0: set(),
    1: set(),
    2: set(),
    3: {"f2"},
    4: {"f1", "f2"},
    5: {"f2"},  # f1's rectification awaits a decision
    6: {"f2", "f3"},  # f3's inspection completed that day
    7: {"f1", "f2", "f3"},  # f1 reopened that day
    8: {"f1", "f2", "f3"},
    9: {"f2", "f3"},
    10: {"f2", "f3"},  # f1 accepted
    20: {"f2", "f3"},
}


@pytest.mark.parametrize("offset", sorted(EXPECTED))
def test_overdue_on_any_past_day(park, history, offset):
    names = {history[name].pk: name for name in ("f1", "f2", "f3", "f4")}
    day = history["day"](offset)
    for_officer = selectors.findings_overdue(actor=park.officer, day=day)
    assert {names[f.pk] for f in for_officer} == EXPECTED[offset]
    everyone = {names[f.pk] for f in selectors.findings_overdue(actor=park.command, day=day)}
    assert everyone == EXPECTED[offset] | ({"f4"} if offset >= 2 else set())
    liaison = {names[f.pk] for f in selectors.findings_overdue(actor=park.liaison, day=day)}
    assert liaison == EXPECTED[offset]


def test_the_overdue_filter_today(park, history):
    overdue = selectors.finding_list(actor=park.command, overdue=True)
    assert {f.pk for f in overdue} == {history[n].pk for n in ("f2", "f3", "f4")}
    assert all(f.is_overdue for f in overdue)
    assert not selectors.finding_get(actor=park.command, finding_id=history["f1"].pk).is_overdue
    inspections = selectors.inspection_list(actor=park.command, overdue=True)
    assert {i.pk for i in inspections} == {history[n].inspection_id for n in ("f2", "f3", "f4")}
    counts = selectors.finding_counts(actor=park.officer)
    assert counts == {"open": 2, "submitted": 0, "accepted": 1, "overdue": 2}


def test_scopes_by_role(park, today):
    done = make_inspection(actor=park.inspector, enterprise=park.a)
    finding = make_finding(actor=park.inspector, inspection=done)
    _complete(park.inspector, done, None)
    draft = make_inspection(actor=park.inspector, enterprise=park.a)
    draft_finding = make_finding(actor=park.inspector, inspection=draft)
    elsewhere = make_inspection(actor=park.inspector, enterprise=park.b)
    visible = {
        "command": {done.pk, draft.pk, elsewhere.pk},
        "inspector": {done.pk, draft.pk, elsewhere.pk},
        "liaison": {done.pk, draft.pk},
        "other_liaison": {elsewhere.pk},
        "officer": {done.pk},
        "other_officer": set(),
    }
    for role, expected in visible.items():
        actor = park.users()[role]
        assert {i.pk for i in selectors.inspection_list(actor=actor)} == expected, role
    assert {f.pk for f in selectors.finding_list(actor=park.officer)} == {finding.pk}
    assert {f.pk for f in selectors.finding_list(actor=park.liaison)} == {
        finding.pk,
        draft_finding.pk,
    }
    with pytest.raises(NotFoundError):
        selectors.inspection_get(actor=park.officer, inspection_id=draft.pk)
    with pytest.raises(NotFoundError):
        selectors.finding_get(actor=park.officer, finding_id=draft_finding.pk)
    with pytest.raises(NotFoundError):
        selectors.finding_get(actor=park.other_officer, finding_id=finding.pk)
    for role in ("gate", "district"):
        with pytest.raises(PermissionDeniedError):
            selectors.inspection_scope(park.users()[role])
        with pytest.raises(PermissionDeniedError):
            selectors.finding_scope(park.users()[role])


def test_for_the_enterprise_page(park):
    done = make_inspection(actor=park.inspector, enterprise=park.a)
    finding = make_finding(actor=park.inspector, inspection=done)
    _complete(park.inspector, done, None)
    make_inspection(actor=park.liaison, enterprise=park.a, kind=InspectionKind.FOLLOW_UP)
    assert selectors.enterprise_inspections(actor=park.officer, enterprise=park.a).count() == 1
    assert selectors.enterprise_inspections(actor=park.command, enterprise=park.a).count() == 2
    assert list(selectors.enterprise_open_findings(actor=park.officer, enterprise=park.a)) == [
        finding
    ]
    assert not selectors.enterprise_open_findings(actor=park.officer, enterprise=park.b).exists()


def test_the_checklist_groups_every_item_by_category(park, draft):
    item = first_item()
    services.inspection_update(
        actor=park.inspector, inspection=draft, item_results={item.pk: (False, "无")}
    )
    groups = selectors.inspection_checklist(draft)
    rows = [row for group in groups for row in group.rows]
    assert len(rows) == draft.guide_version.items.count()
    assert len({group.category for group in groups}) == len(groups)
    (checked,) = [row for row in rows if row.met is not None]
    assert checked.item == item and checked.met is False and checked.note == "无"
