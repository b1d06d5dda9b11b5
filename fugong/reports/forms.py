from django import forms
from django.utils.translation import gettext_lazy as _

from fugong.core.forms import Form
from fugong.enterprises.models import Enterprise


class DeclarationForm(Form):
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none())
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    workers = forms.IntegerField(label=_("Workers on duty"), min_value=0, max_value=1_000_000)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, enterprises=None, **kwargs):
        super().__init__(*args, **kwargs)
        if enterprises is not None:
            self.fields["enterprise"].queryset = enterprises
