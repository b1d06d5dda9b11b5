"""Shortcuts the cases tests share: a case and its contacts built directly (the contact finding
and its confirmation are tested on their own)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from fugong.cases import services
from fugong.cases.models import Classification, Contact, ContactStatus
from fugong.cases.people import external_person, visitor_person, worker_person


def make_case(park, worker, *, is_drill: bool = False):
    return services.case_open(
        actor=park.command,
        classification=Classification.CONFIRMED,
        worker_id=worker.pk,
        onset_on=timezone.localdate() - timedelta(days=1),
        is_drill=is_drill,
    )


def make_contact(
    case, *, worker=None, visitor=None, external=None, last_contact_on: date | None = None
):
    """A confirmed contact row as ``contact_confirm`` leaves it before its consequences."""
    if worker is not None:
        fields = worker_person(worker)
    elif visitor is not None:
        fields = visitor_person(visitor)
    else:
        fields = external_person(**(external or {"full_name": "王五"}))
    return Contact.objects.create(
        case=case,
        status=ContactStatus.CONFIRMED,
        last_contact_on=last_contact_on,
        reasons=[{"rule": "manual"}],
        added_by_hand=True,
        decided_at=timezone.now(),
        decided_by=case.opened_by,
        **fields,
    )
