"""Reads about duties that span models; other apps use on_duty_now, duty_staff_on, person_times, staff_duties."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from frontline.org.models import Campaign, Checkpoint, Staff
from frontline.roster.models import (
    RULE_DEFAULTS,
    Assignment,
    Attendance,
    LeaderDuty,
    PersonLimit,
    Roster,
    RosterSettings,
    RosterVersion,
    RuleKey,
    RuleSetting,
    Unavailability,
)

PUBLISHED = RosterVersion.Status.PUBLISHED

# How long before a shift starts, and after it ends, clocking in or out is accepted.
CLOCK_EARLY = timedelta(minutes=60)
CLOCK_LATE = timedelta(minutes=60)


def published_assignments() -> QuerySet[Assignment]:
    """Return the cells of every roster's published version."""
    return Assignment.objects.filter(version__status=PUBLISHED)


def on_duty_now(*, at: datetime) -> list[tuple[Checkpoint, Staff]]:
    """Return (checkpoint, staff) for every published checkpoint duty that covers the moment."""
    rows = (
        published_assignments()
        .filter(starts_at__lte=at, ends_at__gt=at, checkpoint__isnull=False)
        .select_related("checkpoint", "staff")
        .order_by("checkpoint__code", "staff__name")
    )
    return [(a.checkpoint, a.staff) for a in rows if a.checkpoint is not None]


def duty_staff_on(*, day: date) -> set[int]:
    """Return the ids of staff with a published duty (checkpoint or office) on the day."""
    return set(published_assignments().filter(day=day).values_list("staff_id", flat=True))


def person_times(*, campaign: Campaign, day_from: date | None = None, day_to: date | None = None) -> int:
    """Count attended shifts (人次: one person, one shift = 1) from attendance records."""
    qs = Attendance.objects.filter(campaign=campaign, clock_in__isnull=False)
    if day_from:
        qs = qs.filter(day__gte=day_from)
    if day_to:
        qs = qs.filter(day__lte=day_to)
    return qs.count()


def staff_duties(*, staff: Staff, day_from: date | None = None, limit: int = 60) -> list[Assignment]:
    """Return a staff member's published duties from a day on (today by default), soonest first."""
    start = day_from or timezone.localdate()
    return list(
        published_assignments()
        .filter(staff=staff, day__gte=start)
        .select_related("checkpoint", "checkpoint__community", "version__roster")
        .order_by("starts_at")[:limit]
    )


def leader_on_duty(*, day: date) -> Staff | None:
    """Return the leader on duty (带班领导) of a day in a published roster."""
    row = (
        LeaderDuty.objects.filter(version__status=PUBLISHED, day=day)
        .select_related("staff")
        .order_by("-version__roster__start_date")
        .first()
    )
    return row.staff if row else None


# --- rules ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    key: str
    enabled: bool
    hard: bool
    weight: int
    value: int

    @property
    def label(self) -> str:
        return str(RuleKey(self.key).label)


def rules_for(campaign: Campaign) -> dict[str, Rule]:
    """Return every rule's setting for a campaign: stored settings over the defaults."""
    out = {key: Rule(str(key), *spec) for key, spec in RULE_DEFAULTS.items()}
    for row in RuleSetting.objects.filter(campaign=campaign):
        out[row.key] = Rule(row.key, row.enabled, row.hard, row.weight, row.value)
    return out


def person_limits_for(campaign: Campaign) -> list[PersonLimit]:
    return list(PersonLimit.objects.filter(campaign=campaign, active=True).order_by("min_age"))


def settings_for(campaign: Campaign) -> RosterSettings:
    """Return a campaign's roster settings, unsaved defaults when none are stored."""
    found = RosterSettings.objects.filter(campaign=campaign).first()
    return found or RosterSettings(campaign=campaign, office_shift_pattern=["08:00-20:00", "20:00-08:00"])


# --- availability ---------------------------------------------------------------------------


def health_unavailable_days(*, staff_ids: list[int], start: date, end: date) -> dict[int, set[date]]:
    """Read days lost to open health measures from the health module, when it is installed."""
    try:
        from frontline.health.selectors import staff_unavailable_days
    except ImportError:
        return {}
    try:
        found = staff_unavailable_days(staff_ids=staff_ids, start=start, end=end)
    except Exception:  # the health module is young; a failure there must not stop rostering
        import logging

        logging.getLogger(__name__).exception("health.staff_unavailable_days failed")
        return {}
    return {int(k): set(v) for k, v in (found or {}).items()}


def unavailable_days(*, staff_ids: list[int], start: date, end: date) -> dict[int, dict[date, str]]:
    """Return for each staff member the days they cannot serve and why (leave, sick, health measure)."""
    out: dict[int, dict[date, str]] = defaultdict(dict)
    rows = Unavailability.objects.filter(staff_id__in=staff_ids, start_date__lte=end, end_date__gte=start)
    for row in rows:
        day = max(row.start_date, start)
        while day <= min(row.end_date, end):
            out[row.staff_id][day] = str(row.get_kind_display())
            day += timedelta(days=1)
    for sid, days in health_unavailable_days(staff_ids=staff_ids, start=start, end=end).items():
        for day in days:
            if start <= day <= end:
                out[sid].setdefault(day, "health")
    return out


# --- grids and differences ------------------------------------------------------------------


def version_cells(version: RosterVersion) -> list[Assignment]:
    return list(
        version.assignments.select_related("checkpoint", "staff").order_by("day", "starts_at", "checkpoint__code")
    )


@dataclass
class Grid:
    days: list[date]
    rows: list[dict[str, Any]] = field(default_factory=list)


def grid_by_post(version: RosterVersion, checkpoints: list[Checkpoint], office_pattern: list[str]) -> Grid:
    """Build the checkpoint × day grid: one row per post and shift, one cell per day."""
    days = version.roster.days
    cells: dict[tuple[int, str, date], list[Assignment]] = defaultdict(list)
    for a in version_cells(version):
        cells[(a.checkpoint_id or 0, a.shift, a.day)].append(a)
    grid = Grid(days=days)
    posts: list[tuple[int, str, list[str], Checkpoint | None]] = [
        (cp.pk, f"{cp.code} {cp.name}", list(cp.shift_pattern), cp) for cp in checkpoints
    ]
    if office_pattern:
        from django.utils.translation import gettext

        posts.append((0, gettext("Office duty"), list(office_pattern), None))
    for post_id, name, pattern, cp in posts:
        for i, shift in enumerate(pattern):
            grid.rows.append(
                {
                    "post_id": post_id,
                    "post": name if i == 0 else "",
                    "span": len(pattern) if i == 0 else 0,
                    "shift": shift,
                    "checkpoint": cp,
                    "cells": [
                        {
                            "day": d,
                            "items": cells.get((post_id, shift, d), []),
                            "locked": any(a.locked for a in cells.get((post_id, shift, d), [])),
                        }
                        for d in days
                    ],
                }
            )
    return grid


def grid_by_staff(version: RosterVersion) -> Grid:
    """Build the staff × day grid: one row per staff member with a duty in the version."""
    days = version.roster.days
    by_staff: dict[int, dict[date, list[Assignment]]] = defaultdict(lambda: defaultdict(list))
    names: dict[int, Staff] = {}
    for a in version_cells(version):
        by_staff[a.staff_id][a.day].append(a)
        names[a.staff_id] = a.staff
    grid = Grid(days=days)
    for sid, staff in sorted(names.items(), key=lambda kv: kv[1].name):
        row = by_staff[sid]
        grid.rows.append(
            {
                "staff": staff,
                "count": sum(len(v) for v in row.values()),
                "cells": [{"day": d, "items": row.get(d, [])} for d in days],
            }
        )
    return grid


@dataclass
class VersionDiff:
    added: list[Assignment]
    removed: list[Assignment]

    @property
    def changed_staff(self) -> set[int]:
        return {a.staff_id for a in self.added} | {a.staff_id for a in self.removed}

    @property
    def size(self) -> int:
        return len(self.added) + len(self.removed)


def version_diff(new: RosterVersion, old: RosterVersion | None) -> VersionDiff:
    """Return the duties added and removed between two versions of a roster."""
    new_cells = version_cells(new)
    old_cells = version_cells(old) if old else []
    old_keys = {a.key() for a in old_cells}
    new_keys = {a.key() for a in new_cells}
    return VersionDiff(
        added=[a for a in new_cells if a.key() not in old_keys],
        removed=[a for a in old_cells if a.key() not in new_keys],
    )


def previous_published(version: RosterVersion) -> RosterVersion | None:
    """Return the version published before this one (or the one in force, for a draft)."""
    qs = RosterVersion.objects.filter(
        roster=version.roster, status__in=[PUBLISHED, RosterVersion.Status.SUPERSEDED], number__lt=version.number
    )
    return qs.order_by("-number").first()


def published_version(roster: Roster) -> RosterVersion | None:
    return roster.versions.filter(status=PUBLISHED).first()


# --- field: my duties and clocking --------------------------------------------------------


def repair_proposals(*, staff: Staff, since: datetime | None = None) -> list[RosterVersion]:
    """Repaired rosters awaiting approval for a staff member's absence (made since a moment,
    when given), earliest roster first: one absence can touch several rosters."""
    rows = RosterVersion.objects.filter(status=RosterVersion.Status.PROPOSED, repair_staff=staff)
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    return list(rows.select_related("roster").order_by("roster__start_date", "roster_id", "-created_at"))


def clockable_duty(*, staff: Staff, at: datetime) -> Assignment | None:
    """Return the published duty the staff member may clock in or out of at this moment."""
    return (
        published_assignments()
        .filter(staff=staff, starts_at__lte=at + CLOCK_EARLY, ends_at__gte=at - CLOCK_LATE)
        .select_related("checkpoint")
        .order_by("starts_at")
        .first()
    )


def attendance_for(*, staff: Staff, starts: list[datetime]) -> dict[datetime, Attendance]:
    rows = Attendance.objects.filter(staff=staff, planned_start__in=starts)
    return {a.planned_start: a for a in rows}


def attendance_day(*, campaign: Campaign, day: date) -> list[dict[str, Any]]:
    """Return planned duties of a day against what happened (clock in/out, absent)."""
    planned = list(
        published_assignments()
        .filter(day=day, version__roster__campaign=campaign)
        .select_related("checkpoint", "staff")
        .order_by("starts_at", "checkpoint__code", "staff__name")
    )
    actual = {(a.staff_id, a.planned_start): a for a in Attendance.objects.filter(campaign=campaign, day=day)}
    return [{"duty": p, "attendance": actual.get((p.staff_id, p.starts_at))} for p in planned]


def inspections_on(*, campaign: Campaign, day: date) -> QuerySet[Any]:
    from frontline.roster.models import Inspection

    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()), tz)
    return (
        Inspection.objects.filter(campaign=campaign, at__gte=start, at__lt=start + timedelta(days=1))
        .select_related("leader", "checkpoint", "checkpoint__community")
        .order_by("at")
    )


def leadership_staff(campaign: Campaign) -> list[Staff]:
    """Return the leadership group's members (they lead duty days)."""
    from frontline.org.models import WorkingGroup

    return list(
        Staff.objects.filter(active=True, groups__campaign=campaign, groups__kind=WorkingGroup.Kind.LEADERSHIP)
        .order_by("id")
        .distinct()
    )


def office_staff(campaign: Campaign) -> list[Staff]:
    """Return the office group's members, who stand office duty."""
    from frontline.org.models import WorkingGroup

    return list(
        Staff.objects.filter(Q(groups__campaign=campaign, groups__kind=WorkingGroup.Kind.OFFICE), active=True)
        .order_by("id")
        .distinct()
    )
