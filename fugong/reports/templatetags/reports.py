from django import template

from fugong.reports.exports import percent as percent_text

register = template.Library()


@register.filter
def percent(value):
    """48.5%, or "—" for a rate with nothing to divide by."""
    return percent_text(value)


@register.filter
def get(mapping, key):
    return mapping.get(key, 0) if mapping else 0
