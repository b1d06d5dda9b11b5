from django import forms
from django.utils.translation import gettext_lazy as _

from fugong.core.forms import Form

from .models import GuideCategory


class GuideVersionForm(Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    notes = forms.CharField(
        label=_("What changed"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class GuideItemForm(Form):
    code = forms.CharField(
        label=_("Code"), max_length=16, help_text=_("Stable across versions, e.g. G07.")
    )
    category = forms.ChoiceField(label=_("Category"), choices=GuideCategory.choices)
    text = forms.CharField(
        label=_("Requirement"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    guidance = forms.CharField(
        label=_("How to check it"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    position = forms.IntegerField(
        label=_("Position"), min_value=0, max_value=100000, required=False
    )
