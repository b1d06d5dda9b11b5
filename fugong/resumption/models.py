"""Resumption applications, their on-site verification and the command post's decision, and
suspensions of resumed enterprises.

An application goes draft → submitted → verified → approved, or → returned → (edited and)
submitted again, one round per submission. Each step is also written to the audit trail,
which is what the timeline shows.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fugong.core.models import BaseModel


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting on-site verification")
    VERIFIED = "verified", _("Verified, awaiting decision")
    RETURNED = "returned", _("Returned for rectification")
    APPROVED = "approved", _("Approved")


class Recommendation(models.TextChoices):
    APPROVE = "approve", _("Recommend approval")
    RETURN = "return", _("Recommend return for rectification")


class ResumptionApplication(BaseModel):
    """An enterprise's request to resume work, answered against one version of the guide."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    guide_version = models.ForeignKey(
        "guide.GuideVersion",
        verbose_name=_("guide version"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        db_index=True,
    )
    round = models.PositiveSmallIntegerField(
        _("round"),
        default=1,
        help_text=_("Goes up by one each time the application is resubmitted."),
    )
    planned_date = models.DateField(_("planned resumption date"))
    returning_local = models.PositiveIntegerField(
        _("returning workers from the city"), default=0, validators=[MaxValueValidator(1_000_000)]
    )
    returning_outside = models.PositiveIntegerField(
        _("returning workers from outside the city"),
        default=0,
        validators=[MaxValueValidator(1_000_000)],
    )
    prevention_plan = models.TextField(_("prevention plan"), blank=True)
    emergency_plan = models.TextField(_("emergency plan"), blank=True)
    masks_on_hand = models.PositiveIntegerField(_("masks on hand"), default=0)
    thermometers_on_hand = models.PositiveIntegerField(_("thermometers on hand"), default=0)
    oximeters_on_hand = models.PositiveIntegerField(_("pulse oximeters on hand"), default=0)
    disinfectant_litres_on_hand = models.DecimalField(
        _("disinfectant on hand (litres)"), max_digits=9, decimal_places=1, default=0
    )
    other_supplies = models.TextField(_("other supplies"), blank=True)
    responsible_person = models.CharField(_("first responsible person"), max_length=100, blank=True)
    commitment_accepted = models.BooleanField(_("commitment signed"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    recommendation = models.CharField(
        _("liaison's recommendation"), max_length=16, choices=Recommendation.choices, blank=True
    )
    verification_summary = models.TextField(_("verification summary"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    resumption_date = models.DateField(_("approved resumption date"), null=True, blank=True)

    class Meta:
        verbose_name = _("resumption application")
        verbose_name_plural = _("resumption applications")
        ordering = ["-updated_at", "-id"]
        constraints = [
            # An enterprise has one application in progress at a time; once approved, it is
            # suspended and reinstated rather than applying again.
            models.UniqueConstraint(
                fields=["enterprise"],
                name="application_one_per_enterprise",
            ),
            models.CheckConstraint(
                name="application_approved_has_date",
                condition=~Q(status="approved") | Q(resumption_date__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["status", "resumption_date"])]

    def __str__(self) -> str:
        return f"{self.enterprise} — {self.get_status_display()}"

    @property
    def returning_total(self) -> int:
        return self.returning_local + self.returning_outside

    @property
    def is_editable(self) -> bool:
        return self.status in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)


class SelfCheckAnswer(models.Model):
    """The enterprise's own answer to one guide item."""

    application = models.ForeignKey(
        ResumptionApplication, on_delete=models.CASCADE, related_name="self_check"
    )
    item = models.ForeignKey("guide.GuideItem", on_delete=models.PROTECT, related_name="+")
    met = models.BooleanField(_("met"), null=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["item__position", "item__code"]
        constraints = [
            models.UniqueConstraint(fields=["application", "item"], name="self_check_once")
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.met}"


class VerificationCheck(models.Model):
    """The liaison's on-site finding for one guide item, in one round."""

    application = models.ForeignKey(
        ResumptionApplication, on_delete=models.CASCADE, related_name="verification_checks"
    )
    round = models.PositiveSmallIntegerField(_("round"))
    item = models.ForeignKey("guide.GuideItem", on_delete=models.PROTECT, related_name="+")
    met = models.BooleanField(_("met on site"))
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["round", "item__position", "item__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "round", "item"], name="verification_check_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round}/{self.item_id}: {self.met}"


class RectificationItem(models.Model):
    """Something the command post requires fixed before it looks at the application again."""

    application = models.ForeignKey(
        ResumptionApplication, on_delete=models.CASCADE, related_name="rectification_items"
    )
    round = models.PositiveSmallIntegerField(_("round"))
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("what to rectify"), max_length=500)
    response = models.TextField(_("what was done"), blank=True)

    class Meta:
        ordering = ["round", "position", "id"]

    def __str__(self) -> str:
        return self.text


class AttachmentPurpose(models.TextChoices):
    PREVENTION_PLAN = "prevention_plan", _("Prevention plan")
    EMERGENCY_PLAN = "emergency_plan", _("Emergency plan")
    VERIFICATION_PHOTO = "verification_photo", _("On-site photo")
    RECTIFICATION_EVIDENCE = "rectification_evidence", _("Rectification evidence")


class ApplicationAttachment(models.Model):
    """A PDF or image attached to an application, checked by its content on upload."""

    application = models.ForeignKey(
        ResumptionApplication, on_delete=models.CASCADE, related_name="attachments"
    )
    purpose = models.CharField(_("purpose"), max_length=32, choices=AttachmentPurpose.choices)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    item = models.ForeignKey(
        "guide.GuideItem", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(upload_to="attachments/%Y/%m/")
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


class Suspension(BaseModel):
    """The command post stops a resumed enterprise from working, from a date until reinstated.

    Kept as a period, not a flag, so that "resumed on date D" can be answered for any past D.
    """

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="suspensions",
    )
    starts_on = models.DateField(_("suspended from"))
    reason = models.TextField(_("reason for suspension"))
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ends_on = models.DateField(
        _("reinstated from"),
        null=True,
        blank=True,
        help_text=_("The first day the enterprise may work again."),
    )
    reinstatement_reason = models.TextField(_("reason for reinstatement"), blank=True)
    reinstated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reinstated_at = models.DateTimeField(_("reinstated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(ends_on__isnull=True),
                name="suspension_one_open_per_enterprise",
            ),
            models.CheckConstraint(
                name="suspension_ends_after_start",
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
            ),
        ]
        indexes = [models.Index(fields=["enterprise", "starts_on", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.starts_on}–{self.ends_on or ''}"


class ResumptionPeriod(models.Model):
    """A kept summary of an enterprise's status: from ``valid_from`` until the day before
    ``valid_until`` (``None``: open-ended) it is resumed (the brief's "resumed on D") and/or
    under a suspension. Days no period covers are neither.

    Derived from the application's approval and the suspensions (``resumption.periods``),
    rewritten for the enterprise by each service that changes them, in the same transaction, so
    that the figures read the status of a day without recomputing it; ``manage.py
    summary_rebuild --check`` compares it with the recomputation."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="resumption_periods",
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    resumed = models.BooleanField(_("resumed"))
    suspended = models.BooleanField(_("suspended"))

    class Meta:
        verbose_name = _("resumption period")
        verbose_name_plural = _("resumption periods")
        ordering = ["enterprise", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "valid_from"], name="resumption_period_one_per_start"
            ),
            models.CheckConstraint(
                name="resumption_period_until_after_from",
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
            ),
        ]
        indexes = [models.Index(fields=["valid_from", "valid_until"])]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.valid_from}–{self.valid_until or ''}"
