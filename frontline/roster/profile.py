"""The roster's sections on the staff profile and the checkpoint page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from frontline.core.access import can
from frontline.org.models import Checkpoint, Staff
from frontline.org.profile import checkpoint_section, staff_section
from frontline.roster import selectors
from frontline.roster.models import Attendance


@staff_section
def duties_section(request: HttpRequest, staff: Staff) -> list[dict[str, Any]]:
    """Upcoming published duties and attended shifts of a staff member."""
    if not (can(request.user, "roster.view") or getattr(request.user, "staff", None) == staff):
        return []
    duties = selectors.staff_duties(staff=staff, limit=14)
    attended = Attendance.objects.filter(staff=staff, clock_in__isnull=False).count()
    return [
        {
            "title": gettext("Upcoming duties (person-times attended: %(n)s)") % {"n": attended},
            "headers": [gettext("Day"), gettext("Shift"), gettext("Post")],
            "rows": [(d.day, d.shift, d.post_name) for d in duties],
            "count": len(duties),
        }
    ]


@checkpoint_section
def on_duty_section(request: HttpRequest, checkpoint: Checkpoint) -> list[dict[str, Any]]:
    """Who stands the checkpoint today, by shift."""
    if not can(request.user, "roster.view"):
        return []
    today = timezone.localdate()
    rows = (
        selectors.published_assignments()
        .filter(checkpoint=checkpoint, day=today)
        .select_related("staff")
        .order_by("starts_at", "staff__name")
    )
    return [
        {
            "title": gettext("On duty today"),
            "headers": [gettext("Shift"), gettext("Staff member")],
            "rows": [(a.shift, a.staff.name) for a in rows],
        }
    ]
