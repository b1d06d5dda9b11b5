from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fugong.core.forms import DateInput, Form
from fugong.enterprises.models import Enterprise


class DraftForm(Form):
    period_start = forms.DateField(label=_("Period from"), widget=DateInput())
    period_end = forms.DateField(label=_("Period to"), widget=DateInput())
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for the usual title."),
    )


class BulletinForm(Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    period_start = forms.DateField(label=_("Period from"), widget=DateInput())
    period_end = forms.DateField(label=_("Period to"), widget=DateInput())
    overview = forms.CharField(
        label=_("1. Overview of the inspections"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    problems = forms.CharField(
        label=_("2. Main problems found"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    rectification = forms.CharField(
        label=_("3. Rectification"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    good_practice = forms.CharField(
        label=_("4. Good practice"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    requirements = forms.CharField(
        label=_("5. Requirements for the next stage"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    enterprises = forms.ModelMultipleChoiceField(
        label=_("Enterprises concerned (their officers read the bulletin)"),
        queryset=Enterprise.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class NoticeForm(Form):
    RECIPIENTS = (("all", _("Every enterprise")), ("chosen", _("The enterprises chosen below")))

    document_number = forms.CharField(
        label=pgettext_lazy("notice", "Document number"), max_length=100
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    issued_on = forms.DateField(label=_("Date"), widget=DateInput())
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))
    recipients = forms.ChoiceField(
        label=_("Send to"), choices=RECIPIENTS, initial="all", widget=forms.RadioSelect
    )
    enterprises = forms.ModelMultipleChoiceField(
        label=_("Recipient enterprises"),
        queryset=Enterprise.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    attachments = MultipleFileField(
        label=_("Attachments (PDF or images, at most 10 MB each)"), required=False
    )
