"""The command post's figures for any date, cut to the caller's scope, and the records behind each.

Every figure is computed from the records as they stood at the end of the day asked for (see
docs/architecture.md, "The dashboard"): the approvals decided by then with their resumption
dates, the suspensions covering the day, the gate admissions of the day (through the kept counts
in ``Attendance``), the declarations, the clearance history and the outcome history of abnormal
events, and the application history in the audit trail. Nothing here reads today's state to
answer for a past day.

The enterprise figures are computed in Python from one compact row per enterprise: at city scale
(10,000 enterprises) that costs a few milliseconds and lets one set of rows answer the day, the
30-day trend and the breakdowns alike.

The package is split by what it reads: ``common`` (dates, rates, the caller's enterprises),
``records`` (events, cases, observation, applications waiting), ``figures`` (one row per
enterprise and the day's figures) and ``drilldowns`` (what a figure opens, trends, breakdowns).
"""

from .common import (
    APPLICATION_TARGET,
    TREND_DAYS,
    WAITING_LABELS,
    WAITING_STEPS,
    rate,
    records_begin,
    report_date,
    report_scope,
)
from .drilldowns import (
    ENTERPRISE_FIGURES,
    Breakdown,
    Trend,
    breakdown_by_kind,
    breakdown_by_liaison,
    declaration_list,
    declared_lines,
    enterprise_lines,
    on_duty_workers,
    trends,
)
from .figures import (
    Alert,
    DailyFigures,
    EnterpriseDay,
    EnterpriseFacts,
    daily_figures,
    enterprise_facts,
    rounded,
)
from .records import (
    STATUS_STEPS,
    abnormal_events,
    applications_waiting,
    applications_waiting_counts,
    cases,
    observation_count,
    observation_workers,
)
from .training import untrained_on_duty

__all__ = [
    "APPLICATION_TARGET",
    "ENTERPRISE_FIGURES",
    "STATUS_STEPS",
    "TREND_DAYS",
    "WAITING_LABELS",
    "WAITING_STEPS",
    "Alert",
    "Breakdown",
    "DailyFigures",
    "EnterpriseDay",
    "EnterpriseFacts",
    "Trend",
    "abnormal_events",
    "applications_waiting",
    "applications_waiting_counts",
    "breakdown_by_kind",
    "breakdown_by_liaison",
    "cases",
    "daily_figures",
    "declaration_list",
    "declared_lines",
    "enterprise_facts",
    "enterprise_lines",
    "observation_count",
    "observation_workers",
    "on_duty_workers",
    "rate",
    "records_begin",
    "report_date",
    "report_scope",
    "rounded",
    "trends",
    "untrained_on_duty",
]
