"""Forms of the health pages; services do the checking, forms only parse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from frontline.core.access import Role
from frontline.core.forms import DateInput, StyledFormMixin
from frontline.health.models import Category, Escalation, HealthReport, Measure, Person
from frontline.org.models import Community, Staff, User


class PersonForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    id_number = forms.CharField(label=_("ID number"), required=False, max_length=18)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=20)
    address = forms.CharField(label=_("Home address"), required=False, max_length=200)
    community = forms.ModelChoiceField(label=_("Community"), queryset=Community.objects.all(), required=False)
    category_codes = forms.MultipleChoiceField(
        label=_("Categories"), required=False, widget=forms.CheckboxSelectMultiple(attrs={"col": "col-12"})
    )
    found_by = forms.ChoiceField(label=_("Found by"), choices=Person.FoundBy.choices, initial=Person.FoundBy.MANUAL)
    risk = forms.ChoiceField(label=_("Risk level"), choices=Person.Risk.choices, initial=Person.Risk.MEDIUM)
    contact_of = forms.ModelChoiceField(
        label=_("Contact of"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("For close contacts: the person they had contact with."),
    )
    staff = forms.ModelChoiceField(
        label=_("Staff member"),
        queryset=Staff.objects.filter(active=True),
        required=False,
        help_text=_("When the person is one of our staff (e.g. returning from out of town)."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2, "col": "col-12"}))

    def __init__(self, *args: Any, people: Any = None, communities: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category_codes"].choices = [(c.code, c.name) for c in Category.objects.filter(active=True)]  # type: ignore[attr-defined]
        if people is not None:
            self.fields["contact_of"].queryset = people  # type: ignore[attr-defined]
        if communities is not None:
            self.fields["community"].queryset = communities  # type: ignore[attr-defined]
        # CheckboxSelectMultiple gets form-control from the mixin; the boxes need their own class.
        self.fields["category_codes"].widget.attrs["class"] = "form-check-inline"


class MeasureForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Measure.Kind.choices)
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    planned_days = forms.IntegerField(
        label=_("Planned days"),
        required=False,
        min_value=1,
        max_value=90,
        help_text=_("Empty: the days set for the person's category."),
    )
    responsible_staff = forms.ModelChoiceField(
        label=_("Responsible staff member"), queryset=Staff.objects.filter(active=True), required=False
    )
    liaison = forms.ModelChoiceField(label=_("Community liaison"), queryset=User.objects.none(), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2, "col": "col-12"}))

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["liaison"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            role=Role.LIAISON, community_id=person.community_id or 0, is_active=True
        )
        self.fields["liaison"].label_from_instance = lambda u: u.display_name  # type: ignore[attr-defined]


class ReportForm(StyledFormMixin, forms.Form):
    slot = forms.ChoiceField(label=_("Slot"))
    temperature = forms.CharField(
        label=_("Temperature (°C)"),
        max_length=5,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": "36.5"}),
    )
    dry_cough = forms.BooleanField(label=_("dry cough"), required=False)
    fatigue = forms.BooleanField(label=_("fatigue"), required=False)
    sore_throat = forms.BooleanField(label=_("sore throat"), required=False)
    short_breath = forms.BooleanField(label=_("shortness of breath"), required=False)
    diarrhoea = forms.BooleanField(label=_("diarrhoea"), required=False)
    other_symptoms = forms.CharField(label=_("Other symptoms"), required=False, max_length=200)

    def __init__(self, *args: Any, slots: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = slots  # type: ignore[attr-defined]
        for name in ("dry_cough", "fatigue", "sore_throat", "short_breath", "diarrhoea"):
            self.fields[name].widget.attrs["col"] = "col-6"


class StaffReportForm(ReportForm):
    day = forms.DateField(label=_("Day"), widget=DateInput())
    reported_by = forms.ChoiceField(
        label=_("Reported by"), choices=HealthReport.By.choices, initial=HealthReport.By.STAFF_PHONE
    )


class ExtendForm(StyledFormMixin, forms.Form):
    days = forms.IntegerField(label=_("Days to add"), min_value=1, max_value=30, initial=7)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ReleaseForm(StyledFormMixin, forms.Form):
    confirm = forms.BooleanField(
        label=_("I confirm the person is released (for staff: they return to their post)."), required=False
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class EndForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("How it ends"),
        choices=[
            (Measure.Status.HOSPITAL, Measure.Status.HOSPITAL.label),
            (Measure.Status.ENDED, Measure.Status.ENDED.label),
        ],
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class AdvanceForm(StyledFormMixin, forms.Form):
    to_state = forms.ChoiceField(label=_("Next step"), choices=Escalation.State.choices)
    to_whom = forms.CharField(
        label=_("To whom"),
        required=False,
        max_length=200,
        help_text=_("Who took the case over: community contact, health department office, hospital."),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", "—"), *Escalation.Outcome.choices],
        help_text=_("Only when closing the case."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2, "col": "col-12"}))

    def __init__(self, *args: Any, escalation: Escalation, allowed: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_state"].choices = [(s, Escalation.State(s).label) for s in allowed]  # type: ignore[attr-defined]


class ManualEscalationForm(StyledFormMixin, forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())
    temperature = forms.DecimalField(
        label=_("Temperature (°C)"), required=False, max_digits=3, decimal_places=1, min_value=34, max_value=43
    )
    symptoms = forms.CharField(label=_("Symptoms"), required=False, max_length=200)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2, "col": "col-12"}))

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class SettingsForm(StyledFormMixin, forms.Form):
    slots = forms.CharField(
        label=_("Reporting slots"),
        widget=forms.Textarea(attrs={"rows": 4, "col": "col-12", "class": "form-control font-monospace"}),
        help_text=_("One slot a line: code, name, opening time, cutoff time — e.g. morning, 上午, 06:00, 10:00"),
    )
    notify_within_minutes = forms.IntegerField(
        label=_("Notify the community within (minutes)"), min_value=1, max_value=1440
    )
    extend_days = forms.IntegerField(label=_("Days added when a measure ends abnormally"), min_value=1, max_value=30)
    normal_days_for_release = forms.IntegerField(label=_("Normal days needed for release"), min_value=1, max_value=14)
    category_days = forms.CharField(
        label=_("Measure days per category"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "col": "col-12", "class": "form-control font-monospace"}),
        help_text=_("One a line: category code, days — e.g. returnee, 14"),
    )

    def clean_slots(self) -> list[dict[str, str]]:
        out = []
        for line in self.cleaned_data["slots"].splitlines():
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if not any(parts):
                continue
            if len(parts) != 4:
                raise forms.ValidationError(_("Each line needs four parts: code, name, opening time, cutoff time."))
            out.append({"code": parts[0], "name": parts[1], "opens": parts[2], "cutoff": parts[3]})
        return out

    def clean_category_days(self) -> dict[str, int]:
        out = {}
        for line in (self.cleaned_data.get("category_days") or "").splitlines():
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if not any(parts):
                continue
            if len(parts) != 2 or not parts[1].isdigit():
                raise forms.ValidationError(_("Each line needs a category code and a number of days."))
            out[parts[0]] = int(parts[1])
        return out

    @staticmethod
    def initial_from(cfg: Any) -> dict[str, Any]:
        return {
            "slots": "\n".join(
                f"{s['code']}, {s.get('name', '')}, {s.get('opens', '00:00')}, {s['cutoff']}" for s in cfg.slots
            ),
            "notify_within_minutes": cfg.notify_within_minutes,
            "extend_days": cfg.extend_days,
            "normal_days_for_release": cfg.normal_days_for_release,
            "category_days": "\n".join(f"{k}, {v}" for k, v in (cfg.category_days or {}).items()),
        }
