"""The command post's 24-hour duty roster (值班值守): shifts of command post staff and liaisons,
the log kept during a shift, and the handover note to the next shift with its acknowledgement."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fugong.core.models import BaseModel


class ShiftKind(models.TextChoices):
    DAY = "day", _("Day shift (08:00–20:00)")
    NIGHT = "night", _("Night shift (20:00–08:00)")
    CUSTOM = "custom", _("Custom times")


class DutyShift(BaseModel):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("on duty"),
        on_delete=models.PROTECT,
        related_name="duty_shifts",
    )
    day = models.DateField(_("date"))  # the day the shift starts
    kind = models.CharField(_("shift"), max_length=8, choices=ShiftKind.choices)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    handover_note = models.TextField(_("handover note"), blank=True)
    handover_written_at = models.DateTimeField(null=True, blank=True)
    handover_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    handover_acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["starts_at", "ends_at"]),
            models.Index(fields=["person", "starts_at"]),
            models.Index(fields=["day"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="duty_shift_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.person_id}"


class LogKind(models.TextChoices):
    CALL = "call", _("Call")
    INCIDENT = "incident", _("Incident")
    DECISION = "decision", _("Decision")


class DutyLogEntry(models.Model):
    """A call, an incident or a decision during a shift, linked to what it concerns."""

    shift = models.ForeignKey(DutyShift, on_delete=models.CASCADE, related_name="log")
    kind = models.CharField(_("kind"), max_length=16, choices=LogKind.choices)
    at = models.DateTimeField(_("time"))
    text = models.TextField(_("what happened"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    event = models.ForeignKey(
        "gate.AbnormalEvent",
        verbose_name=_("abnormal event"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.shift_id} {self.kind} {self.at}"
