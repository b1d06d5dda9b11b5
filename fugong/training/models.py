"""Prevention training (防疫培训): sessions, their materials, and who attended.

A session is held on a day by a trainer (often CDC staff) on a topic, for one enterprise or for
the whole park (no enterprise). Attendance is one row per worker and session, with how it was
taken (ticked on the page, imported from a file, or a pass scanned at the session) and the
worker's enterprise at the time, kept on the row for the scopes and the counts. A worker is
trained on a day when they attended a session held on or before it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fugong.core.models import BaseModel


class TrainingSession(BaseModel):
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_sessions",
        help_text=_("Empty for a park-wide session."),
    )
    held_on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)
    trainer = models.CharField(_("trainer"), max_length=200, help_text=_("e.g. CDC staff"))
    location = models.CharField(_("place"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["enterprise", "held_on"])]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"


class AttendanceMethod(models.TextChoices):
    TICKED = "ticked", _("Ticked")
    IMPORTED = "imported", _("Imported")
    SCANNED = "scanned", _("Pass scanned")


class TrainingAttendance(models.Model):
    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendances"
    )
    worker = models.ForeignKey(
        "workforce.Worker", on_delete=models.PROTECT, related_name="training_attendances"
    )
    # The worker's enterprise when they attended: scopes and counts filter by it.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("date"))  # the session's, copied: "trained by D" reads it
    method = models.CharField(_("taken by"), max_length=16, choices=AttendanceMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "worker"], name="training_attendance_once"),
        ]
        indexes = [
            models.Index(fields=["worker", "held_on"]),
            models.Index(fields=["enterprise", "held_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.worker_id}"


class TrainingMaterial(models.Model):
    """A handout or slides of a session: a PDF or image, checked by its content on upload."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="materials")
    file = models.FileField(upload_to="training/%Y/%m/")
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
