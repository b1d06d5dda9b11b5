"""The supplies pages' forms. Quantities are typed as text and checked by the services
(``quantity_parse``), so a fractional or negative mask count gets the same message on a page as
in the API."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fugong.core.forms import DateInput, Form

from .models import ApplicationField, EntryKind, SupplyItem

RECORD_KINDS = [
    (EntryKind.RECEIPT.value, EntryKind.RECEIPT.label),
    (EntryKind.DAILY_USE.value, EntryKind.DAILY_USE.label),
    (EntryKind.ISSUE.value, EntryKind.ISSUE.label),
    (EntryKind.COUNT.value, EntryKind.COUNT.label),
]


def _items() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Supply item"), queryset=SupplyItem.objects.filter(active=True), empty_label=None
    )


def _quantity(label=None, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label or _("Quantity"),
        max_length=20,
        required=required,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class RecordForm(Form):
    item = _items()
    kind = forms.ChoiceField(label=_("What"), choices=RECORD_KINDS)
    quantity = _quantity(_("Quantity (for a count: the quantity counted)"))
    occurred_on = forms.DateField(label=_("Date"), widget=DateInput(), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ReserveReceiptForm(Form):
    item = _items()
    kind = forms.ChoiceField(
        label=_("What"),
        choices=[
            (EntryKind.RECEIPT.value, EntryKind.RECEIPT.label),
            (EntryKind.ISSUE.value, EntryKind.ISSUE.label),
            (EntryKind.COUNT.value, EntryKind.COUNT.label),
        ],
    )
    quantity = _quantity()
    occurred_on = forms.DateField(label=_("Date"), widget=DateInput(), required=False)
    note = forms.CharField(label=_("Note (supplier, donor)"), max_length=200, required=False)


class RequestForm(Form):
    item = _items()
    quantity = _quantity()
    reason = forms.CharField(label=_("Reason for the request"), max_length=500, required=False)


class AllocateForm(Form):
    quantity = _quantity(_("Quantity to allocate (empty: as requested)"), required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class DeclineForm(Form):
    note = forms.CharField(label=_("Reason for declining"), max_length=500)


class ItemForm(Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    unit = forms.CharField(label=_("Unit"), max_length=20)
    warning_days = forms.IntegerField(
        label=_("Warning below (days of supply)"), min_value=0, max_value=365
    )
    is_mask = forms.BooleanField(label=_("A mask"), required=False)
    whole_units = forms.BooleanField(label=_("Whole units only"), required=False)
    application_field = forms.ChoiceField(
        label=_("First count from the application's"),
        choices=[("", "—"), *ApplicationField.choices],
        required=False,
    )
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, max_value=30000, initial=0)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)
