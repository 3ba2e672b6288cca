"""Reads about the organisation that several apps need."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from frontline.core.access import Role
from frontline.org.models import Campaign, User


def current_campaign() -> Campaign | None:
    """Return the campaign being run: the newest active one, else the newest."""
    return (
        Campaign.objects.filter(status=Campaign.Status.ACTIVE).order_by("-start_date", "-id").first()
        or Campaign.objects.order_by("-start_date", "-id").first()
    )


def users_with_role(*roles: str) -> QuerySet[User]:
    """Return the active log-ins that have one of the roles."""
    return User.objects.filter(is_active=True, role__in=roles)


def liaisons_of(community: Any) -> QuerySet[User]:
    """Return the liaison log-ins of a community."""
    return User.objects.filter(is_active=True, role=Role.LIAISON, community=community)
