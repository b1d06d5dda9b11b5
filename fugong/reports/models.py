"""The headcounts enterprises without gate records declare. (The workers on duty the dashboard
counts are kept by the gate, in the transaction that stores the checks: ``gate.Attendance``.)"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from fugong.core.models import BaseModel


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
