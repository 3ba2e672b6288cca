"""Judge rosters independently of the solvers that made them.

Nothing here imports ortools or reuses model code: every hard rule is re-derived from
the data by walking the roster day by day, and every objective is recomputed from
scratch. The solver modules are imported for type names only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from frontline.roster.curtois import CurtoisInstance
    from frontline.roster.solver import Problem, Shift, Staff


# =========================================================================== Curtois


@dataclass
class CurtoisCheck:
    """Hard-rule violations (empty when feasible) and the recomputed objective."""

    violations: list[str] = field(default_factory=list)
    objective: int = 0
    breakdown: dict[str, int] = field(default_factory=dict)

    @property
    def feasible(self) -> bool:
        """Return True when no hard rule is broken."""
        return not self.violations


def _runs(flags: Sequence[bool], value: bool) -> list[tuple[int, int]]:
    """Return (start, length) of each maximal run of `value` in flags."""
    out = []
    start = None
    for i, f in enumerate(flags):
        if f == value and start is None:
            start = i
        elif f != value and start is not None:
            out.append((start, i - start))
            start = None
    if start is not None:
        out.append((start, len(flags) - start))
    return out


def check_curtois(instance: CurtoisInstance, roster: Mapping[str, Sequence[str | None]]) -> CurtoisCheck:
    """Verify every hard rule of a benchmark roster and recompute its penalty."""
    res = CurtoisCheck()
    bad = res.violations
    horizon = instance.horizon
    shifts = {s.id: s for s in instance.shifts}

    for emp in instance.employees:
        row = roster.get(emp.id)
        if row is None:
            bad.append(f"{emp.id}: no row")
            continue
        if len(row) != horizon:
            bad.append(f"{emp.id}: row has {len(row)} days, horizon is {horizon}")
            continue
        # A row holds one entry a day, so "one shift a day" is a matter of valid entries.
        for day, sid in enumerate(row):
            if sid is not None and sid not in shifts:
                bad.append(f"{emp.id} day {day}: unknown shift {sid!r}")
        if any(sid is not None and sid not in shifts for sid in row):
            continue
        worked = [sid is not None for sid in row]
        # Forbidden successions never cross the horizon (off days are assumed outside).
        for day in range(horizon - 1):
            a, b = row[day], row[day + 1]
            if a is not None and b is not None and b in shifts[a].forbidden_next:
                bad.append(f"{emp.id} day {day}->{day + 1}: {b} may not follow {a}")
        for sid in shifts:
            limit = emp.max_shifts.get(sid)
            n = sum(1 for s in row if s == sid)
            if limit is not None and n > limit:
                bad.append(f"{emp.id}: {n} x {sid}, max {limit}")
        minutes = sum(shifts[s].minutes for s in row if s is not None)
        if minutes > emp.max_minutes:
            bad.append(f"{emp.id}: {minutes} min > max {emp.max_minutes}")
        if minutes < emp.min_minutes:
            bad.append(f"{emp.id}: {minutes} min < min {emp.min_minutes}")
        for start, length in _runs(worked, True):
            if length > emp.max_consecutive:
                bad.append(f"{emp.id}: {length} shifts in a row from day {start}, max {emp.max_consecutive}")
            touches_edge = start == 0 or start + length == horizon
            if length < emp.min_consecutive and not touches_edge:
                bad.append(f"{emp.id}: {length} shifts in a row from day {start}, min {emp.min_consecutive}")
        for start, length in _runs(worked, False):
            touches_edge = start == 0 or start + length == horizon
            if length < emp.min_days_off and not touches_edge:
                bad.append(f"{emp.id}: {length} days off from day {start}, min {emp.min_days_off}")
        weekends = 0
        for saturday in range(5, horizon - 1, 7):
            if worked[saturday] or worked[saturday + 1]:
                weekends += 1
        if weekends > emp.max_weekends:
            bad.append(f"{emp.id}: {weekends} weekends, max {emp.max_weekends}")
        for day in emp.days_off:
            if 0 <= day < horizon and worked[day]:
                bad.append(f"{emp.id} day {day}: works on a day off")

    on = off = under = over = 0
    for r in instance.on_requests:
        row = roster.get(r.employee)
        if row is None or row[r.day] != r.shift:
            on += r.weight
    for r in instance.off_requests:
        row = roster.get(r.employee)
        if row is not None and row[r.day] == r.shift:
            off += r.weight
    for c in instance.covers:
        n = sum(1 for emp in instance.employees if roster.get(emp.id, [None] * horizon)[c.day] == c.shift)
        if n < c.requirement:
            under += (c.requirement - n) * c.under_weight
        elif n > c.requirement:
            over += (n - c.requirement) * c.over_weight
    res.breakdown = {"shift_on": on, "shift_off": off, "cover_under": under, "cover_over": over}
    res.objective = on + off + under + over
    return res


# =========================================================================== campaign roster


@dataclass(frozen=True)
class Breach:
    """One broken rule: hard ones make a roster invalid, soft ones cost weight x units."""

    rule: str
    hard: bool
    staff_id: Hashable | None
    shift_id: Hashable | None
    day: date | None
    message: str
    units: int = 1

    @property
    def key(self) -> tuple[Any, ...]:
        """Return what identifies the breach regardless of its wording."""
        return (self.rule, self.staff_id, self.shift_id, self.day)


@dataclass
class RosterCheck:
    """Every breach found and the recomputed objective with its parts."""

    breaches: list[Breach] = field(default_factory=list)
    objective: int = 0
    breakdown: dict[str, int] = field(default_factory=dict)

    @property
    def hard(self) -> list[Breach]:
        """Return the hard breaches."""
        return [b for b in self.breaches if b.hard]

    @property
    def feasible(self) -> bool:
        """Return True when no hard rule is broken."""
        return not self.hard


class _Judge:
    """Walks a roster and records breaches; one instance per check."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.rules = problem.rules
        self.shifts = {s.id: s for s in problem.shifts}
        self.staff = {p.id: p for p in problem.staff}
        if problem.shifts:
            first = min(s.day for s in problem.shifts)
            last = max(s.day for s in problem.shifts)
            self.calendar = [first + timedelta(days=k) for k in range((last - first).days + 1)]
        else:
            self.calendar = []
        self.out: list[Breach] = []
        self.penalty: dict[str, int] = defaultdict(int)

    def note(
        self,
        rule: str,
        units: int,
        staff_id: Hashable | None,
        shift_id: Hashable | None,
        day: date | None,
        message: str,
        *,
        always_hard: bool = False,
    ) -> None:
        if units <= 0:
            return
        if always_hard:
            hard = True
        else:
            setting = getattr(self.rules, rule)
            if not setting.enabled:
                return
            hard = setting.hard and rule not in ("continuity", "home_community", "stability")
            if not hard:
                self.penalty[rule] += units * setting.weight
        self.out.append(Breach(rule, hard, staff_id, shift_id, day, message, units))

    # ---- per assignment

    def eligibility(self, person: Staff, shift: Shift) -> None:
        who, sid, day = person.id, shift.id, shift.day
        if day not in person.available_days:
            why = person.unavailable.get(day, "unavailable")
            self.note(
                "availability", 1, who, sid, day, f"{person.name} is not available on {day} ({why})", always_hard=True
            )
        if shift.kind == "leader" and not person.is_leader:
            self.note("kind", 1, who, sid, day, f"{person.name} is not on the leaders' rota", always_hard=True)
        if person.kinds is not None and shift.kind not in person.kinds:
            self.note("kind", 1, who, sid, day, f"{person.name} does not work {shift.kind} shifts", always_hard=True)
        if shift.is_night and person.no_nights:
            self.note("no_nights", 1, who, sid, day, f"{person.name} does not work nights", always_hard=True)
        minutes = int((shift.end - shift.start).total_seconds() // 60)
        if person.max_minutes_per_day is not None and minutes > person.max_minutes_per_day:
            self.note(
                "max_minutes_per_day",
                1,
                who,
                sid,
                day,
                f"{person.name}: {minutes} min shift, at most {person.max_minutes_per_day} a day",
                always_hard=True,
            )

    # ---- per shift

    def shift_rules(self, shift: Shift, people: Sequence[Staff]) -> None:
        n = len(people)
        top = shift.min_staff if shift.max_staff is None else max(shift.max_staff, shift.min_staff)
        if n > top:
            self.note(
                "max_staff",
                n - top,
                None,
                shift.id,
                shift.day,
                f"{n} on shift {shift.id}, at most {top}",
                always_hard=True,
            )
        if n < shift.min_staff:
            self.note(
                "coverage",
                shift.min_staff - n,
                None,
                shift.id,
                shift.day,
                f"shift {shift.id} at {shift.checkpoint_id} on {shift.day} has {n} of {shift.min_staff}",
            )
        if shift.needs_party_member and not any(p.is_party_member for p in people):
            self.note("roles", 1, None, shift.id, shift.day, f"shift {shift.id} has no party member")
        if shift.needs_team_leader and not any(p.is_team_leader for p in people):
            self.note("roles", 1, None, shift.id, shift.day, f"shift {shift.id} has no team leader")

    # ---- per person

    def person_rules(self, person: Staff, mine: Sequence[Shift]) -> None:
        rules = self.rules
        who = person.id
        mine = sorted(mine, key=lambda s: (s.start, s.end))
        rest = timedelta(hours=rules.min_rest_hours.value)
        for a_i, a in enumerate(mine):
            for b in mine[a_i + 1 :]:
                if b.start < a.end and a.start < b.end:
                    self.note(
                        "overlap", 1, who, b.id, b.day, f"{person.name}: {a.id} and {b.id} overlap", always_hard=True
                    )
                elif b.start - a.end < rest:
                    gap_h = (b.start - a.end).total_seconds() / 3600
                    self.note(
                        "min_rest_hours",
                        1,
                        who,
                        b.id,
                        b.day,
                        f"{person.name}: {gap_h:.0f} h between {a.id} and {b.id}, needs {rules.min_rest_hours.value} h",
                    )
        per_day: dict[date, list[Shift]] = defaultdict(list)
        for s in mine:
            per_day[s.day].append(s)
        for day, todays in per_day.items():
            if len(todays) > 1:
                self.note(
                    "one_shift_per_day",
                    len(todays) - 1,
                    who,
                    None,
                    day,
                    f"{person.name}: {len(todays)} shifts on {day}",
                )
            if person.max_minutes_per_day is not None:
                minutes = sum(int((s.end - s.start).total_seconds() // 60) for s in todays)
                if minutes > person.max_minutes_per_day and len(todays) > 1:
                    self.note(
                        "max_minutes_per_day",
                        1,
                        who,
                        None,
                        day,
                        f"{person.name}: {minutes} min on {day}, at most {person.max_minutes_per_day}",
                        always_hard=True,
                    )
        cal = self.calendar
        n = len(cal)
        worked = [day in per_day for day in cal]
        mx = rules.max_consecutive_days
        if mx.enabled and mx.value < n:
            M = mx.value
            for i in range(n - M):
                excess = sum(worked[i : i + M + 1]) - M
                self.note(
                    "max_consecutive_days",
                    excess,
                    who,
                    None,
                    cal[i + M],
                    f"{person.name}: {M + 1} duty days in a row to {cal[i + M]}, max {M}",
                )
            after = rules.days_off_after_max_run
            if after.value > 1:
                for d in range(M, n):
                    if all(worked[d - M : d]):
                        for j in range(1, after.value):
                            if d + j < n and worked[d + j]:
                                self.note(
                                    "days_off_after_max_run",
                                    1,
                                    who,
                                    None,
                                    cal[d + j],
                                    f"{person.name}: works {cal[d + j]}, within {after.value} days off after {M} in a row",
                                )
        off = rules.min_consecutive_days_off
        if off.value > 1:
            k = 0
            while k < n:
                if worked[k]:
                    k += 1
                    continue
                start = k
                while k < n and not worked[k]:
                    k += 1
                length = k - start
                if start > 0 and k < n and length < off.value:
                    self.note(
                        "min_consecutive_days_off",
                        1,
                        who,
                        None,
                        cal[start],
                        f"{person.name}: only {length} day(s) off from {cal[start]}, needs {off.value}",
                    )
        week = rules.max_shifts_per_week
        counts = [len(per_day.get(day, ())) for day in cal]
        for i in range(max(1, n - 6)):
            excess = sum(counts[i : i + 7]) - week.value
            self.note(
                "max_shifts_per_week",
                excess,
                who,
                None,
                cal[i],
                f"{person.name}: {sum(counts[i : i + 7])} shifts in the 7 days from {cal[i]}, max {week.value}",
            )
        # Continuity: a duty day at a checkpoint not worked the duty day before.
        for k in range(1, n):
            if not (worked[k] and worked[k - 1]):
                continue
            today = {s.checkpoint_id for s in per_day[cal[k]] if s.checkpoint_id is not None}
            yesterday = {s.checkpoint_id for s in per_day[cal[k - 1]] if s.checkpoint_id is not None}
            if today - yesterday:
                self.note(
                    "continuity",
                    1,
                    who,
                    None,
                    cal[k],
                    f"{person.name}: moves to {sorted(map(str, today - yesterday))} on {cal[k]}",
                )
        if person.home_community_id is not None:
            away = [s for s in mine if s.community_id is not None and s.community_id != person.home_community_id]
            for s in away:
                self.note("home_community", 1, who, s.id, s.day, f"{person.name}: {s.id} is outside the home community")

    # ---- fairness

    def _role_open(self, person: Staff, shift: Shift) -> bool:
        """Return False when hard roles keep the person off the shift: it takes one person
        and needs a role they lack (a one-person night that needs a party member)."""
        roles = self.rules.roles
        if not (roles.enabled and roles.hard):
            return True
        most = shift.min_staff if shift.max_staff is None else max(shift.min_staff, shift.max_staff)
        if most >= 2:
            return True
        if shift.needs_party_member and not person.is_party_member:
            return False
        return not (shift.needs_team_leader and not person.is_team_leader)

    def fairness(self, rows: Mapping[Hashable, Sequence[Shift]]) -> None:
        in_horizon = set(self.calendar)
        groups: dict[Hashable, list[Staff]] = defaultdict(list)
        for p in self.problem.staff:
            groups[p.group].append(p)
        metrics = {
            "fairness_shifts": lambda s: True,
            "fairness_nights": lambda s: s.is_night,
            "fairness_weekends": lambda s: s.day.weekday() >= 5,
        }
        for rule, pick in metrics.items():
            setting = getattr(self.rules, rule)
            if not setting.enabled:
                continue
            for g, members in groups.items():
                avail = {p.id: len(p.available_days & in_horizon) for p in members}
                a_ref = max(avail.values(), default=0)
                judged = [
                    p
                    for p in members
                    if a_ref
                    and 2 * avail[p.id] >= a_ref
                    and any(pick(s) and _can_take(p, s) and self._role_open(p, s) for s in self.problem.shifts)
                ]
                if len(judged) < 2:
                    continue
                hi = lo = None
                for p in judged:
                    count = sum(1 for s in rows.get(p.id, ()) if pick(s))
                    num, den = count * a_ref, avail[p.id]
                    up = -(-num // den)  # ceil
                    down = num // den
                    hi = up if hi is None else max(hi, up)
                    lo = down if lo is None else min(lo, down)
                spread = (hi or 0) - (lo or 0)
                self.note(
                    rule,
                    spread - setting.value,
                    None,
                    None,
                    None,
                    f"group {g}: {rule[9:]} spread {spread}, band {setting.value}",
                )


def _can_take(person: Staff, shift: Shift) -> bool:
    """Return True when nothing about the person forbids the shift outright."""
    if shift.day not in person.available_days:
        return False
    if shift.kind == "leader" and not person.is_leader:
        return False
    if person.kinds is not None and shift.kind not in person.kinds:
        return False
    if shift.is_night and person.no_nights:
        return False
    minutes = int((shift.end - shift.start).total_seconds() // 60)
    return person.max_minutes_per_day is None or minutes <= person.max_minutes_per_day


def check_roster(
    problem: Problem,
    assignments: Iterable[tuple[Hashable, Hashable]],
    *,
    previous: Iterable[tuple[Hashable, Hashable]] | None = None,
    locked: Iterable[tuple[Hashable, Hashable]] = (),
) -> RosterCheck:
    """Verify every rule of a roster and recompute its objective from scratch."""
    judge = _Judge(problem)
    pairs = list(assignments)
    seen: set[tuple[Hashable, Hashable]] = set()
    rows: dict[Hashable, list[Shift]] = defaultdict(list)
    on_shift: dict[Hashable, list[Staff]] = defaultdict(list)
    for staff_id, shift_id in pairs:
        if (staff_id, shift_id) in seen:
            judge.note("duplicate", 1, staff_id, shift_id, None, f"{staff_id} twice on {shift_id}", always_hard=True)
            continue
        seen.add((staff_id, shift_id))
        person, shift = judge.staff.get(staff_id), judge.shifts.get(shift_id)
        if person is None or shift is None:
            judge.note(
                "unknown",
                1,
                staff_id,
                shift_id,
                None,
                f"unknown staff {staff_id} or shift {shift_id}",
                always_hard=True,
            )
            continue
        judge.eligibility(person, shift)
        rows[staff_id].append(shift)
        on_shift[shift_id].append(person)
    for shift in problem.shifts:
        judge.shift_rules(shift, on_shift.get(shift.id, []))
    for person in problem.staff:
        judge.person_rules(person, rows.get(person.id, []))
    judge.fairness(rows)
    if previous is not None:
        before = {(a, b) for a, b in previous if b in judge.shifts}
        changed = len(before ^ seen)
        judge.note("stability", changed, None, None, None, f"{changed} cells differ from the previous roster")
    for staff_id, shift_id in locked:
        if (staff_id, shift_id) not in seen:
            judge.note(
                "locked",
                1,
                staff_id,
                shift_id,
                None,
                f"locked cell {staff_id} on {shift_id} is missing",
                always_hard=True,
            )
    breakdown = dict(judge.penalty)
    return RosterCheck(breaches=judge.out, objective=sum(breakdown.values()), breakdown=breakdown)


def check_assignment(
    problem: Problem,
    assignments: Iterable[tuple[Hashable, Hashable]],
    *,
    staff_id: Hashable,
    shift_id: Hashable,
) -> list[Breach]:
    """Return the breaches that adding staff_id to shift_id would newly cause (live checking)."""
    judge_shifts = {s.id: s for s in problem.shifts}
    people = {p.id: p for p in problem.staff}
    shift = judge_shifts.get(shift_id)
    person = people.get(staff_id)
    if shift is None or person is None:
        return [Breach("unknown", True, staff_id, shift_id, None, f"unknown staff {staff_id} or shift {shift_id}")]
    pairs = set(assignments)
    if (staff_id, shift_id) in pairs:
        return []
    mine = [judge_shifts[b] for a, b in pairs if a == staff_id and b in judge_shifts]
    crew = [people[a] for a, b in pairs if b == shift_id and a in people]

    def local(with_it: bool) -> list[Breach]:
        judge = _Judge(problem)
        rows = mine + [shift] if with_it else mine
        if with_it:
            judge.eligibility(person, shift)
        judge.person_rules(person, rows)
        judge.shift_rules(shift, crew + [person] if with_it else crew)
        return judge.out

    before = {b.key for b in local(False)}
    return [b for b in local(True) if b.key not in before]
