"""Reads about the organisation that several apps need."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from frontline.core.access import Role
from frontline.core.bulk import hot_cursor
from frontline.org.models import Campaign, User


def current_campaign() -> Campaign | None:
    """Return the campaign being run: the newest active one, else the newest."""
    return (
        Campaign.objects.filter(status=Campaign.Status.ACTIVE).order_by("-start_date", "-id").first()
        or Campaign.objects.order_by("-start_date", "-id").first()
    )


def current_campaign_status() -> str | None:
    """Return the status of the campaign being run (current_campaign's), or None, in one small read.

    Every recorded change asks it (the closed-campaign guard), so it skips the ORM's query building.
    """
    from django.db import connection

    q = connection.ops.quote_name
    sql = (
        f"SELECT {q('status')} FROM {q(Campaign._meta.db_table)} "  # noqa: S608 (names only)
        f"ORDER BY CASE WHEN {q('status')} = %s THEN 0 ELSE 1 END, {q('start_date')} DESC, {q('id')} DESC LIMIT 1"
    )
    with hot_cursor() as cursor:
        cursor.execute(sql, [Campaign.Status.ACTIVE])
        row = cursor.fetchone()
    return row[0] if row else None


def users_with_role(*roles: str) -> QuerySet[User]:
    """Return the active log-ins that have one of the roles."""
    return User.objects.filter(is_active=True, role__in=roles)


def liaisons_of(community: Any) -> QuerySet[User]:
    """Return the liaison log-ins of a community."""
    return User.objects.filter(is_active=True, role=Role.LIAISON, community=community)
