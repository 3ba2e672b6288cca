"""Adapter between the ORM and the solver core: build the plain problem, read the answer back.

The solver (`roster/solver.py`) and the checker (`roster/checker.py`) know nothing of Django.
This module gathers demand, availability, per-person limits and rule settings for a roster
into `PlanData` (ids and dates only), hands it over, and turns what comes back into cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext, gettext_noop

from frontline.core.cooperative import call_elsewhere
from frontline.org.models import Batch, Campaign, Checkpoint, Staff
from frontline.roster import selectors
from frontline.roster.models import (
    CheckpointDemand,
    Roster,
    RosterVersion,
    RuleKey,
    shift_is_night,
    shift_minutes,
)

WORKERS = 2  # CP-SAT workers: the machine has two cores
OFFICE = 0  # the post id of office duty (checkpoints use their own ids)


@dataclass(frozen=True)
class Post:
    id: int
    name: str
    community_id: int | None
    shifts: tuple[str, ...]
    staff_min: int
    staff_max: int
    need_party_member: bool = False
    need_team_leader: bool = False
    opened_on: date | None = None
    closed_on: date | None = None

    def open_on(self, day: date) -> bool:
        return (self.opened_on is None or day >= self.opened_on) and (self.closed_on is None or day <= self.closed_on)


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    party_member: bool
    team_leader: bool
    home_community_id: int | None
    max_minutes_per_day: int | None  # from per-person limits
    no_nights: bool
    posts: frozenset[int]  # which posts the person may stand (checkpoints and/or office)


@dataclass(frozen=True)
class Cell:
    day: date
    post: int
    shift: str
    staff: int
    locked: bool = False


@dataclass
class PlanData:
    """Everything the solver needs about one roster, in plain values."""

    days: list[date]
    posts: list[Post]
    people: list[Person]
    available: dict[int, set[date]]  # staff id -> days they may serve
    unavailable_reason: dict[int, dict[date, str]]
    rules: dict[str, selectors.Rule]
    locked: list[Cell] = field(default_factory=list)
    previous: list[Cell] = field(default_factory=list)  # the roster in force, for fewest changes

    def post(self, post_id: int) -> Post:
        return next(p for p in self.posts if p.id == post_id)

    def person(self, staff_id: int) -> Person:
        return next(p for p in self.people if p.id == staff_id)


def _batch_days(batches: list[Batch], days: list[date]) -> dict[int, set[date]]:
    out: dict[int, set[date]] = {}
    for batch in batches:
        members = list(batch.staff.values_list("id", flat=True))
        for sid in members:
            out.setdefault(sid, set()).update(d for d in days if batch.start_date <= d <= batch.end_date)
    return out


def build_plan(roster: Roster, *, checkpoints: list[Checkpoint] | None = None) -> PlanData:
    """Gather demand, who can serve which day, limits and rules for a roster."""
    campaign: Campaign = roster.campaign
    days = roster.days
    cps = (
        checkpoints
        if checkpoints is not None
        else list(Checkpoint.objects.filter(active=True).select_related("community").order_by("code"))
    )
    demand = {d.checkpoint_id: d for d in CheckpointDemand.objects.filter(checkpoint__in=cps)}
    posts = [
        Post(
            id=cp.pk,
            name=f"{cp.code} {cp.name}",
            community_id=cp.community_id,
            shifts=tuple(cp.shift_pattern),
            staff_min=cp.staff_min,
            staff_max=cp.staff_max,
            need_party_member=bool(demand.get(cp.pk) and demand[cp.pk].need_party_member),
            need_team_leader=bool(demand.get(cp.pk) and demand[cp.pk].need_team_leader),
            opened_on=cp.opened_on,
            closed_on=cp.closed_on,
        )
        for cp in cps
        if cp.shift_pattern
    ]
    settings = selectors.settings_for(campaign)
    office_ids = {s.pk for s in selectors.office_staff(campaign)}
    if settings.office_shift_pattern and settings.office_staff and office_ids:
        posts.append(
            Post(
                id=OFFICE,
                name=gettext("Office duty"),
                community_id=None,
                shifts=tuple(settings.office_shift_pattern),
                staff_min=settings.office_staff,
                staff_max=settings.office_staff,
            )
        )

    # Who serves which day: the roster's batch, or every batch of the campaign; the office
    # group stands office duty all campaign long.
    batches = [roster.batch] if roster.batch_id and roster.batch else list(campaign.batches.all())
    serving = _batch_days(batches, days)
    for sid in office_ids:
        serving.setdefault(sid, set()).update(days)
    staff = list(Staff.objects.filter(pk__in=serving.keys(), active=True).order_by("id"))
    limits = selectors.person_limits_for(campaign)
    checkpoint_ids = frozenset(p.id for p in posts if p.id != OFFICE)
    batch_members = {sid for b in batches for sid in b.staff.values_list("id", flat=True)}
    people: list[Person] = []
    for s in staff:
        age = s.age_on(days[0]) if days else None
        minutes: int | None = None
        no_nights = False
        for limit in limits:
            if age is not None and age >= limit.min_age:
                if limit.max_hours_per_day:
                    hours = limit.max_hours_per_day * 60
                    minutes = hours if minutes is None else min(minutes, hours)
                no_nights = no_nights or limit.no_nights
        in_batch = s.pk in batch_members
        allowed = (checkpoint_ids if in_batch else frozenset()) | (
            frozenset({OFFICE}) if s.pk in office_ids else frozenset()
        )
        people.append(
            Person(
                id=s.pk,
                name=s.name,
                party_member=s.is_party_member,
                team_leader=s.is_team_leader,
                home_community_id=s.home_community_id,
                max_minutes_per_day=minutes,
                no_nights=no_nights,
                posts=allowed,
            )
        )
    ids = [p.id for p in people]
    reasons = selectors.unavailable_days(staff_ids=ids, start=days[0], end=days[-1]) if days else {}
    available = {sid: {d for d in serving.get(sid, set()) if d not in reasons.get(sid, {})} for sid in ids}
    return PlanData(
        days=days,
        posts=posts,
        people=people,
        available=available,
        unavailable_reason={k: dict(v) for k, v in reasons.items()},
        rules=selectors.rules_for(campaign),
    )


def cells_of(version: RosterVersion) -> list[Cell]:
    return [
        Cell(day=a.day, post=a.checkpoint_id or OFFICE, shift=a.shift, staff=a.staff_id, locked=a.locked)
        for a in version.assignments.all()
    ]


def may_work(plan: PlanData, person: Person, post: Post, shift: str) -> bool:
    """Tell whether a person's limits allow a shift at all (age limits, office or checkpoint)."""
    if post.id not in person.posts:
        return False
    if person.no_nights and shift_is_night(shift):
        return False
    return not (person.max_minutes_per_day is not None and shift_minutes(shift) > person.max_minutes_per_day)


def rule_label(key: str) -> str:
    return str(RuleKey(key).label)


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def describe(plan: PlanData) -> dict[str, Any]:
    """Summarise a plan's size, for logs and the generation page."""
    shifts = sum(len(p.shifts) for p in plan.posts) * len(plan.days)
    return {"days": len(plan.days), "posts": len(plan.posts), "people": len(plan.people), "shifts": shifts}


# --- the solver's side ----------------------------------------------------------------------

ShiftId = tuple[date, int, str]  # (day, post, shift label): one slot of the roster

# The solver's rule names for our rule settings (same keys by design).
SOLVER_RULES = (
    "coverage",
    "roles",
    "one_shift_per_day",
    "min_rest_hours",
    "max_consecutive_days",
    "days_off_after_max_run",
    "min_consecutive_days_off",
    "max_shifts_per_week",
    "fairness_shifts",
    "fairness_nights",
    "fairness_weekends",
    "continuity",
    "home_community",
    "stability",
)


@dataclass(frozen=True)
class Breach:
    """A rule a roster breaks, in the user's words."""

    rule: str
    message: str
    hard: bool
    day: date | None = None
    post: int | None = None
    shift: str | None = None
    staff: int | None = None


@dataclass
class SolveOutcome:
    status: str
    cells: list[Cell]
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    explanation: list[dict[str, Any]]
    first_solution_seconds: float | None = None


def _naive(day: date, label: str) -> tuple[Any, Any]:
    from frontline.roster.models import shift_bounds

    start, end = shift_bounds(day, label)
    return start.replace(tzinfo=None), end.replace(tzinfo=None)


def to_problem(plan: PlanData) -> Any:
    """Turn plan data into the solver's Problem: one Shift per post, day and shift of the pattern."""
    from frontline.roster import solver

    shifts = []
    for post in plan.posts:
        for day in plan.days:
            if not post.open_on(day):
                continue
            for label in post.shifts:
                start, end = _naive(day, label)
                shifts.append(
                    solver.Shift(
                        id=(day, post.id, label),
                        checkpoint_id=post.id if post.id != OFFICE else None,
                        day=day,
                        start=start,
                        end=end,
                        is_night=shift_is_night(label),
                        min_staff=post.staff_min,
                        max_staff=post.staff_max,
                        needs_party_member=post.need_party_member,
                        needs_team_leader=post.need_team_leader,
                        kind="office" if post.id == OFFICE else "checkpoint",
                        community_id=post.community_id,
                    )
                )
    staff = []
    for p in plan.people:
        kinds = frozenset(
            ({"office"} if OFFICE in p.posts else set()) | ({"checkpoint"} if p.posts - {OFFICE} else set())
        )
        staff.append(
            solver.Staff(
                id=p.id,
                name=p.name,
                available_days=frozenset(plan.available.get(p.id, set())),
                is_party_member=p.party_member,
                is_team_leader=p.team_leader,
                home_community_id=p.home_community_id,
                max_minutes_per_day=p.max_minutes_per_day,
                no_nights=p.no_nights,
                kinds=kinds,
                unavailable=dict(plan.unavailable_reason.get(p.id, {})),
            )
        )
    rules = solver.Rules(
        **{
            key: solver.Rule(value=r.value, hard=r.hard, weight=max(r.weight, 1), enabled=r.enabled)
            for key, r in plan.rules.items()
            if key in SOLVER_RULES
        }
    )
    return solver.Problem(shifts=tuple(shifts), staff=tuple(staff), rules=rules)


def _pairs(cells: list[Cell]) -> frozenset[tuple[int, ShiftId]]:
    return frozenset((c.staff, (c.day, c.post, c.shift)) for c in cells)


def _cells(assignments: list[tuple[Any, Any]], locked: frozenset[tuple[int, ShiftId]]) -> list[Cell]:
    out = []
    for staff_id, (day, post, label) in assignments:
        out.append(
            Cell(day=day, post=post, shift=label, staff=staff_id, locked=(staff_id, (day, post, label)) in locked)
        )
    return sorted(out, key=lambda c: (c.day, c.post, c.shift, c.staff))


REASONS = {
    "not_enough_staff": gettext_noop("not enough staff can serve"),
    "no_party_member": gettext_noop("no party member can serve"),
    "no_team_leader": gettext_noop("no team leader can serve"),
    "day_overbooked": gettext_noop("more places that day than people who can serve"),
    "week_capacity": gettext_noop("the staff cannot cover this week within the rules"),
    "locked_ineligible": gettext_noop("a locked cell holds someone who cannot serve"),
    "locked_unknown": gettext_noop("a locked cell is no longer in the roster"),
    "infeasible": gettext_noop("the rules cannot all be kept"),
    "pool_week_capacity": gettext_noop("the people who can fill these places cannot cover this week within the rules"),
    "rule_conflict": gettext_noop("the rules contradict each other on this day"),
    "unexplained": gettext_noop("no roster keeps every rule, for a reason the check could not name"),
    "unfilled": gettext_noop("no one could be found for this place in the time allowed"),
    "unfilled_party_member": gettext_noop("no party member could be found for this shift in the time allowed"),
    "unfilled_team_leader": gettext_noop("no team leader could be found for this shift in the time allowed"),
    "timeout": gettext_noop("the solver ran out of time before finding a roster"),
    "understaffed": gettext_noop("fewer staff than the shift needs"),
}


def reason_text(code: str) -> str:
    """Return the translated reason of a shortage code."""
    return gettext(REASONS[code]) if code in REASONS else code.replace("_", " ")


def explain(plan: PlanData, shortages: list[Any]) -> list[dict[str, Any]]:
    """Turn the solver's shortages into rows the page shows: checkpoint, day, shift, shortfall, why."""
    names = {p.id: p.name for p in plan.posts}
    rows = []
    for s in shortages:
        post = (
            s.checkpoint_id
            if s.checkpoint_id is not None
            else (s.shift_id[1] if isinstance(s.shift_id, tuple) else None)
        )
        rows.append(
            {
                "post": names.get(post, "") if post is not None else "",
                "post_id": post,
                "day": s.day.isoformat() if s.day else "",
                "shift": s.shift_id[2] if isinstance(s.shift_id, tuple) else "",
                "needed": s.needed,
                "available": s.available,
                "shortfall": max(s.needed - s.available, 0),
                "reason": s.reason_code,
                "detail": s.detail,
                "rules": list(s.rules),
            }
        )
    return rows


def _outcome(plan: PlanData, result: Any, locked: frozenset[tuple[int, ShiftId]]) -> SolveOutcome:
    return SolveOutcome(
        status=result.status,
        cells=_cells(result.assignments, locked) if result.status in ("optimal", "feasible") else [],
        objective=result.objective,
        bound=result.bound,
        gap=result.gap,
        seconds=result.wall_time,
        explanation=explain(plan, result.explanation),
        first_solution_seconds=getattr(result, "first_solution_time", None),
    )


def solve(plan: PlanData, *, time_limit: float) -> SolveOutcome:
    """Solve a plan, keeping its locked cells and, when there is a previous roster, close to it."""
    problem = to_problem(plan)
    locked = _pairs(plan.locked)
    result = call_elsewhere(  # a child process under the cooperative web workers
        "frontline.roster.solver:solve",
        problem,
        time_limit_s=time_limit,
        locked=locked,
        previous=_pairs(plan.previous) or None,
        workers=WORKERS,
    )
    return _outcome(plan, result, locked)


def repair(
    plan: PlanData,
    *,
    current: list[Cell],
    staff_id: int,
    days: set[date],
    time_limit: float,
    from_day: date | None = None,
) -> SolveOutcome:
    """Re-solve around an absent person: only cells that must change, and as few others as possible.

    Days before from_day (by default the first day away) stay as they are.
    """
    problem = to_problem(plan)
    locked = frozenset((c.staff, (c.day, c.post, c.shift)) for c in current if c.locked and c.staff != staff_id)
    result = call_elsewhere(
        "frontline.roster.solver:repair",
        problem,
        current=_pairs(current),
        unavailable_staff_id=staff_id,
        from_day=min(days) if from_day is None else min(from_day, min(days)),
        days=sorted(days),
        time_limit_s=time_limit,
        workers=WORKERS,
        locked=locked,
    )
    return _outcome(plan, result, locked)


def check(plan: PlanData, cells: list[Cell]) -> list[Breach]:
    """Verify a roster with the independent checker: every hard rule broken, and the soft costs."""
    from frontline.roster import checker

    problem = to_problem(plan)
    found = checker.check_roster(problem, sorted(_pairs(cells), key=str))
    out = [_breach(plan, b) for b in found.breaches]
    return sorted(out, key=lambda b: (not b.hard, b.day or date.min, b.rule))


RULE_WORDS = {
    "coverage": gettext_noop("Too few staff on the shift"),
    "max_staff": gettext_noop("Too many staff on the shift"),
    "roles": gettext_noop("No party member or team leader on the shift"),
    "availability": gettext_noop("Not available that day"),
    "kind": gettext_noop("Does not stand this kind of duty"),
    "no_nights": gettext_noop("No night shifts for this person"),
    "max_minutes_per_day": gettext_noop("Too many hours in a day for this person"),
    "overlap": gettext_noop("In two places at once"),
    "min_rest_hours": gettext_noop("Too little rest between shifts"),
    "one_shift_per_day": gettext_noop("More than one shift a day"),
    "max_consecutive_days": gettext_noop("Too many duty days in a row"),
    "days_off_after_max_run": gettext_noop("Too few days off after a longest run"),
    "min_consecutive_days_off": gettext_noop("Too short a break between duty days"),
    "max_shifts_per_week": gettext_noop("Too many shifts in 7 days"),
    "fairness_shifts": gettext_noop("Shifts not spread evenly"),
    "fairness_nights": gettext_noop("Nights not spread evenly"),
    "fairness_weekends": gettext_noop("Weekends not spread evenly"),
    "continuity": gettext_noop("Changes checkpoint from the day before"),
    "home_community": gettext_noop("Outside the home community"),
    "stability": gettext_noop("Differs from the roster in force"),
    "locked": gettext_noop("A locked cell is missing"),
    "duplicate": gettext_noop("The same person twice on a shift"),
    "unknown": gettext_noop("Unknown person or shift"),
}


def rule_words(rule: str) -> str:
    return gettext(RULE_WORDS[rule]) if rule in RULE_WORDS else rule.replace("_", " ")


def _breach(plan: PlanData, v: Any) -> Breach:
    shift_id = v.shift_id
    if isinstance(shift_id, tuple) and len(shift_id) == 3:
        day, post, label = shift_id
    else:
        day, post, label = v.day, None, None
    names = {p.id: p.name for p in plan.people}
    posts = {p.id: p.name for p in plan.posts}
    parts = [rule_words(v.rule)]
    if v.staff_id is not None:
        parts.append(names.get(v.staff_id, str(v.staff_id)))
    if day is not None:
        parts.append(day.isoformat())
    if post is not None:
        parts.append(posts.get(post, ""))
    if label:
        parts.append(label)
    message = " · ".join(p for p in parts if p) + (f" (×{v.units})" if v.units > 1 else "")
    return Breach(rule=v.rule, message=message, hard=v.hard, day=day, post=post, shift=label, staff=v.staff_id)


def preview_cell(version: RosterVersion, *, day: date, post: int, shift: str, staff_ids: list[int]) -> list[Breach]:
    """Return the breaches a cell would have with these people in it, without saving."""
    plan = build_plan(version.roster)
    cells = [c for c in cells_of(version) if not (c.day == day and c.post == post and c.shift == shift)]
    cells += [Cell(day=day, post=post, shift=shift, staff=sid) for sid in staff_ids]
    return _involving(check(plan, cells), day=day, post=post, shift=shift, people=set(staff_ids))


def _involving(breaches: list[Breach], *, day: date, post: int, shift: str, people: set[int]) -> list[Breach]:
    return [
        b
        for b in breaches
        if (b.day == day and b.post == post and b.shift == shift)
        or (b.staff in people and (b.day is None or abs((b.day - day).days) <= 7))
    ]


def check_version(version: RosterVersion) -> list[Breach]:
    plan = build_plan(version.roster)
    return check(plan, cells_of(version))


def breaches_for_cell(version: RosterVersion, *, day: date, post: int, shift: str) -> list[Breach]:
    """Return the breaches that involve one cell or the people in it (for live editing)."""
    plan = build_plan(version.roster)
    cells = cells_of(version)
    people = {c.staff for c in cells if c.day == day and c.post == post and c.shift == shift}
    return _involving(check(plan, cells), day=day, post=post, shift=shift, people=people)
