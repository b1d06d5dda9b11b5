"""Inspections, their findings and the enterprise's rectification of each finding.

An inspector (or the command post, or a liaison on a follow-up visit to one of their own
enterprises) records an inspection as a draft: the guide's items met or not, findings with
photos; completing it makes the findings visible to the enterprise. The enterprise officer
answers each finding with a rectification and evidence; the inspection's inspector (or the
command post) accepts it or reopens the finding for another round, perhaps with a new deadline.

Every function checks the actor's role and scope, the state, validates everything before
writing anything, and records the step in the audit trail. The optional ``at`` records a step
on a past day (the demo loader, hand-built histories in tests); views and the API never pass it.

The package is split by what it writes: ``inspections`` (recording and completing an
inspection, and the checks every step shares), ``findings`` (findings, their photos, suspension over
a serious one) and ``rectification`` (the enterprise's answer, acceptance or reopening).
"""

from .findings import finding_add, finding_attachment_add, finding_suspend_enterprise
from .inspections import (
    MAX_ATTACHMENTS_PER_FINDING,
    NOTE_MAX_LENGTH,
    ItemResult,
    inspection_complete,
    inspection_create,
    inspection_update,
)
from .rectification import rectification_review, rectification_submit

__all__ = [
    "MAX_ATTACHMENTS_PER_FINDING",
    "NOTE_MAX_LENGTH",
    "ItemResult",
    "finding_add",
    "finding_attachment_add",
    "finding_suspend_enterprise",
    "inspection_complete",
    "inspection_create",
    "inspection_update",
    "rectification_review",
    "rectification_submit",
]
