"""Forms for training sessions, their materials and their attendance."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fugong.core.forms import DateInput, Form
from fugong.enterprises.models import Enterprise

MATERIAL_ACCEPT = "application/pdf,image/png,image/jpeg,image/webp"
IMPORT_ACCEPT = ".xlsx,.csv"


class SessionForm(Form):
    enterprise: forms.ModelChoiceField[Enterprise] = forms.ModelChoiceField(
        label=_("Enterprise"),
        queryset=None,
        required=False,
        empty_label=_("Park-wide"),
    )
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    topic = forms.CharField(label=_("Topic"), max_length=200)
    trainer = forms.CharField(label=_("Trainer"), max_length=200, help_text=_("e.g. CDC staff"))
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, enterprises, park_wide: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["enterprise"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = enterprises
        if not park_wide:
            field.required = True
            field.empty_label = None


class MaterialForm(Form):
    file = forms.FileField(
        label=_("File (PDF or image)"),
        widget=forms.ClearableFileInput(attrs={"accept": MATERIAL_ACCEPT}),
    )


class ImportForm(Form):
    file = forms.FileField(
        label=_("Attendance file (xlsx or csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": IMPORT_ACCEPT}),
    )


class ScanForm(Form):
    token = forms.CharField(
        label=_("Scan a worker's pass"),
        max_length=200,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
