"""The demo loader publishes a roster for the current batch that keeps every hard rule."""

from __future__ import annotations

import time

import pytest

from frontline.roster import planning
from frontline.roster.models import Attendance, Inspection, RosterVersion, SwapRequest


@pytest.mark.django_db
def test_demo_publishes_a_checked_roster_with_attendance_history() -> None:
    from frontline.org import demo as org_demo
    from frontline.roster import demo

    ctx = org_demo.load()
    t0 = time.monotonic()
    demo.load(ctx)
    elapsed = time.monotonic() - t0
    version = RosterVersion.objects.get(status=RosterVersion.Status.PUBLISHED)
    n_days = len(version.roster.days)
    assert version.assignments.count() >= n_days * 24
    assert not [b for b in planning.check_version(version) if b.hard]
    assert version.leader_duties.count() == n_days
    assert Attendance.objects.filter(clock_in__isnull=False).exists()
    assert Inspection.objects.count() >= 5 * 18
    # The duty log-in serves in today's batch: its phone page has duties to show and clock in for.
    duty = ctx.users["duty"].staff
    assert version.assignments.filter(staff=duty).exists()
    # And the office has a swap request to decide.
    assert SwapRequest.objects.filter(status=SwapRequest.Status.PENDING).count() == 1
    print(f"roster demo: {elapsed:.1f}s")  # measured, not asserted: speed belongs to the bench
