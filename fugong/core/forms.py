"""Form helpers: Bootstrap classes on widgets, and business errors shown on the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from .divisions import division_code_from_text
from .errors import ApplicationError


class StyledFormMixin:
    """Give every widget the Bootstrap class it needs."""

    fields: dict[str, forms.Field]  # the form's, which this mixin comes before

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            elif isinstance(widget, forms.RadioSelect):
                css = ""
            else:
                css = "form-control"
            if css:
                widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


class Form(StyledFormMixin, forms.Form):
    pass


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def add_application_error(form: forms.BaseForm, error: ApplicationError) -> None:
    """Put a service's error on the form: field messages by field, the rest on top."""
    placed = False
    for field, messages in error.fields.items():
        for message in messages:
            if field in form.fields:
                form.add_error(field, message)
                placed = True
            elif field not in ("__all__", NON_FIELD_ERRORS):
                form.add_error(None, message)
                placed = True
    if (not placed or error.fields.get("__all__")) and error.message not in form.non_field_errors():
        form.add_error(None, error.message)


class DivisionField(forms.CharField):
    """A division typed as a code or a name (云溪区, 湖北省武汉市); cleaned to the code."""

    def __init__(self, *args: Any, county_only: bool = False, **kwargs: Any) -> None:
        self.county_only = county_only
        super().__init__(*args, max_length=40, **kwargs)

    def clean(self, value: Any) -> str:
        from django.conf import settings

        text = super().clean(value)
        if not text:
            return ""
        code = division_code_from_text(text, prefer_prefix=settings.FUGONG_PARK_CITY_PREFIX)
        if code is None:
            raise forms.ValidationError(_("Unknown place: write its division code or full name."))
        return code
