from django import template
from django.conf import settings
from django.utils.formats import localize
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from fugong.reports.exports import percent as percent_text

register = template.Library()

# One breakdown row (see ``_breakdown.html``), each value shown as ``{{ value }}`` would be.
BREAKDOWN_ROW = (
    '<tr><td>{}</td><td class="text-end">{}</td><td class="text-end">{}</td>'
    '<td class="text-end">{}</td><td class="text-end">{}</td><td class="text-end">{}</td>'
    '<td class="text-end">{}</td></tr>\n  '
)


@register.filter
def percent(value):
    """48.5%, or "—" for a rate with nothing to divide by."""
    return percent_text(value)


@register.filter
def get(mapping, key):
    return mapping.get(key, 0) if mapping else 0


@register.filter
def breakdown_rows(rows) -> SafeString:
    """The rows of a breakdown table (``Breakdown``), formatted in one pass: the liaison table
    has hundreds of rows, and seven template variables and two filters a row cost the dashboard
    more than a tenth of its time; the markup is the same."""
    # A whole number shows as its digits unless thousands are grouped (``localize`` costs
    # microseconds a call, thousands of calls here).
    number = localize if settings.USE_THOUSAND_SEPARATOR else str
    return format_html_join(
        "",
        BREAKDOWN_ROW,
        (
            (
                row.label,
                number(row.in_scope),
                number(row.resumed),
                percent_text(row.resumption_rate),
                number(row.on_duty),
                percent_text(row.return_to_post_rate),
                number(row.abnormal_events),
            )
            for row in rows
        ),
    )
