"""The gate's verdict, as a pure function of the readings, the person and the thresholds.

The same rules run in the kiosk's JavaScript when the network is down (static/fugong/kiosk.js,
``decide``); a browser test holds the two to the same answers.

Denied, with every reason that applies:
- the four no's: no mask, no disinfection, no temperature, no registration (no pass, no roster
  entry, no visitor registration);
- a temperature at or above the fever threshold that was not re-measured (``recheck_required``),
  or whose re-measurement is still at or above it (``fever``, an abnormal event);
- SpO2 at or below the threshold (``low_spo2``, an abnormal event);
- a worker who is not cleared today, is under observation, or shows a revoked, expired or
  unknown pass; or who belongs to another enterprise than the gate's (``other_enterprise``: a
  last line only, since a gate finds no one but its own people, and the kiosk's copy holds no
  one else; anyone else is not registered, or an unknown pass, before any rule runs);
- a visitor with a contact history, or coming from an area whose level requires observation;
- a worker not yet trained in prevention (``untrained``) at their first admission, when the
  screening policy's training rule says ``deny``; with ``warn`` the worker is admitted and the
  same code is given as a warning (``Decision.warnings``), with ``off`` nothing is said.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

TEMPERATURE_RANGE = (Decimal("30.0"), Decimal("45.0"))
SPO2_RANGE = (50, 100)

# Reasons, in the order they are shown.
NO_MASK = "no_mask"
NO_DISINFECTION = "no_disinfection"
NO_TEMPERATURE = "no_temperature"
NO_REGISTRATION = "no_registration"
RECHECK_REQUIRED = "recheck_required"
FEVER = "fever"
LOW_SPO2 = "low_spo2"
NOT_CLEARED = "not_cleared"
UNDER_OBSERVATION = "under_observation"
OTHER_ENTERPRISE = "other_enterprise"
PASS_REVOKED = "pass_revoked"  # noqa: S105 - a reason code
PASS_EXPIRED = "pass_expired"  # noqa: S105 - a reason code
PASS_UNKNOWN = "pass_unknown"  # noqa: S105 - a reason code
CONTACT_HISTORY = "contact_history"
RISK_ORIGIN = "risk_origin"
UNTRAINED = "untrained"

# The screening policy's rule for workers not yet trained at their first admission.
TRAINING_OFF = "off"
TRAINING_WARN = "warn"
TRAINING_DENY = "deny"


@dataclass(frozen=True)
class Thresholds:
    fever: Decimal = Decimal("37.3")
    spo2: int = 93
    training: str = TRAINING_OFF  # the rule for untrained workers' first admission


@dataclass(frozen=True)
class Readings:
    mask: bool
    disinfected: bool
    temperature: Decimal | None
    temperature_recheck: Decimal | None = None
    spo2: int | None = None


@dataclass(frozen=True)
class Person:
    """Who stands at the gate, as far as the verdict needs to know."""

    registered: bool  # a pass or roster entry was found, or a visitor was registered
    kind: str = "worker"  # worker or visitor
    clearance: str = ""  # the worker's clearance today
    enterprise_id: int | None = None  # the worker's enterprise
    pass_problem: str = ""  # PASS_REVOKED, PASS_EXPIRED or PASS_UNKNOWN
    contact_history: bool = False  # visitors
    risk_origin: bool = False  # visitors
    trained: bool = True  # workers: attended a prevention training session by the day
    first_admission: bool = False  # workers: never admitted at any gate before


@dataclass(frozen=True)
class Decision:
    admitted: bool
    reasons: tuple[str, ...] = field(default_factory=tuple)
    abnormal: str = ""  # the kind of abnormal event to raise, or ""
    warnings: tuple[str, ...] = field(default_factory=tuple)  # said, but admitted all the same

    @property
    def verdict(self) -> str:
        return "admitted" if self.admitted else "denied"


def decide(
    readings: Readings, person: Person, *, gate_enterprise_id: int | None, thresholds: Thresholds
) -> Decision:
    reasons: list[str] = []
    warnings: list[str] = []
    if not readings.mask:
        reasons.append(NO_MASK)
    if not readings.disinfected:
        reasons.append(NO_DISINFECTION)
    if readings.temperature is None:
        reasons.append(NO_TEMPERATURE)
    if not person.registered:
        reasons.append(NO_REGISTRATION if not person.pass_problem else person.pass_problem)
    fever = False
    if readings.temperature is not None and readings.temperature >= thresholds.fever:
        if readings.temperature_recheck is None:
            reasons.append(RECHECK_REQUIRED)
        elif readings.temperature_recheck >= thresholds.fever:
            reasons.append(FEVER)
            fever = True
    low_spo2 = readings.spo2 is not None and readings.spo2 <= thresholds.spo2
    if low_spo2:
        reasons.append(LOW_SPO2)
    if person.registered and person.kind == "worker":
        if person.clearance == "not_cleared":
            reasons.append(NOT_CLEARED)
        elif person.clearance == "observation":
            reasons.append(UNDER_OBSERVATION)
        if gate_enterprise_id is not None and person.enterprise_id != gate_enterprise_id:
            reasons.append(OTHER_ENTERPRISE)
        if person.first_admission and not person.trained:
            if thresholds.training == TRAINING_DENY:
                reasons.append(UNTRAINED)
            elif thresholds.training == TRAINING_WARN:
                warnings.append(UNTRAINED)
    if person.registered and person.kind == "visitor":
        if person.contact_history:
            reasons.append(CONTACT_HISTORY)
        if person.risk_origin:
            reasons.append(RISK_ORIGIN)
    abnormal = (
        "fever_low_spo2"
        if fever and low_spo2
        else "fever"
        if fever
        else "low_spo2"
        if low_spo2
        else ""
    )
    return Decision(
        admitted=not reasons,
        reasons=tuple(reasons),
        abnormal=abnormal,
        # A warning matters only to someone let in.
        warnings=tuple(warnings) if not reasons else (),
    )
