"""The forms of the contacts section and of the contact rules page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fugong.core.forms import DateInput, Form


class ContactAddForm(Form):
    """A person added by hand: a worker's or a visitor's number in the park, or someone from
    outside entered by name, document and phone."""

    worker_id = forms.IntegerField(
        label=_("Worker number in the park"), required=False, min_value=1
    )
    visitor_id = forms.IntegerField(label=_("Visitor number"), required=False, min_value=1)
    full_name = forms.CharField(label=_("Name (outside the park)"), required=False, max_length=100)
    document_number = forms.CharField(label=_("ID number"), required=False, max_length=40)
    phone = forms.CharField(label=_("Mobile phone"), required=False, max_length=30)
    last_contact_on = forms.DateField(label=_("Last contact on"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def person(self) -> dict[str, Any]:
        data = self.cleaned_data
        external = None
        if data.get("full_name") or data.get("document_number") or data.get("phone"):
            external = {
                "full_name": data.get("full_name") or "",
                "document_number": data.get("document_number") or "",
                "phone": data.get("phone") or "",
            }
        return {
            "worker_id": data.get("worker_id"),
            "visitor_id": data.get("visitor_id"),
            "external": external,
        }


class ContactDropForm(Form):
    reason = forms.CharField(label=_("Why is this person dropped?"), required=False, max_length=300)


class ContactRulesForm(Form):
    effective_from = forms.DateField(label=_("Effective from"), widget=DateInput())
    days_before_onset = forms.IntegerField(
        label=_("Exposure window starts (days before onset)"), initial=2
    )
    same_gate_minutes = forms.IntegerField(label=_("Same gate within (minutes)"), initial=15)
    same_department_shift = forms.BooleanField(
        label=_("Same department or workshop and shift"), required=False, initial=True
    )
    same_dormitory_room = forms.BooleanField(
        label=_("Same dormitory room"), required=False, initial=True
    )
    same_shuttle_route = forms.BooleanField(
        label=_("Same shuttle-bus route"), required=False, initial=True
    )
    same_gate = forms.BooleanField(
        label=_("Same gate within the minutes"), required=False, initial=True
    )
    visitors_hosted = forms.BooleanField(
        label=_("Visitors of the case's department or enterprise"), required=False, initial=True
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
