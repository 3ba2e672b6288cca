"""Forms of the reports pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontline.core.forms import DateInput, StyledFormMixin
from frontline.reports.models import REPORT_LANGUAGES


class DailyReportForm(StyledFormMixin, forms.Form):
    day = forms.DateField(label=_("Date"), widget=DateInput())
    language = forms.ChoiceField(label=_("Language"), choices=REPORT_LANGUAGES, initial="zh-hans")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].initial = timezone.localdate()


class CampaignCloseForm(StyledFormMixin, forms.Form):
    closed_on = forms.DateField(
        label=_("Last day"), widget=DateInput(), help_text=_("The day of the last duty; every checkpoint closes on it.")
    )
    retention_days = forms.IntegerField(
        label=_("Retention period (days)"),
        min_value=0,
        max_value=3650,
        help_text=_("Residents' names, ID numbers, phones and addresses are erased this many days after the last day."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that the campaign's records will be locked against change."), required=True
    )
