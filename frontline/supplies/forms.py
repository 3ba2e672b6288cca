"""Forms of the supplies pages; the rules themselves are checked in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontline.core.access import scope
from frontline.core.forms import DateInput, StyledFormMixin
from frontline.org.models import Checkpoint, Community, Staff
from frontline.supplies.models import Item, Movement, Store

QTY = {"min": 1, "step": 1, "inputmode": "numeric"}
UNKNOWN_ITEM = {"invalid_choice": _("Item: no such item in the catalogue.")}


def _items() -> Any:
    return Item.objects.filter(active=True)


def _stores() -> Any:
    return Store.objects.filter(active=True).order_by("kind", "name")


class ItemForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Item
        fields = ["name", "category", "unit", "low_stock_threshold", "min_days_of_cover", "active", "note"]


class StoreForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Store
        fields = ["name", "kind", "checkpoint", "community", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["checkpoint"].queryset = Checkpoint.objects.filter(active=True)  # type: ignore[attr-defined]


class ReceiveForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(k.value, k.label) for k in Movement.RECEIPTS],
        initial=Movement.Kind.DONATION,
    )
    store = forms.ModelChoiceField(label=_("Into store"), queryset=Store.objects.none())
    item = forms.ModelChoiceField(label=_("Item"), queryset=Item.objects.none(), error_messages=UNKNOWN_ITEM)
    quantity = forms.IntegerField(label=_("Quantity"), widget=forms.NumberInput(attrs=QTY))
    source = forms.CharField(
        label=_("Supplier, donor or authority"),
        max_length=200,
        required=False,
        help_text=_("A donor's name appears on the list of thanks."),
    )
    lot = forms.CharField(label=_("Lot"), max_length=50, required=False)
    expiry_date = forms.DateField(label=_("Expiry date"), required=False, widget=DateInput())
    value = forms.DecimalField(label=_("Value (yuan)"), required=False, max_digits=12, decimal_places=2)
    document_no = forms.CharField(label=_("Voucher number"), max_length=60, required=False)
    occurred_on = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = _stores()  # type: ignore[attr-defined]
        self.fields["item"].queryset = _items()  # type: ignore[attr-defined]
        self.fields["source"].required = False  # the service names the missing party in words


class IssueForm(StyledFormMixin, forms.Form):
    store = forms.ModelChoiceField(label=_("From store"), queryset=Store.objects.none())
    item = forms.ModelChoiceField(label=_("Item"), queryset=Item.objects.none(), error_messages=UNKNOWN_ITEM)
    quantity = forms.IntegerField(label=_("Quantity"), widget=forms.NumberInput(attrs=QTY))
    checkpoint = forms.ModelChoiceField(label=_("To checkpoint"), queryset=Checkpoint.objects.none(), required=False)
    community = forms.ModelChoiceField(label=_("To community"), queryset=Community.objects.all(), required=False)
    staff = forms.ModelChoiceField(label=_("To staff member"), queryset=Staff.objects.none(), required=False)
    lot = forms.CharField(
        label=_("Lot"), max_length=50, required=False, help_text=_("Empty: first expired, first out.")
    )
    occurred_on = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = _stores()  # type: ignore[attr-defined]
        self.fields["item"].queryset = _items()  # type: ignore[attr-defined]
        self.fields["checkpoint"].queryset = Checkpoint.objects.filter(active=True)  # type: ignore[attr-defined]
        self.fields["staff"].queryset = Staff.objects.filter(active=True).order_by("name")  # type: ignore[attr-defined]


class TransferForm(StyledFormMixin, forms.Form):
    from_store = forms.ModelChoiceField(label=_("From store"), queryset=Store.objects.none())
    to_store = forms.ModelChoiceField(label=_("To store"), queryset=Store.objects.none())
    item = forms.ModelChoiceField(label=_("Item"), queryset=Item.objects.none(), error_messages=UNKNOWN_ITEM)
    quantity = forms.IntegerField(label=_("Quantity"), widget=forms.NumberInput(attrs=QTY))
    lot = forms.CharField(
        label=_("Lot"), max_length=50, required=False, help_text=_("Empty: first expired, first out.")
    )
    occurred_on = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from_store"].queryset = _stores()  # type: ignore[attr-defined]
        self.fields["to_store"].queryset = _stores()  # type: ignore[attr-defined]
        self.fields["item"].queryset = _items()  # type: ignore[attr-defined]


class AdjustForm(StyledFormMixin, forms.Form):
    store = forms.ModelChoiceField(label=_("Store"), queryset=Store.objects.none())
    item = forms.ModelChoiceField(label=_("Item"), queryset=Item.objects.none(), error_messages=UNKNOWN_ITEM)
    lot = forms.CharField(label=_("Lot"), max_length=50, required=False)
    counted = forms.IntegerField(label=_("Counted"), widget=forms.NumberInput(attrs={"min": 0, "step": 1}))
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
    occurred_on = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = _stores()  # type: ignore[attr-defined]
        self.fields["item"].queryset = _items()  # type: ignore[attr-defined]


class CorrectForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for the correction"), max_length=300, required=False)


class RequestForm(StyledFormMixin, forms.Form):
    """A request: where it is for, and a quantity field per catalogue item (empty means none)."""

    checkpoint = forms.ModelChoiceField(label=_("Checkpoint"), queryset=Checkpoint.objects.none(), required=False)
    community = forms.ModelChoiceField(label=_("Community"), queryset=Community.objects.none(), required=False)
    needed_by = forms.DateField(label=_("Needed by"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["checkpoint"].queryset = scope(Checkpoint.objects.filter(active=True), user)  # type: ignore[attr-defined]
        self.fields["community"].queryset = scope(Community.objects.all(), user)  # type: ignore[attr-defined]
        self.items = list(_items())
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.IntegerField(
                label=f"{item.name}（{item.unit}）",
                required=False,  # a negative or zero quantity is refused by the service, in words
                widget=forms.NumberInput(attrs={**QTY, "class": "form-control", "placeholder": "0"}),
            )

    def item_fields(self) -> list[Any]:
        return [self[f"item_{i.pk}"] for i in self.items]

    def lines(self) -> list[tuple[Item, Any]]:
        return [(i, self.cleaned_data.get(f"item_{i.pk}")) for i in self.items]


class ApproveForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("Note to the requester"), max_length=300, required=False)

    def __init__(self, *args: Any, request_obj: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = list(request_obj.lines.select_related("item"))
        for line in self.lines:
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                label=f"{line.item.name}（{line.item.unit}）",
                min_value=0,
                initial=line.quantity_requested,
                widget=forms.NumberInput(attrs={"min": 0, "max": line.quantity_requested, "step": 1}),
            )

    def approved(self) -> dict[int, Any]:
        return {line.pk: self.cleaned_data.get(f"line_{line.pk}") for line in self.lines}


class IssueRequestForm(StyledFormMixin, forms.Form):
    store = forms.ModelChoiceField(label=_("Issue from store"), queryset=Store.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = _stores()  # type: ignore[attr-defined]
        bureau = _stores().filter(kind=Store.Kind.BUREAU).first()
        if bureau:
            self.fields["store"].initial = bureau.pk


class RejectForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("Reason"), max_length=300, required=False)


class KitForm(StyledFormMixin, forms.Form):
    """The daily front-line kit, issued to each staff member on duty who has not had it."""

    store = forms.ModelChoiceField(label=_("From store"), queryset=Store.objects.none())
    mask = forms.ModelChoiceField(label=_("Masks"), queryset=Item.objects.none())
    mask_quantity = forms.IntegerField(label=_("Masks per person"), initial=2, min_value=0)
    gloves = forms.ModelChoiceField(label=_("Gloves"), queryset=Item.objects.none())
    gloves_quantity = forms.IntegerField(label=_("Gloves per person"), initial=2, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = _stores()  # type: ignore[attr-defined]
        masks = _items().filter(category=Item.Category.MASK)
        gloves = _items().filter(category=Item.Category.GLOVES)
        self.fields["mask"].queryset = masks  # type: ignore[attr-defined]
        self.fields["gloves"].queryset = gloves  # type: ignore[attr-defined]
        self.fields["mask"].initial = getattr(masks.first(), "pk", None)
        self.fields["gloves"].initial = getattr(gloves.first(), "pk", None)
        bureau = _stores().filter(kind=Store.Kind.BUREAU).first()
        if bureau:
            self.fields["store"].initial = bureau.pk
