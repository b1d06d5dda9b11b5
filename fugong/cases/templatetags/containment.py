"""``{% containment_section %}``: a case's containment section (its closures, the reopen
buttons and the close form), rendered where the case page includes
``cases/containment/_section.html`` with ``case`` in its context."""

from __future__ import annotations

from typing import Any

from django import template

from ..views_containment import section_context

register = template.Library()


@register.inclusion_tag("cases/containment/_content.html", takes_context=True)
def containment_section(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    return section_context(request.user, context["case"], csrf_token=context.get("csrf_token"))
