from django import forms
from django.utils.translation import gettext_lazy as _

from fugong.core.forms import DateInput, DivisionField, Form

from .models import RiskLevel, TrainingRule


class RiskAreaForm(Form):
    division_code = DivisionField(
        label=_("Area"), help_text=_("Division code or name: 湖北省, 武汉市, 420102…")
    )
    level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("Until"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class RiskAreaUpdateForm(Form):
    level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    ends_on = forms.DateField(label=_("Until"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class PolicyForm(Form):
    effective_from = forms.DateField(label=_("Effective from"), widget=DateInput())
    observation_days = forms.IntegerField(
        label=_("Observation days"), min_value=1, max_value=60, initial=14
    )
    yellow_code_days = forms.IntegerField(
        label=_("Yellow code: observation days"), min_value=0, max_value=60, initial=7
    )
    red_code_days = forms.IntegerField(
        label=_("Red code: observation days"), min_value=0, max_value=60, initial=14
    )
    observation_levels = forms.MultipleChoiceField(
        label=_("Risk levels that require observation"),
        choices=RiskLevel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=["medium", "high"],
    )
    fever_threshold = forms.DecimalField(
        label=_("Fever threshold (°C)"),
        min_value=37,
        max_value=38.5,
        decimal_places=1,
        initial="37.3",
    )
    spo2_threshold = forms.IntegerField(
        label=_("Abnormal SpO2 at or below (%)"), min_value=85, max_value=97, initial=93
    )
    training_rule = forms.ChoiceField(
        label=_("Untrained workers at their first admission"),
        choices=TrainingRule.choices,
        initial=TrainingRule.OFF,
        required=False,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
