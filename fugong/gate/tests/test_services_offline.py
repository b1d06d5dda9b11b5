"""Offline checks through the services: the kiosk's verdict is the record, and how far it is
trusted depends on the age of the copy it decided from."""

from datetime import timedelta

import pytest
from django.utils import timezone

from fugong.gate import offline, rules
from fugong.gate.models import (
    Attendance,
    GateCheck,
)
from fugong.workforce.models import Clearance, Worker

from .factories import check, make_gate
from .helpers import record

pytestmark = pytest.mark.django_db


def test_offline_checks_keep_the_kiosks_verdict(park, gate, worker, token):
    earlier = timezone.now() - timedelta(hours=2)
    (result,) = record(
        gate,
        check(pass_token=token, offline=True, offline_verdict="admitted", occurred_at=earlier),
    )
    assert (result.check.verdict, result.check.offline, result.check.occurred_at) == (
        "admitted",
        True,
        earlier,
    )


def offline_check(*, stamp: str, occurred_at=None, verdict="admitted", **fields):
    return check(
        offline=True,
        offline_verdict=verdict,
        offline_reasons=[],
        snapshot_stamp=stamp,
        occurred_at=occurred_at or timezone.now() - timedelta(minutes=10),
        **fields,
    )


@pytest.fixture
def not_cleared_now(worker):
    """The kiosk's copy said cleared; since then the worker was found not cleared."""
    Worker.objects.filter(pk=worker.pk).update(clearance=Clearance.NOT_CLEARED)
    return worker


def test_an_offline_verdict_from_a_fresh_copy_stands(park, gate, not_cleared_now, token):
    made = timezone.now().replace(microsecond=0) - timedelta(hours=11)
    (result,) = record(
        gate, offline_check(stamp=offline.stamp_make(gate.pk, made), pass_token=token)
    )
    stored = result.check
    assert (stored.verdict, stored.reasons, stored.snapshot_at) == ("admitted", [], made)
    assert (stored.server_verdict, stored.server_reasons, stored.disputed) == ("", [], False)
    assert Attendance.objects.filter(worker=not_cleared_now).exists()


def _stamp(kind: str, gate, park) -> str:
    now = timezone.now()
    if kind == "stale":
        return offline.stamp_make(gate.pk, now - timedelta(hours=13))
    if kind == "forged":
        from django.core import signing

        return signing.Signer(key="not-the-servers-key", salt=offline.SALT).sign_object(
            {"gate": gate.pk, "at": int(now.timestamp())}
        )
    if kind == "damaged":
        good = offline.stamp_make(gate.pk, now - timedelta(hours=1))
        return good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")
    if kind == "another_gates":
        return offline.stamp_make(make_gate(park.b, name="乙门").pk, now)
    if kind == "after_the_check":
        return offline.stamp_make(gate.pk, now)  # the check is 10 minutes older than its copy
    return ""  # missing


@pytest.mark.parametrize(
    "kind", ["stale", "missing", "forged", "damaged", "another_gates", "after_the_check"]
)
def test_an_offline_verdict_from_an_old_or_unverified_copy_is_judged_again(
    park, gate, not_cleared_now, token, kind
):
    """The kiosk admitted them, so they went in: the record says so, and counts them on duty,
    but the server's own verdict is kept beside it and the check is flagged."""
    (result,) = record(gate, offline_check(stamp=_stamp(kind, gate, park), pass_token=token))
    stored = GateCheck.objects.get(pk=result.check.pk)
    assert (stored.verdict, stored.reasons, stored.worker) == ("admitted", [], not_cleared_now)
    assert (stored.server_verdict, stored.server_reasons) == ("denied", [rules.NOT_CLEARED])
    assert stored.disputed
    assert (stored.snapshot_at is not None) == (kind in ("stale", "after_the_check"))
    assert Attendance.objects.filter(worker=not_cleared_now).exists()


def test_a_judged_again_verdict_the_server_shares_is_not_disputed(park, gate, worker, token):
    (admitted,) = record(gate, offline_check(stamp="", pass_token=token))
    (denied,) = record(
        gate, offline_check(stamp="", verdict="denied", pass_token=token, mask=False)
    )
    assert (admitted.check.server_verdict, admitted.check.disputed) == ("admitted", False)
    assert (denied.check.server_verdict, denied.check.server_reasons) == ("denied", [rules.NO_MASK])
    assert not denied.check.disputed
    # Denied by the kiosk, admitted by the server: turned away, recorded so, and flagged.
    (turned_away,) = record(gate, offline_check(stamp="", verdict="denied", pass_token=token))
    assert (turned_away.check.verdict, turned_away.check.disputed) == ("denied", True)


def test_the_age_an_offline_copy_may_have_is_a_setting(park, gate, worker, token, settings):
    stamp = offline.stamp_make(gate.pk, timezone.now() - timedelta(hours=2))
    (trusted,) = record(gate, offline_check(stamp=stamp, pass_token=token))
    settings.FUGONG_GATE_OFFLINE_MAX_AGE = 60 * 60
    (judged,) = record(gate, offline_check(stamp=stamp, pass_token=token))
    assert (trusted.check.server_verdict, judged.check.server_verdict) == ("", "admitted")


def test_the_stamp_is_not_part_of_what_makes_a_check_the_same(park, gate, token):
    """Queued again with the copy's stamp after its online answer was lost: still a replay."""
    occurred = timezone.now() - timedelta(minutes=1)
    sent = check(pass_token=token, occurred_at=occurred)
    record(gate, sent)
    again = offline_check(
        stamp=offline.stamp_make(gate.pk, timezone.now()),
        client_id=sent.client_id,
        pass_token=token,
        occurred_at=occurred,
    )
    again.raw = {**sent.raw, "offline": True, "snapshot_stamp": again.snapshot_stamp}
    (result,) = record(gate, again)
    assert result.status == "replayed" and not result.check.offline
