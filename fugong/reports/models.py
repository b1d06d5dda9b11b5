"""What the dashboard counts from: workers on duty per day, kept as admissions arrive, and the
headcounts enterprises without gate records declare.

``Attendance`` and ``AttendanceCount`` are summaries of ``gate.GateCheck``: one row per worker
admitted on a day, and their number per enterprise and day. ``attendance.attendance_add``
keeps them up to date in the transaction that stores the checks; ``attendance_rebuild``
recomputes them from the checks, and the tests prove the two always agree.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from fugong.core.models import BaseModel


class Attendance(models.Model):
    """A worker admitted through a gate on a day, counted for their own enterprise then."""

    day = models.DateField(_("date"))
    worker = models.ForeignKey(
        "workforce.Worker", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="+", db_index=False
    )

    class Meta:
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
        constraints = [
            models.UniqueConstraint(
                fields=["day", "enterprise"], name="attendance_count_one_per_day"
            ),
        ]
        indexes = [models.Index(fields=["enterprise", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.enterprise_id}: {self.workers}"


class HeadcountDeclaration(BaseModel):
    """An enterprise's own count of its workers on duty on a day, for enterprises without gate
    records that day. Gate records, where they exist, take precedence."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="headcount_declarations",
    )
    day = models.DateField(_("date"))
    workers = models.PositiveIntegerField(
        _("workers on duty"), validators=[MaxValueValidator(1_000_000)]
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("declared headcount")
        verbose_name_plural = _("declared headcounts")
        ordering = ["-day", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "day"], name="declaration_one_per_day"),
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.day}: {self.workers}"
