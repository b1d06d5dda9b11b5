"""Reads on cases, contacts and follow-ups, in the caller's scope: the command post sees every
case; a liaison the cases of their enterprises; an enterprise officer their own enterprise's (the
pages mask the numbers). Anyone else sees none (403 for the action, 404 outside the scope)."""

from __future__ import annotations

from datetime import date

from django.db.models import OuterRef, QuerySet, Subquery

from fugong.accounts.models import User
from fugong.core.errors import NotFoundError
from fugong.core.roles import Action, require
from fugong.core.scoping import enterprise_scope_q

from .models import Case, Classification, ClassificationChange, ContactRules


def case_scope(actor: User) -> QuerySet[Case]:
    require(actor, Action.CASES_VIEW)
    return Case.objects.filter(enterprise_scope_q(actor, "enterprise"))


def case_list(
    *, actor: User, classification: str = "", drills: bool | None = None
) -> QuerySet[Case]:
    """Cases in scope, newest first; ``drills`` True for drills only, False for real cases only."""
    cases = case_scope(actor).select_related("enterprise")
    if classification:
        cases = cases.filter(classification=classification)
    if drills is not None:
        cases = cases.filter(is_drill=drills)
    return cases.order_by("-created_at", "-id")


def case_get(*, actor: User, case_id: int | str) -> Case:
    try:
        return case_scope(actor).select_related("enterprise", "opened_by").get(pk=int(case_id))
    except (Case.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


def classification_history(*, case: Case) -> QuerySet[ClassificationChange]:
    return case.classifications.select_related("actor").order_by("effective_on", "at", "id")


def cases_as_of(day: date) -> QuerySet[Case]:
    """Real (not drill) cases that existed on ``day``, annotated with ``classification_then``:
    the classification of their newest change effective on or before that day."""
    newest = (
        ClassificationChange.objects.filter(case=OuterRef("pk"), effective_on__lte=day)
        .order_by("-effective_on", "-at", "-id")
        .values("new_classification")[:1]
    )
    return (
        Case.objects.filter(is_drill=False, classifications__effective_on__lte=day)
        .distinct()
        .annotate(classification_then=Subquery(newest))
    )


def case_counts_on(day: date, *, enterprise_ids: list[int] | None = None) -> dict[str, int]:
    """How many real cases were in each classification on ``day`` (drills never count)."""
    cases = cases_as_of(day)
    if enterprise_ids is not None:
        cases = cases.filter(enterprise_id__in=enterprise_ids)
    counts = dict.fromkeys(Classification.values, 0)
    classifications: list[str] = list(cases.values_list("classification_then", flat=True))  # type: ignore[misc]
    for classification in classifications:
        if classification in counts:
            counts[classification] += 1
    return counts


def contact_rules_on(day: date) -> ContactRules:
    """The contact rules in force on ``day`` (the defaults, unsaved, before any was saved)."""
    rules = ContactRules.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    return rules if rules is not None else ContactRules(effective_from=date(2020, 1, 1))


def contact_rules_list(*, actor: User) -> QuerySet[ContactRules]:
    require(actor, Action.CASES_VIEW)
    return ContactRules.objects.order_by("-effective_from")
