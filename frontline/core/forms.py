"""Form helpers: Bootstrap widgets, and showing a DomainError on its field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms

from frontline.core.errors import DomainError

T = TypeVar("T")


class StyledFormMixin:
    """Give every widget Bootstrap's classes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput,)):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")
            if isinstance(widget, forms.DateInput):
                widget.input_type = "date"
                widget.format = "%Y-%m-%d"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def call_service(form: forms.BaseForm, fn: Callable[..., T], **kwargs: Any) -> T | None:
    """Call a service; on a DomainError, put its message on the form field it names."""
    try:
        return fn(**kwargs)
    except DomainError as exc:
        field = exc.field if exc.field in form.fields else None
        form.add_error(field, str(exc))
        return None


def edit_page(
    request: Any,
    *,
    form: forms.BaseForm,
    service: Callable[..., Any],
    title: Any,
    success_url: Callable[[Any], str],
    cancel_url: str = "",
    **service_kwargs: Any,
) -> Any:
    """Validate a form, call one service with its data, and go on; or show the form with its errors."""
    from django.contrib import messages
    from django.shortcuts import redirect, render
    from django.utils.translation import gettext

    if request.method == "POST" and form.is_valid():
        saved = call_service(form, service, actor=request.user, **service_kwargs, **form.cleaned_data)
        if saved:
            messages.success(request, gettext("Saved."))
            return redirect(success_url(saved))
    return render(request, "core/form.html", {"form": form, "title": title, "cancel_url": cancel_url})
