from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fugong.core.forms import Form
from fugong.enterprises.models import Enterprise

from .models import RoomKind


class RoomForm(Form):
    enterprise: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Enterprise (empty: the park's own room)"),
        queryset=Enterprise.objects.none(),
        required=False,
    )
    name = forms.CharField(label=_("Room name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind of room"), choices=RoomKind.choices)
    capacity = forms.IntegerField(label=_("Capacity (people)"), min_value=1, max_value=500)

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises  # type: ignore[attr-defined]


class PlaceForm(Form):
    event = forms.IntegerField(label=_("Abnormal event"), required=False, widget=forms.HiddenInput)
    case = forms.IntegerField(label=_("Case"), required=False, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
