"""The read-replica router: opted-in reads go to the replica when there is one; writes, reads
inside a transaction on the primary and everything else go to the primary."""

from __future__ import annotations

import pytest
from django.db import transaction

from fugong.core import replica
from fugong.core.replica import ReplicaRouter, replica_reads
from fugong.enterprises.models import Enterprise


@pytest.fixture
def with_replica(monkeypatch):
    monkeypatch.setattr(replica, "replica_configured", lambda: True)


def test_without_a_replica_everything_reads_the_primary():
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Enterprise) == "default"


def test_opted_in_reads_go_to_the_replica(with_replica):
    router = ReplicaRouter()
    assert router.db_for_read(Enterprise) == "default"
    with replica_reads():
        assert router.db_for_read(Enterprise) == "replica"
        assert router.db_for_write(Enterprise) == "default"
    assert router.db_for_read(Enterprise) == "default"


@pytest.mark.django_db
def test_a_read_inside_a_transaction_on_the_primary_stays_there(with_replica):
    router = ReplicaRouter()
    with replica_reads(), transaction.atomic():
        assert router.db_for_read(Enterprise) == "default"


def test_only_the_primary_is_migrated():
    router = ReplicaRouter()
    assert router.allow_migrate("default", "enterprises") is True
    assert router.allow_migrate("replica", "enterprises") is False


@pytest.mark.django_db
def test_the_report_pages_read_from_the_replica(client, park, monkeypatch):
    """The dashboard, the table, the drill-downs, the daily report and its xlsx, and the daily
    report API read inside ``replica_reads``; the declaration page (it writes) does not."""
    seen: list[bool] = []
    original = ReplicaRouter.db_for_read

    # The session and the signed-in user are read by the middleware, before the view.
    before_the_view = {"sessions", "accounts", "otp_totp", "otp_static", "axes"}

    def spy(self, model, **hints):
        if model._meta.app_label not in before_the_view:
            seen.append(replica._reading_from_replica.get())
        return original(self, model, **hints)

    monkeypatch.setattr(ReplicaRouter, "db_for_read", spy)
    client.force_login(park.command)
    for url in (
        "/reports/",
        "/reports/enterprises/",
        "/reports/records/resumed/",
        "/reports/daily/",
        "/reports/daily.xlsx",
        "/api/v1/reports/daily",
    ):
        seen.clear()
        assert client.get(url).status_code == 200, url
        assert seen and all(seen), url
    seen.clear()
    client.get("/reports/declarations/")
    assert not any(seen)
