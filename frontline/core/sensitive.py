"""Reveal a sensitive value to a role that may see it, and log every reveal."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.http import Http404

from frontline.core.access import get_scoped, require
from frontline.core.audit import audit_record
from frontline.core.fields import EncryptedTextField


def sensitive_reveal(*, user: Any, model_label: str, pk: Any, field: str) -> str:
    """Return the plain value of one sensitive field, after checking access, and log it."""
    require(user, "sensitive.reveal")
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError) as exc:
        raise Http404 from exc
    model_field = next((f for f in model._meta.concrete_fields if f.name == field), None)
    if not isinstance(model_field, EncryptedTextField):
        raise Http404
    obj = get_scoped(model._default_manager.all(), user, pk=pk)
    audit_record(actor=user, action="sensitive.reveal", target=obj, changes={"field": field})
    return getattr(obj, field) or ""
