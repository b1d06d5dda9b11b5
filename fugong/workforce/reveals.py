"""How many full ID and phone numbers one user may look at, and when that is unusual.

The count is the audit trail itself: every look is a ``personal_data.viewed`` row with its actor,
so the limit holds across server processes and restarts (a per-process cache would not), and a
single indexed query (actor, action, time) counts every period at once. Settings:
``FUGONG_REVEAL_LIMITS`` (periods and the most looks in each) and ``FUGONG_REVEAL_ALERT``.

- Over a limit, the look is refused with ``429`` and the seconds until one is allowed again
  (``Retry-After``). The refusal is recorded (``personal_data.reveal_refused``), once per
  period, so that a script hammering the endpoint does not flood the trail.
- The look that brings a user's count in the alert period to the threshold records
  ``personal_data.reveal_alert`` (once per period), which the command post sees on its home page,
  and logs a warning naming the user's id only.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fugong.accounts.models import User
from fugong.audit.models import AuditAction, AuditEvent
from fugong.audit.services import audit_event_record
from fugong.core.errors import RateLimitedError

from .models import Worker

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Refusal:
    period: timedelta
    limit: int
    retry_after: int  # seconds

    def error(self) -> RateLimitedError:
        return RateLimitedError(
            _(
                "You have looked at too many full numbers: at most %(limit)s in %(period)s. "
                "Try again in %(wait)s."
            )
            % {
                "limit": self.limit,
                "period": duration_text(self.period.total_seconds()),
                "wait": duration_text(self.retry_after),
            },
            code="too_many_reveals",
            retry_after=self.retry_after,
        )


def duration_text(seconds: float) -> str:
    """A period in whole minutes, hours or days, rounded up ("10 minutes", "24 hours")."""
    minutes = max(1, math.ceil(seconds / 60))
    if minutes < 120:
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    hours = math.ceil(minutes / 60)
    return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}


def _looks(actor: User) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(actor=actor, action=AuditAction.PERSONAL_DATA_VIEWED)


def reveal_counts(actor: User, now: datetime) -> dict[timedelta, int]:
    """The actor's looks in each limited period and in the alert period, up to ``now``."""
    periods = {period for period, _limit in settings.FUGONG_REVEAL_LIMITS}
    periods.add(settings.FUGONG_REVEAL_ALERT[0])
    longest = max(periods)
    ordered = sorted(periods)
    counts = (
        _looks(actor)
        .filter(created_at__gt=now - longest)
        .aggregate(
            **{
                f"p{index}": Count("pk", filter=Q(created_at__gt=now - period))
                for index, period in enumerate(ordered)
            }
        )
    )
    return {period: counts[f"p{index}"] for index, period in enumerate(ordered)}


def reveal_refusal(actor: User, now: datetime, counts: dict[timedelta, int]) -> Refusal | None:
    """Why one more look would go over a limit (the longest wait of the limits reached), or
    None."""
    worst: Refusal | None = None
    for period, limit in settings.FUGONG_REVEAL_LIMITS:
        count = counts[period]
        if count < limit:
            continue
        # A place frees up when the (count - limit + 1)-th oldest look leaves the period.
        frees_at = (
            _looks(actor)
            .filter(created_at__gt=now - period)
            .order_by("created_at", "id")
            .values_list("created_at", flat=True)[count - limit]
        )
        wait = math.ceil((frees_at + period - now).total_seconds())
        if worst is None or wait > worst.retry_after:
            worst = Refusal(period=period, limit=limit, retry_after=max(1, wait))
    return worst


@transaction.atomic
def reveal_refusal_record(
    *, actor: User, worker: Worker, field: str, refusal: Refusal, now: datetime
) -> None:
    """Record a refused look: once per period of the limit reached."""
    already = AuditEvent.objects.filter(
        actor=actor,
        action=AuditAction.PERSONAL_DATA_REVEAL_REFUSED,
        created_at__gt=now - refusal.period,
    ).exists()
    if already:
        return
    audit_event_record(
        actor=actor,
        action=AuditAction.PERSONAL_DATA_REVEAL_REFUSED,
        target=worker,
        enterprise=worker.enterprise,
        summary=worker.full_name,
        data={
            "field": field,
            "limit": refusal.limit,
            "period_minutes": int(refusal.period.total_seconds() // 60),
        },
        at=now,
    )


def reveal_alert_if_unusual(
    *, actor: User, now: datetime, counts_before: dict[timedelta, int]
) -> None:
    """After a look (``counts_before`` were counted just before it): alert the command post when
    the looks in the alert period reach the threshold, once per period."""
    period, threshold = settings.FUGONG_REVEAL_ALERT
    looks = counts_before[period] + 1
    if looks < threshold:
        return
    already = AuditEvent.objects.filter(
        actor=actor, action=AuditAction.PERSONAL_DATA_REVEAL_ALERT, created_at__gt=now - period
    ).exists()
    if already:
        return
    minutes = int(period.total_seconds() // 60)
    audit_event_record(
        actor=actor,
        action=AuditAction.PERSONAL_DATA_REVEAL_ALERT,
        target=actor,
        summary=actor.username,
        data={"looks": looks, "period_minutes": minutes},
        at=now,
    )
    # The user's id only: no name, no worker, no number.
    logger.warning(
        "Unusual number of full personal data looks: user id %s, %s in %s minutes",
        actor.pk,
        looks,
        minutes,
    )


def lock_actor(actor: User) -> None:
    """Serialise one user's looks (two at once must not both pass the last free place)."""
    list(User.objects.select_for_update().filter(pk=actor.pk).values_list("pk"))
