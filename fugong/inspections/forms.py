"""Forms for recording inspections and findings, and for rectifying and reviewing findings."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fugong.core.forms import DateInput, Form
from fugong.enterprises.models import Enterprise
from fugong.guide.models import GuideItem

from .models import AttachmentPurpose, FindingSeverity, InspectionKind

RESULT_CHOICES = [("", _("Not checked")), ("1", _("Met")), ("0", _("Not met"))]
ATTACHMENT_ACCEPT = "application/pdf,image/png,image/jpeg,image/webp"


def result_value(value: str) -> bool | None:
    return {"1": True, "0": False}.get(value)


def result_choice(met: bool | None) -> str:
    choices: dict[bool | None, str] = {True: "1", False: "0"}
    return choices.get(met, "")


class InspectionCreateForm(Form):
    enterprise: forms.ModelChoiceField[Enterprise] = forms.ModelChoiceField(
        label=_("Enterprise"), queryset=None
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=InspectionKind.choices)
    inspected_on = forms.DateField(label=_("Date of the inspection"), widget=DateInput())
    team = forms.CharField(label=_("Other members"), max_length=200, required=False)

    def __init__(self, *args, enterprises, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        if kinds is not None:
            self.fields["kind"].choices = [
                (value, label) for value, label in InspectionKind.choices if value in kinds
            ]


class ChecklistForm(Form):
    """The guide's items (met / not met / not checked, a note each), the summary and the good
    practice seen."""

    summary = forms.CharField(
        label=_("Summary"), required=False, max_length=20000, widget=forms.Textarea({"rows": 3})
    )
    good_practice = forms.CharField(
        label=_("Good practice seen"),
        required=False,
        max_length=20000,
        widget=forms.Textarea({"rows": 2}),
    )
    team = forms.CharField(label=_("Other members"), max_length=200, required=False)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.item_ids = []
        for item in items:
            self.item_ids.append(item.pk)
            self.fields[f"item_{item.pk}_met"] = forms.ChoiceField(
                label=item.text, choices=RESULT_CHOICES, required=False
            )
            self.fields[f"item_{item.pk}_note"] = forms.CharField(
                label=_("Note"), max_length=500, required=False
            )

    def item_results(self) -> dict[int, tuple[bool | None, str]]:
        return {
            item_id: (
                result_value(self.cleaned_data.get(f"item_{item_id}_met") or ""),
                self.cleaned_data.get(f"item_{item_id}_note") or "",
            )
            for item_id in self.item_ids
        }


class FindingForm(Form):
    description = forms.CharField(
        label=_("What was found"), max_length=5000, widget=forms.Textarea({"rows": 3})
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=FindingSeverity.choices)
    item: forms.ModelChoiceField[GuideItem] = forms.ModelChoiceField(
        label=_("Guide item"), queryset=None, required=False
    )
    rectification_required = forms.CharField(
        label=_("Rectification required"), max_length=5000, widget=forms.Textarea({"rows": 2})
    )
    deadline = forms.DateField(label=_("Rectify by"), widget=DateInput())
    photo = forms.FileField(
        label=_("Photo (optional; image or PDF, at most 10 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ATTACHMENT_ACCEPT}),
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["item"].label_from_instance = lambda item: f"{item.code} {item.text[:60]}"


class AttachmentForm(Form):
    purpose = forms.ChoiceField(choices=AttachmentPurpose.choices)
    file = forms.FileField(
        label=_("File (PDF or image, at most 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ATTACHMENT_ACCEPT}),
    )


class RectificationForm(Form):
    response = forms.CharField(
        label=_("What was done"), max_length=10000, widget=forms.Textarea({"rows": 4})
    )
    evidence = forms.FileField(
        label=_("Evidence (optional; PDF or image, at most 10 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ATTACHMENT_ACCEPT}),
    )


class ReviewForm(Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept the rectification")), ("reopen", _("Reopen the finding"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note (required when reopening)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea({"rows": 2}),
    )
    new_deadline = forms.DateField(
        label=_("New deadline (when reopening)"), required=False, widget=DateInput()
    )


class SuspendForm(Form):
    reason = forms.CharField(
        label=_("Reason for the suspension"), max_length=2000, widget=forms.Textarea({"rows": 3})
    )
    starts_on = forms.DateField(label=_("Suspended from"), required=False, widget=DateInput())
