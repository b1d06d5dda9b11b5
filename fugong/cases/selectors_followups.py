"""Reads on the daily follow-ups (健康打卡), in the caller's scope: the command post sees every
worker's; a liaison their enterprises'; an enterprise officer their own enterprise's. Anyone else
none (403 for the action).

Who must declare: every worker under observation on the day (their clearance is "observation"
and the observation has not ended: contacts and returnees alike). A worker is missing a
declaration when they have no morning one, or no afternoon one once the afternoon is due: from
15:00 (Asia/Shanghai) on the day itself, and always for an earlier day. The count of workers
missing one (``follow_ups_missed_count``) is the figure "follow-ups missed today".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.core.roles import Action, require
from fugong.core.scoping import enterprise_scope_q
from fugong.gate.declarations import DeclarationStatus
from fugong.workforce.models import Clearance, Worker

from .models import Case, FollowUp, FollowUpPeriod

# From this local time on, the afternoon declaration of the day counts as missing.
AFTERNOON_DUE = time(15, 0)


def follow_up_scope(actor: User) -> QuerySet[FollowUp]:
    require(actor, Action.FOLLOW_UPS_VIEW)
    return FollowUp.objects.filter(enterprise_scope_q(actor, "enterprise"))


def follow_up_list(
    *, actor: User, day: date, enterprise_id: int | None = None
) -> QuerySet[FollowUp]:
    """The declarations of a day in scope, by worker and period."""
    follow_ups = follow_up_scope(actor).filter(day=day)
    if enterprise_id is not None:
        follow_ups = follow_ups.filter(enterprise_id=enterprise_id)
    return follow_ups.select_related("worker", "enterprise", "recorded_by").order_by(
        "enterprise__name", "worker__full_name", "worker_id", "period"
    )


def observed_workers(day: date, enterprise_ids: list[int] | None = None) -> QuerySet[Worker]:
    """Workers under observation on ``day`` (their current clearance, as the gate reads it)."""
    workers = Worker.objects.filter(
        Q(observation_until__isnull=True) | Q(observation_until__gte=day),
        clearance=Clearance.OBSERVATION,
        enterprise__isnull=False,
    )
    if enterprise_ids is not None:
        workers = workers.filter(enterprise_id__in=enterprise_ids)
    return workers


def periods_due(day: date, now: datetime | None = None) -> list[str]:
    """The periods whose declaration is due on ``day`` as of ``now``."""
    moment = timezone.localtime(now or timezone.now())
    if day > moment.date():
        return []
    if day < moment.date() or moment.time() >= AFTERNOON_DUE:
        return [FollowUpPeriod.MORNING, FollowUpPeriod.AFTERNOON]
    return [FollowUpPeriod.MORNING]


@dataclass
class MissingFollowUp:
    """A worker under observation and the periods of the day they have not declared."""

    worker: Worker
    missing: list[str] = field(default_factory=list)

    @property
    def missing_labels(self) -> list[str]:
        return [str(FollowUpPeriod(period).label) for period in self.missing]


def _missing(
    workers: QuerySet[Worker], day: date, now: datetime | None
) -> tuple[QuerySet[Worker], list[str]]:
    due = periods_due(day, now)
    if not due:
        return workers.none(), due
    complete = (
        FollowUp.objects.filter(day=day, period__in=due)
        .values("worker_id")
        .order_by()
        .annotate(n=Count("period", distinct=True))
        .filter(n=len(due))
        .values("worker_id")
    )
    return workers.exclude(pk__in=complete), due


def follow_ups_missed_count(
    day: date, enterprise_ids: list[int] | None = None, *, now: datetime | None = None
) -> int:
    """How many workers under observation on ``day`` miss a declaration that is due (the
    figure "follow-ups missed today"); ``enterprise_ids`` restricts it to those enterprises."""
    return follow_ups_missed_workers(day, enterprise_ids, now=now).count()


def follow_ups_missed_workers(
    day: date, enterprise_ids: list[int] | None = None, *, now: datetime | None = None
) -> QuerySet[Worker]:
    """The workers behind ``follow_ups_missed_count`` (the figure's records): under
    observation on ``day`` and missing a declaration that is due."""
    workers, _due = _missing(observed_workers(day, enterprise_ids), day, now)
    return workers


def follow_ups_missing(
    *, actor: User, day: date, now: datetime | None = None, limit: int = 2000
) -> list[MissingFollowUp]:
    """Who in the actor's scope is under observation on ``day`` and misses a declaration."""
    require(actor, Action.FOLLOW_UPS_VIEW)
    workers = observed_workers(day).filter(enterprise_scope_q(actor, "enterprise"))
    missing, due = _missing(workers, day, now)
    rows = list(
        missing.select_related("enterprise").order_by("enterprise__name", "full_name", "pk")[:limit]
    )
    declared: dict[int, set[str]] = {}
    for worker_id, period in FollowUp.objects.filter(
        day=day, worker__in=[row.pk for row in rows]
    ).values_list("worker_id", "period"):
        declared.setdefault(worker_id, set()).add(period)
    return [
        MissingFollowUp(
            worker=worker,
            missing=[period for period in due if period not in declared.get(worker.pk, set())],
        )
        for worker in rows
    ]


def worker_declaration_status(worker: Worker, day: date) -> DeclarationStatus | None:
    """What the gate kiosk shows (registered with fugong.gate.declarations): an abnormal
    declaration on ``day``, or, for a worker under observation, a declaration that is due and
    missing. None when there is nothing to show."""
    declarations = list(FollowUp.objects.filter(worker=worker, day=day).order_by("period"))
    abnormal = [item for item in declarations if item.abnormal]
    if abnormal:
        latest = abnormal[-1]
        return {
            "state": "abnormal",
            "message": _(
                "Abnormal health declaration today (%(period)s: %(temperature)s °C%(symptoms)s)."
            )
            % {
                "period": latest.get_period_display(),
                "temperature": latest.temperature,
                "symptoms": "".join(f", {label}" for label in _labels(latest.symptoms)),
            },
        }
    if not observed_workers(day).filter(pk=worker.pk).exists():
        return None
    done = {item.period for item in declarations}
    missing = [period for period in periods_due(day) if period not in done]
    if not missing:
        return None
    return {
        "state": "missing",
        "message": _("Under observation: no health declaration today (%(periods)s).")
        % {"periods": "、".join(str(FollowUpPeriod(period).label) for period in missing)},
    }


def _labels(codes: list[str]) -> list[str]:
    from .followups import symptom_labels

    return symptom_labels(codes)


@dataclass
class ContactFollowUp:
    """A contact of a case and their declarations today (for the case page)."""

    contact_id: int
    name: str
    worker_id: int | None
    under_observation: bool
    declarations: list[FollowUp]
    missing: list[str]

    @property
    def abnormal(self) -> bool:
        return any(item.abnormal for item in self.declarations)

    @property
    def missing_labels(self) -> list[str]:
        return [str(FollowUpPeriod(period).label) for period in self.missing]


def case_follow_ups(*, actor: User, case: Case, day: date | None = None) -> list[ContactFollowUp]:
    """The follow-up status today of a case's contacts who are workers (the case page's
    section). The case is already one the actor may see; this needs FOLLOW_UPS_VIEW."""
    require(actor, Action.FOLLOW_UPS_VIEW)
    today = day or timezone.localdate()
    contacts = list(
        case.contacts.filter(worker__isnull=False).order_by("full_name", "pk")  # type: ignore[attr-defined]
    )
    worker_ids = [contact.worker_id for contact in contacts if contact.worker_id is not None]
    observed = set(observed_workers(today).filter(pk__in=worker_ids).values_list("pk", flat=True))
    by_worker: dict[int, list[FollowUp]] = {}
    for item in FollowUp.objects.filter(day=today, worker_id__in=worker_ids).order_by("period"):
        by_worker.setdefault(item.worker_id, []).append(item)
    due = periods_due(today)
    rows = []
    for contact in contacts:
        declarations = by_worker.get(contact.worker_id or 0, [])
        done = {item.period for item in declarations}
        rows.append(
            ContactFollowUp(
                contact_id=contact.pk,
                name=contact.full_name,
                worker_id=contact.worker_id,
                under_observation=contact.worker_id in observed,
                declarations=declarations,
                missing=[period for period in due if period not in done]
                if contact.worker_id in observed
                else [],
            )
        )
    return rows
