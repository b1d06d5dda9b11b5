"""The daily health declaration's forms: the worker's own (phone) and the officer's entry."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .followups import SYMPTOMS, Declaration
from .models import FollowUpPeriod

_BIG = {"class": "form-control form-control-lg"}


class DeclarationForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Time of day"),
        choices=FollowUpPeriod.choices,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
    )
    # A text input (decimal keyboard on a phone): the range is the service's to check, with
    # its own message.
    temperature = forms.CharField(
        label=_("Temperature (°C)"),
        max_length=8,
        widget=forms.TextInput(
            attrs={**_BIG, "inputmode": "decimal", "autocomplete": "off", "placeholder": "36.5"}
        ),
    )
    symptoms = forms.MultipleChoiceField(
        label=_("Symptoms (tick any you have)"),
        choices=list(SYMPTOMS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs=_BIG),
    )

    def declaration(self) -> Declaration:
        data: dict[str, Any] = self.cleaned_data
        return Declaration(
            period=data["period"],
            temperature=data["temperature"],
            symptoms=list(data.get("symptoms") or []),
            note=data.get("note") or "",
        )


class OfficerDeclarationForm(DeclarationForm):
    worker = forms.TypedChoiceField(label=_("Worker"), coerce=int, choices=())
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={**_BIG, "type": "date"}))
    field_order = ["worker", "day", "period", "temperature", "symptoms", "note"]

    def __init__(self, *args: Any, workers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["worker"].choices = workers  # type: ignore[attr-defined]
