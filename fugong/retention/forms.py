from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from fugong.core.forms import DateInput, Form

from .models import MAXIMUM_DAYS, MINIMUM_DAYS

if TYPE_CHECKING:  # django-stubs-ext is a development tool
    from django_stubs_ext import StrOrPromise


def _days_field(label: StrOrPromise) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=MINIMUM_DAYS, max_value=MAXIMUM_DAYS)


class RetentionPolicyForm(Form):
    effective_from = forms.DateField(label=_("Effective from"), widget=DateInput())
    gate_reading_days = _days_field(_("Gate readings (days)"))
    visitor_days = _days_field(_("Visitors' registrations (days)"))
    departed_worker_days = _days_field(_("Workers who left (days)"))
