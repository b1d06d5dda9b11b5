from django import forms
from django.utils.translation import gettext_lazy as _

from fugong.core.forms import Form
from fugong.enterprises.models import Enterprise

from .models import EventOutcome, StepAction


class GateForm(Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    enterprise = forms.ModelChoiceField(
        label=_("Enterprise"),
        queryset=Enterprise.objects.none(),
        required=False,
        empty_label=_("— park gate —"),
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)

    def __init__(self, *args, enterprises=None, **kwargs):
        super().__init__(*args, **kwargs)
        if enterprises is not None:
            self.fields["enterprise"].queryset = enterprises


class GateEditForm(Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    is_active = forms.BooleanField(label=_("In use"), required=False)


class DeviceForm(Form):
    name = forms.CharField(label=_("Device name"), max_length=100)


class StepForm(Form):
    action = forms.ChoiceField(label=_("Step"), choices=StepAction.choices)
    temperature = forms.DecimalField(
        label=_("Temperature (°C)"), required=False, max_digits=3, decimal_places=1
    )
    spo2 = forms.IntegerField(label=_("SpO2 (%)"), required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", "—"), *EventOutcome.choices], required=False
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
