"""Which enterprises a user may see. Every selector that returns enterprise-owned rows filters
with ``enterprise_scope_q`` so that the rule lives in one place.

- command post staff and inspectors: every enterprise (inspections are unannounced, so an
  inspector may walk into any of them);
- a liaison officer: the enterprises assigned to them;
- an enterprise officer or gate operator: their own enterprise;
- anyone else: none.
"""

from __future__ import annotations

from django.db.models import Q

from .roles import Role
from .types import AnyActor

NOTHING = Q(pk__in=[])


def enterprise_scope_q(user: AnyActor | None, path: str = "") -> Q:
    """A filter on a queryset whose rows reach an enterprise through ``path``.

    ``path`` is the lookup from the row to the enterprise ("" when the rows are enterprises,
    "enterprise" for rows with an ``enterprise`` foreign key).
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    prefix = f"{path}__" if path else ""  # for lookups that go through the enterprise
    role = user.role
    if role in (Role.COMMAND, Role.INSPECTOR):
        return Q()
    if role == Role.LIAISON:
        return Q(**{f"{prefix}liaison": user})
    if role in (Role.ENTERPRISE_OFFICER, Role.GATE_OPERATOR) and user.enterprise_id:
        return Q(**{path or "pk": user.enterprise_id})
    return NOTHING
