"""How far the server trusts a verdict the kiosk gave offline: the stamp on its offline copy.

The kiosk decides offline from a copy of the gate's data (the snapshot) downloaded earlier. The
snapshot carries a stamp signed by the server (``django.core.signing``, with its own salt): the
gate and the moment the copy was made. The kiosk sends the stamp of the copy it decided from with
each offline check. The server trusts the kiosk's verdict when the stamp is genuine, is this
gate's, and the copy was at most ``FUGONG_GATE_OFFLINE_MAX_AGE`` old at the check's time (and not
made after the check, give or take the clock tolerance); it does not rely on the kiosk's clock
for the copy's age. Any other offline check (no stamp, a forged or damaged one, another gate's,
an older copy) is judged again by the server with its own data for the check's day.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing

SALT = "fugong.gate.snapshot"
# A kiosk's clock may be a little behind the server's: a check "made" just before its copy.
CLOCK_TOLERANCE = timedelta(minutes=5)


def max_age() -> timedelta:
    return timedelta(seconds=settings.FUGONG_GATE_OFFLINE_MAX_AGE)


def stamp_make(gate_id: int, at: datetime) -> str:
    """The stamp of a copy made for gate ``gate_id`` at ``at``."""
    return signing.Signer(salt=SALT).sign_object({"gate": gate_id, "at": int(at.timestamp())})


def stamp_time(stamp: str, gate_id: int) -> datetime | None:
    """When the copy behind ``stamp`` was made, if the stamp is genuine and gate ``gate_id``'s;
    otherwise None."""
    if not stamp:
        return None
    try:
        value = signing.Signer(salt=SALT).unsign_object(stamp)
    except (signing.BadSignature, ValueError):
        return None
    if (
        not isinstance(value, dict)
        or value.get("gate") != gate_id
        or not isinstance(value.get("at"), int)
    ):
        return None
    return datetime.fromtimestamp(value["at"], tz=UTC)


def trusted(snapshot_at: datetime | None, occurred: datetime) -> bool:
    """Whether a verdict given at ``occurred`` from a copy made at ``snapshot_at`` stands."""
    if snapshot_at is None:
        return False
    return snapshot_at - CLOCK_TOLERANCE <= occurred <= snapshot_at + max_age()
