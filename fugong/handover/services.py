"""Generating the handover lists for the districts, and their acknowledgement."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.errors import ConflictError, NotFoundError
from fugong.core.roles import Action, require
from fugong.workforce.models import Clearance, Worker

from .models import HandoverEntry, HandoverList, ListKind


def people_to_hand_over(as_of: date) -> QuerySet[Worker]:
    """Who a district should follow on ``as_of``: everyone under observation (arrivals from
    risk areas, contacts, yellow and red codes), and everyone held for symptoms or an abnormal
    gate check. (Missing paperwork alone is the enterprise's business, not the district's.)"""
    return (
        Worker.objects.filter(enterprise__isnull=False)
        .filter(
            Q(clearance=Clearance.OBSERVATION, observation_until__gte=as_of)
            | Q(clearance=Clearance.NOT_CLEARED, observation_until__gte=as_of)
            | (Q(clearance=Clearance.NOT_CLEARED) & (~Q(symptoms="") | ~Q(medical_hold="")))
        )
        .select_related("enterprise", "enterprise__liaison")
        .order_by("residence_code", "full_name", "id")
    )


@transaction.atomic
def handover_generate(*, actor: User) -> list[HandoverList]:
    """Today's reminder list and responsibility list for every district where someone to follow
    lives (both lists name the same people: the first says why and until when, the second who
    answers for them). Generating again the same day replaces that day's lists that have not
    been acknowledged; acknowledged lists stay exactly as they were received."""
    require(actor, Action.HANDOVER_GENERATE)
    now = timezone.now()
    as_of = timezone.localdate(now)
    HandoverList.objects.filter(as_of=as_of, acknowledged_at__isnull=True).delete()
    # A list a district has acknowledged today stays the one it has for the day.
    received = set(
        HandoverList.objects.filter(as_of=as_of, acknowledged_at__isnull=False).values_list(
            "district_code", "kind"
        )
    )
    by_district: dict[str, list[Worker]] = defaultdict(list)
    for worker in people_to_hand_over(as_of):
        by_district[worker.residence_code].append(worker)
    created: list[HandoverList] = []
    for district, workers in sorted(by_district.items()):
        for kind in (ListKind.REMINDER, ListKind.RESPONSIBILITY):
            if (district, kind) in received:
                continue
            handover_list = HandoverList.objects.create(
                district_code=district,
                kind=kind,
                as_of=as_of,
                generated_at=now,
                generated_by=actor,
                entry_count=len(workers),
            )
            HandoverEntry.objects.bulk_create(_entry(handover_list, worker) for worker in workers)
            created.append(handover_list)
    audit_event_record(
        actor=actor,
        action=AuditAction.HANDOVER_GENERATED,
        target=actor,
        summary=_("%(lists)s lists for %(districts)s districts")
        % {"lists": len(created), "districts": len(by_district)},
        data={"as_of": as_of.isoformat(), "districts": sorted(by_district)},
    )
    return created


def _entry(handover_list: HandoverList, worker: Worker) -> HandoverEntry:
    enterprise = worker.enterprise  # none for a contact who has left their employer
    return HandoverEntry(
        handover_list=handover_list,
        worker=worker,
        full_name=worker.full_name,
        document_masked=worker.document_masked,
        phone_masked=worker.phone_masked,
        enterprise=enterprise,
        enterprise_name=enterprise.name if enterprise else "",
        enterprise_contact=" ".join(
            part for part in (enterprise.contact_person, enterprise.contact_phone) if part
        )
        if enterprise
        else "",
        liaison_name=str(enterprise.liaison or "") if enterprise else "",
        clearance=worker.clearance,
        observation_until=worker.observation_until,
        reasons=worker.clearance_reasons,
    )


@transaction.atomic
def handover_add_people(*, actor: User, workers: list[Worker]) -> list[HandoverList]:
    """Put ``workers`` (close contacts just confirmed) on today's reminder and responsibility
    lists of their district of residence, at once rather than at the next generation: added to
    the district's list of today that has not been acknowledged (their entry replaced if they
    were on it already), or on a new list of today naming them when the district has none or
    has acknowledged today's. An acknowledged list is never touched. Returns the lists written."""
    require(actor, Action.HANDOVER_GENERATE)
    now = timezone.now()
    as_of = timezone.localdate(now)
    by_district: dict[str, list[Worker]] = defaultdict(list)
    for worker in Worker.objects.filter(pk__in=[worker.pk for worker in workers]).select_related(
        "enterprise", "enterprise__liaison"
    ):
        if worker.residence_code:
            by_district[worker.residence_code].append(worker)
    written: list[HandoverList] = []
    for district, people in sorted(by_district.items()):
        for kind in (ListKind.REMINDER, ListKind.RESPONSIBILITY):
            handover_list = (
                HandoverList.objects.select_for_update()
                .filter(
                    district_code=district, kind=kind, as_of=as_of, acknowledged_at__isnull=True
                )
                .order_by("-generated_at", "-id")
                .first()
            )
            if handover_list is None:
                handover_list = HandoverList.objects.create(
                    district_code=district,
                    kind=kind,
                    as_of=as_of,
                    generated_at=now,
                    generated_by=actor,
                )
            handover_list.entries.filter(worker__in=people).delete()
            HandoverEntry.objects.bulk_create(_entry(handover_list, worker) for worker in people)
            handover_list.entry_count = handover_list.entries.count()
            handover_list.save(update_fields=["entry_count"])
            written.append(handover_list)
    if written:
        audit_event_record(
            actor=actor,
            action=AuditAction.HANDOVER_GENERATED,
            target=actor,
            summary=_("%(people)s people added to %(lists)s lists")
            % {
                "people": sum(len(people) for people in by_district.values()),
                "lists": len(written),
            },
            data={"as_of": as_of.isoformat(), "districts": sorted(by_district), "added": True},
        )
    return written


def handover_label(handover_list: HandoverList) -> str:
    return f"{handover_list.district_code} {handover_list.get_kind_display()} {handover_list.as_of}"


@transaction.atomic
def handover_acknowledge(*, actor: User, handover_list: HandoverList) -> HandoverList:
    """The district liaison confirms receipt of a list for their district."""
    require(actor, Action.HANDOVER_ACKNOWLEDGE)
    handover_list = HandoverList.objects.select_for_update().get(pk=handover_list.pk)
    if handover_list.district_code != actor.district_code:
        raise NotFoundError()
    if handover_list.acknowledged_at is not None:
        raise ConflictError(_("This list has already been acknowledged."))
    handover_list.acknowledged_at = timezone.now()
    handover_list.acknowledged_by = actor
    handover_list.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit_event_record(
        actor=actor,
        action=AuditAction.HANDOVER_ACKNOWLEDGED,
        target=handover_list,
        summary=handover_label(handover_list),
    )
    return handover_list
