"""Who reads which bulletins and notices; receipts outstanding as of a past day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fugong.bulletins import selectors, services
from fugong.core.errors import NotFoundError, PermissionDeniedError
from fugong.enterprises.tests.factories import EnterpriseFactory

from .conftest import at, draft, issue, published

pytestmark = pytest.mark.django_db


def test_bulletin_scope_by_role(park):
    concerning_a = published(park)  # concerns a
    concerning_none = services.bulletin_publish(actor=park.command, bulletin=draft(park))
    a_draft = draft(park)
    services.bulletin_update(actor=park.command, bulletin=a_draft, enterprises=[park.a])
    expected = {
        "command": {concerning_a, concerning_none, a_draft},
        "liaison": {concerning_a, concerning_none},
        "other_liaison": {concerning_a, concerning_none},
        "inspector": {concerning_a, concerning_none},
        "officer": {concerning_a},
        "other_officer": set(),
    }
    for role, bulletins in expected.items():
        user = park.users()[role]
        assert set(selectors.bulletin_list(actor=user)) == bulletins, role
        for bulletin in {concerning_a, concerning_none, a_draft} - bulletins:
            with pytest.raises(NotFoundError):
                selectors.bulletin_get(actor=user, bulletin_id=bulletin.pk)
    for role in ("gate", "district"):
        with pytest.raises(PermissionDeniedError):
            selectors.bulletin_list(actor=park.users()[role])


def test_bulletin_list_puts_drafts_first_then_numbers_down(park):
    first = published(park)
    second = published(park)
    waiting = draft(park)
    assert list(selectors.bulletin_list(actor=park.command)) == [waiting, second, first]
    assert list(selectors.bulletin_list(actor=park.command, status="published")) == [
        second,
        first,
    ]


def test_enterprise_bulletins(park):
    bulletin = published(park)
    assert list(selectors.enterprise_bulletins(actor=park.officer, enterprise=park.a)) == [bulletin]
    assert list(selectors.enterprise_bulletins(actor=park.command, enterprise=park.b)) == []
    with pytest.raises(NotFoundError):
        selectors.enterprise_bulletins(actor=park.other_liaison, enterprise=park.a)
    with pytest.raises(NotFoundError):
        selectors.enterprise_bulletins(actor=park.officer, enterprise=park.b)


def test_notice_scope_and_counts(park):
    to_a = issue(park, "N-1")
    to_both = issue(park, "N-2", enterprises=[park.a, park.b])
    services.notice_acknowledge(actor=park.other_officer, notice=to_both)
    expected = {
        "command": {to_a: (1, 0), to_both: (2, 1)},
        "liaison": {to_a: (1, 0), to_both: (1, 0)},
        "other_liaison": {to_both: (1, 1)},
        "officer": {to_a: (1, 0), to_both: (1, 0)},
        "other_officer": {to_both: (1, 1)},
    }
    for role, notices in expected.items():
        user = park.users()[role]
        rows = {
            n: (n.recipient_count, n.acknowledged_count) for n in selectors.notice_list(actor=user)
        }
        assert rows == notices, role
    with pytest.raises(NotFoundError):
        selectors.notice_get(actor=park.other_officer, notice_id=to_a.pk)
    for role in ("inspector", "gate", "district"):
        with pytest.raises(PermissionDeniedError):
            selectors.notice_list(actor=park.users()[role])
    recipients = list(selectors.notice_recipients(to_both))
    assert [r.enterprise for r in recipients] == [park.a, park.b]  # not yet acknowledged first
    assert [r.enterprise for r in selectors.notice_recipients(to_both, actor=park.liaison)] == [
        park.a
    ]


def test_unacknowledged_as_of_a_past_day(park):
    today = timezone.localdate()
    d = [today - timedelta(days=10 - offset) for offset in range(10)]  # d[0] … d[9]
    c = EnterpriseFactory(name="丙企业", liaison=park.liaison)
    # Issued (recorded and dated) on d[1] to a, b and c; a acknowledges on d[3] at 23:59,
    # b at the first instant of d[5]; c never.
    notice = issue(park, "N-1", enterprises=[park.a, park.b, c], issued_on=d[1], at=at(d[1], 9))
    services.notice_acknowledge(
        actor=park.officer, notice=notice, at=at(d[3], 23).replace(minute=59)
    )
    services.notice_acknowledge(
        actor=park.other_officer, notice=notice, at=at(d[5], 0).replace(hour=0)
    )
    # Recorded on d[6] but dated d[2] (a paper document entered late): not outstanding before d[6].
    late = issue(park, "N-2", enterprises=[park.a], issued_on=d[2], at=at(d[6], 9))
    # Dated d[8] (ahead of when it was recorded on d[7]): outstanding only from d[8].
    ahead = issue(park, "N-3", enterprises=[park.b], issued_on=d[8], at=at(d[7], 9))

    def outstanding(day, actor=park.command):
        return sorted(
            (r.notice.document_number, r.enterprise.name)
            for r in selectors.notices_unacknowledged(actor=actor, day=day)
        )

    assert outstanding(d[0]) == []
    assert outstanding(d[1]) == sorted(
        [("N-1", park.a.name), ("N-1", park.b.name), ("N-1", c.name)]
    )
    assert outstanding(d[3]) == sorted([("N-1", park.b.name), ("N-1", c.name)])
    # b acknowledged at 00:00 on d[5]: still outstanding at the end of d[4].
    assert outstanding(d[4]) == sorted([("N-1", park.b.name), ("N-1", c.name)])
    assert outstanding(d[5]) == [("N-1", c.name)]
    assert outstanding(d[6]) == sorted([("N-1", c.name), ("N-2", park.a.name)])
    assert outstanding(d[7]) == sorted([("N-1", c.name), ("N-2", park.a.name)])
    assert outstanding(d[8]) == sorted(
        [("N-1", c.name), ("N-2", park.a.name), ("N-3", park.b.name)]
    )
    # Scoped by the recipient's enterprise.
    assert outstanding(d[8], park.liaison) == sorted([("N-1", c.name), ("N-2", park.a.name)])
    assert outstanding(d[8], park.other_officer) == [("N-3", park.b.name)]
    assert outstanding(d[2], park.other_officer) == [("N-1", park.b.name)]
    with pytest.raises(PermissionDeniedError):
        selectors.notices_unacknowledged(actor=park.inspector, day=d[8])
    assert late and ahead


def test_enterprise_notices(park):
    notice = issue(park, "N-1")
    services.notice_acknowledge(actor=park.officer, notice=notice)
    receipts = list(selectors.enterprise_notices(actor=park.liaison, enterprise=park.a))
    assert [r.notice for r in receipts] == [notice] and receipts[0].acknowledged_at
    assert list(selectors.enterprise_notices(actor=park.command, enterprise=park.b)) == []
    with pytest.raises(NotFoundError):
        selectors.enterprise_notices(actor=park.other_officer, enterprise=park.a)
