"""Screening rules as data the command post edits, and the record of every re-screening.

Each rule carries the date from which it holds: risk areas their own period, the policy (the
numbers: observation days, health-code days, which risk levels require observation, gate
thresholds) its effective date. The policy in force on a day is the newest one effective on or
before it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from fugong.core.models import BaseModel


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low risk")
    MEDIUM = "medium", _("Medium risk")
    HIGH = "high", _("High risk")


class RiskArea(BaseModel):
    """A division (county, prefecture or province code) at a risk level for a period."""

    division_code = models.CharField(_("division code"), max_length=6, db_index=True)
    level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(
        _("until"), null=True, blank=True, help_text=_("Empty while it holds.")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("risk area")
        verbose_name_plural = _("risk areas")
        ordering = ["-starts_on", "division_code"]
        constraints = [
            models.CheckConstraint(
                name="risk_area_period",
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.division_code} {self.level}"

    @property
    def prefix(self) -> str:
        """The code without trailing "00" pairs: 420000 → 42, 420100 → 4201, 420102 → 420102."""
        code = self.division_code
        while code.endswith("00") and len(code) > 2:
            code = code[:-2]
        return code


class ScreeningPolicy(BaseModel):
    """The numbers the rules use, from an effective date."""

    effective_from = models.DateField(_("effective from"), unique=True)
    observation_days = models.PositiveSmallIntegerField(
        _("observation days"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("From the last exposure or the arrival from a risk area."),
    )
    yellow_code_days = models.PositiveSmallIntegerField(
        _("observation for a yellow code (days)"), default=7, validators=[MaxValueValidator(60)]
    )
    red_code_days = models.PositiveSmallIntegerField(
        _("observation for a red code (days)"), default=14, validators=[MaxValueValidator(60)]
    )
    observation_levels = models.JSONField(
        _("risk levels that require observation"),
        default=list,
        blank=True,
        help_text=_("Arrivals from areas at these levels are observed."),
    )
    fever_threshold = models.DecimalField(
        _("fever threshold (°C)"),
        max_digits=3,
        decimal_places=1,
        default=Decimal("37.3"),
        validators=[MinValueValidator(Decimal("37.0")), MaxValueValidator(Decimal("38.5"))],
    )
    spo2_threshold = models.PositiveSmallIntegerField(
        _("abnormal SpO2 at or below (%)"),
        default=93,
        validators=[MinValueValidator(85), MaxValueValidator(97)],
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("screening policy")
        verbose_name_plural = _("screening policies")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.effective_from}"

    @property
    def observation_level_labels(self) -> list[str]:
        labels = dict(RiskLevel.choices)
        return [str(labels.get(level, level)) for level in self.observation_levels]


class ScreeningRun(models.Model):
    """One re-screening: what caused it, how many workers it looked at and how many changed."""

    class Trigger(models.TextChoices):
        RISK_AREA = "risk_area", _("Risk area changed")
        POLICY = "policy", _("Policy changed")
        WORKER = "worker", _("Worker data changed")
        IMPORT = "import", _("Roster imported")
        DAILY = "daily", _("Daily re-screening")
        MANUAL = "manual", _("Re-screening on request")
        GATE = "gate", _("Gate event")
        CASE = "case", _("Outbreak response")

    trigger = models.CharField(_("cause"), max_length=16, choices=Trigger.choices)
    # Set when the run concerned one enterprise (an import, an edit): who may see it follows.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    examined = models.PositiveIntegerField(_("workers examined"), default=0)
    changed = models.PositiveIntegerField(_("clearances changed"), default=0)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("re-screening")
        verbose_name_plural = _("re-screenings")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.trigger} {self.changed}"


class ClearanceChange(models.Model):
    """A worker whose clearance changed in a run: before and after."""

    run = models.ForeignKey(ScreeningRun, on_delete=models.CASCADE, related_name="changes")
    worker = models.ForeignKey(
        "workforce.Worker", on_delete=models.CASCADE, related_name="clearance_changes"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    old_clearance = models.CharField(max_length=16, blank=True)
    old_until = models.DateField(null=True, blank=True)
    new_clearance = models.CharField(max_length=16)
    new_until = models.DateField(null=True, blank=True)
    reasons = models.JSONField(default=list)

    class Meta:
        ordering = ["run", "id"]
        indexes = [
            models.Index(fields=["enterprise", "run"]),
            # The clearance on a past day (the dashboard): a worker's changes in order, and the
            # changes into or out of an observation still running on that day.
            models.Index(fields=["worker", "run"]),
            models.Index(fields=["new_clearance", "new_until"]),
            models.Index(fields=["old_clearance", "old_until"]),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id}: {self.old_clearance} → {self.new_clearance}"
