"""Enterprises registered in the park. Their resumption status is derived, never stored:
see ``fugong.resumption.selectors``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from fugong.core.models import BaseModel
from fugong.core.roles import Role
from fugong.core.validators import (
    normalize_credit_code,
    normalize_phone,
    validate_credit_code,
    validate_phone,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


class EnterpriseKind(models.TextChoices):
    INDUSTRIAL = "industrial", _("Industrial")
    CONSTRUCTION_SITE = "construction_site", _("Construction site")
    PORT_LOGISTICS = "port_logistics", _("Port and logistics")
    COMMERCIAL_SERVICE = "commercial_service", _("Commercial and services")
    OTHER = "other", _("Other")


# The four places every resumed enterprise must have (observation room, isolation room,
# waste-mask bins, medical room): each is a present flag and a details field on Enterprise.
FACILITIES = (
    ("observation_room", _("Observation room for newcomers")),
    ("isolation_room", _("Isolation room")),
    ("waste_mask_bins", _("Waste-mask bins")),
    ("medical_room", _("Medical room or link to a hospital")),
)


class Enterprise(BaseModel):
    """An enterprise (or construction site) in the park, identified by its credit code."""

    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
    )
    kind = models.CharField(
        _("kind"), max_length=32, choices=EnterpriseKind.choices, default=EnterpriseKind.INDUSTRIAL
    )
    is_above_scale = models.BooleanField(
        _("above scale"),
        default=False,
        help_text=_("Annual main business revenue of 20 million yuan or more."),
    )
    is_key = models.BooleanField(
        _("key enterprise"),
        default=False,
        help_text=_("Key enterprises need a leader-level liaison."),
    )
    in_scope = models.BooleanField(
        _("in scope"), default=True, help_text=_("Counted in the park's published figures.")
    )
    usual_headcount = models.PositiveIntegerField(_("usual headcount"), default=0)
    address = models.CharField(_("address"), max_length=300, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(
        _("contact phone"), max_length=20, blank=True, validators=[validate_phone]
    )
    health_officer = models.CharField(_("health officer"), max_length=100, blank=True)
    health_officer_phone = models.CharField(
        _("health officer's phone"), max_length=20, blank=True, validators=[validate_phone]
    )
    has_observation_room = models.BooleanField(_("observation room"), default=False)
    observation_room_details = models.CharField(
        _("observation room details"), max_length=300, blank=True
    )
    has_isolation_room = models.BooleanField(_("isolation room"), default=False)
    isolation_room_details = models.CharField(
        _("isolation room details"), max_length=300, blank=True
    )
    has_waste_mask_bins = models.BooleanField(_("waste-mask bins"), default=False)
    waste_mask_bins_details = models.CharField(
        _("waste-mask bins details"), max_length=300, blank=True
    )
    has_medical_room = models.BooleanField(_("medical room"), default=False)
    medical_room_details = models.CharField(_("medical room details"), max_length=300, blank=True)
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("liaison officer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="liaison_enterprises",
        limit_choices_to={"role": Role.LIAISON},
    )

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["liaison"]),
            models.Index(fields=["kind", "in_scope"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_above_scale_industrial(self) -> bool:
        return self.is_above_scale and self.kind == EnterpriseKind.INDUSTRIAL

    def facilities(self) -> list[dict]:
        return [
            {
                "key": key,
                "label": label,
                "present": getattr(self, f"has_{key}"),
                "details": getattr(self, f"{key}_details"),
            }
            for key, label in FACILITIES
        ]

    def clean(self) -> None:
        super().clean()
        typed_name = self.name or ""
        self.name = " ".join(typed_name.split())
        self.credit_code = normalize_credit_code(self.credit_code)
        if self.contact_phone:
            self.contact_phone = normalize_phone(self.contact_phone)
        if self.health_officer_phone:
            self.health_officer_phone = normalize_phone(self.health_officer_phone)
        errors: dict[str, StrPromise] = {}
        if typed_name and not self.name:  # only spaces; an empty field is reported by the field
            errors["name"] = _("Enter the enterprise's name.")
        liaison = self.liaison if self.liaison_id else None
        if liaison is not None:
            if liaison.role != Role.LIAISON or not liaison.is_active:
                errors["liaison"] = _("The liaison must be an active liaison officer.")
            elif self.is_key and not liaison.is_leader:
                errors["liaison"] = _("A key enterprise needs a leader-level liaison.")
        if errors:
            raise ValidationError(errors)


class EnterpriseHistory(models.Model):
    """The enterprise's attributes that the figures group and count by (kind, in scope, above
    scale, liaison), as they were from ``valid_from`` until the day before ``valid_until``
    (``None``: still current). Written by every service that changes one of them, in the same
    transaction, so that a past day is counted with that day's values.

    The first row of an enterprise also stands for the days before it (the enterprise's values
    were not recorded before history was kept, nor before it was registered: its registration
    date decides from when it counts)."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="history", verbose_name=_("enterprise")
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=EnterpriseKind.choices)
    is_above_scale = models.BooleanField(_("above scale"))
    in_scope = models.BooleanField(_("in scope"))
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("liaison officer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("enterprise history")
        verbose_name_plural = _("enterprise history")
        ordering = ["enterprise", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=models.Q(valid_until__isnull=True),
                name="enterprise_history_one_current",
            ),
            models.UniqueConstraint(
                fields=["enterprise", "valid_from"], name="enterprise_history_one_per_day"
            ),
            models.CheckConstraint(
                name="enterprise_history_until_after_from",
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gt=models.F("valid_from")),
            ),
        ]
        indexes = [models.Index(fields=["valid_until", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.valid_from}–{self.valid_until or ''}"
