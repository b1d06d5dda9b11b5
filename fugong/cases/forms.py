"""The forms of the case pages: the list's filters, opening a case, classifying, editing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fugong.core.forms import DateInput, Form
from fugong.workforce.models import DocumentType

from .models import CaseSource, Classification, IsolationKind

DRILL_CHOICES = [
    ("", _("Real cases and drills")),
    ("no", _("Real cases only")),
    ("yes", _("Drills only")),
]


class CaseFilterForm(Form):
    classification = forms.ChoiceField(
        label=_("Classification"),
        choices=[("", _("Every classification")), *Classification.choices],
        required=False,
    )
    drills = forms.ChoiceField(label=_("Drills"), choices=DRILL_CHOICES, required=False)

    def drills_value(self) -> bool | None:
        value = self.cleaned_data.get("drills") if self.is_valid() else ""
        return {"yes": True, "no": False}.get(value or "")


class WorkerQueryForm(Form):
    """Find the worker a case is about: by name or department (the numbers go by POST)."""

    q = forms.CharField(label=_("Name or department"), max_length=100, required=False)


class CaseFieldsForm(Form):
    """What every case has besides the person."""

    classification = forms.ChoiceField(label=_("Classification"), choices=Classification.choices)
    source = forms.ChoiceField(label=_("Source"), choices=CaseSource.choices)
    source_detail = forms.CharField(label=_("Source details"), max_length=300, required=False)
    onset_on = forms.DateField(label=_("Onset of symptoms"), required=False, widget=DateInput())
    sampling_on = forms.DateField(label=_("Sampled on"), required=False, widget=DateInput())
    isolated_on = forms.DateField(label=_("Isolated on"), required=False, widget=DateInput())
    isolation_kind = forms.ChoiceField(
        label=_("Isolated in"), choices=[("", "—"), *IsolationKind.choices], required=False
    )
    isolation_place = forms.CharField(label=_("Place of isolation"), max_length=200, required=False)
    is_drill = forms.BooleanField(
        label=_("Drill (演练): never counted in any figure"), required=False
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def case_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        return {
            "classification": data["classification"],
            "source": data["source"],
            "source_detail": data.get("source_detail") or "",
            "onset_on": data.get("onset_on"),
            "sampling_on": data.get("sampling_on"),
            "isolated_on": data.get("isolated_on"),
            "isolation_kind": data.get("isolation_kind") or "",
            "isolation_place": data.get("isolation_place") or "",
            "is_drill": bool(data.get("is_drill")),
            "notes": data.get("notes") or "",
        }


class WorkerCaseForm(CaseFieldsForm):
    worker = forms.IntegerField(widget=forms.HiddenInput())


class EventCaseForm(CaseFieldsForm):
    """A case from an abnormal event: the person and the source are the event's."""

    event = forms.IntegerField(widget=forms.HiddenInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["source"]

    def case_fields(self) -> dict[str, Any]:
        fields = super().case_fields()
        del fields["source"]
        return fields

    def clean(self) -> dict[str, Any]:
        self.cleaned_data.setdefault("source", CaseSource.GATE_EVENT)
        return self.cleaned_data


class ExternalCaseForm(CaseFieldsForm):
    full_name = forms.CharField(label=_("Name"), max_length=100)
    document_type = forms.ChoiceField(
        label=_("Document type"), choices=DocumentType.choices, required=False
    )
    document_number = forms.CharField(label=_("Document number"), max_length=40, required=False)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    residence_code = forms.CharField(
        label=_("District of residence (6-digit code)"), max_length=6, required=False
    )

    field_order = [
        "full_name",
        "document_type",
        "document_number",
        "phone",
        "residence_code",
    ]

    def external(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "full_name": data["full_name"],
            "document_type": data.get("document_type") or DocumentType.RESIDENT_ID,
            "document_number": (data.get("document_number") or "").strip(),
            "phone": (data.get("phone") or "").strip(),
            "residence_code": (data.get("residence_code") or "").strip(),
        }


class ClassifyForm(Form):
    classification = forms.ChoiceField(
        label=_("New classification"), choices=Classification.choices
    )
    effective_on = forms.DateField(label=_("Effective on"), widget=DateInput())
    note = forms.CharField(
        label=_("Note (for example: the test result)"), max_length=500, required=False
    )


class CaseEditForm(Form):
    onset_on = forms.DateField(label=_("Onset of symptoms"), required=False, widget=DateInput())
    sampling_on = forms.DateField(label=_("Sampled on"), required=False, widget=DateInput())
    isolated_on = forms.DateField(label=_("Isolated on"), required=False, widget=DateInput())
    isolation_kind = forms.ChoiceField(
        label=_("Isolated in"), choices=[("", "—"), *IsolationKind.choices], required=False
    )
    isolation_place = forms.CharField(label=_("Place of isolation"), max_length=200, required=False)
    source_detail = forms.CharField(label=_("Source details"), max_length=300, required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            field: (data.get(field) if field.endswith("_on") else data.get(field) or "")
            for field in self.fields
        }
