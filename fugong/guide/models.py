"""The park's prevention guide (《企业防控指南》) as versioned data.

A version is drafted (a copy of the current one), edited, then published; a published version
never changes, so an application or an inspection that answered it can always be read against
the exact items it answered.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fugong.core.models import BaseModel


class GuideCategory(models.TextChoices):
    PEOPLE = "people", _("People and observation")
    ENTRANCE = "entrance", _("Entrance and visitors")
    PREMISES = "premises", _("Ventilation, hygiene and disinfection")
    ORGANISATION = "organisation", _("Work organisation")
    CANTEEN_DORMITORY = "canteen_dormitory", _("Canteen and dormitories")
    MEDICAL = "medical", _("Medical support and emergencies")
    MANAGEMENT = "management", _("Responsibility and reporting")


class GuideVersion(BaseModel):
    """One edition of the guide. Only drafts can be edited; at most one draft exists."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    number = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    notes = models.TextField(_("what changed"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("guide version")
        verbose_name_plural = _("guide versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="draft"), name="guide_one_draft"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class GuideItem(models.Model):
    """One requirement of the guide, answered met / not met in self-checks and inspections."""

    version = models.ForeignKey(GuideVersion, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(
        _("code"), max_length=16, help_text=_("Stable across versions, e.g. G07.")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    category = models.CharField(_("category"), max_length=32, choices=GuideCategory.choices)
    text = models.TextField(_("requirement"))
    guidance = models.TextField(_("how to check it"), blank=True)

    class Meta:
        verbose_name = _("guide item")
        verbose_name_plural = _("guide items")
        ordering = ["version", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="guide_item_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:40]}"
