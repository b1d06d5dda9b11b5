"""Forms for registering, editing, filtering and importing enterprises."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fugong.accounts.models import User
from fugong.accounts.selectors import liaison_choices
from fugong.core.forms import Form, StyledFormMixin

from .models import Enterprise, EnterpriseKind
from .services import ENTERPRISE_FIELDS


class EnterpriseForm(StyledFormMixin, forms.ModelForm):
    """Types and required fields only; the service validates the rest and saves."""

    class Meta:
        model = Enterprise
        fields = ENTERPRISE_FIELDS
        widgets = {"address": forms.TextInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["liaison"].queryset = liaison_choices()
        self.fields["liaison"].label_from_instance = lambda user: (
            f"{user.full_name}（{_('leader')}）" if user.is_leader else user.full_name
        )

    def validate_unique(self):
        # The service checks uniqueness inside its transaction.
        pass

    def _post_clean(self):
        # Model validation runs in the service, on the locked row; here only the types.
        pass


class EnterpriseFilterForm(Form):
    q = forms.CharField(label=_("Name or credit code"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *EnterpriseKind.choices]
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=())
    liaison: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Liaison"), required=False, queryset=None, empty_label=_("All liaisons")
    )

    def __init__(self, *args, status_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All statuses")), *status_choices]
        self.fields["liaison"].queryset = liaison_choices()


class ImportForm(Form):
    file = forms.FileField(
        label=_("File (xlsx or csv)"),
        help_text=_(
            "Use the template's header row. Every row is checked before anything is saved."
        ),
    )
