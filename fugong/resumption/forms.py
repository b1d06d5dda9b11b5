"""Forms for the application, the on-site verification and the command post's decisions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fugong.core.forms import DateInput, Form

from .models import AttachmentPurpose, Recommendation

MET_CHOICES = [("1", _("Met")), ("0", _("Not met"))]


def _met_value(value: str) -> bool | None:
    return {"1": True, "0": False}.get(value)


class ApplicationForm(Form):
    planned_date = forms.DateField(label=_("Planned resumption date"), widget=DateInput())
    returning_local = forms.IntegerField(
        label=_("Returning workers from the city"), min_value=0, max_value=1_000_000, initial=0
    )
    returning_outside = forms.IntegerField(
        label=_("Returning workers from outside the city"),
        min_value=0,
        max_value=1_000_000,
        initial=0,
    )
    prevention_plan = forms.CharField(
        label=_("Prevention plan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
        help_text=_("Write it here, or attach it as a PDF below."),
    )
    emergency_plan = forms.CharField(
        label=_("Emergency plan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
        help_text=_("What happens when a worker has a fever or a case is found."),
    )
    masks_on_hand = forms.IntegerField(
        label=_("Masks"), min_value=0, max_value=10_000_000, initial=0
    )
    thermometers_on_hand = forms.IntegerField(
        label=_("Thermometers"), min_value=0, max_value=100_000, initial=0
    )
    oximeters_on_hand = forms.IntegerField(
        label=_("Pulse oximeters"), min_value=0, max_value=100_000, initial=0
    )
    disinfectant_litres_on_hand = forms.DecimalField(
        label=_("Disinfectant (litres)"), min_value=0, max_digits=9, decimal_places=1, initial=0
    )
    other_supplies = forms.CharField(
        label=_("Other supplies"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    responsible_person = forms.CharField(
        label=_("First responsible person"), max_length=100, required=False
    )
    commitment_accepted = forms.BooleanField(
        label=_(
            "I, the first responsible person, commit that the answers are true, that the "
            "measures will be kept after resumption, and that the enterprise will not resume "
            "before it is approved."
        ),
        required=False,
    )

    def __init__(self, *args, self_check=(), rectification_items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.self_check_rows = []
        for answer in self_check:
            met_name, note_name = f"item_{answer.item_id}_met", f"item_{answer.item_id}_note"
            self.fields[met_name] = forms.ChoiceField(
                label=answer.item.text,
                choices=MET_CHOICES,
                required=False,
                widget=forms.RadioSelect,
                initial={True: "1", False: "0"}.get(answer.met, ""),
            )
            self.fields[note_name] = forms.CharField(
                label=_("Note"), required=False, max_length=500, initial=answer.note
            )
            self.fields[note_name].widget.attrs["class"] = "form-control form-control-sm"
            self.self_check_rows.append((answer.item, met_name, note_name))
        self.rectification_rows = []
        for item in rectification_items:
            name = f"rectification_{item.pk}"
            self.fields[name] = forms.CharField(
                label=item.text,
                required=False,
                max_length=5000,
                initial=item.response,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            )
            self.rectification_rows.append((item, name))

    def bound_self_check_rows(self):
        return [(item, self[met], self[note]) for item, met, note in self.self_check_rows]

    def bound_rectification_rows(self):
        return [(item, self[name]) for item, name in self.rectification_rows]

    def self_check_answers(self):
        from .services import ItemAnswer

        return {
            item.pk: ItemAnswer(
                _met_value(self.cleaned_data.get(met, "")), self.cleaned_data.get(note, "")
            )
            for item, met, note in self.self_check_rows
        }

    def rectification_responses(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data.get(name, "") for item, name in self.rectification_rows}

    def application_fields(self) -> dict:
        keys = (
            "planned_date",
            "returning_local",
            "returning_outside",
            "prevention_plan",
            "emergency_plan",
            "masks_on_hand",
            "thermometers_on_hand",
            "oximeters_on_hand",
            "disinfectant_litres_on_hand",
            "other_supplies",
            "responsible_person",
            "commitment_accepted",
        )
        return {key: self.cleaned_data[key] for key in keys}


class VerificationForm(Form):
    recommendation = forms.ChoiceField(
        label=_("Recommendation"), choices=Recommendation.choices, widget=forms.RadioSelect
    )
    summary = forms.CharField(
        label=_("Summary of the visit"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when recommending a return: say what must be rectified."),
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.item_rows = []
        for item in items:
            met_name, note_name = f"check_{item.pk}_met", f"check_{item.pk}_note"
            self.fields[met_name] = forms.ChoiceField(
                label=item.text, choices=MET_CHOICES, widget=forms.RadioSelect, required=False
            )
            self.fields[note_name] = forms.CharField(
                label=_("Note"), required=False, max_length=500
            )
            self.fields[note_name].widget.attrs["class"] = "form-control form-control-sm"
            self.item_rows.append((item, met_name, note_name))

    def bound_item_rows(self):
        return [(item, self[met], self[note]) for item, met, note in self.item_rows]

    def checks(self):
        from .services import ItemAnswer

        return {
            item.pk: ItemAnswer(
                _met_value(self.cleaned_data.get(met, "")), self.cleaned_data.get(note, "")
            )
            for item, met, note in self.item_rows
        }


class ApproveForm(Form):
    resumption_date = forms.DateField(label=_("Resumption date"), widget=DateInput())
    note = forms.CharField(
        label=_("Note (one enterprise, one plan)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReturnForm(Form):
    rectification_items = forms.CharField(
        label=_("What to rectify (one item per line)"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def items(self) -> list[str]:
        return [
            line.strip()
            for line in self.cleaned_data["rectification_items"].splitlines()
            if line.strip()
        ]


class AttachmentForm(Form):
    purpose = forms.ChoiceField(label=_("Kind"), choices=AttachmentPurpose.choices)
    file = forms.FileField(label=_("File (PDF or image, at most 10 MB)"))
    item = forms.IntegerField(required=False, widget=forms.HiddenInput)


class SuspendForm(Form):
    reason = forms.CharField(
        label=_("Reason for suspension"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_on = forms.DateField(label=_("Suspended from"), widget=DateInput(), required=False)


class ReinstateForm(Form):
    reason = forms.CharField(
        label=_("Reason for reinstatement"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    ends_on = forms.DateField(label=_("May work again from"), widget=DateInput(), required=False)
