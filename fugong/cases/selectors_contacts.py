"""Reads on close contacts, in the caller's scope: the contacts of a case the caller may see (the
command post every case; a liaison their enterprises' cases; an enterprise officer their own
enterprise's cases, with the numbers masked as everywhere). Anyone else: 403 for the action, 404
outside the scope. Also the reasons grouped by rule for the pages and the API."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fugong.accounts.models import User
from fugong.core.errors import NotFoundError
from fugong.core.roles import Action, require

from .models import Case, Contact, ContactRules, ContactStatus
from .selectors import case_scope

RULE_LABELS: dict[str, Any] = {
    "department_shift": _("Same department or workshop and shift"),
    "dormitory_room": _("Same dormitory room"),
    "shuttle_route": _("Same shuttle-bus route"),
    "same_gate": _("Same gate within minutes"),
    "visitor_hosted": _("Visitor of the case's department or enterprise"),
    "by_hand": _("Added by hand"),
}


def contact_list(*, actor: User, case: Case, status: str = "") -> QuerySet[Contact]:
    """The contacts of a case (found through ``case_get``, so in scope), level 1 first."""
    require(actor, Action.CASES_VIEW)
    if not case_scope(actor).filter(pk=case.pk).exists():
        raise NotFoundError()
    contacts = case.contacts.select_related("via", "enterprise", "decided_by")
    if status:
        contacts = contacts.filter(status=status)
    return contacts.order_by("level", "status", "full_name", "id")


def contact_get(*, actor: User, contact_id: int | str) -> Contact:
    """A contact of a case in the caller's scope (404 otherwise)."""
    require(actor, Action.CASES_VIEW)
    try:
        return (
            Contact.objects.filter(case__in=case_scope(actor))
            .select_related("case", "enterprise", "via", "worker")
            .get(pk=int(contact_id))
        )
    except (Contact.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


def contact_rules_all(*, actor: User) -> QuerySet[ContactRules]:
    require(actor, Action.CASES_VIEW)
    return ContactRules.objects.select_related("created_by").order_by("-effective_from")


@dataclass
class RuleGroup:
    """The contacts one rule found, with that rule's reasons of each (for the section)."""

    rule: str
    label: str
    rows: list[tuple[Contact, list[dict[str, Any]]]] = field(default_factory=list)


def contacts_by_reason(contacts: list[Contact]) -> list[RuleGroup]:
    """The contacts grouped by each rule that found them (a contact with two rules is in both
    groups), in the order of ``RULE_LABELS``."""
    groups: dict[str, RuleGroup] = {}
    found: dict[str, dict[int, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    order: dict[str, list[Contact]] = defaultdict(list)
    for contact in contacts:
        for reason in contact.reasons:
            rule = str(reason.get("rule", ""))
            if contact.pk not in found[rule]:
                order[rule].append(contact)
            found[rule][contact.pk].append(reason)
    for rule, label in RULE_LABELS.items():
        if rule in order:
            groups[rule] = RuleGroup(
                rule=rule,
                label=str(label),
                rows=[(contact, found[rule][contact.pk]) for contact in order[rule]],
            )
    return list(groups.values())


def contact_counts(contacts: list[Contact]) -> dict[str, int]:
    counts = dict.fromkeys(ContactStatus.values, 0)
    for contact in contacts:
        counts[contact.status] = counts.get(contact.status, 0) + 1
    return counts
