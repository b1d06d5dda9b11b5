from datetime import timedelta

import pytest
from django.utils import timezone

from fugong.audit.models import AuditAction, AuditEvent
from fugong.audit.selectors import PERSONAL_DATA_ACTIONS, audit_event_list
from fugong.audit.services import audit_trail_exported
from fugong.core.errors import PermissionDeniedError
from fugong.core.testing import assert_nothing_written, database_counts

pytestmark = pytest.mark.django_db


def event(action, *, actor=None, target_id="1", at=None):
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        target_type="workforce.worker",
        target_id=target_id,
        created_at=at or timezone.now(),
    )


def test_the_filters_combine(park):
    now = timezone.now()
    seen = event(AuditAction.PERSONAL_DATA_VIEWED, actor=park.liaison, target_id="7", at=now)
    event(AuditAction.PERSONAL_DATA_VIEWED, actor=park.liaison, target_id="8", at=now)
    event(AuditAction.PERSONAL_DATA_VIEWED, actor=park.command, target_id="7", at=now)
    event(AuditAction.WORKER_CREATED, actor=park.liaison, target_id="7", at=now)
    event(
        AuditAction.PERSONAL_DATA_EXPORTED,
        actor=park.liaison,
        target_id="7",
        at=now - timedelta(days=3),
    )
    found = audit_event_list(
        actor=park.command,
        actions=PERSONAL_DATA_ACTIONS,
        actor_query=park.liaison.username,
        target_type="workforce.worker",
        target_ids=["7"],
        since=now - timedelta(days=1),
        until=now + timedelta(seconds=1),
    )
    assert list(found) == [seen]
    assert list(audit_event_list(actor=park.command, target_ids=[])) == []


@pytest.mark.parametrize("role", ["liaison", "inspector", "officer", "gate", "district"])
def test_only_the_command_post_reads_or_exports_the_trail(park, role):
    before = database_counts()
    with pytest.raises(PermissionDeniedError):
        audit_event_list(actor=park.users()[role])
    with pytest.raises(PermissionDeniedError):
        audit_trail_exported(actor=park.users()[role], filters={}, rows=0, cut=False)
    assert_nothing_written(before)
