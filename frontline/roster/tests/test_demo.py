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


@pytest.mark.django_db
def test_whole_demo_campaign_gets_a_complete_start_roster() -> None:
    """The first roster of the whole campaign is the greedy start: every place filled, every hard rule kept.

    Office duty is open only to four office staff who also stand checkpoints; the start used to
    spend their week at checkpoints and leave office nights open, so the first roster came only
    after slow window repairs (18 s in bench/roster_django.py).
    """
    from frontline.org import demo as org_demo
    from frontline.roster import checker, demo
    from frontline.roster.models import Roster
    from frontline.roster.solver import _greedy, _ids, _Index, _unfilled

    ctx = org_demo.load()
    demo.configure(ctx)
    roster = Roster.objects.create(
        campaign=ctx.campaign,
        name="whole campaign",
        start_date=ctx.batches[0].start_date,
        end_date=ctx.batches[-1].end_date,
    )
    problem = planning.to_problem(planning.build_plan(roster))
    ix = _Index(problem)
    assert any(s.kind == "office" for s in problem.shifts)
    start = _greedy(ix, fixed=set(), frozen_day=0)
    assert _unfilled(ix, start) == []
    assert checker.check_roster(problem, _ids(ix, start)).hard == []
