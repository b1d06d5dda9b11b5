"""Revealing a worker's full ID or phone number: audited look by look, within the per-user
limits that ``workforce.reveals`` keeps.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.crypto import decrypt
from fugong.core.errors import ApplicationError
from fugong.core.roles import Action, require

from .. import reveals
from ..models import Worker


def worker_reveal(*, actor: User, worker: Worker, field: str) -> str:
    """The full ID or phone number, for a role that needs it; every look is audited. Looks are
    limited per user and an unusual number alerts the command post (see ``reveals``): over a
    limit, ``429`` with the wait, the refusal recorded and no number."""
    action = {"document": Action.WORKERS_REVEAL_IDENTITY, "phone": Action.WORKERS_REVEAL_PHONE}.get(
        field
    )
    if action is None:
        raise ApplicationError(_("Unknown field."))
    require(actor, action)
    with transaction.atomic():
        reveals.lock_actor(actor)
        now = timezone.now()
        counts = reveals.reveal_counts(actor, now)
        refusal = reveals.reveal_refusal(actor, now, counts)
        if refusal is None:
            cipher = worker.document_cipher if field == "document" else worker.phone_cipher
            value = decrypt(cipher) if cipher else ""
            audit_event_record(
                actor=actor,
                action=AuditAction.PERSONAL_DATA_VIEWED,
                target=worker,
                enterprise=worker.enterprise,
                summary=worker.full_name,
                data={"field": field},
                at=now,
            )
            reveals.reveal_alert_if_unusual(actor=actor, now=now, counts_before=counts)
            return value
    # Outside the look's transaction, so that the refusal stays recorded when the error is raised.
    reveals.reveal_refusal_record(actor=actor, worker=worker, field=field, refusal=refusal, now=now)
    raise refusal.error()
