"""The daily report as the park publishes it: the text (Chinese or English) and the
per-enterprise table as xlsx. Both are built from ``DailyFigures``, the same object the dashboard
shows, so the report always matches the dashboard."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from fugong.core.tabular import xlsx_bytes
from fugong.enterprises.models import EnterpriseKind
from fugong.supplies.selectors import mask_days_threshold

from .selectors import WAITING_LABELS, DailyFigures, rounded

NO_RATE = "—"


def percent_number(value: float | None) -> float | None:
    """A rate as the percentage shown, rounded once to one decimal (0.2985… → 29.9): the figure
    and every chart point of the same day go through here, so they never disagree."""
    if value is None:
        return None
    return float(f"{value * 100:.1f}")


def percent(value: float | None) -> str:
    """48.5% (one decimal), or "—" when there is nothing to divide by."""
    number = percent_number(value)
    if number is None:
        return NO_RATE
    return f"{number:.1f}%"


def _day_text(figures: DailyFigures) -> str:
    day = figures.day
    if translation.get_language().startswith("zh"):
        return f"{day.month}月{day.day}日"
    return formats.date_format(day, "j F Y")


def daily_report_text(figures: DailyFigures, language: str = "zh-hans") -> str:
    """The published text: one paragraph of figures, then the warnings, in ``language``."""
    with translation.override(language):
        values = {
            "day": _day_text(figures),
            "resumed": figures.resumed,
            "sites": figures.construction_sites_resumed,
            "on_duty": figures.on_duty,
            "rate": percent(figures.resumption_rate),
            "in_scope": figures.in_scope,
            "above_scale_rate": percent(figures.above_scale_rate),
            "above_scale_resumed": figures.above_scale_resumed,
            "above_scale_in_scope": figures.above_scale_in_scope,
            "return_rate": percent(figures.return_to_post_rate),
            "events": figures.abnormal_events,
            "observation": figures.under_observation,
            "confirmed": figures.confirmed,
            "suspected": figures.suspected,
        }
        scope = (
            pgettext("daily report", "the park")
            if figures.whole_park
            else pgettext("daily report", "the enterprises in your charge")
        )
        lines = [
            _(
                "As of %(day)s, %(resumed)s enterprises in %(scope)s had resumed work "
                "(including %(sites)s construction sites), with %(on_duty)s employees on duty; "
                "the resumption rate was %(rate)s (%(resumed)s of %(in_scope)s enterprises), "
                "and %(above_scale_rate)s for above-scale industrial enterprises "
                "(%(above_scale_resumed)s of %(above_scale_in_scope)s). "
                "The return-to-post rate was %(return_rate)s."
            )
            % {**values, "scope": scope},
            _(
                "Abnormal readings at the gates that day: %(events)s; people under medical "
                "observation: %(observation)s; confirmed cases: %(confirmed)s; suspected "
                "cases: %(suspected)s."
            )
            % values,
            _(
                "Asymptomatic infections: %(asymptomatic)s; close contacts under medical "
                "observation: %(contacts)s; follow-ups missed: %(missed)s."
            )
            % {
                "asymptomatic": figures.asymptomatic,
                "contacts": figures.contacts_under_observation,
                "missed": figures.follow_ups_missed,
            },
        ]
        lines.append(
            _(
                "Findings past their rectification deadline: %(overdue)s; notice receipts not "
                "yet acknowledged: %(unacknowledged)s."
            )
            % {
                "overdue": figures.overdue_rectifications,
                "unacknowledged": figures.unacknowledged_notices,
            }
        )
        lines.append(
            _("Workers on duty not yet trained in prevention: %(count)s.")
            % {"count": figures.untrained_on_duty}
        )
        lines.append(
            _("Enterprises with under %(days)s days of masks: %(count)s.")
            % {"days": mask_days_threshold(), "count": figures.low_on_masks}
        )
        waiting = figures.applications_waiting
        lines.append(
            _("Applications waiting: %(list)s.")
            % {
                "list": _("; ").join(
                    f"{WAITING_LABELS[step]} {waiting.get(step, 0)}" for step in WAITING_LABELS
                )
            }
        )
        if figures.declaring_enterprises:
            lines.append(
                ngettext(
                    "Of the employees on duty, %(declared)s were declared by %(count)s "
                    "enterprise without gate records.",
                    "Of the employees on duty, %(declared)s were declared by %(count)s "
                    "enterprises without gate records.",
                    figures.declaring_enterprises,
                )
                % {"declared": figures.on_duty_declared, "count": figures.declaring_enterprises}
            )
        if figures.alerts:
            names = _(", ").join(alert.enterprise.name for alert in figures.alerts)
            lines.append(
                ngettext(
                    "Warning: %(count)s enterprise had people at work without approval "
                    "(unapproved resumption): %(names)s.",
                    "Warning: %(count)s enterprises had people at work without approval "
                    "(unapproved resumption): %(names)s.",
                    len(figures.alerts),
                )
                % {"count": len(figures.alerts), "names": names}
            )
        return "\n".join(lines)


def enterprise_table(figures: DailyFigures) -> tuple[list[str], list[list[object]]]:
    """The per-enterprise table: every enterprise in the scope, counted or not."""
    kinds = dict(EnterpriseKind.choices)
    header = [
        _("Enterprise"),
        _("Kind"),
        _("Above-scale industrial"),
        _("In scope"),
        _("Status on the day"),
        _("Workers on duty"),
        _("Source"),
        _("Usual headcount"),
        _("Return-to-post rate"),
        _("Abnormal events"),
        _("Unapproved resumption"),
    ]
    alerts = {alert.enterprise.id for alert in figures.alerts}
    rows = []
    for line in sorted(figures.enterprises, key=lambda line: line.facts.name):
        facts = line.facts
        if line.resumed:
            status = _("Resumed")
        elif line.suspended:
            status = _("Suspended")
        else:
            status = _("Not resumed")
        source = {"gate": _("Gate records"), "declared": _("Declared"), "": ""}[line.on_duty_source]
        rows.append(
            [
                facts.name,
                str(kinds.get(line.kind, line.kind)),
                _("Yes") if line.is_above_scale_industrial else _("No"),
                _("Yes") if line.counted else _("No"),
                status,
                line.on_duty,
                source,
                facts.usual_headcount,
                percent(line.return_to_post_rate) if line.resumed else NO_RATE,
                line.abnormal_events,
                _("Yes") if facts.id in alerts else "",
            ]
        )
    return header, rows


def daily_report_xlsx(
    figures: DailyFigures,
    language: str = "zh-hans",
    *,
    advance: Callable[[int], object] | None = None,
) -> bytes:
    with translation.override(language):
        header, rows = enterprise_table(figures)
        return xlsx_bytes(figures.day.isoformat(), header, rows, advance=advance)


def daily_report_json(figures: DailyFigures, language: str = "zh-hans", *, enterprises=False):
    """The figures under plain names, the alerts with their evidence, the published text and,
    with ``enterprises``, the table by enterprise (the API and ``daily_report --format json``)."""
    body = figures.as_dict()
    body.update(
        scope="park" if figures.whole_park else "assigned",
        unapproved_resumptions=[
            {
                "enterprise_id": alert.enterprise.id,
                "enterprise": alert.enterprise.name,
                "suspended": alert.suspended,
                "admitted_workers": alert.admitted_workers,
                "declared": alert.declared,
                "first_admission": alert.first_admission,
                "last_admission": alert.last_admission,
                "gates": alert.gates,
            }
            for alert in figures.alerts
        ],
        text=daily_report_text(figures, language),
        enterprises=None,
    )
    if enterprises:
        body["enterprises"] = [
            {
                "enterprise_id": line.facts.id,
                "enterprise": line.facts.name,
                "kind": line.kind,
                "above_scale_industrial": line.is_above_scale_industrial,
                "in_scope": line.counted,
                "resumed": line.resumed,
                "suspended": line.suspended,
                "on_duty": line.on_duty,
                "on_duty_source": line.on_duty_source,
                "usual_headcount": line.facts.usual_headcount,
                "return_to_post_rate": (
                    rounded(line.return_to_post_rate) if line.resumed else None
                ),
                "abnormal_events": line.abnormal_events,
            }
            for line in sorted(figures.enterprises, key=lambda line: line.facts.id)
        ]
    return body
