"""Template helpers: masking, status badges, division names."""

from __future__ import annotations

from django import template

from fugong.core.divisions import division_name as _division_name
from fugong.core.privacy import mask_identity_number, mask_phone

register = template.Library()


@register.filter
def masked_phone(value: str) -> str:
    return mask_phone(value)


@register.filter
def masked_identity(value: str) -> str:
    return mask_identity_number(value)


@register.filter
def division(value: str) -> str:
    return _division_name(value) if value else ""


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()
