"""Writes on workers: register, edit, leave, move; reveal personal data (audited); passes.

A person has one record whatever enterprise employs them. Registering (or importing) someone who
is on another enterprise's roster is refused: the old employer records the leave
(``worker_leave``) or the command post moves them (``worker_move``). Whoever takes on a worker
who has left, or is moved one, starts clean: the data of the old employment is cleared (see
``CLEARED_ON_JOIN``), and the new enterprise sees only its own employment's history.

The package is split by what it does: ``fields`` (the worker's data a caller sets and its
checks), ``workers`` (register, edit, leave, move, take on again), ``reveal`` (the audited look
at a full ID or phone number), ``passes`` (pass tokens, issuing, revoking) and ``outbreak`` (a
confirmed close contact's date of contact; closing and reopening a department or enterprise).
"""

from .fields import (
    MAX_TRAVEL_RECORDS,
    SCREENED_FIELDS,
    WORKER_FIELDS,
    check_travel,
    check_worker_fields,
    on_another_roster_message,
)
from .outbreak import closure_label, closure_open, closure_reopen, worker_contact_record
from .passes import (
    PASS_PREFIX,
    PASS_SALT,
    pass_issue,
    pass_resolve,
    pass_revoke,
    pass_token,
    passes_issue_missing,
)
from .reveal import worker_reveal
from .workers import CLEARED_ON_JOIN, worker_leave, worker_move, worker_register, worker_update

__all__ = [
    "CLEARED_ON_JOIN",
    "MAX_TRAVEL_RECORDS",
    "PASS_PREFIX",
    "PASS_SALT",
    "SCREENED_FIELDS",
    "WORKER_FIELDS",
    "check_travel",
    "check_worker_fields",
    "closure_label",
    "closure_open",
    "closure_reopen",
    "on_another_roster_message",
    "pass_issue",
    "pass_resolve",
    "pass_revoke",
    "pass_token",
    "passes_issue_missing",
    "worker_contact_record",
    "worker_leave",
    "worker_move",
    "worker_register",
    "worker_reveal",
    "worker_update",
]
