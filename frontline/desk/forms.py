"""Forms of the service desk: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from frontline.core.forms import DateInput, StyledFormMixin
from frontline.desk.models import Channel, HotlineNumber, LegalAidRequest, Publicity, Tip
from frontline.desk.selectors import lawyers
from frontline.org.models import Community, User

STAFF_CHANNELS = [(Channel.PHONE.value, Channel.PHONE.label), (Channel.WALK_IN.value, Channel.WALK_IN.label)]


def _community_field(required: bool = False) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Community"),
        queryset=Community.objects.order_by("name"),
        required=required,
        empty_label=_("Not sure / other"),
    )


def _consent_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("I have read the privacy notice and agree that my details are used to handle this."),
        required=True,
        error_messages={"required": _("Privacy notice: please confirm you have read it.")},
        widget=forms.CheckboxInput(attrs={"col": "col-12"}),
    )


class TipForm(StyledFormMixin, forms.Form):
    """A tip to the reporting hotline; the public version has no channel and asks for consent."""

    category = forms.ChoiceField(label=_("What is it about?"), choices=Tip.Category.choices)
    community = _community_field()
    location = forms.CharField(
        label=_("Where"), max_length=200, required=False, help_text=_("Compound, building, street.")
    )
    description = forms.CharField(
        label=_("What happened"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4, "col": "col-12"})
    )
    subject_name = forms.CharField(label=_("Name of the person reported (if known)"), max_length=50, required=False)
    came_from = forms.CharField(label=_("Returned from (if a returnee)"), max_length=100, required=False)
    anonymous = forms.BooleanField(
        label=_("Report anonymously (no name kept)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"col": "col-12"}),
    )
    reporter_name = forms.CharField(label=_("Your name"), max_length=50, required=False)
    reporter_phone = forms.CharField(
        label=_("Your mobile number"),
        max_length=20,
        required=False,
        help_text=_("Optional. Its last four digits let you look up the answer; without it you get a PIN."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args: Any, staff: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if staff:
            self.fields["channel"] = forms.ChoiceField(
                label=_("Channel"), choices=STAFF_CHANNELS, initial=Channel.PHONE
            )
            self.fields["subject_id_number"] = forms.CharField(
                label=_("ID number of the person reported"), max_length=18, required=False
            )
            self.fields["subject_phone"] = forms.CharField(
                label=_("Phone of the person reported"), max_length=20, required=False
            )
            self.fields["subject_address"] = forms.CharField(
                label=_("Address of the person reported"), max_length=200, required=False
            )
            self.fields["reporter_phone"].help_text = _(
                "The caller's number; its last four digits let them look up the answer."
            )
            self.order_fields(
                [
                    "channel",
                    "category",
                    "community",
                    "location",
                    "description",
                    "subject_name",
                    "subject_id_number",
                    "subject_phone",
                    "subject_address",
                    "came_from",
                ]
            )
        else:
            self.fields["consent"] = _consent_field()
        for field in self.fields.values():
            if not isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault("class", "form-control form-control-lg" if not staff else "form-control")
        for name in ("category", "community", "channel"):
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "form-select form-select-lg" if not staff else "form-select"

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("consent", None)
        return data


class LegalAidForm(StyledFormMixin, forms.Form):
    """A legal-aid request; the public version asks for consent, staff choose the channel."""

    topic = forms.ChoiceField(label=_("Topic"), choices=LegalAidRequest.Topic.choices)
    description = forms.CharField(
        label=_("Your question"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5, "col": "col-12"}),
        help_text=_("Describe what happened and what you want to know. Do not write ID numbers."),
    )
    requester_name = forms.CharField(label=_("Name"), max_length=50)
    requester_phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        help_text=_("The lawyer may call you; its last four digits let you read the reply."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    community = _community_field()

    def __init__(self, *args: Any, staff: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if staff:
            self.fields["channel"] = forms.ChoiceField(
                label=_("Channel"), choices=STAFF_CHANNELS, initial=Channel.WALK_IN
            )
            self.order_fields(["channel", "topic"])
        else:
            self.fields["consent"] = _consent_field()
            for name, field in self.fields.items():
                if not isinstance(field.widget, forms.CheckboxInput):
                    field.widget.attrs["class"] = (
                        "form-select form-select-lg"
                        if name in ("topic", "community")
                        else "form-control form-control-lg"
                    )

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("consent", None)
        return data


class LookupForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    suffix = forms.CharField(
        label=_("Last four digits of your phone (or your PIN)"),
        min_length=4,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "off"}),
    )


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the answer?"),
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class MessageForm(StyledFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=8000, widget=forms.Textarea(attrs={"rows": 5, "col": "col-12"})
    )


class CloseForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "col": "col-12"}),
        help_text=_("Needed when the request is closed without a reply."),
    )


class AssignForm(StyledFormMixin, forms.Form):
    lawyer = forms.ModelChoiceField(label=_("Lawyer"), queryset=User.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["lawyer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = lawyers()
        field.label_from_instance = lambda u: u.display_name  # type: ignore[method-assign,assignment]


class TipMoveForm(StyledFormMixin, forms.Form):
    to = forms.ChoiceField(choices=Tip.Status.choices, widget=forms.HiddenInput)
    assignee = forms.ModelChoiceField(label=_("Handled by"), queryset=User.objects.none(), required=False)
    verified_true = forms.TypedChoiceField(
        label=_("Found to be true"),
        choices=[("", "—"), ("yes", _("Yes, true")), ("no", _("No, not true"))],
        coerce=lambda v: v == "yes",
        empty_value=None,
        required=False,
    )
    handling = forms.CharField(label=_("How it was handled"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    answer = forms.CharField(
        label=_("Answer to the reporter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The reporter reads this with the tracking code."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(
            is_active=True, role__in=["office", "group_lead", "liaison", "duty"]
        ).order_by("role", "username")
        field.label_from_instance = lambda u: f"{u.display_name} · {u.get_role_display()}"  # type: ignore[method-assign,assignment]


KIND_COL = {
    "place": "poster van rumour",
    "quantity": "poster",
    "route": "van",
    "start_time": "van",
    "end_time": "van",
    "link": "wechat",
    "published_at": "wechat",
    "reads": "wechat",
    "rumour": "rumour",
    "facts": "rumour",
    "answered_where": "rumour",
}


class PublicityForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Publicity.Kind.choices)
    happened_on = forms.DateField(label=_("Date"), widget=DateInput())
    title = forms.CharField(label=_("Title"), max_length=200)
    community = _community_field()
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    quantity = forms.IntegerField(label=_("Number of posters"), min_value=1, max_value=100000, required=False)
    route = forms.CharField(label=_("Streets of the route"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    start_time = forms.TimeField(label=_("Start time"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label=_("End time"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    link = forms.URLField(label=_("Link"), max_length=500, required=False, assume_scheme="https")
    published_at = forms.DateTimeField(
        label=_("Published at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reads = forms.IntegerField(label=_("Reads"), min_value=0, required=False)
    rumour = forms.CharField(label=_("The rumour"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    facts = forms.CharField(label=_("The facts"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    answered_where = forms.CharField(label=_("Where it was answered"), max_length=200, required=False)
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2, "col": "col-12"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, kinds in KIND_COL.items():
            css = " ".join(f"kind-{k}" for k in kinds.split())
            self.fields[name].widget.attrs["col"] = f"col-12 col-md-6 fl-kind {css}"
        self.fields["kind"].widget.attrs["id"] = "id_kind"

    @staticmethod
    def initial_from(p: Publicity) -> dict[str, Any]:
        return {name: getattr(p, name) for name in PublicityForm.base_fields if name not in ("photo",)}


class DutyForm(StyledFormMixin, forms.Form):
    lawyer = forms.ModelChoiceField(label=_("Lawyer"), queryset=User.objects.none())
    first_day = forms.DateField(label=_("First day"), widget=DateInput())
    last_day = forms.DateField(
        label=_("Last day"), widget=DateInput(), required=False, help_text=_("Leave empty for one day.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["lawyer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = lawyers()
        field.label_from_instance = lambda u: u.display_name  # type: ignore[method-assign,assignment]


class HotlineNumberForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = HotlineNumber
        fields = ["label", "number", "hours", "order", "active"]


class DeskSettingsForm(StyledFormMixin, forms.Form):
    tip_response_hours = forms.IntegerField(label=_("Tip response target (hours)"), min_value=1, max_value=720)
    legalaid_first_reply_hours = forms.IntegerField(
        label=_("Legal-aid first reply due (hours)"), min_value=1, max_value=720
    )
    public_submissions_per_hour = forms.IntegerField(
        label=_("Public submissions per address and hour"), min_value=1, max_value=1000
    )
