"""The audit trail's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fugong.audit.models import AuditAction
from fugong.core.forms import DateInput, Form

# The quick filter "personal data viewed or exported", offered with the actions.
PERSONAL_DATA = "personal_data"


class AuditFilterForm(Form):
    """Every field is optional and the filters combine. A field that does not validate (a date
    that is no date, an unknown action) is shown with its error and left out of the filter."""

    person = forms.CharField(
        label=_("Person concerned"),
        max_length=100,
        required=False,
        help_text=_("A worker's name, or the last digits of their document number."),
    )
    actor = forms.CharField(label=_("Done by"), max_length=150, required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("Until"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = [
            ("", _("All actions")),
            (PERSONAL_DATA, _("Personal data viewed or exported")),
            *AuditAction.choices,
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date is before the start date."))
        return cleaned
