"""The outbreak's figures of any day, for the dashboard and the daily report (``reports``):
cases in each classification as of the day (the history of classifications, drills never
counted) and close contacts under observation on the day, in the reader's scope, each with the
records behind it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from fugong.accounts.models import User
from fugong.core.roles import Role
from fugong.core.scoping import enterprise_scope_q
from fugong.workforce.models import Worker

from .models import Case, Contact, ContactStatus
from .selectors import cases_as_of
from .selectors_followups import follow_ups_missed_workers


def _end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def cases_on(*, actor: User, day: date, classification: str) -> QuerySet[Case]:
    """The real cases in ``classification`` on ``day`` in the reader's scope (the command
    post's includes people from outside the park, who belong to no enterprise)."""
    cases = cases_as_of(day).filter(classification_then=classification)  # type: ignore[misc]
    if actor.role != Role.COMMAND:
        cases = cases.filter(enterprise_scope_q(actor, "enterprise"))
    return cases.select_related("enterprise")


def case_counts(*, actor: User, day: date, classifications: list[str]) -> dict[str, int]:
    return {
        classification: cases_on(actor=actor, day=day, classification=classification).count()
        for classification in classifications
    }


def contacts_under_observation(*, actor: User, day: date) -> QuerySet[Contact]:
    """Confirmed close contacts of real cases whose observation runs on ``day``: confirmed by
    the end of the day, last contact on or before it, observation until it or later."""
    contacts = Contact.objects.filter(
        status=ContactStatus.CONFIRMED,
        case__is_drill=False,
        observation_until__gte=day,
    ).filter(
        Q(decided_at__lt=_end_of_day(day))
        | Q(decided_at__isnull=True, created_at__lt=_end_of_day(day))
    )
    contacts = contacts.filter(Q(last_contact_on__isnull=True) | Q(last_contact_on__lte=day))
    if actor.role != Role.COMMAND:
        contacts = contacts.filter(
            enterprise_scope_q(actor, "enterprise") | enterprise_scope_q(actor, "case__enterprise")
        )
    return contacts.select_related("case", "enterprise")


def follow_ups_missed(
    *, actor: User, day: date, enterprise_ids: list[int], now: datetime | None = None
) -> QuerySet[Worker]:
    """The workers under observation on ``day`` who miss a declaration that is due (the figure
    "follow-ups missed today" and its records), in the reader's scope: the whole park for the
    command post, else the enterprises ``enterprise_ids`` (the reports' scope)."""
    scope = None if actor.role == Role.COMMAND else enterprise_ids
    return follow_ups_missed_workers(day, scope, now=now).select_related("enterprise")
