"""A check as it arrives and its answer: the inputs a terminal or the kiosk sends (a check, a
visitor), the result of each item, the batch's limits, and the checks on an item's time and
readings made before anything is read.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.core.errors import ApplicationError

from .. import rules
from ..models import GateCheck, Verdict

MAX_BATCH = 1000
OFFLINE_FIELDS = ("offline", "offline_verdict", "offline_reasons", "snapshot_stamp")
FUTURE_TOLERANCE = timedelta(minutes=5)
OLDEST = timedelta(days=30)


@dataclass
class VisitorInput:
    full_name: str
    document_type: str
    document_number: str
    phone: str
    origin: str
    employer: str
    purpose: str
    host: str
    contact_history: str
    passed_risk_area: bool = False


@dataclass
class CheckInput:
    """One check as a terminal or the kiosk sends it (already of the right types)."""

    client_id: uuid.UUID
    mask: bool
    disinfected: bool
    temperature: Decimal | None
    temperature_recheck: Decimal | None = None
    recheck_method: str = ""
    spo2: int | None = None
    occurred_at: datetime | None = None
    pass_token: str = ""
    worker_id: int | None = None
    visitor: VisitorInput | None = None
    offline: bool = False
    offline_verdict: str = ""
    offline_reasons: tuple[str, ...] = ()
    snapshot_stamp: str = ""  # the stamp of the offline copy the kiosk decided from
    raw: dict[str, Any] = field(
        default_factory=dict
    )  # the payload as received, for the idempotency digest

    @property
    def digest(self) -> str:
        """What makes two sends the same check: the person, the readings, the time. Not the
        offline verdict: a kiosk that lost the answer to its request queues the same check
        with its own verdict, and the server must see it as the same check."""
        measured = {key: value for key, value in self.raw.items() if key not in OFFLINE_FIELDS}
        return hashlib.sha256(_CANONICAL.encode(measured).encode()).hexdigest()


# What ``json.dumps(value, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))``
# builds for every call, made once: the stored digests depend on this text, byte for byte.
_CANONICAL = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":")
)


@dataclass
class CheckResult:
    client_id: uuid.UUID
    status: str  # created, replayed or rejected
    check: GateCheck | None = None
    error: ApplicationError | None = None
    event_id: int | None = None  # the abnormal event the check raised, if any


def _check_time(item: CheckInput, now: datetime) -> datetime:
    occurred = item.occurred_at or now
    if timezone.is_naive(occurred):
        raise ApplicationError(
            _("Give the time with its time zone."), fields={"occurred_at": [_("Invalid.")]}
        )
    if occurred > now + FUTURE_TOLERANCE:
        raise ApplicationError(
            _("The check's time is in the future."), fields={"occurred_at": [_("In the future.")]}
        )
    if occurred < now - OLDEST:
        raise ApplicationError(
            _("The check is more than 30 days old."), fields={"occurred_at": [_("Too old.")]}
        )
    # Stored and answered in UTC, whatever offset the terminal used.
    return occurred.astimezone(UTC)


def _check_readings(item: CheckInput) -> None:
    low, high = rules.TEMPERATURE_RANGE
    errors: dict[str, list[str]] = {}
    for key in ("temperature", "temperature_recheck"):
        value = getattr(item, key)
        if value is not None and not low <= value <= high:
            errors[key] = [
                _("%(value)s °C is not a body temperature: check the reading (30–45 °C).")
                % {"value": value}
            ]
    if item.spo2 is not None and not rules.SPO2_RANGE[0] <= item.spo2 <= rules.SPO2_RANGE[1]:
        errors["spo2"] = [
            _("%(value)s%% is not an SpO2 reading: check it (50–100%%).") % {"value": item.spo2}
        ]
    if item.temperature_recheck is not None and item.temperature is None:
        errors["temperature_recheck"] = [_("A re-measurement needs the first reading.")]
    if item.recheck_method not in ("", "axillary", "ear", "forehead", "oral"):
        errors["recheck_method"] = [_("Unknown way of measuring.")]
    people = sum(bool(value) for value in (item.pass_token, item.worker_id, item.visitor))
    if people > 1:
        errors["person"] = [_("Give one of: a pass, a worker, a visitor.")]
    if item.offline and item.offline_verdict not in (Verdict.ADMITTED, Verdict.DENIED):
        errors["offline_verdict"] = [_("An offline check carries the verdict the kiosk showed.")]
    if errors:
        raise ApplicationError(
            next(iter(errors.values()))[0], code="invalid_reading", fields=errors, status=422
        )
