"""Gates, the checks made at them, visitors, and the abnormal events a check can raise.

Every attempt to enter is a GateCheck, admitted or not. A check carries the client's own UUID:
a terminal or the offline kiosk may send the same check again and it is stored once.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fugong.core.models import BaseModel


class Gate(BaseModel):
    """An entrance: an enterprise's gate, or a park gate (a wharf entrance) with no enterprise."""

    name = models.CharField(_("name"), max_length=100)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="gates",
        help_text=_("Empty for a park gate, such as a wharf entrance."),
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("gate")
        verbose_name_plural = _("gates")
        ordering = ["enterprise__name", "name", "id"]

    def __str__(self) -> str:
        return f"{self.enterprise.name} · {self.name}" if self.enterprise is not None else self.name


class GateDevice(models.Model):
    """A gate terminal or thermal-camera kiosk: its token is good for one gate only. Only a
    SHA-256 digest of the token is stored; the token is shown once."""

    gate = models.ForeignKey(Gate, on_delete=models.CASCADE, related_name="devices")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("gate device")
        verbose_name_plural = _("gate devices")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class Visitor(BaseModel):
    """A driver, supplier or other visitor registered at a gate. Numbers are kept like workers'."""

    full_name = models.CharField(_("name"), max_length=100)
    document_type = models.CharField(_("document type"), max_length=16)
    document_cipher = models.TextField(editable=False)
    document_digest = models.CharField(max_length=64, db_index=True, editable=False)
    document_masked = models.CharField(_("document number"), max_length=32, editable=False)
    phone_cipher = models.TextField(blank=True, editable=False)
    phone_masked = models.CharField(_("mobile phone"), max_length=16, blank=True, editable=False)
    origin_code = models.CharField(_("coming from"), max_length=6)
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200)
    host = models.CharField(_("visiting"), max_length=100, blank=True)
    contact_history = models.CharField(
        _("contact history"),
        max_length=300,
        blank=True,
        help_text=_(
            "Contact with confirmed or suspected cases, or with people from risk areas; "
            "empty for none."
        ),
    )
    passed_risk_area = models.BooleanField(
        _("passed through a risk area"),
        default=False,
        help_text=_("In the last 14 days, as the visitor declares it."),
    )
    gate = models.ForeignKey(Gate, on_delete=models.PROTECT, related_name="visitors")
    personal_data_removed_at = models.DateTimeField(
        _("personal data removed at"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("visitor")
        verbose_name_plural = _("visitors")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.full_name


class Verdict(models.TextChoices):
    ADMITTED = "admitted", _("Admitted")
    DENIED = "denied", _("Denied")


class GateCheck(models.Model):
    """One attempt to pass a gate, with the readings, the verdict and its reasons.

    On PostgreSQL the table is partitioned by month of ``check_date`` (``gate.partitions``):
    its primary key there is ``(id, check_date)``, ``id`` staying unique through its sequence,
    and ``client_id`` is kept unique across the months by a key table and a trigger."""

    client_id = models.UUIDField(_("client id"), unique=True)
    payload_digest = models.CharField(max_length=64)
    gate = models.ForeignKey(Gate, on_delete=models.PROTECT, related_name="checks")
    # The gate's enterprise, kept on the row: the daily figures count by it.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    device = models.ForeignKey(
        GateDevice, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    worker = models.ForeignKey(
        "workforce.Worker",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gate_checks",
        db_index=False,
    )
    # The worker's own enterprise when the check was made (it may change later): workers on
    # duty are counted by it, for any past date.
    worker_enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    visitor = models.ForeignKey(
        Visitor, on_delete=models.PROTECT, null=True, blank=True, related_name="checks"
    )
    mask = models.BooleanField(_("mask"))
    disinfected = models.BooleanField(_("disinfected"))
    temperature = models.DecimalField(
        _("temperature (°C)"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    temperature_recheck = models.DecimalField(
        _("re-measured temperature (°C)"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    recheck_method = models.CharField(_("re-measured by"), max_length=16, blank=True)
    spo2 = models.PositiveSmallIntegerField(_("SpO2 (%)"), null=True, blank=True)
    verdict = models.CharField(_("verdict"), max_length=8, choices=Verdict.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    offline = models.BooleanField(_("decided offline"), default=False)
    # An offline check: when the kiosk's offline copy was made, as its signed stamp says (null when
    # the stamp was missing, forged or another gate's). A copy older than
    # FUGONG_GATE_OFFLINE_MAX_AGE at the check's time, or unverified, is not trusted: the server
    # judges the check again and keeps its own verdict and reasons here; ``verdict`` and
    # ``reasons`` stay what the kiosk showed (what happened at the gate), ``disputed`` says the two
    # verdicts differ.
    snapshot_at = models.DateTimeField(_("offline copy made at"), null=True, blank=True)
    server_verdict = models.CharField(
        _("server's verdict"), max_length=8, choices=Verdict.choices, blank=True
    )
    server_reasons = models.JSONField(_("server's reasons"), default=list, blank=True)
    disputed = models.BooleanField(
        _("verdict disputed"),
        default=False,
        help_text=_(
            "Decided offline from an old or unverified copy, and the server judges it otherwise."
        ),
    )
    occurred_at = models.DateTimeField(_("time"))
    check_date = models.DateField(_("date"))
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("gate check")
        verbose_name_plural = _("gate checks")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "check_date", "verdict"]),
            models.Index(fields=["worker", "check_date"]),
            models.Index(fields=["gate", "occurred_at"]),
            models.Index(fields=["check_date", "verdict"]),
            # Visitors' checks by gate and day (close contacts: the visitors of a case's
            # enterprise on the days the case was on site); partial, so it holds visitors only.
            models.Index(
                fields=["gate", "check_date"],
                condition=models.Q(visitor__isnull=False),
                name="gatecheck_visitor_gate_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.verdict}"

    @property
    def shows_worker(self) -> bool:
        """Whether the check's worker is shown. ``selectors.gate_checks`` marks (``hide_worker``)
        the checks of a worker who was not the gate's person when checked, which only a check
        recorded before gates were limited to their own people can be: an enterprise's pages
        show such a check without the person."""
        return bool(self.worker_id) and not getattr(self, "hide_worker", False)

    @property
    def person_kind(self) -> str:
        return "worker" if self.shows_worker else "visitor" if self.visitor_id else "unknown"

    @property
    def person_name(self) -> str:
        if self.worker is not None:
            return self.worker.full_name if self.shows_worker else ""
        return self.visitor.full_name if self.visitor is not None else ""

    @property
    def person_document(self) -> str:
        """The masked document number: nobody at or about the gate needs the whole one."""
        if self.worker is not None:
            return self.worker.document_masked if self.shows_worker else ""
        return self.visitor.document_masked if self.visitor is not None else ""

    @property
    def reason_texts(self) -> list[str]:
        from .display import reason_texts

        return reason_texts(self.reasons)

    @property
    def server_reason_texts(self) -> list[str]:
        from .display import reason_texts

        return reason_texts(self.server_reasons)


class EventKind(models.TextChoices):
    FEVER = "fever", _("Fever")
    LOW_SPO2 = "low_spo2", _("Low SpO2")
    FEVER_AND_LOW_SPO2 = "fever_low_spo2", _("Fever and low SpO2")
    SYMPTOMS = "symptoms", _("Symptoms declared")
    FEVER_AND_SYMPTOMS = "fever_symptoms", _("Fever and symptoms declared")


class EventSource(models.TextChoices):
    GATE_CHECK = "gate_check", _("Gate check")
    FOLLOW_UP = "follow_up", _("Daily health declaration")


class EventStatus(models.TextChoices):
    OPEN = "open", _("Sent to the observation room")
    RECHECKED = "rechecked", _("Re-checked in the observation room")
    FEVER_CLINIC = "fever_clinic", _("Sent to a fever clinic")
    CLOSED = "closed", _("Closed")


class EventOutcome(models.TextChoices):
    CLEARED = "cleared", _("Cleared: may return to work")
    HOME_OBSERVATION = "home_observation", _("Home observation")
    SUSPECTED = "suspected", _("Suspected case")
    CONFIRMED = "confirmed", _("Confirmed case")


class AbnormalEvent(BaseModel):
    """A confirmed fever or abnormal SpO2 at a gate, or a fever or symptoms in a worker's daily
    health declaration (``source``; such an event has no gate check and no gate): the person goes
    to the observation room, and each step after it is recorded until an outcome closes it."""

    source = models.CharField(
        _("source"), max_length=16, choices=EventSource.choices, default=EventSource.GATE_CHECK
    )
    # No foreign key constraint in the database: on PostgreSQL the gate checks are partitioned
    # by month (``gate.partitions``) and a constraint would have to reference their whole
    # primary key ``(id, check_date)``. The check and its event are stored in one transaction by
    # the gate's service, and Django's PROTECT still refuses to delete a check with an event.
    gate_check = models.OneToOneField(
        GateCheck,
        on_delete=models.PROTECT,
        related_name="abnormal_event",
        null=True,
        blank=True,
        db_constraint=False,
    )
    gate = models.ForeignKey(
        Gate, on_delete=models.PROTECT, related_name="abnormal_events", null=True, blank=True
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="abnormal_events",
    )
    worker = models.ForeignKey(
        "workforce.Worker",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="abnormal_events",
    )
    visitor = models.ForeignKey(
        Visitor, on_delete=models.PROTECT, null=True, blank=True, related_name="abnormal_events"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    temperature = models.DecimalField(
        _("temperature (°C)"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    spo2 = models.PositiveSmallIntegerField(_("SpO2 (%)"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=EventStatus.choices, default=EventStatus.OPEN
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=EventOutcome.choices, blank=True
    )
    occurred_at = models.DateTimeField(_("time"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("abnormal event")
        verbose_name_plural = _("abnormal events")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "status"]),
            models.Index(fields=["occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d %H:%M}"

    @property
    def place(self) -> str:
        """Where the event was raised: the gate's name, or "daily health declaration"."""
        if self.gate_id is not None and self.gate is not None:
            return str(self.gate)
        return str(EventSource(self.source).label)

    @property
    def disputed(self) -> bool:
        return self.gate_check is not None and self.gate_check.disputed

    @property
    def person_name(self) -> str:
        return (
            self.worker.full_name
            if self.worker is not None
            else self.visitor.full_name
            if self.visitor is not None
            else ""
        )


class StepAction(models.TextChoices):
    RECHECK = "recheck", _("Re-check in the observation room")
    RELEASE = "release", _("Released (readings normal)")
    FEVER_CLINIC = "fever_clinic", _("Sent to a fever clinic")
    OUTCOME = "outcome", _("Outcome recorded")
    NOTE = "note", _("Note")


class EventStep(models.Model):
    """One step of an abnormal event's follow-up."""

    event = models.ForeignKey(AbnormalEvent, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("step"), max_length=16, choices=StepAction.choices)
    temperature = models.DecimalField(
        _("temperature (°C)"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    spo2 = models.PositiveSmallIntegerField(_("SpO2 (%)"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=EventOutcome.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.event_id} {self.action}"


class GateOperator(models.Model):
    """A gate operator's post: the gate they work at (at most one). The gate app owns it, so that
    the accounts app, which knows the user and their role, never imports the gate."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gate operator"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    gate = models.ForeignKey(
        Gate, verbose_name=_("gate"), on_delete=models.PROTECT, related_name="operators"
    )
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("gate operator's post")
        verbose_name_plural = _("gate operators' posts")

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.gate_id}"


# ----- workers on duty ---------------------------------------------------------------------------
# Summaries of GateCheck kept in the transaction that stores the checks (gate.attendance), so that
# the dashboard reads a few thousand rows a day instead of half a million checks. They belong to
# the gate because the gate's write transaction is the only one that writes them.


class Attendance(models.Model):
    """A worker admitted through a gate on a day, counted for their own enterprise then.

    On PostgreSQL the table is partitioned by month of ``day`` (``gate.partitions``)."""

    day = models.DateField(_("date"))
    worker = models.ForeignKey(
        "workforce.Worker", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="+", db_index=False
    )

    class Meta:
        # The table keeps the name it had when the reports app owned it (see the migrations).
        db_table = "reports_attendance"
        verbose_name = _("worker on duty")
        verbose_name_plural = _("workers on duty")
        constraints = [
            models.UniqueConstraint(fields=["day", "worker"], name="attendance_one_per_day"),
        ]
        indexes = [models.Index(fields=["day", "enterprise"])]

    def __str__(self) -> str:
        return f"{self.day} {self.worker_id}"


class AttendanceCount(models.Model):
    """How many workers of an enterprise were admitted through a gate on a day."""

    day = models.DateField(_("date"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    workers = models.PositiveIntegerField(_("workers on duty"), default=0)

    class Meta:
        db_table = "reports_attendancecount"
        constraints = [
            models.UniqueConstraint(
                fields=["day", "enterprise"], name="attendance_count_one_per_day"
            ),
        ]
        indexes = [models.Index(fields=["enterprise", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.enterprise_id}: {self.workers}"
