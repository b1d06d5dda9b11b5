"""Workers, their employments and travel, and their passes.

ID and phone numbers are stored encrypted (``*_cipher``), found through keyed digests
(``*_digest``) and shown masked (``*_masked``); see fugong.core.crypto. The clearance fields are
written only by the screening engine (fugong.screening.engine).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fugong.core.models import BaseModel


class DocumentType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident ID card")
    PASSPORT = "passport", _("Passport")
    OTHER = "other", _("Other travel document")


class HealthCode(models.TextChoices):
    UNKNOWN = "", _("Not known")
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class Clearance(models.TextChoices):
    CLEARED = "cleared", _("Cleared")
    OBSERVATION = "observation", _("Under observation")
    NOT_CLEARED = "not_cleared", _("Not cleared")


class Sex(models.TextChoices):
    UNKNOWN = "", _("Not known")
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Worker(BaseModel):
    """One person, whatever enterprise employs them now (see Employment for the history).

    Indexes are few on purpose: a roster import writes a hundred thousand rows at a time, and
    every index is paid for on each of them.
    """

    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    full_name = models.CharField(_("name"), max_length=100)
    document_type = models.CharField(
        _("document type"),
        max_length=16,
        choices=DocumentType.choices,
        default=DocumentType.RESIDENT_ID,
    )
    document_cipher = models.TextField(editable=False)
    document_digest = models.CharField(max_length=64, unique=True, editable=False)
    document_masked = models.CharField(_("document number"), max_length=32, editable=False)
    # Only the year: the full date is digits 7–14 of a resident ID, and a date kept in plain text
    # beside a masked number would give the number away (see fugong.core.privacy).
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    phone_cipher = models.TextField(blank=True, editable=False)
    phone_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("mobile phone"), max_length=16, blank=True, editable=False)

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workers",
        help_text=_("The current employer; the history is in the employments."),
        db_index=False,  # the (enterprise, …) indexes below serve it
    )
    department = models.CharField(_("department or workshop"), max_length=100, blank=True)
    shift = models.CharField(_("shift"), max_length=50, blank=True)
    dormitory_room = models.CharField(_("dormitory room"), max_length=50, blank=True)
    shuttle_route = models.CharField(_("shuttle-bus route"), max_length=50, blank=True)

    residence_code = models.CharField(_("district of residence"), max_length=6)
    holiday_location_code = models.CharField(
        _("where the holiday was spent"), max_length=6, blank=True
    )
    returned_on = models.DateField(_("arrived back in the city on"), null=True, blank=True)
    contact_on = models.DateField(
        _("contact with a confirmed or suspected case on"), null=True, blank=True
    )
    # Why ``contact_on`` was set when the command post confirmed a close contact (the case it
    # names), for the enterprise's officer and liaison; empty when typed in by hand.
    contact_reason = models.CharField(
        _("contact reason"), max_length=200, blank=True, editable=False
    )
    symptoms = models.CharField(
        _("symptoms"),
        max_length=200,
        blank=True,
        help_text=_("Fever, cough, fatigue…; empty when none."),
    )
    health_code = models.CharField(
        _("health code"), max_length=8, choices=HealthCode.choices, blank=True, default=""
    )
    health_code_on = models.DateField(_("health code as of"), null=True, blank=True)
    medical_hold = models.CharField(
        _("medical hold"),
        max_length=200,
        blank=True,
        editable=False,
        help_text=_("Set by an abnormal gate event; the person is not cleared until it is lifted."),
    )

    clearance = models.CharField(
        _("clearance"),
        max_length=16,
        choices=Clearance.choices,
        default=Clearance.NOT_CLEARED,
        editable=False,
    )
    observation_until = models.DateField(
        _("under observation until"), null=True, blank=True, editable=False
    )
    clearance_reasons = models.JSONField(_("reasons"), default=list, blank=True, editable=False)
    clearance_computed_at = models.DateTimeField(null=True, blank=True, editable=False)
    personal_data_removed_at = models.DateTimeField(
        _("personal data removed at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Under the retention policy, a while after the worker left."),
    )

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ["full_name", "id"]
        indexes = [
            models.Index(fields=["enterprise", "clearance"]),
            models.Index(fields=["enterprise", "full_name"]),
            # The dashboard counts the workers under observation on a day who were registered
            # by then: with the registration time and the id in the index, PostgreSQL answers
            # from the index alone instead of fetching every such worker's row (60,000 at a
            # province's scale).
            models.Index(fields=["clearance", "observation_until", "created_at", "id"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def clearance_today(self) -> str:
        return self.clearance_on(timezone.localdate())

    def clearance_on(self, day) -> str:
        """The clearance on ``day``: an observation that has ended means cleared."""
        if (
            self.clearance == Clearance.OBSERVATION
            and self.observation_until
            and self.observation_until < day
        ):
            return Clearance.CLEARED
        return self.clearance


class Employment(models.Model):
    """A period during which a worker belonged to an enterprise."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="employments")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="employments",
        db_index=False,  # served by the (enterprise, ended_on) index
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    department = models.CharField(_("department or workshop"), max_length=100, blank=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker"], condition=Q(ended_on__isnull=True), name="employment_one_open"
            )
        ]
        indexes = [models.Index(fields=["enterprise", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.worker_id}@{self.enterprise_id} {self.started_on}–{self.ended_on or ''}"


class TravelRecord(models.Model):
    """A place (county-level division) the worker passed through in the last 14 days."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="travel")
    division_code = models.CharField(_("place"), max_length=6)
    from_date = models.DateField(_("from"), null=True, blank=True)
    to_date = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["from_date", "id"]

    def __str__(self) -> str:
        return f"{self.division_code} {self.from_date or ''}–{self.to_date or ''}"


class WorkerPass(models.Model):
    """A worker's pass (复工码): the QR code carries a signed reference to this row, never the ID
    number. Revoking the row, or its expiry, makes the gate refuse it."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="passes")
    code = models.CharField(max_length=32, unique=True, editable=False)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    expires_on = models.DateField(_("valid until"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    revoke_reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("worker pass")
        verbose_name_plural = _("worker passes")
        ordering = ["-issued_at", "-id"]
        constraints = [
            # One live pass per worker: issuing a new one revokes the old.
            models.UniqueConstraint(
                fields=["worker"], condition=Q(revoked_at__isnull=True), name="pass_one_live"
            )
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.code[:6]}…"


class DepartmentClosure(models.Model):
    """A department or workshop (or, with ``department`` blank, the whole enterprise) that the
    command post closed over a case: while it is open (not reopened), re-screening makes its
    workers not cleared (reason ``closed``), so the gate and the kiosk deny them. The case is
    named by its number and a text reference: workforce sits below the cases app."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="closures",
    )
    department = models.CharField(
        _("department or workshop"),
        max_length=100,
        blank=True,
        help_text=_("Blank: the whole enterprise."),
    )
    reason = models.CharField(_("reason"), max_length=300)
    case_reference = models.CharField(_("case"), max_length=120, blank=True)
    case_number = models.PositiveIntegerField(_("case number"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["-closed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "department"],
                condition=Q(reopened_at__isnull=True),
                name="closure_one_open_per_department",
            )
        ]
        indexes = [models.Index(fields=["enterprise", "reopened_at"])]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.department or '*'} {self.closed_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.reopened_at is None
