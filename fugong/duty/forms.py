"""Forms for the duty roster."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fugong.accounts.models import User
from fugong.core.forms import DateInput, Form
from fugong.enterprises.models import Enterprise

from .models import LogKind, ShiftKind


class TimeInput(forms.TimeInput):
    input_type = "time"


class ShiftForm(Form):
    person: forms.ModelChoiceField[User] = forms.ModelChoiceField(label=_("On duty"), queryset=None)
    day = forms.DateField(label=_("Date"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Shift"), choices=ShiftKind.choices)
    starts = forms.TimeField(label=_("From (custom)"), required=False, widget=TimeInput())
    ends = forms.TimeField(label=_("Until (custom)"), required=False, widget=TimeInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = people
        field.label_from_instance = lambda user: user.full_name or user.username


class LogForm(Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=LogKind.choices)
    text = forms.CharField(
        label=_("What happened"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    enterprise: forms.ModelChoiceField[Enterprise] = forms.ModelChoiceField(
        label=_("Enterprise"), queryset=None, required=False
    )
    event = forms.IntegerField(label=_("Abnormal event (number)"), required=False, min_value=1)
    case = forms.IntegerField(label=_("Case (number)"), required=False, min_value=1)

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["enterprise"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = enterprises


class HandoverForm(Form):
    note = forms.CharField(
        label=_("Handover note"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )
