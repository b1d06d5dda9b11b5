"""The dashboard's constants and its handling of dates: the first day with records, the date asked
for, local dates of stored timestamps, rates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, tzinfo
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import (
    Min,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.core.errors import ApplicationError
from fugong.core.roles import Action, require
from fugong.core.scoping import enterprise_scope_q
from fugong.enterprises.models import Enterprise
from fugong.resumption.models import ResumptionApplication

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TREND_DAYS = 30

# The application steps that wait for someone, as the audit trail records them.
WAITING_STEPS = {
    AuditAction.APPLICATION_SUBMITTED.value: "awaiting_verification",
    AuditAction.APPLICATION_RESUBMITTED.value: "awaiting_verification",
    AuditAction.APPLICATION_VERIFIED.value: "awaiting_decision",
    AuditAction.APPLICATION_RETURNED.value: "returned",
    AuditAction.APPLICATION_APPROVED.value: "",
}
WAITING_LABELS = {
    "awaiting_verification": _("Awaiting on-site verification"),
    "awaiting_decision": _("Verified, awaiting decision"),
    "returned": _("Returned for rectification"),
}
APPLICATION_TARGET = ResumptionApplication._meta.label_lower


# ----- dates ---------------------------------------------------------------------------------


def records_begin() -> date:
    """The first day the park has records for: the day its first enterprise was registered."""
    first = Enterprise.objects.aggregate(first=Min("created_at"))["first"]
    return timezone.localdate(first) if first else timezone.localdate()


def report_date(value: str | date | None) -> date:
    """The day asked for: today when none is given; a clear error for a malformed date, a day
    in the future or one before the park's records begin."""
    today = timezone.localdate()
    if value in (None, ""):
        return today
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value).strip())
        except ValueError as error:
            message: StrOrPromise = _("Give the date as YYYY-MM-DD.")
            raise ApplicationError(message, fields={"date": [message]}) from error
    if day > today:
        message = _("The date is in the future: figures exist up to today.")
        raise ApplicationError(message, fields={"date": [message]})
    begin = records_begin()
    if day < begin:
        message = _("The park's records begin on %(date)s.") % {"date": begin.isoformat()}
        raise ApplicationError(message, fields={"date": [message]})
    return day


# Timestamp (as the database returns it raw) → its date in the park's time zone. A pure
# function of its argument, remembered: converting 15,000 timestamps to a zone cost ~50 ms on
# every dashboard, reading them from a dict costs ~2 ms. Bounded, cleared when full.
_LOCAL_DATES: dict[str, dict[str | datetime, date]] = {}
_LOCAL_DATES_LIMIT = 1_000_000


def _local_date_of(zone: tzinfo) -> Callable[[str | datetime], date]:
    """A fast ``timezone.localdate`` for many raw values: the zone is looked up once and each
    distinct value converted once."""
    cache = _LOCAL_DATES.setdefault(str(zone), {})

    def local_date(value: str | datetime) -> date:
        try:
            return cache[value]
        except KeyError:
            if len(cache) > _LOCAL_DATES_LIMIT:
                cache.clear()
            result = cache[value] = _aware(value).astimezone(zone).date()
            return result

    return local_date


def _aware(value: str | datetime) -> datetime:
    """A timestamp read raw: SQLite gives UTC without an offset (text or naive), PostgreSQL an
    aware datetime (or, cast to text, its text with the offset)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _raw_rows(queryset: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """A values_list queryset's rows straight from the database cursor, without Django's
    per-value converters (dates stay ISO strings on SQLite): the dashboard reads tens of
    thousands of small rows, and the converters cost more than the query."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()  # raw database values
        return rows


def _as_date(value: str | date) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def rate(numerator: int, denominator: int) -> float | None:
    """A rate, or None when there is nothing to divide by (shown as "—")."""
    return numerator / denominator if denominator else None


def report_scope(actor: User) -> QuerySet[Enterprise]:
    """The enterprises whose figures the caller may read (403 for roles without the dashboard)."""
    require(actor, Action.REPORTS_VIEW)
    return Enterprise.objects.filter(enterprise_scope_q(actor))
