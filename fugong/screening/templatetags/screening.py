"""Template helpers of the screening rules: the clearance reasons in words."""

from __future__ import annotations

from django import template

from fugong.screening.display import reasons_text

register = template.Library()


@register.filter
def clearance_reasons(reasons) -> list[str]:
    return reasons_text(reasons)
