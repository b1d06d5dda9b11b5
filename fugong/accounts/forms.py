"""Forms for signing in and for managing users and tokens."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db import models
from django.utils.translation import gettext_lazy as _

from fugong.core.divisions import county_choices
from fugong.core.forms import Form, StyledFormMixin
from fugong.core.roles import Role

from .models import User


class LoginForm(StyledFormMixin, AuthenticationForm):
    pass


def district_choices() -> list[tuple[str, str]]:
    return [("", "—"), *county_choices()]


def _enterprise_queryset() -> models.QuerySet[models.Model]:
    """The enterprises by name, through the user's own relation to the enterprise (declared by
    name on the model), so that the accounts app imports no app above it."""
    return User.enterprise.field.related_model._default_manager.order_by("name")


class UserForm(Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    enterprise = forms.ModelChoiceField(
        label=_("Enterprise"),
        queryset=_enterprise_queryset(),
        required=False,
        help_text=_("Enterprise safety officers and enterprise gate operators only."),
    )
    district_code = forms.ChoiceField(
        label=_("District"),
        choices=(),
        required=False,
        help_text=_("District liaisons only."),
    )
    is_leader = forms.BooleanField(label=_("Leader-level liaison"), required=False)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=False),
        min_length=10,
        help_text=_("At least 10 characters; the user should change it after signing in."),
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A ChoiceField, as declared above.
        cast(forms.ChoiceField, self.fields["district_code"]).choices = district_choices()
        if editing:
            del self.fields["password"]
            self.fields["username"].disabled = True


class PasswordForm(Form):
    password = forms.CharField(
        label=_("New password"), widget=forms.PasswordInput, min_length=10, max_length=128
    )
    confirm = forms.CharField(label=_("Repeat the new password"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("confirm"):
            self.add_error("confirm", _("The two passwords differ."))
        return data


class PasswordChangeForm(PasswordForm):
    """One's own password: the current one first."""

    current_password = forms.CharField(
        label=_("Current password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        max_length=128,
    )
    field_order = ["current_password", "password", "confirm"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("password", "confirm"):
            self.fields[name].widget.attrs["autocomplete"] = "new-password"


class ApiTokenForm(Form):
    name = forms.CharField(label=_("Token name"), max_length=100)


class TwoFactorCodeForm(Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=32,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )
