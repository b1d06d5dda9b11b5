"""Template helpers of the contacts section: the contacts grouped by reason, the actor's rights."""

from __future__ import annotations

from typing import Any

from django import template

from fugong.core.roles import user_can

from ..forms_contacts import ContactAddForm
from ..selectors_contacts import RuleGroup, contact_counts, contacts_by_reason

register = template.Library()


@register.filter
def contact_groups(contacts: Any) -> list[RuleGroup]:
    """The contacts grouped by each rule that found them (see ``contacts_by_reason``)."""
    return contacts_by_reason(list(contacts or []))


@register.filter
def contact_status_counts(contacts: Any) -> dict[str, int]:
    return contact_counts(list(contacts or []))


@register.filter
def may(user: Any, action: str) -> bool:
    """Whether the user's role has the action (``user|may:"contacts.decide"``)."""
    return bool(user is not None and user.is_authenticated and user_can(user, action))


@register.simple_tag
def add_form_or_new(form: ContactAddForm | None = None) -> ContactAddForm:
    """The add-by-hand form with its errors, or an empty one (the case page includes the section
    without a form)."""
    return form if isinstance(form, ContactAddForm) else ContactAddForm()
