"""The demo loader publishes a roster for the current batch that keeps every hard rule."""

from __future__ import annotations

import time

import pytest

from frontline.roster import planning
from frontline.roster.models import Attendance, Inspection, RosterVersion


@pytest.mark.django_db
def test_demo_publishes_a_checked_roster_with_attendance_history() -> None:
    from frontline.org import demo as org_demo
    from frontline.roster import demo

    ctx = org_demo.load()
    t0 = time.monotonic()
    demo.load(ctx)
    elapsed = time.monotonic() - t0
    version = RosterVersion.objects.get(status=RosterVersion.Status.PUBLISHED)
    assert version.assignments.count() > 14 * 25
    assert not [b for b in planning.check_version(version) if b.hard]
    assert version.leader_duties.count() == 14
    assert Attendance.objects.filter(clock_in__isnull=False).exists()
    assert Inspection.objects.count() >= 5 * 18
    assert elapsed < 15, elapsed
