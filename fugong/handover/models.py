"""Handover lists (提醒清单 / 责任清单) sent to the districts where workers live.

A list is a snapshot: who was on it, why, and who answers for them, as of the day it was
generated, so that what a district acknowledged stays what it received.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ListKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder list")
    RESPONSIBILITY = "responsibility", _("Responsibility list")


class HandoverList(models.Model):
    district_code = models.CharField(_("district"), max_length=6, db_index=True)
    kind = models.CharField(_("list"), max_length=16, choices=ListKind.choices)
    as_of = models.DateField(_("as of"))
    generated_at = models.DateTimeField(_("generated at"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entry_count = models.PositiveIntegerField(_("people"), default=0)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("handover list")
        verbose_name_plural = _("handover lists")
        ordering = ["-generated_at", "district_code", "kind"]
        indexes = [models.Index(fields=["district_code", "acknowledged_at"])]

    def __str__(self) -> str:
        return f"{self.district_code} {self.kind} {self.as_of}"


class HandoverEntry(models.Model):
    """One person on a list, with why they are on it and who answers for them."""

    handover_list = models.ForeignKey(
        HandoverList, on_delete=models.CASCADE, related_name="entries"
    )
    worker = models.ForeignKey("workforce.Worker", on_delete=models.PROTECT, related_name="+")
    full_name = models.CharField(_("name"), max_length=100)
    document_masked = models.CharField(_("document number"), max_length=32)
    phone_masked = models.CharField(_("mobile phone"), max_length=16, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, null=True, related_name="+"
    )
    enterprise_name = models.CharField(_("enterprise"), max_length=200, blank=True)
    enterprise_contact = models.CharField(_("enterprise contact"), max_length=150, blank=True)
    liaison_name = models.CharField(_("liaison officer"), max_length=100, blank=True)
    clearance = models.CharField(_("clearance"), max_length=16)
    observation_until = models.DateField(_("under observation until"), null=True, blank=True)
    reasons = models.JSONField(_("reasons"), default=list)

    class Meta:
        ordering = ["handover_list", "full_name", "id"]

    def __str__(self) -> str:
        return self.full_name
