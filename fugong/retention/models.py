"""How long personal data is kept (PIPL arts. 19 and 47): periods the command post sets, each from
an effective date, like the screening rules. ``retention_apply`` removes what is older; the figures
of past days come from kept aggregates and events, so they stay exactly as they were."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from fugong.core.models import BaseModel

if TYPE_CHECKING:  # django-stubs-ext is a development tool
    from django_stubs_ext import StrOrPromise

# Fourteen days of medical observation, plus the two days before onset a contact tracing looks
# back: nothing a follow-up may still need is removed sooner.
MINIMUM_DAYS = 30
MAXIMUM_DAYS = 3650


def _days(
    label: StrOrPromise, default: int, help_text: StrOrPromise
) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label,
        default=default,
        validators=[MinValueValidator(MINIMUM_DAYS), MaxValueValidator(MAXIMUM_DAYS)],
        help_text=help_text,
    )


class RetentionPolicy(BaseModel):
    """The periods personal data is kept, from ``effective_from`` until the next policy."""

    effective_from = models.DateField(_("effective from"), unique=True)
    gate_reading_days = _days(
        _("gate readings (days)"),
        90,
        _("Temperatures and SpO2 of gate checks, and of abnormal events once closed."),
    )
    visitor_days = _days(
        _("visitors' registrations (days)"),
        90,
        _("A visitor's name, numbers, employer, host and contact history."),
    )
    departed_worker_days = _days(
        _("workers who left (days)"),
        365,
        _("After the end of their last employment: name, numbers, health and travel data."),
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("set by")
    )

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return str(self.effective_from)
