"""Reads of party work that span models, used by pages, the API and other apps (rosters, checkpoints)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.utils.translation import gettext

from frontline.org.models import Community, Staff
from frontline.party.models import (
    Application,
    ApplicationEvent,
    Branch,
    BranchMembership,
    Commendation,
    CommunityReport,
    DuesCollection,
    PartyStatusChange,
    VanguardPost,
)


def _open_on(qs: QuerySet[VanguardPost], on: date | None) -> QuerySet[VanguardPost]:
    if on is None:
        return qs.filter(revoked_on__isnull=True)
    return qs.filter(designated_on__lte=on).filter(Q(revoked_on__isnull=True) | Q(revoked_on__gte=on))


def vanguard_checkpoint_ids(*, on: date | None = None) -> set[int]:
    """Return the ids of checkpoints that are vanguard posts (now, or on a given day)."""
    qs = _open_on(VanguardPost.objects.filter(checkpoint__isnull=False), on)
    return {pk for pk in qs.values_list("checkpoint_id", flat=True) if pk is not None}


def vanguard_team_ids(*, on: date | None = None) -> set[int]:
    """Return the ids of teams that are vanguard posts (now, or on a given day)."""
    qs = _open_on(VanguardPost.objects.filter(team__isnull=False), on)
    return {pk for pk in qs.values_list("team_id", flat=True) if pk is not None}


def branches_with_counts() -> QuerySet[Branch]:
    """Return branches with their current members, communities and reports counted."""
    return Branch.objects.select_related("parent", "secretary", "unit").annotate(
        n_members=Count("memberships", filter=Q(memberships__left_on__isnull=True), distinct=True),
        n_ever=Count("memberships", distinct=True),
        n_communities=Count("communities", distinct=True),
        n_reports=Count("reports", distinct=True),
    )


def collections_with_totals() -> QuerySet[DuesCollection]:
    """Return collections, each with the sum and count of its entries."""
    return DuesCollection.objects.select_related("branch").with_totals()


@dataclass
class ServingMember:
    staff: Staff
    branches: list[str] = field(default_factory=list)
    reports: int = 0
    first: date | None = None
    last: date | None = None
    activities: list[str] = field(default_factory=list)


def members_serving(community: Community) -> list[ServingMember]:
    """Return the party members and activists serving a community: its branches' members and those who reported there."""
    by_staff: dict[int, ServingMember] = {}
    memberships = BranchMembership.objects.filter(
        branch__communities=community, left_on__isnull=True, branch__status=Branch.Status.ACTIVE
    ).select_related("staff__unit", "branch")
    for m in memberships:
        entry = by_staff.setdefault(m.staff_id, ServingMember(staff=m.staff))
        if m.branch.name not in entry.branches:
            entry.branches.append(m.branch.name)
    reports = (
        CommunityReport.objects.filter(community=community)
        .values("staff_id")
        .annotate(n=Count("id"), first=Min("reported_on"), last=Max("reported_on"))
    )
    stats = {r["staff_id"]: r for r in reports}
    missing = set(stats) - set(by_staff)
    for s in Staff.objects.filter(pk__in=missing).select_related("unit"):
        by_staff[s.pk] = ServingMember(staff=s)
    recent: dict[int, list[str]] = {}
    for staff_id, activity in (
        CommunityReport.objects.filter(community=community)
        .order_by("-reported_on", "-id")
        .values_list("staff_id", "activity")
    ):
        bucket = recent.setdefault(staff_id, [])
        if len(bucket) < 2 and activity not in bucket:
            bucket.append(activity)
    for pk, entry in by_staff.items():
        row = stats.get(pk)
        if row:
            entry.reports, entry.first, entry.last = row["n"], row["first"], row["last"]
        entry.activities = recent.get(pk, [])
    return sorted(by_staff.values(), key=lambda e: (-e.reports, e.staff.name))


def community_overview() -> QuerySet[Community]:
    """Return communities with the branches serving them and the reports made there counted."""
    return Community.objects.annotate(
        n_branches=Count("party_branches", filter=Q(party_branches__status=Branch.Status.ACTIVE), distinct=True),
        n_reports=Count("party_reports", distinct=True),
        n_reporters=Count("party_reports__staff", distinct=True),
    ).order_by("name")


def honours(qs: QuerySet[Commendation] | None = None) -> dict[str, Any]:
    """Return commendations split into collective and individual, with counts."""
    rows = list(
        (qs if qs is not None else Commendation.objects.all()).select_related(
            "recipient_unit", "recipient_team", "recipient_staff__unit"
        )
    )
    collective = [c for c in rows if c.kind == Commendation.Kind.COLLECTIVE]
    individual = [c for c in rows if c.kind == Commendation.Kind.INDIVIDUAL]
    return {"all": rows, "collective": collective, "individual": individual, "count": len(rows)}


@dataclass(frozen=True)
class RecordLine:
    on: date
    what: str
    detail: str


def party_record(staff: Staff) -> list[RecordLine]:
    """Return a staff member's party record, newest first: status changes, branches, applications."""
    lines: list[RecordLine] = []
    for ch in PartyStatusChange.objects.filter(staff=staff):
        lines.append(
            RecordLine(
                ch.changed_on,
                gettext("Party status"),
                f"{ch.get_from_status_display()} → {ch.get_to_status_display()}"
                + (f"（{ch.note}）" if ch.note else ""),
            )
        )
    for m in BranchMembership.objects.filter(staff=staff).select_related("branch"):
        lines.append(RecordLine(m.joined_on, gettext("Joined branch"), m.branch.name))
        if m.left_on:
            lines.append(RecordLine(m.left_on, gettext("Left branch"), m.branch.name))
    for ev in ApplicationEvent.objects.filter(application__applicant=staff).select_related("application__branch"):
        lines.append(
            RecordLine(
                ev.on, gettext("Membership application"), f"{ev.get_to_status_display()} · {ev.application.branch}"
            )
        )
    return sorted(lines, key=lambda line: line.on, reverse=True)


def staff_dues(staff: Staff) -> list[tuple[Any, ...]]:
    """Return (date, collection, amount) for a staff member's dues and donations."""
    return [
        (e.collection.collected_on, e.collection.title, e.amount)
        for e in staff.dues_entries.select_related("collection").order_by("-collection__collected_on")
    ]


def open_applications() -> QuerySet[Application]:
    return Application.objects.filter(status__in=Application.OPEN)


def party_summary() -> dict[str, Any]:
    """Return the headline figures of party work."""
    statuses = dict(
        Staff.objects.filter(active=True)
        .values_list("party_status")
        .annotate(n=Count("id"))
        .values_list("party_status", "n")
    )
    total = DuesCollection.objects.aggregate(t=Sum("entries__amount"))["t"] or Decimal("0")
    return {
        "members": statuses.get(Staff.PartyStatus.MEMBER, 0),
        "probationary": statuses.get(Staff.PartyStatus.PROBATIONARY, 0),
        "activists": statuses.get(Staff.PartyStatus.ACTIVIST, 0),
        "temporary_branches": Branch.objects.filter(kind=Branch.Kind.TEMPORARY, status=Branch.Status.ACTIVE).count(),
        "communities_served": Community.objects.filter(
            party_branches__kind=Branch.Kind.TEMPORARY, party_branches__status=Branch.Status.ACTIVE
        )
        .distinct()
        .count(),
        "reports": CommunityReport.objects.count(),
        "dues_total": total,
        "applications_open": open_applications().count(),
        "commendations": Commendation.objects.count(),
        "vanguard_posts": VanguardPost.objects.filter(revoked_on__isnull=True).count(),
    }
