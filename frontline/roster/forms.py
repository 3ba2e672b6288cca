"""Forms of the roster pages; they only parse input, the services decide."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontline.core.forms import DateInput, StyledFormMixin
from frontline.org.models import Batch, Campaign, Checkpoint, Staff
from frontline.roster.models import ALWAYS_SOFT, RULE_DEFAULTS, PersonLimit, RuleKey, Unavailability


class RosterCreateForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Roster name"), max_length=100)
    batch = forms.ModelChoiceField(
        label=_("Batch"), queryset=Batch.objects.none(), required=False, empty_label=_("All batches")
    )
    start_date = forms.DateField(label=_("First day"), widget=DateInput())
    end_date = forms.DateField(label=_("Last day"), widget=DateInput())
    time_limit = forms.IntegerField(label=_("Solver time limit (seconds)"), min_value=1, max_value=120, initial=20)

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = campaign.batches.all()  # type: ignore[attr-defined]
        today = timezone.localdate()
        batch = campaign.batches.filter(start_date__lte=today, end_date__gte=today).first()
        self.initial.setdefault("batch", batch.pk if batch else None)
        self.initial.setdefault("start_date", today)
        self.initial.setdefault(
            "end_date", min(today + timedelta(days=13), batch.end_date) if batch else today + timedelta(days=13)
        )
        self.initial.setdefault("name", _("Duty roster from %(day)s") % {"day": today.isoformat()})


class StaffChoiceField(forms.ModelMultipleChoiceField):
    """Staff as check boxes, each labelled with what the person already stands that day."""

    busy: dict[int, str]

    def label_from_instance(self, obj: Any) -> str:
        note = getattr(self, "busy", {}).get(obj.pk)
        return f"{obj.name}（{note}）" if note else obj.name


class CellForm(StyledFormMixin, forms.Form):
    staff = StaffChoiceField(
        label=_("Staff on this shift"),
        queryset=Staff.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(),
    )
    locked = forms.BooleanField(label=_("Lock this cell (re-solving keeps it)"), required=False)

    def __init__(self, *args: Any, staff_qs: Any, busy: dict[int, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["staff"]
        field.queryset = staff_qs  # type: ignore[attr-defined]
        field.busy = busy or {}  # type: ignore[attr-defined]
        field.widget.attrs["class"] = "fl-staff-boxes"  # the cell page styles the boxes itself


class RuleForm(StyledFormMixin, forms.Form):
    enabled = forms.BooleanField(label=_("Enabled"), required=False)
    hard = forms.BooleanField(label=_("Hard"), required=False)
    weight = forms.IntegerField(label=_("Weight"), min_value=0, max_value=100000)
    value = forms.IntegerField(label=_("Value"), min_value=0, max_value=1000)

    def __init__(self, *args: Any, key: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key = key
        self.label = RuleKey(key).label
        self.soft_only = key in ALWAYS_SOFT
        self.has_value = RULE_DEFAULTS[key][3] > 0
        if self.soft_only:
            self.fields["hard"].disabled = True


class PersonLimitForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = PersonLimit
        fields = ["name", "min_age", "max_hours_per_day", "no_nights", "active"]


class OfficeSettingsForm(StyledFormMixin, forms.Form):
    office_shift_pattern = forms.CharField(
        label=_("Office duty shifts"),
        required=False,
        help_text=_("Start–end times separated by commas, e.g. 08:00-20:00, 20:00-08:00. Empty: no office duty."),
    )
    office_staff = forms.IntegerField(label=_("Office staff per shift"), min_value=0, max_value=10)
    leader_rota = forms.BooleanField(label=_("A leader on duty every day"), required=False)

    def clean_office_shift_pattern(self) -> list[str]:
        text = self.cleaned_data["office_shift_pattern"].replace("，", ",")
        return [p.strip() for p in text.split(",") if p.strip()]


class DemandForm(StyledFormMixin, forms.Form):
    checkpoint = forms.ModelChoiceField(label=_("Checkpoint"), queryset=Checkpoint.objects.filter(active=True))
    need_party_member = forms.BooleanField(label=_("At least one party member per shift"), required=False)
    need_team_leader = forms.BooleanField(label=_("At least one team leader per shift"), required=False)


class UnavailabilityForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Unavailability
        fields = ["staff", "kind", "start_date", "end_date", "reason"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = Staff.objects.filter(active=True).order_by("name")  # type: ignore[attr-defined]


class SwapForm(StyledFormMixin, forms.Form):
    substitute = forms.ModelChoiceField(label=_("Substitute"), queryset=Staff.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args: Any, staff_qs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["substitute"].queryset = staff_qs  # type: ignore[attr-defined]


class DecisionForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class InspectionForm(StyledFormMixin, forms.Form):
    leader = forms.ModelChoiceField(label=_("Leader"), queryset=Staff.objects.none())
    checkpoint = forms.ModelChoiceField(label=_("Checkpoint"), queryset=Checkpoint.objects.none())
    at = forms.DateTimeField(
        label=_("Time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, leaders: Any, checkpoints: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders  # type: ignore[attr-defined]
        self.fields["checkpoint"].queryset = checkpoints  # type: ignore[attr-defined]
        self.fields["at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]  # type: ignore[attr-defined]
        self.initial.setdefault("at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
