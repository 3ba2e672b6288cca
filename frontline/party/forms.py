"""Forms of party work; rules live in the services, forms only parse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontline.core.forms import DateInput, StyledFormMixin
from frontline.org.models import Checkpoint, Community, Staff, Team, Unit
from frontline.party.models import Application, Branch, Commendation, DuesCollection, VanguardPost
from frontline.party.services import APPLICATION_MOVES, PARTY_MOVES

PS = Staff.PartyStatus


class StaffChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.unit.short_name or obj.unit.name}·{obj.get_party_status_display()}）"


class StaffMultipleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.unit.short_name or obj.unit.name}·{obj.get_party_status_display()}）"


def active_staff() -> Any:
    return Staff.objects.filter(active=True).select_related("unit").order_by("unit__order", "name")


def party_members() -> Any:
    return active_staff().filter(party_status__in=[PS.MEMBER, PS.PROBATIONARY])


def members_and_activists() -> Any:
    return active_staff().exclude(party_status=PS.NONE)


def active_branches() -> Any:
    return Branch.objects.filter(status=Branch.Status.ACTIVE)


class BranchForm(StyledFormMixin, forms.ModelForm):
    communities = forms.ModelMultipleChoiceField(
        label=_("Communities served"),
        queryset=Community.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"col": "col-12"}),
        help_text=_("A temporary branch serves the communities where its members are stationed."),
    )
    secretary = StaffChoice(label=_("Secretary"), queryset=party_members(), required=False)

    class Meta:
        model = Branch
        fields = ["name", "kind", "parent", "unit", "established_on", "secretary", "communities", "note"]
        widgets = {"established_on": DateInput(), "note": forms.Textarea(attrs={"rows": 2, "col": "col-12"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parents = active_branches()
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        self.fields["communities"].widget.attrs.pop("class", None)
        if not self.instance.pk:
            self.initial.setdefault("established_on", timezone.localdate())
            self.initial.setdefault("kind", Branch.Kind.TEMPORARY)
            general = Branch.objects.filter(kind=Branch.Kind.GENERAL, status=Branch.Status.ACTIVE).first()
            if general:
                self.initial.setdefault("parent", general.pk)


class MembersAddForm(StyledFormMixin, forms.Form):
    staff = StaffMultipleChoice(
        label=_("Members"),
        queryset=party_members(),
        widget=forms.SelectMultiple(attrs={"size": 14, "col": "col-12 col-md-8"}),
        help_text=_("Party members and probationary members. Hold Ctrl to choose several."),
    )
    joined_on = forms.DateField(label=_("Joined on"), widget=DateInput())


class DateForm(StyledFormMixin, forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput())


class ReportForm(StyledFormMixin, forms.Form):
    community = forms.ModelChoiceField(label=_("Community"), queryset=Community.objects.all())
    branch = forms.ModelChoiceField(
        label=_("Branch"),
        queryset=Branch.objects.filter(kind=Branch.Kind.TEMPORARY),
        required=False,
        help_text=_("The temporary branch the members serve under, if any."),
    )
    staff = StaffMultipleChoice(
        label=_("Members"),
        queryset=members_and_activists(),
        widget=forms.SelectMultiple(attrs={"size": 12, "col": "col-12 col-md-8"}),
        help_text=_("Party members and activists who reported. Hold Ctrl to choose several."),
    )
    reported_on = forms.DateField(label=_("Reported on"), widget=DateInput())
    activity = forms.CharField(
        label=_("What they did"),
        widget=forms.Textarea(attrs={"rows": 3, "col": "col-12"}),
        help_text=_(
            "e.g. registered residents and took temperatures at the east gate; screened returnees door to door."
        ),
    )

    def __init__(self, *args: Any, branch: Branch | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if branch is not None:
            current = branch.memberships.filter(left_on__isnull=True).values_list("staff_id", flat=True)
            self.fields["staff"].queryset = members_and_activists().filter(pk__in=list(current))  # type: ignore[attr-defined]
            self.fields["community"].queryset = branch.communities.all()  # type: ignore[attr-defined]


class StatusForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("New party status"))
    changed_on = forms.DateField(label=_("Date"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, staff: Staff, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, PS(s).label) for s in PS.values if s in PARTY_MOVES[staff.party_status]]  # type: ignore[attr-defined]


class CollectionForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = DuesCollection
        fields = ["title", "kind", "purpose", "collected_on", "branch", "note"]
        widgets = {"collected_on": DateInput(), "note": forms.Textarea(attrs={"rows": 2, "col": "col-12"})}


class DuesEntryForm(StyledFormMixin, forms.Form):
    staff = StaffChoice(label=_("Member"), queryset=active_staff())
    # Text, not a number field: the service decides what a valid amount is and says why not.
    amount = forms.CharField(
        label=_("Amount (yuan)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    paid_on = forms.DateField(label=_("Paid on"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, collection: DuesCollection, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = party_members() if collection.kind == DuesCollection.Kind.SPECIAL_DUES else active_staff()
        self.fields["staff"].queryset = qs.exclude(dues_entries__collection=collection)  # type: ignore[attr-defined]
        for f in self.fields.values():
            f.widget.attrs["col"] = "col-12 col-md-3"


class ApplicationForm(StyledFormMixin, forms.Form):
    applicant = StaffChoice(
        label=_("Applicant"), queryset=active_staff().exclude(party_status__in=[PS.MEMBER, PS.PROBATIONARY])
    )
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=active_branches())
    submitted_on = forms.DateField(label=_("Submitted on"), widget=DateInput())
    reason = forms.CharField(
        label=_("Motivation"), required=False, widget=forms.Textarea(attrs={"rows": 3, "col": "col-12"})
    )


class ApplicationMoveForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Next step"))
    on = forms.DateField(label=_("Date"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        moves = APPLICATION_MOVES[application.status]
        choices = [(s, Application.Status(s).label) for s in Application.Status.values if s in moves]
        self.fields["status"].choices = choices  # type: ignore[attr-defined]


class VanguardForm(StyledFormMixin, forms.ModelForm):
    leader = StaffChoice(label=_("Led by"), queryset=party_members())

    class Meta:
        model = VanguardPost
        fields = ["name", "checkpoint", "team", "leader", "branch", "designated_on", "note"]
        widgets = {"designated_on": DateInput()}
        help_texts = {"checkpoint": _("Choose a checkpoint or a team, not both.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["checkpoint"].queryset = Checkpoint.objects.filter(active=True).select_related("community")  # type: ignore[attr-defined]
        self.fields["team"].queryset = Team.objects.all()  # type: ignore[attr-defined]
        self.fields["branch"].queryset = active_branches()  # type: ignore[attr-defined]


class CommendationForm(StyledFormMixin, forms.ModelForm):
    recipient_unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.all(), required=False)
    recipient_team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False)
    recipient_staff = StaffChoice(label=_("Staff member"), queryset=active_staff(), required=False)

    class Meta:
        model = Commendation
        fields = [
            "title",
            "awarding_body",
            "awarded_on",
            "level",
            "recipient_unit",
            "recipient_team",
            "recipient_staff",
            "citation",
        ]
        widgets = {"awarded_on": DateInput(), "citation": forms.Textarea(attrs={"rows": 3, "col": "col-12"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("recipient_unit", "recipient_team", "recipient_staff"):
            self.fields[name].widget.attrs["col"] = "col-12 col-md-4"
        self.fields["recipient_unit"].help_text = _("Choose exactly one recipient: a unit, a team or a staff member.")
