"""Outbreak response: cases, their close contacts found from the park's own records, and the
daily follow-up of everyone under observation.

A case is a person (a worker, a gate visitor, or someone outside the park entered by name,
document and phone) with a classification whose every change is kept with its date and actor, so
that the figures of any past day count the classification of that day. A drill case (演练) is
marked as such and never counted.

A contact is a person linked to a case, with every reason (rule and evidence) that made them a
candidate; the command post confirms or drops each candidate. Confirmation sets the person's
observation (through the worker's ``contact_on`` and re-screening), so the gate denies them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from fugong.core.models import BaseModel


class PersonKind(models.TextChoices):
    WORKER = "worker", _("Worker")
    VISITOR = "visitor", _("Gate visitor")
    EXTERNAL = "external", _("Person outside the park")


class Classification(models.TextChoices):
    SUSPECTED = "suspected", _("Suspected case")
    CONFIRMED = "confirmed", _("Confirmed case")
    ASYMPTOMATIC = "asymptomatic", _("Asymptomatic infection")
    EXCLUDED = "excluded", _("Excluded")


class CaseSource(models.TextChoices):
    GATE_EVENT = "gate_event", _("Abnormal event at a gate")
    FEVER_CLINIC = "fever_clinic", _("Fever clinic")
    DISTRICT_NOTICE = "district_notice", _("District notice")
    CDC_NOTICE = "cdc_notice", _("CDC notice")
    CONTACT = "contact", _("A contact under observation")
    OTHER = "other", _("Other")


class IsolationKind(models.TextChoices):
    HOSPITAL = "hospital", _("Designated hospital")
    ISOLATION_ROOM = "isolation_room", _("Isolation room")
    CENTRALISED = "centralised", _("Centralised isolation site")
    HOME = "home", _("Home isolation")


class Person(BaseModel):
    """Who a case or a contact is: a worker, a visitor, or a person entered by hand. The name,
    the masked numbers and the district are copied at the time, so that the record keeps saying
    who it was about after a worker's data changes or is removed."""

    person_kind = models.CharField(_("person"), max_length=16, choices=PersonKind.choices)
    worker = models.ForeignKey(
        "workforce.Worker", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    visitor = models.ForeignKey(
        "gate.Visitor", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    full_name = models.CharField(_("name"), max_length=100)
    document_type = models.CharField(_("document type"), max_length=16, blank=True)
    document_cipher = models.TextField(blank=True, editable=False)
    document_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    document_masked = models.CharField(_("document number"), max_length=32, blank=True)
    phone_cipher = models.TextField(blank=True, editable=False)
    phone_masked = models.CharField(_("mobile phone"), max_length=16, blank=True)
    residence_code = models.CharField(_("district of residence"), max_length=6, blank=True)
    # The enterprise the person belonged to (or visited) at the time: who may see the record.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    department = models.CharField(_("department or workshop"), max_length=100, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.full_name


class Case(Person):
    """A suspected, confirmed or asymptomatic case (or one excluded after a test)."""

    classification = models.CharField(
        _("classification"), max_length=16, choices=Classification.choices
    )
    # The day the current classification took effect (its history: ClassificationChange).
    classified_on = models.DateField(_("classified on"))
    onset_on = models.DateField(_("onset of symptoms"), null=True, blank=True)
    sampling_on = models.DateField(_("sampled on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=CaseSource.choices)
    source_detail = models.CharField(_("source details"), max_length=300, blank=True)
    abnormal_event = models.ForeignKey(
        "gate.AbnormalEvent",
        verbose_name=_("abnormal event"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A contact who became a case: the link that makes the chain (case → contact → case).
    source_contact = models.ForeignKey(
        "cases.Contact",
        verbose_name=_("was a contact of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="became_cases",
    )
    isolated_on = models.DateField(_("isolated on"), null=True, blank=True)
    isolation_kind = models.CharField(
        _("isolated in"), max_length=16, choices=IsolationKind.choices, blank=True
    )
    isolation_place = models.CharField(_("place of isolation"), max_length=200, blank=True)
    is_drill = models.BooleanField(
        _("drill"), default=False, help_text=_("A drill case is never counted in any figure.")
    )
    notes = models.TextField(_("notes"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "classification"]),
            models.Index(fields=["is_drill", "classification"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.full_name}"

    @property
    def exposure_anchor(self):  # -> date | None
        """The day the exposure window is counted back from: onset, else sampling."""
        return self.onset_on or self.sampling_on


class ClassificationChange(models.Model):
    """One change of a case's classification: from what, to what, effective which day, by whom.
    The classification of a case on a past day is the newest change effective on or before it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="classifications")
    old_classification = models.CharField(
        _("from"), max_length=16, choices=Classification.choices, blank=True
    )
    new_classification = models.CharField(_("to"), max_length=16, choices=Classification.choices)
    effective_on = models.DateField(_("effective on"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("change of classification")
        verbose_name_plural = _("changes of classification")
        ordering = ["case", "effective_on", "at", "id"]
        indexes = [models.Index(fields=["effective_on", "case"])]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.old_classification} → {self.new_classification}"


class CaseEntryKind(models.TextChoices):
    OPENED = "opened", _("Case opened")
    CLASSIFIED = "classified", _("Classification changed")
    UPDATED = "updated", _("Case details changed")
    ISOLATED = "isolated", _("Isolated")
    CONTACTS_FOUND = "contacts_found", _("Contacts searched")
    CONTACT_CONFIRMED = "contact_confirmed", _("Contact confirmed")
    CONTACT_DROPPED = "contact_dropped", _("Contact dropped")
    CONTACT_ADDED = "contact_added", _("Contact added by hand")
    CONTAINMENT = "containment", _("Containment")
    EXPORTED = "exported", _("Exported")
    NOTE = "note", _("Note")


class CaseEntry(models.Model):
    """One line of a case's timeline: what happened, when, by whom."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("what"), max_length=20, choices=CaseEntryKind.choices)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        verbose_name = _("case timeline entry")
        verbose_name_plural = _("case timeline entries")
        ordering = ["case", "at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class ContactRules(BaseModel):
    """How close contacts are found, from an effective date (like the screening policy): the
    exposure window, the minutes at a gate, and which rules apply. The rules in force for a case
    are the newest effective on or before the day the search runs."""

    effective_from = models.DateField(_("effective from"), unique=True)
    days_before_onset = models.PositiveSmallIntegerField(
        _("exposure window starts (days before onset)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(21)],
        help_text=_("Before the sampling date when there is no onset date."),
    )
    same_gate_minutes = models.PositiveSmallIntegerField(
        _("same gate within (minutes)"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
    )
    same_department_shift = models.BooleanField(
        _("same department or workshop and shift, both admitted that day"), default=True
    )
    same_dormitory_room = models.BooleanField(_("same dormitory room"), default=True)
    same_shuttle_route = models.BooleanField(
        _("same shuttle-bus route, both admitted that day"), default=True
    )
    same_gate = models.BooleanField(_("admitted at the same gate within the minutes"), default=True)
    visitors_hosted = models.BooleanField(
        _("visitors of the case's department or enterprise while the case was on site"),
        default=True,
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("contact rules")
        verbose_name_plural = _("contact rules")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.effective_from}"


class ContactStatus(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate")
    CONFIRMED = "confirmed", _("Confirmed close contact")
    DROPPED = "dropped", _("Dropped")


class Contact(Person):
    """A person who may have had close contact with a case: every reason with its evidence
    (``reasons``: a list of ``{"rule": …, "on": date, …evidence}``), and the command post's
    decision. Level 2 is a contact of a confirmed contact (密接的密接), found through ``via``."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    via = models.ForeignKey(
        "self",
        verbose_name=_("through the contact"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="secondary_contacts",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ContactStatus.choices, default=ContactStatus.CANDIDATE
    )
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    last_contact_on = models.DateField(_("last contact on"), null=True, blank=True)
    added_by_hand = models.BooleanField(_("added by hand"), default=False)
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    drop_reason = models.CharField(_("reason for dropping"), max_length=300, blank=True)
    observation_until = models.DateField(_("under observation until"), null=True, blank=True)

    class Meta:
        verbose_name = _("close contact")
        verbose_name_plural = _("close contacts")
        ordering = ["case", "level", "full_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "worker"],
                condition=models.Q(worker__isnull=False),
                name="contact_worker_once_per_case",
            ),
            models.UniqueConstraint(
                fields=["case", "visitor"],
                condition=models.Q(visitor__isnull=False),
                name="contact_visitor_once_per_case",
            ),
            models.UniqueConstraint(
                fields=["case", "document_digest"],
                condition=~models.Q(document_digest=""),
                name="contact_document_once_per_case",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "observation_until"]),
            models.Index(fields=["enterprise", "status"]),
            models.Index(fields=["residence_code", "status"]),
        ]


class FollowUpPeriod(models.TextChoices):
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")


class FollowUpChannel(models.TextChoices):
    PASS = "pass", _("Self-reported through the worker pass")
    OFFICER = "officer", _("Entered by the health officer")


class FollowUp(models.Model):
    """One daily health declaration (健康打卡 / 医学观察随访): a temperature and symptoms, in the
    morning or the afternoon, by the worker through their pass or entered by an officer."""

    worker = models.ForeignKey("workforce.Worker", on_delete=models.CASCADE, related_name="+")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, null=True, related_name="+"
    )
    day = models.DateField(_("date"))
    period = models.CharField(_("time of day"), max_length=10, choices=FollowUpPeriod.choices)
    temperature = models.DecimalField(_("temperature (°C)"), max_digits=3, decimal_places=1)
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    abnormal = models.BooleanField(_("abnormal"), default=False)
    channel = models.CharField(_("reported"), max_length=10, choices=FollowUpChannel.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    abnormal_event = models.ForeignKey(
        "gate.AbnormalEvent", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("health declaration")
        verbose_name_plural = _("health declarations")
        ordering = ["-day", "worker", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "day", "period"], name="follow_up_once_per_period"
            ),
        ]
        indexes = [models.Index(fields=["day", "enterprise"])]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.day} {self.period}"
