"""Demo rosters: rules, a published roster for the current batch's days, attendance and inspections."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from frontline.org.models import Checkpoint, WorkingGroup
from frontline.org.services import checkpoint_save
from frontline.roster import services
from frontline.roster.models import Assignment, Attendance, RosterVersion, RuleKey

ACTOR = "load_demo"
DAY_SHIFTS = ["07:00-13:00", "13:00-19:00"]
MAIN_CHECKPOINTS = 2


def shape_demand(ctx: Any) -> None:
    """Size demand to the article's record (1,300+ person-times in 56 days) and the smallest batch.

    Two checkpoints are staffed round the clock with a party member wanted on every shift;
    the other nineteen have one person on one day shift: 24 a day at the checkpoints and 2
    on office duty, some 1,400 over the campaign. The third batch (about 31 people on a
    six-day week) can give at most ~26 a day, so two people on three shifts at all 21
    points (126 a day) would need four times a batch.
    """
    for n, cp in enumerate(ctx.checkpoints):
        main = n < MAIN_CHECKPOINTS
        checkpoint_save(
            actor=ACTOR,
            checkpoint=cp,
            code=cp.code,
            name=cp.name,
            community=cp.community,
            address=cp.address,
            kind=cp.kind,
            opened_on=cp.opened_on,
            shift_pattern=cp.shift_pattern if main else [DAY_SHIFTS[n % 2]],
            staff_min=1,
            staff_max=2 if main else 1,
        )
        if main:
            services.checkpoint_demand_save(actor=ACTOR, checkpoint=cp, need_party_member=True, need_team_leader=False)


def configure(ctx: Any) -> None:
    """Set the demo's roster settings, rules, age limit and demand (also used by the bench and tests)."""
    campaign = ctx.campaign
    services.roster_settings_save(
        actor=ACTOR,
        campaign=campaign,
        office_shift_pattern=["08:00-20:00", "20:00-08:00"],
        office_staff=1,
        leader_rota=True,
    )
    # A six-day week during the emergency (leave was cancelled, as the article says).
    services.rule_setting_save(
        actor=ACTOR, campaign=campaign, key=RuleKey.MAX_SHIFTS_PER_WEEK, enabled=True, hard=True, weight=50, value=6
    )
    services.rule_setting_save(
        actor=ACTOR, campaign=campaign, key=RuleKey.MAX_CONSECUTIVE_DAYS, enabled=True, hard=True, weight=50, value=6
    )
    services.person_limit_save(
        actor=ACTOR, campaign=campaign, name="55岁及以上", min_age=55, max_hours_per_day=6, no_nights=True
    )
    shape_demand(ctx)


def load(ctx: Any) -> None:
    """Publish a roster for the current batch's first 14 days, with attendance for the days gone."""
    campaign = ctx.campaign
    today = ctx.today
    configure(ctx)
    batch = next((b for b in ctx.batches if b.start_date <= today <= b.end_date), ctx.batches[-1])
    start = batch.start_date
    office = ctx.users.get("office") or ACTOR
    version = None
    # Two weeks first; on a busy machine a one-week window still gives the demo a live roster.
    for days, seconds in ((14, 6.0), (7, 4.0)):
        end = min(batch.end_date, start + timedelta(days=days - 1))
        version = services.roster_create(
            actor=office,
            campaign=campaign,
            name=f"{batch}排班（{start:%m-%d}至{end:%m-%d}）",
            start_date=start,
            end_date=end,
            batch=batch,
            time_limit=seconds,
        )
        if version.solver_status in ("optimal", "feasible"):
            break
        services.version_discard(actor=office, version=version)
    if version is None or version.solver_status not in ("optimal", "feasible"):
        return  # the draft shows why; nothing to publish
    services.version_publish(actor=office, version=version)
    _attendance(ctx, version)
    _inspections(ctx)
    _swap(ctx, version, batch)


def _swap(ctx: Any, version: RosterVersion, batch: Any) -> None:
    """One swap request waiting for the office: a duty the day after tomorrow, to a colleague free that day."""
    day = ctx.today + timedelta(days=2)
    duties = Assignment.objects.filter(version=version, day=day, checkpoint__isnull=False).order_by("starts_at", "pk")
    busy = set(Assignment.objects.filter(version=version, day=day).values_list("staff_id", flat=True))
    free = [s for s in batch.staff.order_by("pk") if s.pk not in busy]
    duty = duties.select_related("staff").first()
    if duty is None or not free:
        return
    services.swap_request(
        actor=ACTOR, requester=duty.staff, duty=duty, substitute=free[0], reason="家中老人住院，需陪护一天"
    )


def _attendance(ctx: Any, version: RosterVersion) -> None:
    """Clock-ins for the duties already over: most on time, a few late, one or two absent."""
    rng = ctx.rng
    now = timezone.now()
    rows = []
    for a in Assignment.objects.filter(version=version, ends_at__lte=now).select_related("version__roster"):
        roll = rng.random()
        if roll < 0.03:
            rows.append(_row(a, None, None, Attendance.Status.ABSENT))
            continue
        late = roll < 0.08
        clock_in = a.starts_at + timedelta(minutes=rng.randint(16, 40) if late else -rng.randint(0, 20))
        clock_out = min(now, a.ends_at + timedelta(minutes=rng.randint(0, 15)))  # never in the future
        rows.append(_row(a, clock_in, clock_out, Attendance.Status.LATE if late else Attendance.Status.PRESENT))
    Attendance.objects.bulk_create(rows, ignore_conflicts=True)


def _row(a: Assignment, clock_in: datetime | None, clock_out: datetime | None, status: str) -> Attendance:
    return Attendance.for_duty(a, clock_in=clock_in, clock_out=clock_out, status=status)


FINDINGS = [
    "登记台账完整，测温规范。",
    "防护物资充足，提醒夜班人员注意保暖。",
    "车辆劝返记录清楚，返包人员已登记报社区。",
    "执勤人员佩戴口罩规范，消毒记录需补齐。",
    "",
]


def _inspections(ctx: Any) -> None:
    """The director inspected 20+ points a day; the other leaders a few each (today: those already made)."""
    rng = ctx.rng
    leaders = list(ctx.groups[WorkingGroup.Kind.LEADERSHIP].members.all().order_by("id"))
    director = ctx.groups[WorkingGroup.Kind.LEADERSHIP].leader or leaders[0]
    checkpoints = list(Checkpoint.objects.filter(active=True).order_by("code"))
    now = timezone.now()
    tz = timezone.get_current_timezone()
    for back in range(0, 6):  # today's rounds so far too
        day = ctx.today - timedelta(days=back)
        at = timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=8), tz)
        for cp in checkpoints[: rng.randint(18, 21)]:
            at += timedelta(minutes=rng.randint(15, 30))
            if at < now:
                services.inspection_record(
                    actor=ACTOR,
                    campaign=ctx.campaign,
                    leader=director,
                    checkpoint=cp,
                    at=at,
                    findings=rng.choice(FINDINGS),
                )
        other = rng.choice([s for s in leaders if s != director] or leaders)
        for cp in rng.sample(checkpoints, 3):
            when = at + timedelta(hours=rng.randint(1, 5))
            if when >= now:
                continue
            services.inspection_record(
                actor=ACTOR,
                campaign=ctx.campaign,
                leader=other,
                checkpoint=cp,
                at=when,
                findings=rng.choice(FINDINGS),
            )
