"""Sections party work adds to the staff profile and the checkpoint page (registered in apps.ready)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext

from frontline.core.access import can
from frontline.org.models import Checkpoint, Staff
from frontline.org.profile import checkpoint_section, staff_section
from frontline.party import selectors
from frontline.party.models import Commendation, CommunityReport, VanguardPost


def _is_self(request: HttpRequest, staff: Staff) -> bool:
    return bool(staff.user_id) and staff.user_id == getattr(request.user, "pk", None)


@staff_section
def party_sections(request: HttpRequest, staff: Staff) -> list[dict[str, Any]]:
    """Party record, reports to communities, dues and commendations of one staff member."""
    if not (can(request.user, "party.view") or _is_self(request, staff)):
        return []
    sections: list[dict[str, Any]] = []
    record = selectors.party_record(staff)
    current = (
        staff.party_since or "—",
        gettext("Current party status"),
        staff.get_party_status_display(),
    )
    sections.append(
        {
            "title": gettext("Party record"),
            "count": len(record),
            "headers": [gettext("Date"), gettext("Event"), gettext("Detail")],
            "rows": [current] + [(line.on, line.what, line.detail) for line in record],
        }
    )
    honours = Commendation.objects.filter(
        Q(recipient_staff=staff) | Q(recipient_team__in=staff.teams.all()) | Q(recipient_unit=staff.unit_id)
    ).select_related("recipient_team", "recipient_unit")
    sections.append(
        {
            "title": gettext("Commendations"),
            "count": len(honours),
            "headers": [
                gettext("Awarded on"),
                gettext("Title"),
                gettext("Level"),
                gettext("Awarding body"),
                gettext("Recipient"),
            ],
            "rows": [
                (
                    c.awarded_on,
                    c.title,
                    c.get_level_display(),
                    c.awarding_body,
                    gettext("personal") if c.recipient_staff_id else f"{c.recipient}（{gettext('collective')}）",
                )
                for c in honours
            ],
        }
    )
    reports = CommunityReport.objects.filter(staff=staff).select_related("community").order_by("-reported_on")
    total = reports.count()
    if total:
        sections.append(
            {
                "title": gettext("Reports to communities"),
                "count": total,
                "headers": [gettext("Reported on"), gettext("Community"), gettext("What they did")],
                "rows": [(r.reported_on, r.community.name, r.activity) for r in reports[:10]],
            }
        )
    dues = selectors.staff_dues(staff)
    if dues:
        sections.append(
            {
                "title": gettext("Special dues and donations"),
                "count": len(dues),
                "headers": [gettext("Date"), gettext("Collection"), gettext("Amount (yuan)")],
                "rows": dues,
            }
        )
    sections.extend(_duty_sections(request, staff))
    return sections


def _duty_sections(request: HttpRequest, staff: Staff) -> list[dict[str, Any]]:
    """Duties served (attended shifts) and person-times, from the roster's attendance.

    The roster's own section lists upcoming duties and the health app's lists isolation; this one
    completes the record with what the person has already served.
    """
    if not (can(request.user, "roster.view") or _is_self(request, staff)):
        return []
    if not apps.is_installed("frontline.roster"):
        return []
    try:
        from frontline.roster.models import Attendance
    except ImportError:  # the roster app may be mid-change; the profile must still open
        return []
    served = Attendance.objects.filter(staff=staff, clock_in__isnull=False).select_related("checkpoint")
    count = served.count()
    if not count:
        return []
    rows = [
        (a.day, a.shift, a.checkpoint or gettext("Office"), a.get_status_display())
        for a in served.order_by("-day", "-planned_start")[:20]
    ]
    return [
        {
            "title": gettext("Duties served (person-times: %(n)s)") % {"n": count},
            "count": count,
            "headers": [gettext("Day"), gettext("Shift"), gettext("Post"), gettext("Status")],
            "rows": rows,
        }
    ]


@checkpoint_section
def vanguard_section(request: HttpRequest, checkpoint: Checkpoint) -> list[dict[str, Any]]:
    """Show when a checkpoint is (or was) a vanguard post led by party members."""
    posts = list(VanguardPost.objects.filter(checkpoint=checkpoint).select_related("leader", "branch"))
    if not posts:
        return []
    return [
        {
            "title": "★ " + gettext("Vanguard post (led by party members)"),
            "count": None,
            "headers": [
                gettext("Name"),
                gettext("Led by"),
                gettext("Branch"),
                gettext("Designated on"),
                gettext("Status"),
            ],
            "rows": [
                (
                    p.name,
                    p.leader.name,
                    p.branch.name if p.branch else "—",
                    p.designated_on,
                    gettext("Revoked %(day)s") % {"day": p.revoked_on} if p.revoked_on else gettext("Active"),
                )
                for p in posts
            ],
        }
    ]
