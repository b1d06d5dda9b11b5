"""``{% case_follow_ups case as rows %}``: the follow-up status today of a case's contacts, for
the case page's section (cases/followups/_case_section.html); None when the user may not see
declarations."""

from __future__ import annotations

from typing import Any

from django import template

from fugong.core.roles import Action, user_can

from ..selectors_followups import ContactFollowUp
from ..selectors_followups import case_follow_ups as _case_follow_ups

register = template.Library()


@register.simple_tag(takes_context=True)
def case_follow_ups(context: dict[str, Any], case: Any) -> list[ContactFollowUp] | None:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user_can(user, Action.FOLLOW_UPS_VIEW):
        return None
    return _case_follow_ups(actor=user, case=case)
