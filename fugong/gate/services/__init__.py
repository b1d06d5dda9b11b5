"""Writes at the gate: record checks (one or a batch), register visitors, follow abnormal
events, manage gates and their device tokens.

Recording is set-based so that a terminal's batch of a thousand checks costs a handful of
queries: existing client ids, passes and workers are read in one query each, verdicts are
computed in Python, the new checks go in with one bulk insert. A gate knows only its own people:
its enterprise's current workers (a park gate: every enterprise's); anyone else named by a check
is judged exactly as someone unknown, and nothing about them is written. A check whose client id is
already stored with the same payload is a replay and writes nothing; with another payload it
is refused (409). Abnormal events (a confirmed fever, low SpO2) put the worker on a medical
hold and re-screen them, so that their clearance follows the event.

The package is split by what it does: ``inputs`` (a check and a visitor as they arrive, the
answer per item, the checks on time and readings), ``visitors`` (registering a visitor),
``judging`` (thresholds, passes, who a check names, the verdicts), ``checks`` (recording a batch:
judging it, then storing it), ``events`` (abnormal events, their steps, medical holds) and
``gates`` (gates and their device tokens).
"""

from .checks import CHECK_FIELDS, CHECK_VALUES, gate_checks_record
from .events import abnormal_event_from_follow_up, abnormal_event_step
from .gates import (
    gate_create,
    gate_device_authenticate,
    gate_device_create,
    gate_device_revoke,
    gate_operator_assign,
    gate_operator_unassign,
    gate_update,
)
from .inputs import (
    FUTURE_TOLERANCE,
    MAX_BATCH,
    OFFLINE_FIELDS,
    OLDEST,
    CheckInput,
    CheckResult,
    VisitorInput,
)
from .judging import CHECK_RELATIONS, Pending, _pass_code, thresholds_on

__all__ = [
    "CHECK_FIELDS",
    "CHECK_RELATIONS",
    "CHECK_VALUES",
    "FUTURE_TOLERANCE",
    "MAX_BATCH",
    "OFFLINE_FIELDS",
    "OLDEST",
    "CheckInput",
    "CheckResult",
    "Pending",
    "VisitorInput",
    "_pass_code",  # gate.selectors reads a picked pass by its code
    "abnormal_event_from_follow_up",
    "abnormal_event_step",
    "gate_checks_record",
    "gate_create",
    "gate_device_authenticate",
    "gate_device_create",
    "gate_device_revoke",
    "gate_operator_assign",
    "gate_operator_unassign",
    "gate_update",
    "thresholds_on",
]
