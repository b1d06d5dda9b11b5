"""The month's roster as xlsx (text escaped against formulas by ``core.tabular.xlsx_bytes``)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.core.tabular import xlsx_bytes

from .selectors import RosterDay


def roster_xlsx(month: date, days: list[RosterDay]) -> bytes:
    rows = [
        (
            roster_day.day.isoformat(),
            str(shift.get_kind_display()),
            timezone.localtime(shift.starts_at).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(shift.ends_at).strftime("%Y-%m-%d %H:%M"),
            shift.person.full_name or shift.person.username,
            shift.note,
        )
        for roster_day in days
        for shift in roster_day.shifts
    ]
    header = [_("Date"), _("Shift"), _("From"), _("Until"), _("On duty"), _("Note")]
    return xlsx_bytes(month.strftime("%Y-%m"), header, rows)
