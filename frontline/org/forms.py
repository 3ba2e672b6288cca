from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from frontline.core.access import Role
from frontline.core.forms import DateInput, StyledFormMixin
from frontline.org.models import Batch, Campaign, Checkpoint, Community, Staff, Team, Unit, WorkingGroup


class CampaignForm(StyledFormMixin, forms.ModelForm):
    high_risk_regions = forms.CharField(
        label=_("High-risk regions"),
        required=False,
        help_text=_("Region codes separated by commas, e.g. 420000 (Hubei), 420100 (Wuhan)."),
    )

    class Meta:
        model = Campaign
        fields = [
            "name",
            "start_date",
            "end_date",
            "fever_threshold",
            "high_risk_regions",
            "isolation_days",
            "description",
        ]
        widgets = {"start_date": DateInput(), "end_date": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["high_risk_regions"] = ", ".join(self.instance.high_risk_regions)

    def clean_high_risk_regions(self) -> list[str]:
        raw = self.cleaned_data.get("high_risk_regions") or ""
        return [c.strip() for c in raw.replace("，", ",").split(",") if c.strip()]


class BatchForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Batch
        fields = ["number", "start_date", "end_date", "staff", "note"]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "staff": forms.SelectMultiple(attrs={"size": 12, "col": "col-12"}),
        }


class UnitForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "short_name", "order"]


class GroupForm(StyledFormMixin, forms.ModelForm):
    members = forms.ModelMultipleChoiceField(
        label=_("Members"),
        queryset=Staff.objects.filter(active=True),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12, "col": "col-12"}),
    )

    class Meta:
        model = WorkingGroup
        fields = ["kind", "name", "leader", "duties"]
        widgets = {"duties": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["members"] = list(self.instance.members.values_list("pk", flat=True))


class TeamForm(StyledFormMixin, forms.ModelForm):
    members = forms.ModelMultipleChoiceField(
        label=_("Members"),
        queryset=Staff.objects.filter(active=True),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12, "col": "col-12"}),
    )

    class Meta:
        model = Team
        fields = ["name", "kind", "leader", "formed_on", "description"]
        widgets = {"formed_on": DateInput(), "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["members"] = list(self.instance.members.values_list("pk", flat=True))


class CommunityForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Community
        fields = ["name", "subdistrict", "address", "region_code", "liaison_name", "liaison_phone", "office_phone"]


class CheckpointForm(StyledFormMixin, forms.ModelForm):
    shift_pattern = forms.CharField(
        label=_("Shift pattern"),
        initial="07:00-13:00, 13:00-19:00, 19:00-07:00",
        help_text=_("Shifts separated by commas, e.g. 07:00-13:00, 13:00-19:00, 19:00-07:00."),
    )

    class Meta:
        model = Checkpoint
        fields = [
            "code",
            "name",
            "community",
            "address",
            "kind",
            "opened_on",
            "closed_on",
            "shift_pattern",
            "staff_min",
            "staff_max",
        ]
        widgets = {"opened_on": DateInput(), "closed_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["shift_pattern"] = ", ".join(self.instance.shift_pattern)

    def clean_shift_pattern(self) -> list[str]:
        raw = self.cleaned_data.get("shift_pattern") or ""
        return [p.strip() for p in raw.replace("，", ",").split(",") if p.strip()]


class StaffForm(StyledFormMixin, forms.ModelForm):
    phone = forms.CharField(label=_("Phone"), required=False, max_length=20)
    emergency_phone = forms.CharField(label=_("Emergency contact phone"), required=False, max_length=20)

    class Meta:
        model = Staff
        fields = [
            "name",
            "sex",
            "birth_date",
            "phone",
            "unit",
            "position",
            "party_status",
            "party_since",
            "military_years",
            "is_team_leader",
            "home_community",
            "groups",
            "teams",
            "emergency_contact",
            "emergency_phone",
            "active",
            "note",
        ]
        widgets = {
            "birth_date": DateInput(),
            "party_since": DateInput(),
            "note": forms.Textarea(attrs={"rows": 2, "col": "col-12"}),
            "groups": forms.SelectMultiple(attrs={"size": 7}),
            "teams": forms.SelectMultiple(attrs={"size": 4}),
        }


class UserForm(StyledFormMixin, forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=Community.objects.all(),
        required=False,
        help_text=_("Required for community liaisons."),
    )
    password = forms.CharField(
        label=_("New password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        min_length=8,
        help_text=_("Leave empty to keep the current password."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))
