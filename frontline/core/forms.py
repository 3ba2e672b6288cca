"""Form helpers: Bootstrap widgets, and showing a DomainError on its field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import BaseConstraint, CheckConstraint, F, Q, UniqueConstraint

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

    def _update_errors(self, errors: ValidationError) -> None:
        """As a ModelForm does, but a broken model constraint about one field is shown under
        that field: Django puts every CheckConstraint's message (and a UniqueConstraint's over
        several fields) at the top of the form, and the user has to guess which field it means."""
        top = getattr(errors, "error_dict", {}).get(NON_FIELD_ERRORS)
        if top:
            fields: dict[str, str] = {}
            for constraint in self.instance._meta.constraints:  # type: ignore[attr-defined]
                field = constraint_field(constraint)
                if field is not None and field in self.fields:  # type: ignore[attr-defined]
                    fields[str(constraint.get_violation_error_message())] = field
            merged: dict[str, list[ValidationError]] = {
                k: list(v) for k, v in errors.error_dict.items() if k != NON_FIELD_ERRORS
            }
            for error in top:
                merged.setdefault(fields.get(str(error.message), NON_FIELD_ERRORS), []).append(error)
            errors = ValidationError(merged)
        super()._update_errors(errors)  # type: ignore[misc]


def constraint_field(constraint: BaseConstraint) -> str | None:
    """The field a model constraint is about, when it is about one, else None.

    A check is about the field it compares with another (``end >= start``, also when
    ``end`` may be empty: ``end``), or the one field all its terms name; a unique constraint
    over several fields is about the last (``(campaign, name)``: ``name``).
    """
    if isinstance(constraint, UniqueConstraint):
        return constraint.fields[-1] if constraint.fields else None
    if not isinstance(constraint, CheckConstraint) or not isinstance(constraint.condition, Q):
        return None
    leaves: list[tuple[str, Any]] = []

    def walk(q: Q) -> None:
        for child in q.children:
            if isinstance(child, Q):
                walk(child)
            elif isinstance(child, tuple) and len(child) == 2:
                leaves.append((str(child[0]).split("__")[0], child[1]))

    walk(constraint.condition)
    compared = {name for name, value in leaves if isinstance(value, F)}
    named = {name for name, _value in leaves}
    for candidates in (compared, named):
        if len(candidates) == 1:
            return next(iter(candidates))
    return None


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
