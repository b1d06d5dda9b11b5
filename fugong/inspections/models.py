"""Inspections after resumption, their findings, and the enterprise's rectification of each.

An inspection walks the items of the prevention guide (the same versioned items as the
application's self-check) and records free findings. A finding has a severity, photos, what must
be rectified and a deadline; the enterprise answers it (a ``Rectification`` with evidence), the
inspector accepts the answer or reopens the finding (a new round, perhaps a new deadline).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fugong.core.models import BaseModel


class InspectionKind(models.TextChoices):
    UNANNOUNCED = "unannounced", _("Unannounced inspection")
    ROUTINE = "routine", _("Routine inspection")
    REINSPECTION = "reinspection", _("Re-inspection")
    FOLLOW_UP = "follow_up", _("Liaison's follow-up visit")


class InspectionStatus(models.TextChoices):
    DRAFT = "draft", _("Being recorded")
    COMPLETED = "completed", _("Completed")


class Inspection(BaseModel):
    """One visit to one enterprise on one day, by an inspector (or the enterprise's liaison)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=InspectionKind.choices)
    inspected_on = models.DateField(_("date of the inspection"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    team = models.CharField(_("other members"), max_length=200, blank=True)
    guide_version = models.ForeignKey(
        "guide.GuideVersion",
        verbose_name=_("guide version"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A re-inspection names the inspection whose findings it checks again.
    follows = models.ForeignKey(
        "self",
        verbose_name=_("re-inspection of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reinspections",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=InspectionStatus.choices, default=InspectionStatus.DRAFT
    )
    summary = models.TextField(_("summary"), blank=True)
    good_practice = models.TextField(_("good practice seen"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "inspected_on"]),
            models.Index(fields=["inspected_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.inspected_on} {self.enterprise_id} {self.kind}"


class InspectionItemResult(models.Model):
    """What the inspection found for one item of the guide: met, not met, or not checked."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="item_results"
    )
    item = models.ForeignKey("guide.GuideItem", on_delete=models.PROTECT, related_name="+")
    met = models.BooleanField(_("met"), null=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="inspection_item_once"),
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.item_id} {self.met}"


class FindingSeverity(models.TextChoices):
    MINOR = "minor", _("Minor")
    MAJOR = "major", _("Major")
    SERIOUS = "serious", _("Serious")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Awaiting rectification")
    SUBMITTED = "submitted", _("Rectified, awaiting acceptance")
    ACCEPTED = "accepted", _("Accepted")


class Finding(BaseModel):
    """A problem found by an inspection, to be rectified by a deadline."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    # The inspection's enterprise, kept on the row: scopes and lists filter by it.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="findings",
    )
    item = models.ForeignKey(
        "guide.GuideItem",
        verbose_name=_("guide item"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.TextField(_("what was found"))
    severity = models.CharField(_("severity"), max_length=16, choices=FindingSeverity.choices)
    rectification_required = models.TextField(_("rectification required"))
    deadline = models.DateField(_("rectify by"))
    status = models.CharField(
        _("status"), max_length=16, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    # Goes up by one each time the inspector reopens the finding.
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["enterprise", "status"]),
            models.Index(fields=["status", "deadline"]),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.severity} {self.deadline}"


class RectificationDecision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REOPENED = "reopened", _("Reopened")


class Rectification(models.Model):
    """The enterprise's answer to a finding in one round, and the inspector's decision on it."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="rectifications")
    round = models.PositiveSmallIntegerField(_("round"))
    response = models.TextField(_("what was done"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    decision = models.CharField(
        _("decision"), max_length=16, choices=RectificationDecision.choices, blank=True
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    new_deadline = models.DateField(_("new deadline"), null=True, blank=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["finding", "round"], name="rectification_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.finding_id} round {self.round}"


class AttachmentPurpose(models.TextChoices):
    PHOTO = "photo", _("Inspection photo")
    EVIDENCE = "evidence", _("Rectification evidence")


class FindingAttachment(models.Model):
    """A photo of a finding, or evidence of its rectification: a PDF or image, checked by its
    content on upload."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="attachments")
    rectification = models.ForeignKey(
        Rectification,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=AttachmentPurpose.choices)
    file = models.FileField(upload_to="findings/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
