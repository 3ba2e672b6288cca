"""Helpers shared by every app's services: validated, audited saves."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

from frontline.core.audit import audit_record, diff
from frontline.core.errors import DomainError

M = TypeVar("M", bound=models.Model)


def raise_validation_error(exc: ValidationError) -> None:
    """Turn a Django validation error into a DomainError naming the first bad field."""
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.error_dict.items()))
        err = errors[0]
        message = err.message % err.params if err.params else err.message
        raise DomainError(message, code=f"{field}.{err.code or 'invalid'}", field=None if field == "__all__" else field)
    raise DomainError(exc.messages[0], code="invalid")


def save_instance(
    *,
    actor: Any,
    instance: M,
    fields: dict[str, Any],
    action: str,
    sensitive: frozenset[str] = frozenset(),
    m2m: dict[str, Iterable[Any]] | None = None,
) -> M:
    """Set fields, validate, save, set many-to-many relations and audit, all or nothing."""
    creating = instance.pk is None
    if creating:
        changes = {k: ["", "***" if k in sensitive else v] for k, v in fields.items()}
    else:
        # Compare with what is stored: a ModelForm has already copied the new values onto `instance`.
        stored = type(instance)._default_manager.filter(pk=instance.pk).first()
        changes = diff(stored if stored is not None else instance, fields, sensitive=sensitive)
    for name, value in fields.items():
        setattr(instance, name, value)
    try:
        instance.full_clean(exclude=[f for f in (m2m or {})])
    except ValidationError as exc:
        raise_validation_error(exc)
    try:
        with transaction.atomic():
            instance.save()
            for name, values in (m2m or {}).items():
                values = list(values)
                manager = getattr(instance, name)
                before = set(manager.values_list("pk", flat=True))
                manager.set(values)
                after = {getattr(v, "pk", v) for v in values}
                if before != after:
                    changes[name] = [sorted(before), sorted(after)]
            if creating or changes:
                audit_record(actor=actor, action=action, target=instance, changes=changes)
    except IntegrityError as exc:
        raise DomainError(_("This record conflicts with an existing one."), code="conflict", status=409) from exc
    return instance
