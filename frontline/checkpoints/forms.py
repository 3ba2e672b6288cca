from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from frontline.checkpoints.models import Symptom
from frontline.core.forms import DateInput, StyledFormMixin


class SelfRegistrationForm(StyledFormMixin, forms.Form):
    """The public form behind a checkpoint's QR code; the service checks every field and names each error."""

    name = forms.CharField(label=_("Name"), max_length=50, required=False)
    id_number = forms.CharField(
        label=_("Resident ID number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "autocapitalize": "characters"}),
    )
    phone = forms.CharField(
        label=_("Mobile number"), max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    origin_region = forms.CharField(
        label=_("Coming from (region)"),
        required=False,
        max_length=6,
        widget=forms.TextInput(attrs={"list": "region-options", "placeholder": _("Type a place name, e.g. 武汉")}),
        help_text=_("Where you were in the last 14 days, if not here."),
    )
    arrived_on = forms.DateField(label=_("Arrived in the district on"), required=False, widget=DateInput())
    symptoms = forms.MultipleChoiceField(
        label=_("Symptoms"),
        choices=Symptom.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input me-1"}),
    )
    consent = forms.BooleanField(
        label=_("I agree that my details are used for epidemic prevention at this checkpoint."), required=False
    )


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))
