"""What confirming a close contact causes, inside the confirmation's transaction.

``contact_confirmed_consequences`` is called by the contact confirmation service
(``fugong.cases.contact_services.contact_confirm``) once the contact's status is confirmed:

- observation for the screening policy's ``observation_days`` (14 by default) from the contact's
  last contact (today when unknown) — ``contact.observation_until``;
- for a worker: their ``contact_on`` (the later of the date it holds and this one, with the case
  as its reason) through ``fugong.workforce.services.worker_contact_record``, which re-screens
  them at once, so the gate denies them (``under_observation``) and the kiosk's next snapshot
  carries the new clearance; and the worker is put on today's reminder and responsibility lists
  of their district of residence (``fugong.handover.services.handover_add_people``). The
  enterprise's officer and liaison see the contact (the cases selectors scope contacts by
  enterprise) and the reason on the worker's page;
- for a gate visitor or a person from outside the park: the observation date only. A handover
  entry is about a worker of the park; the district follows these people through the case's
  export (流调表), which lists every contact with their district of residence.

A contact of a **drill** case gets the observation date only: a drill never puts a real worker
under observation, denies them at the gate or sends them to a district.

A failure anywhere raises and the caller's transaction writes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.handover.services import handover_add_people
from fugong.screening.engine import policy_on
from fugong.workforce.models import Worker
from fugong.workforce.services import worker_contact_record

from .models import Contact


def contact_reason(contact: Contact) -> str:
    """Why the worker is under observation, as their page shows it."""
    return _("Close contact of case #%(number)s") % {"number": contact.case_id}


@transaction.atomic
def contact_confirmed_consequences(*, actor: User, contact: Contact) -> None:
    """Observation, clearance, gate and the district's list for a confirmed close contact."""
    today = timezone.localdate()
    last: date = contact.last_contact_on or today
    days = policy_on(today).observation_days
    until = last + timedelta(days=days)
    if contact.worker_id is not None and not contact.case.is_drill:
        worker = Worker.objects.get(pk=contact.worker_id)
        worker = worker_contact_record(
            actor=actor, worker=worker, contact_on=last, reason=contact_reason(contact)
        )
        if worker.contact_on is not None:
            # Observation runs from the last contact with any case.
            until = max(until, worker.contact_on + timedelta(days=days))
        if until >= today:
            handover_add_people(actor=actor, workers=[worker])
    contact.observation_until = until
    contact.save(update_fields=["observation_until", "updated_at"])
