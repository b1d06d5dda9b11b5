"""Setting the retention periods, and applying them: what is older is removed in place (the rows
stay, their personal data goes), so every count and every figure of a past day is unchanged.

``retention_apply`` runs daily (``manage.py apply_retention``, from a timer) and writes one audit
row with the cut-off dates and the counts. It removes:

- the readings (temperature, re-measured temperature, SpO2) of gate checks older than the gate
  readings' period, and of abnormal events closed before it (with their steps' readings); the
  verdicts, reasons and events stay, which is what the dashboard counts;
- visitors' registrations older than the visitors' period: name, document and phone numbers,
  employer, host and contact history (the origin and the purpose stay);
- workers whose last employment ended before the period for workers who left: name, numbers,
  birth year, sex, health, holiday, contact and travel data, dormitory and shuttle; their gate
  checks, attendance and clearance history stay, attached to a nameless record.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.errors import ConflictError, full_clean_or_raise
from fugong.core.roles import Action, require
from fugong.gate.models import AbnormalEvent, EventStatus, EventStep, GateCheck, Visitor
from fugong.workforce.models import Employment, TravelRecord, Worker

from .models import RetentionPolicy
from .selectors import policy_on

POLICY_FIELDS = ("gate_reading_days", "visitor_days", "departed_worker_days")


@transaction.atomic
def retention_policy_add(
    *,
    actor: User,
    effective_from: date,
    gate_reading_days: int,
    visitor_days: int,
    departed_worker_days: int,
) -> RetentionPolicy:
    """A new set of periods from ``effective_from`` (today or later: what was removed under an
    earlier policy cannot come back, so a policy never starts in the past)."""
    require(actor, Action.RETENTION_MANAGE)
    policy = RetentionPolicy(
        effective_from=effective_from,
        gate_reading_days=gate_reading_days,
        visitor_days=visitor_days,
        departed_worker_days=departed_worker_days,
        created_by=actor,
    )
    full_clean_or_raise(policy)
    if effective_from < timezone.localdate():
        raise ConflictError(_("A retention policy takes effect today or later, not in the past."))
    if RetentionPolicy.objects.filter(effective_from=effective_from).exists():
        raise ConflictError(_("A retention policy with this effective date exists already."))
    policy.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.RETENTION_POLICY_SAVED,
        target=policy,
        summary=str(policy.effective_from),
        data={key: getattr(policy, key) for key in POLICY_FIELDS},
    )
    return policy


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


@transaction.atomic
def retention_apply(*, today: date | None = None) -> dict[str, Any]:
    """Remove the personal data older than the periods in force today; one audit row with the
    counts. Idempotent: a second run the same day finds nothing more to remove."""
    today = today or timezone.localdate()
    policy = policy_on(today)
    now = timezone.now()
    readings_before = today - timedelta(days=policy.gate_reading_days)
    visitors_before = today - timedelta(days=policy.visitor_days)
    workers_before = today - timedelta(days=policy.departed_worker_days)
    no_readings = {"temperature": None, "spo2": None}

    checks = (
        GateCheck.objects.filter(check_date__lt=readings_before)
        .filter(
            Q(temperature__isnull=False)
            | Q(temperature_recheck__isnull=False)
            | Q(spo2__isnull=False)
        )
        .update(**no_readings, temperature_recheck=None)
    )
    closed = AbnormalEvent.objects.filter(
        status=EventStatus.CLOSED, closed_at__lt=_start_of(readings_before)
    )
    events = closed.filter(Q(temperature__isnull=False) | Q(spo2__isnull=False)).update(
        **no_readings
    )
    EventStep.objects.filter(event__in=closed).filter(
        Q(temperature__isnull=False) | Q(spo2__isnull=False)
    ).update(**no_readings)

    visitors = Visitor.objects.filter(
        created_at__lt=_start_of(visitors_before), personal_data_removed_at__isnull=True
    ).update(
        full_name="",
        document_cipher="",
        document_digest="",
        document_masked="",
        phone_cipher="",
        phone_masked="",
        employer="",
        host="",
        contact_history="",
        personal_data_removed_at=now,
    )

    still_employed = Employment.objects.filter(worker=OuterRef("pk")).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=workers_before)
    )
    departed = Worker.objects.filter(
        enterprise__isnull=True, personal_data_removed_at__isnull=True
    ).exclude(Exists(still_employed))
    departed_ids = list(departed.values_list("pk", flat=True))
    TravelRecord.objects.filter(worker_id__in=departed_ids).delete()
    workers = 0
    for worker_id in departed_ids:
        # One row at a time only for the digest, which is unique: it must stay so, and must no
        # longer find the person by their number.
        workers += Worker.objects.filter(pk=worker_id).update(
            full_name="",
            document_cipher="",
            document_digest=f"removed:{worker_id}",
            document_masked="",
            birth_year=None,
            sex="",
            phone_cipher="",
            phone_digest="",
            phone_masked="",
            holiday_location_code="",
            returned_on=None,
            contact_on=None,
            symptoms="",
            health_code="",
            health_code_on=None,
            dormitory_room="",
            shuttle_route="",
            personal_data_removed_at=now,
        )
    counts = {
        "gate_checks": checks,
        "abnormal_events": events,
        "visitors": visitors,
        "workers": workers,
    }
    audit_event_record(
        actor=None,
        action=AuditAction.RETENTION_APPLIED,
        target=policy,
        summary=", ".join(f"{key} {value}" for key, value in counts.items()),
        data={
            "counts": counts,
            "readings_before": readings_before.isoformat(),
            "visitors_before": visitors_before.isoformat(),
            "workers_before": workers_before.isoformat(),
        },
    )
    return counts
