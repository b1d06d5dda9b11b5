"""Template helpers: masking, status badges, division names."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

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
def division_short(value: str) -> str:
    """The division's own name (云溪区), without province and city."""
    from fugong.core.divisions import division_get

    division = division_get(value) if value else None
    return division.name if division else value


@register.filter
def get_item(mapping: Any, key: object) -> Any:  # any template value; a mapping's values
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: object) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    request: HttpRequest = context["request"]
    params = request.GET.copy()
    for key, value in changes.items():
        params[key] = str(value)  # as urlencode() would write it
    return params.urlencode()


@register.simple_tag
def qr_svg(token: str, scale: int = 4) -> str:
    """An inline SVG QR code (segno) for a pass token."""
    import segno
    from django.utils.safestring import mark_safe

    code = segno.make(token, error="m", micro=False)
    svg: str = code.svg_inline(scale=scale, border=2)
    return mark_safe(svg)
