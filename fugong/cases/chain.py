"""The chain of transmission around a case, as the nodes and links of a graph (the case page's
ECharts graph and ``GET /cases/{id}/chain``): the case, its contacts (and their contacts, level
2), the cases opened from one of those contacts (``Case.source_contact``) with their own contacts,
and the case this one came from. Only cases in the reader's scope are followed; no number is
ever in the graph, only names."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from fugong.accounts.models import User

from .models import Case, Contact, ContactStatus
from .selectors import case_scope

# How far the graph follows cases opened from contacts, and how many nodes it draws at most.
MAX_DEPTH = 3
MAX_NODES = 400

CATEGORIES = ("case", "confirmed", "candidate", "secondary")


def _category_names() -> list[dict[str, str]]:
    names = {
        "case": _("Case"),
        "confirmed": _("Confirmed close contact"),
        "candidate": _("Candidate contact"),
        "secondary": _("Contact of a contact"),
    }
    return [{"name": str(names[key])} for key in CATEGORIES]


def _contacts(case: Case) -> QuerySet[Contact]:
    return (
        Contact.objects.filter(case=case)
        .exclude(status=ContactStatus.DROPPED)
        .order_by("level", "full_name", "pk")
    )


def case_chain(*, actor: User, case: Case) -> dict[str, Any]:
    """The graph around ``case``: ``nodes`` (id, name, category index, case url or none),
    ``links`` (source, target) and ``categories``; ``truncated`` when it was cut."""
    scope = case_scope(actor)
    nodes: dict[str, dict[str, Any]] = {}
    links: list[dict[str, str]] = []
    truncated = False

    def add_node(key: str, name: str, category: str, **extra: Any) -> bool:
        nonlocal truncated
        if key in nodes:
            return True
        if len(nodes) >= MAX_NODES:
            truncated = True
            return False
        nodes[key] = {
            "id": key,
            "name": name,
            "category": CATEGORIES.index(category),
            **extra,
        }
        return True

    def case_node(item: Case) -> str:
        key = f"case-{item.pk}"
        add_node(
            key,
            item.full_name,
            "case",
            case_id=item.pk,
            classification=item.get_classification_display(),
            drill=item.is_drill,
        )
        return key

    root = case_node(case)
    nodes[root]["root"] = True
    if case.source_contact_id:
        parent = scope.filter(contacts__pk=case.source_contact_id).first()
        if parent is not None:
            links.append({"source": case_node(parent), "target": root})
    todo: list[tuple[Case, int]] = [(case, 0)]
    seen: set[int] = {case.pk}
    while todo:
        current, depth = todo.pop(0)
        current_key = f"case-{current.pk}"
        contacts = list(_contacts(current))
        for contact in contacts:
            key = f"contact-{contact.pk}"
            category = (
                "secondary"
                if contact.level > 1
                else "confirmed"
                if contact.status == ContactStatus.CONFIRMED
                else "candidate"
            )
            if not add_node(key, contact.full_name, category, contact_id=contact.pk):
                break
            source = f"contact-{contact.via_id}" if contact.via_id else current_key
            links.append({"source": source, "target": key})
        if depth + 1 >= MAX_DEPTH:
            continue
        followed = scope.filter(source_contact__in=[contact.pk for contact in contacts]).order_by(
            "pk"
        )
        for child in followed:
            if child.pk in seen:
                continue
            seen.add(child.pk)
            child_key = case_node(child)
            links.append({"source": f"contact-{child.source_contact_id}", "target": child_key})
            todo.append((child, depth + 1))
    known = set(nodes)
    return {
        "nodes": list(nodes.values()),
        "links": [link for link in links if link["source"] in known and link["target"] in known],
        "categories": _category_names(),
        "truncated": truncated,
    }
