"""Who may do what, and which rows they may see: decided here and nowhere else."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    LEADER = "leader", _("Leader")
    OFFICE = "office", _("Office staff")
    GROUP_LEAD = "group_lead", _("Group lead")
    DUTY = "duty", _("Duty staff")
    LIAISON = "liaison", _("Community liaison")
    LAWYER = "lawyer", _("Duty lawyer")
    VIEWER = "viewer", _("Viewer")


R = Role
BUREAU = {R.LEADER, R.OFFICE, R.GROUP_LEAD, R.VIEWER}

# capability -> roles that have it. Superusers have every capability.
CAPABILITIES: dict[str, set[str]] = {
    "inbox.view": {R.LEADER, R.OFFICE, R.GROUP_LEAD, R.DUTY, R.LIAISON, R.LAWYER, R.VIEWER},
    "dashboard.view": {R.LEADER, R.OFFICE, R.GROUP_LEAD, R.VIEWER},
    "audit.view": {R.LEADER, R.OFFICE},
    "sensitive.reveal": {R.LEADER, R.OFFICE, R.LIAISON},
    "campaign.manage": {R.OFFICE},
    "org.view": {R.LEADER, R.OFFICE, R.GROUP_LEAD, R.VIEWER},
    "org.manage": {R.OFFICE},
    "staff.view": {R.LEADER, R.OFFICE, R.GROUP_LEAD, R.VIEWER},
    "staff.manage": {R.OFFICE},
    "contacts.view": {R.LEADER, R.OFFICE, R.GROUP_LEAD, R.DUTY, R.LIAISON},
    "community.view": {R.LEADER, R.OFFICE, R.GROUP_LEAD, R.VIEWER, R.LIAISON, R.DUTY},
    "checkpoint.view": {R.LEADER, R.OFFICE, R.GROUP_LEAD, R.VIEWER, R.LIAISON, R.DUTY},
    "passage.record": {R.LEADER, R.OFFICE, R.GROUP_LEAD, R.DUTY},
    "passage.view": {R.LEADER, R.OFFICE, R.GROUP_LEAD, R.VIEWER, R.LIAISON, R.DUTY},
    "health.view": {R.LEADER, R.OFFICE, R.GROUP_LEAD, R.VIEWER, R.LIAISON},
    "health.manage": {R.OFFICE, R.GROUP_LEAD, R.LIAISON},
    "roster.view": {R.LEADER, R.OFFICE, R.GROUP_LEAD, R.VIEWER},
    "roster.manage": {R.OFFICE},
    "roster.own": {R.LEADER, R.OFFICE, R.GROUP_LEAD, R.DUTY, R.LIAISON},
    "inspection.record": {R.LEADER},
    "supplies.view": {R.LEADER, R.OFFICE, R.GROUP_LEAD, R.VIEWER},
    "supplies.manage": {R.OFFICE, R.GROUP_LEAD},
    "supplies.request": {R.OFFICE, R.GROUP_LEAD, R.DUTY, R.LIAISON},
    "desk.view": {R.LEADER, R.OFFICE, R.GROUP_LEAD, R.VIEWER, R.LIAISON},
    "desk.manage": {R.OFFICE, R.GROUP_LEAD},
    "legalaid.view": {R.LEADER, R.OFFICE, R.LAWYER},
    "legalaid.manage": {R.OFFICE},
    "legalaid.answer": {R.LAWYER},
    "party.view": {R.LEADER, R.OFFICE, R.GROUP_LEAD, R.VIEWER},
    "party.manage": {R.OFFICE},
    "reports.view": {R.LEADER, R.OFFICE, R.GROUP_LEAD, R.VIEWER},
    "reports.manage": {R.OFFICE},
}


def grant(capability: str, *roles: str) -> None:
    """Add a capability (an app's own) and the roles that have it."""
    CAPABILITIES.setdefault(capability, set()).update(roles)


def can(user: Any, capability: str) -> bool:
    """Tell whether the user has a capability."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if capability not in CAPABILITIES:
        raise KeyError(f"unknown capability {capability!r}")
    return getattr(user, "role", "") in CAPABILITIES[capability]


def require(user: Any, capability: str) -> None:
    """Refuse with 403 unless the user has the capability."""
    if not can(user, capability):
        raise PermissionDenied


def is_community_bound(user: Any) -> bool:
    """Tell whether the user sees only one community's records."""
    return not user.is_superuser and getattr(user, "role", "") == Role.LIAISON


M = TypeVar("M", bound=Model)


def scope(qs: QuerySet[M], user: Any) -> QuerySet[M]:
    """Limit a queryset to the rows the user may see.

    A model says how it belongs to a community with `community_path` (e.g.
    "checkpoint__community"), or decides itself with a `scope_for_user(qs, user)` classmethod
    (used for rules that are not about communities, such as a lawyer's own queue).
    """
    model = qs.model
    custom = getattr(model, "scope_for_user", None)
    if custom is not None:
        return custom(qs, user)
    path = getattr(model, "community_path", None)
    if path is None or not is_community_bound(user):
        return qs
    if not getattr(user, "community_id", None):
        return qs.none()
    return qs.filter(**{path: user.community_id})


def in_scope(obj: Model, user: Any) -> bool:
    """Tell whether the user may see a row already loaded: what `scope` decides, without a query
    for models that belong to a community by `community_path` (the others are asked with one)."""
    model = type(obj)
    if getattr(model, "scope_for_user", None) is not None:
        return scope(model._default_manager.filter(pk=obj.pk), user).exists()
    path = getattr(model, "community_path", None)
    if path is None or not is_community_bound(user):
        return True
    if not getattr(user, "community_id", None):
        return False
    *hops, last = path.split("__")
    target: Any = obj
    for hop in hops:
        target = getattr(target, hop, None)
        if target is None:
            return False
    return bool(getattr(target, f"{last}_id", None) == user.community_id)


def get_scoped(qs: QuerySet[M], user: Any, **lookup: Any) -> M:
    """Fetch one row the user may see, or 404 (never 403, so its existence is not revealed)."""
    try:
        return scope(qs, user).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
