"""Forms for workers, their import and passes."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from fugong.core.divisions import county_choices
from fugong.core.forms import DateInput, DivisionField, Form
from fugong.core.identity import normalize_identity_number, possibly_truncated
from fugong.enterprises.models import Enterprise

from .models import Clearance, DocumentType, HealthCode
from .services.fields import WORKER_FIELDS


class WorkerForm(Form):
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    document_type = forms.ChoiceField(label=_("Document type"), choices=DocumentType.choices)
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Stored encrypted; shown masked."),
    )
    # Shown only when the number ends in 000 (see ``asks_number_confirmation``).
    confirm_suspicious_number = forms.BooleanField(
        label=_("I have checked this number against the ID card"),
        required=False,
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    department = forms.CharField(label=_("Department or workshop"), max_length=100, required=False)
    shift = forms.CharField(label=_("Shift"), max_length=50, required=False)
    dormitory_room = forms.CharField(label=_("Dormitory room"), max_length=50, required=False)
    shuttle_route = forms.CharField(label=_("Shuttle-bus route"), max_length=50, required=False)
    residence_code = forms.ChoiceField(label=_("District of residence"), choices=())
    holiday_location_code = DivisionField(
        label=_("Where the holiday was spent"),
        required=False,
        help_text=_("Division code or name, e.g. 湖北省武汉市."),
    )
    returned_on = forms.DateField(
        label=_("Arrived back in the city on"), required=False, widget=DateInput()
    )
    travel = forms.CharField(
        label=_("Places passed through in the last 14 days"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: place and dates, e.g. 武汉市 2020-01-20~2020-01-25."),
    )
    contact_on = forms.DateField(
        label=_("Contact with a confirmed or suspected case on"), required=False, widget=DateInput()
    )
    symptoms = forms.CharField(label=_("Symptoms"), max_length=200, required=False)
    health_code = forms.ChoiceField(
        label=_("Health code"), choices=HealthCode.choices, required=False
    )
    health_code_on = forms.DateField(
        label=_("Health code as of"), required=False, widget=DateInput()
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        from django.conf import settings

        city = settings.FUGONG_PARK_CITY_PREFIX
        choices = county_choices()
        # The city's own districts first: almost everyone lives there.
        ordered = sorted(choices, key=lambda item: (not item[0].startswith(city), item[0]))
        # Declared above as a ChoiceField; ``fields`` is typed as a mapping of plain fields.
        residence = cast(forms.ChoiceField, self.fields["residence_code"])
        residence.choices = [("", "—"), *ordered]
        if editing:
            del self.fields["document_type"]
            del self.fields["document_number"]
            del self.fields["confirm_suspicious_number"]
            self.fields["phone"].help_text = _("Leave empty to keep the stored number.")

    def clean_travel(self):
        from django.utils import timezone

        from fugong.workforce.imports import WorkerImportReport, _parse_travel, _RowParser

        text = self.cleaned_data.get("travel", "")
        if not text.strip():
            return []
        parser = _RowParser(set(), timezone.localdate(), WorkerImportReport())
        try:
            return _parse_travel(text, parser)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error

    @property
    def asks_number_confirmation(self) -> bool:
        """Whether the number typed is a resident ID ending in 000, which the officer must confirm
        was checked against the ID card (fugong.core.identity.possibly_truncated)."""
        if not self.is_bound or "document_number" not in self.fields:
            return False
        return possibly_truncated(normalize_identity_number(self.data.get("document_number", "")))

    def worker_fields(self) -> dict:
        keys = WORKER_FIELDS
        return {key: self.cleaned_data.get(key) for key in keys if key in self.cleaned_data}


def travel_text(stays) -> str:
    lines = []
    for code, start, end in stays:
        dates = ""
        if start or end:
            dates = f" {start.isoformat() if start else ''}~{end.isoformat() if end else ''}"
        lines.append(f"{code}{dates}")
    return "\n".join(lines)


class WorkerFilterForm(Form):
    q = forms.CharField(label=_("Name or department"), required=False)
    clearance = forms.ChoiceField(
        label=_("Clearance"),
        required=False,
        choices=[("", _("All clearances")), *Clearance.choices],
    )
    enterprise = forms.ModelChoiceField(
        label=_("Enterprise"),
        required=False,
        queryset=Enterprise.objects.none(),
        empty_label=_("All enterprises"),
    )

    def __init__(self, *args, enterprises=None, **kwargs):
        super().__init__(*args, **kwargs)
        if enterprises is not None:
            self.fields["enterprise"].queryset = enterprises


class NumberSearchForm(Form):
    """Searching by a full ID or phone number is a POST: the number never goes in a URL."""

    number = forms.CharField(
        label=_("Full ID, passport or phone number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class RosterImportForm(Form):
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none())
    numbers_checked = forms.BooleanField(
        label=_("Numbers ending in 000 have been checked"),
        required=False,
        help_text=_(
            "Tick only after checking, against the ID cards, every ID number in the file that "
            "ends in 000 (a spreadsheet may have replaced the last digits with zeros)."
        ),
    )
    file = forms.FileField(
        label=_("File (xlsx or csv)"),
        help_text=_(
            "Use the template's header row. Every row is checked before anything is saved."
        ),
    )

    def __init__(self, *args, enterprises=None, fixed_enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        if fixed_enterprise is not None:
            self.fields["enterprise"].queryset = Enterprise.objects.filter(pk=fixed_enterprise.pk)
            self.fields["enterprise"].initial = fixed_enterprise.pk
            self.fields["enterprise"].widget = forms.HiddenInput()
        elif enterprises is not None:
            self.fields["enterprise"].queryset = enterprises


class WorkerMoveForm(Form):
    """The command post moves a worker to another enterprise."""

    enterprise = forms.ModelChoiceField(
        label=_("New enterprise"), queryset=Enterprise.objects.none()
    )

    def __init__(self, *args, enterprises=None, **kwargs):
        super().__init__(*args, **kwargs)
        if enterprises is not None:
            self.fields["enterprise"].queryset = enterprises


class PassIssueForm(Form):
    valid_days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=366, initial=30
    )


class PassRevokeForm(Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)
