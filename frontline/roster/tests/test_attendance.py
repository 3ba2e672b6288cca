"""Clocking in and out, absences flagged by the job, person-times, inspections."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from frontline.core.errors import DomainError
from frontline.core.models import AuditLog
from frontline.org.models import Checkpoint
from frontline.roster import selectors, services
from frontline.roster.models import Assignment, Attendance, Roster, RosterVersion


def published_duties(ro: Any, person: Any, *, days: int = 3) -> list[Assignment]:
    """Publish a hand-made roster: the person stands A01's morning shift every day (no solver needed)."""
    roster = Roster.objects.create(
        campaign=ro.campaign, name="手排", start_date=ro.start, end_date=ro.start + timedelta(days=days - 1)
    )
    version = RosterVersion.objects.create(roster=roster, number=1)
    for k in range(days):
        services.cell_set(
            actor=ro.office,
            version=version,
            day=ro.start + timedelta(days=k),
            checkpoint=ro.checkpoint_a,
            shift="07:00-13:00",
            staff=[person],
        )
    RosterVersion.objects.filter(pk=version.pk).update(status=RosterVersion.Status.PUBLISHED)
    return list(version.assignments.order_by("starts_at"))


def local(day: Any, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour, minute=minute))


@pytest.mark.django_db
def test_one_tap_clocks_in_then_out_and_counts_person_times(roster_org: Any) -> None:
    me = roster_org.staff[-1]  # the duty log-in's staff record
    duties = published_duties(roster_org, me)
    with time_machine.travel(local(roster_org.start, 6, 50), tick=False):
        row = services.attendance_clock(actor=roster_org.duty, staff=me, action="in")
        assert row.status == Attendance.Status.PRESENT and row.clock_in and not row.clock_out
    with time_machine.travel(local(roster_org.start, 13, 5), tick=False):
        row = services.attendance_clock(actor=roster_org.duty, staff=me, action="out")
        assert row.clock_out is not None
        with pytest.raises(DomainError):
            services.attendance_clock(actor=roster_org.duty, staff=me, action="in")
    with time_machine.travel(local(roster_org.start + timedelta(days=1), 7, 40), tick=False):
        late = services.attendance_clock(actor=roster_org.duty, staff=me, action="in")
        assert late.status == Attendance.Status.LATE
    with time_machine.travel(local(roster_org.start + timedelta(days=1), 16, 0), tick=False):
        with pytest.raises(DomainError) as exc:
            services.attendance_clock(actor=roster_org.duty, staff=me, action="out")
        assert exc.value.field == "clock"
    assert selectors.person_times(campaign=roster_org.campaign) == 2
    assert selectors.person_times(campaign=roster_org.campaign, day_from=duties[1].day, day_to=duties[1].day) == 1


@pytest.mark.django_db
def test_the_job_flags_absences_once_and_a_late_arrival_still_counts(roster_org: Any) -> None:
    from frontline.core.jobs import REGISTRY

    me = roster_org.staff[-1]
    published_duties(roster_org, me, days=2)
    with time_machine.travel(local(roster_org.start, 7, 20), tick=False):
        assert services.attendance_flag_absences() == 0  # not yet half an hour late
    with time_machine.travel(local(roster_org.start, 7, 40), tick=False):
        assert REGISTRY["roster_flag_absences"].func() == {"flagged": 1}
        assert services.attendance_flag_absences() == 0  # idempotent
        row = Attendance.objects.get(staff=me)
        assert row.status == Attendance.Status.ABSENT
        assert selectors.person_times(campaign=roster_org.campaign) == 0
    with time_machine.travel(local(roster_org.start, 8, 0), tick=False):
        row = services.attendance_clock(actor=roster_org.duty, staff=me, action="in")
        assert row.status == Attendance.Status.LATE
    assert selectors.person_times(campaign=roster_org.campaign) == 1


@pytest.mark.django_db
def test_a_repeated_tap_on_a_weak_network_changes_nothing(roster_org: Any, client_as: Any) -> None:
    me = roster_org.staff[-1]
    published_duties(roster_org, me)
    phone = client_as(roster_org.duty)
    with time_machine.travel(local(roster_org.start, 6, 50), tick=False):
        page = phone.get("/roster/me/").content.decode()
        assert 'name="action" value="in"' in page
        phone.post("/roster/me/clock/", {"action": "in"})
    # The first answer was lost: the phone sends the same tap again a minute later.
    with time_machine.travel(local(roster_org.start, 6, 51), tick=False):
        response = phone.post("/roster/me/clock/", {"action": "in"}, follow=True)
        assert "06:50" in response.content.decode()
    row = Attendance.objects.get(staff=me)
    assert row.clock_in == local(roster_org.start, 6, 50) and row.clock_out is None
    # Out, twice: the first time stands.
    for minute in (5, 6):
        with time_machine.travel(local(roster_org.start, 13, minute), tick=False):
            phone.post("/roster/me/clock/", {"action": "out"})
    row.refresh_from_db()
    assert row.clock_out == local(roster_org.start, 13, 5)
    assert AuditLog.objects.filter(action__in=("roster.clock_in", "roster.clock_out")).count() == 2
    # Out without having clocked in, or a tap that says neither: a clear error on the field "clock".
    with time_machine.travel(local(roster_org.start + timedelta(days=1), 7, 0), tick=False):
        for action in ("out", ""):
            with pytest.raises(DomainError) as exc:
                services.attendance_clock(actor=roster_org.duty, staff=me, action=action)
            assert exc.value.field == "clock"
    assert Attendance.objects.count() == 1


@pytest.mark.django_db
def test_a_tap_kept_on_a_phone_without_network_counts_when_it_was_made(roster_org: Any, client_as: Any) -> None:
    me = roster_org.staff[-1]
    published_duties(roster_org, me)
    phone = client_as(roster_org.duty)
    tapped = local(roster_org.start, 6, 55)
    # No network at the gate: the tap reaches us at 07:40, after the job flagged the duty absent.
    with time_machine.travel(local(roster_org.start, 7, 40), tick=False):
        services.attendance_flag_absences()
        phone.post("/roster/me/clock/", {"action": "in", "tapped_at": tapped.isoformat()})
    row = Attendance.objects.get(staff=me)
    assert (row.clock_in, row.status, row.sent_late) == (tapped, Attendance.Status.PRESENT, True)
    audit = AuditLog.objects.get(action="roster.clock_in")
    assert "received" in audit.changes
    # The office sees that this time came from the phone.
    page = client_as(roster_org.office).get(f"/roster/attendance/?day={roster_org.start.isoformat()}")
    assert "离线补传" in page.content.decode()
    # A phone clock ahead of ours, or a tap older than a shift, is refused with the reason.
    with time_machine.travel(local(roster_org.start, 12, 0), tick=False):
        for bad in (local(roster_org.start, 12, 30), local(roster_org.start, 12, 0) - timedelta(hours=13)):
            with pytest.raises(DomainError) as exc:
                services.attendance_clock(actor=roster_org.duty, staff=me, action="out", tapped_at=bad)
            assert exc.value.field == "clock" and exc.value.code == "roster.clock_skew"
        response = phone.post("/roster/me/clock/", {"action": "out", "tapped_at": "yesterday"}, follow=True)
        assert "手机发送的时间无法识别" in response.content.decode()
    row.refresh_from_db()
    assert row.clock_out is None


@pytest.mark.django_db
def test_inspections_are_logged_and_shown_by_day(roster_org: Any, client_as: Any) -> None:
    leader = roster_org.leaders[0]
    at = timezone.now() - timedelta(hours=1)
    services.inspection_record(
        actor=roster_org.leader,
        campaign=roster_org.campaign,
        leader=leader,
        checkpoint=roster_org.checkpoint_a,
        at=at,
        findings="测温规范",
    )
    with pytest.raises(DomainError) as exc:
        services.inspection_record(
            actor=roster_org.leader,
            campaign=roster_org.campaign,
            leader=leader,
            checkpoint=roster_org.checkpoint_a,
            at=timezone.now() + timedelta(days=1),
        )
    assert exc.value.field == "at"
    day = timezone.localtime(at).date()
    html = client_as(roster_org.leader).get(f"/roster/inspections/?day={day.isoformat()}").content.decode()
    assert "测温规范" in html and leader.name in html
    # Checkpoints not visited that day are listed.
    assert str(Checkpoint.objects.get(code="B01")) in html
    response = client_as(roster_org.leader).post(
        "/roster/inspections/new/",
        {
            "leader": leader.pk,
            "checkpoint": roster_org.checkpoint_b.pk,
            "at": timezone.localtime(at).strftime("%Y-%m-%dT%H:%M"),
            "findings": "物资充足",
        },
    )
    assert response.status_code == 302
    # Duty staff may look at nothing of the office's and record no inspection.
    assert client_as(roster_org.duty).get("/roster/inspections/new/").status_code == 403


@pytest.mark.django_db
def test_the_gate_page_starts_at_the_checkpoint_of_the_duty_now(roster_org: Any, client_as: Any) -> None:
    import json
    import re

    me = roster_org.staff[-1]  # the duty log-in's staff record
    published_duties(roster_org, me)  # A01's morning shift

    def config() -> dict[str, Any]:
        page = client_as(roster_org.duty).get("/checkpoints/field/").content.decode()
        found = re.search(r'<script id="field-config" type="application/json">(.*?)</script>', page, re.S)
        assert found is not None
        return dict(json.loads(found.group(1)))

    with time_machine.travel(local(roster_org.start, 7, 30), tick=False):
        duty = config()["duty"]
        assert duty["checkpoint"] == roster_org.checkpoint_a.pk
        assert datetime.fromisoformat(duty["until"]) == local(roster_org.start, 13)  # when the duty ends
    with time_machine.travel(local(roster_org.start, 20, 0), tick=False):
        assert config()["duty"] is None  # off duty: the phone keeps the last checkpoint chosen
