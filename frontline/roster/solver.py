"""Build and solve the campaign duty roster with CP-SAT.

Plain dataclasses go in and come out; nothing here knows about Django or the ORM.

Model (one boolean x[staff, shift] per *eligible* pair only: the staff member is available
that day, may work nights if the shift is one, may work the shift's kind, and the shift
fits their daily minutes):

* Always hard: eligibility, the shift's ``max_staff``, no two overlapping shifts for one
  person (nobody stands at two checkpoints at once), daily minutes, locked cells.
* Hard or soft as configured in :class:`Rules` (a soft rule costs ``weight`` per unit):
  coverage (``min_staff``; unit = missing person), roles (party member / team leader on
  the shifts that need one; unit = shift missing the role), one shift a day (unit = extra
  shift that day), minimum rest (unit = pair of shifts closer than the rest), maximum
  consecutive duty days (unit = excess in each sliding window of max+1 days), days off
  after a run of maximum length (unit = worked day inside the required rest), minimum
  consecutive days off (unit = short block of days off between duty days), maximum shifts
  in any rolling 7 days (unit = excess per window), fairness bands (unit = spread above
  the band, per group and metric).
* Always soft: continuity (unit = a duty day at a different checkpoint from the duty day
  before), home community (unit = shift outside the home community), stability against a
  previous roster (unit = cell that differs).

Days are calendar days from the first to the last shift; a shift belongs to the day it
starts on (a 19:00-07:00 night is a duty day on its start date). Rules look only inside
the horizon: a run of duty or of days off that touches the horizon's start or end is not
judged short, and nothing is assumed about days outside (as in the Curtois benchmark).
Days a person is unavailable count as days off.

Fairness compares staff within a group (``Staff.group``, e.g. the batch) on counts scaled
to the best-available member of the group: ``count * A_ref / A_staff``, where A is the
number of days the person is available; the spread is ``ceil(max) - floor(min)`` of the
scaled counts. Staff available less than half of ``A_ref`` are left out of the band, and
so is, per metric, anyone who could never take such a shift: not eligible for any, or (with
the roles rule hard) lacking a role that every such shift open to them needs while taking
only one person -- with one person on a night that needs a party member, a non-member is
not compared on nights.

Search. A greedy pass fills the roster day by day with the least-loaded person who keeps
every staff-side hard rule, preferring continuity and the home community; places it
leaves open are closed by re-solving small day windows. The start roster counts as the
first feasible one once the independent checker finds no hard rule broken. Hard coverage
and roles are then searched as big-weight penalties (``_DEMAND_WEIGHT`` per missing
person), so that roster is a complete, feasible start for CP-SAT. With two or more
workers one thread runs CP-SAT on the whole model (its LP gives a bound, it proves small
rosters optimal) while the other runs a large-neighbourhood search: a fairness group's
people over a few days, or a few of them over up to two weeks, everyone on duty over a
span changing checkpoint but not shift time ("swap": continuity, home, roles), the most
and least loaded of a group on one fairness metric over the horizon ("fair"), or a
community's people with whoever stands at its checkpoints ("home"), each re-solved with
everything else frozen. Above ``_FULL_SEARCH_MAX_VARS`` cells the full model adds nothing
in the time (on the demo it found no roster, and a bound of 177 in a minute, 22 when it
shared its core), so it is not built: both cores run the neighbourhood search from
different seeds, sharing their best roster, and rosters are priced by the checker. Staff whom nothing
distinguishes (same group, days, roles, limits, home) are ordered by their number of
shifts to break symmetry. A roster leaving hard demand open when the search ends is
never returned as a solution.

Bound. Besides CP-SAT's bound, a fresh solve (no previous roster, frozen past or locked
cells) computes two relaxations, each per fairness group and each on its own thread:
:func:`_aggregate_bound`, which counts shifts per person and type (community, night,
weekend, role) instead of placing them on days and keeps whole-number fairness bands, and
:func:`_days_bound`, the linear programme of the roster day by day (who is free when, runs,
rest), solved by HiGHS. Per group the larger counts; the proofs are in their docstrings.
The aggregate one's optimal counts also guide a second greedy start. Both optima, as
shifts per person and community, bound where the two-core neighbourhood search may send
people (:func:`_planned_cells`), so it waits for both, improving the start meanwhile; the
search beside the full model uses the aggregate one's alone and does not wait for the LP,
whose bound is counted when the result is made. ``Result.bound`` is the
largest proven bound, ``Result.bounds`` has each (``relaxation`` is the one combined per
group), and the gap is ``(objective - bound) / objective``.

Infeasibility is explained in the user's terms: a pre-check compares each shift, each day
(by bipartite matching of people to places, roles included) and each rolling week, per
pool (everyone, each role, nights, the leaders' rota), with the people who can possibly
serve; if CP-SAT still proves the model infeasible, a second model with one assumption
literal per (day, checkpoint) coverage and per hard rule family, shrunk by deletion,
names the days, checkpoints and rules that block it.

Reason codes of :class:`Shortage`: ``not_enough_staff``, ``no_party_member``,
``no_team_leader``, ``day_overbooked``, ``week_capacity``, ``pool_week_capacity``,
``locked_ineligible``, ``locked_unknown`` (pre-check); ``rule_conflict``, ``unexplained``
(assumptions); ``unfilled``, ``unfilled_party_member``, ``unfilled_team_leader`` (places
still open when the search ended), ``timeout``; ``understaffed`` (soft coverage left short).
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from datetime import time as dtime

from ortools.sat.python import cp_model

from frontline.roster.checker import check_roster

__all__ = [
    "Problem",
    "Result",
    "Rule",
    "Rules",
    "Shift",
    "Shortage",
    "Staff",
    "leader_rota_shifts",
    "precheck",
    "repair",
    "solve",
]

Assignment = tuple[Hashable, Hashable]  # (staff_id, shift_id)


# =========================================================================== data


@dataclass(frozen=True)
class Shift:
    """A duty slot: a checkpoint (or the office, or the leaders' rota) on a day and time."""

    id: Hashable
    checkpoint_id: Hashable | None
    day: date
    start: datetime
    end: datetime
    is_night: bool = False
    min_staff: int = 1
    max_staff: int | None = None  # None: exactly min_staff is the most wanted
    needs_party_member: bool = False
    needs_team_leader: bool = False
    kind: str = "checkpoint"  # "checkpoint" | "office" | "leader"
    community_id: Hashable | None = None

    @property
    def minutes(self) -> int:
        """Return the length in minutes."""
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def capacity(self) -> int:
        """Return the most people the shift takes."""
        return self.min_staff if self.max_staff is None else max(self.max_staff, self.min_staff)


@dataclass(frozen=True, eq=False)
class Staff:
    """A person who can be rostered, with the days they can possibly serve."""

    id: Hashable
    name: str
    available_days: frozenset[date]  # batch window minus leave minus isolation
    is_party_member: bool = False
    is_team_leader: bool = False
    home_community_id: Hashable | None = None
    max_minutes_per_day: int | None = None
    no_nights: bool = False
    is_leader: bool = False  # a leadership member, eligible for the leaders-on-duty rota
    group: Hashable | None = None  # fairness group, e.g. the batch
    kinds: frozenset[str] | None = None  # None: every non-leader kind
    unavailable: Mapping[date, str] = field(default_factory=dict)  # why, for explanations


@dataclass(frozen=True)
class Rule:
    """A configurable rule: its value, whether it is hard, its weight when soft."""

    value: int = 0
    hard: bool = True
    weight: int = 1
    enabled: bool = True


@dataclass(frozen=True)
class Rules:
    """Every rule of the roster; continuity, home community and stability are always soft."""

    coverage: Rule = Rule(hard=True, weight=1000)
    roles: Rule = Rule(hard=True, weight=500)
    one_shift_per_day: Rule = Rule(hard=True, weight=200)
    min_rest_hours: Rule = Rule(value=12, hard=True, weight=100)
    max_consecutive_days: Rule = Rule(value=5, hard=True, weight=50)
    days_off_after_max_run: Rule = Rule(value=2, hard=True, weight=50)
    min_consecutive_days_off: Rule = Rule(value=1, hard=True, weight=30)
    max_shifts_per_week: Rule = Rule(value=5, hard=True, weight=50)
    fairness_shifts: Rule = Rule(value=2, hard=False, weight=20)
    fairness_nights: Rule = Rule(value=1, hard=False, weight=20)
    fairness_weekends: Rule = Rule(value=1, hard=False, weight=10)
    continuity: Rule = Rule(hard=False, weight=2)
    home_community: Rule = Rule(hard=False, weight=1)
    stability: Rule = Rule(hard=False, weight=50)


@dataclass(frozen=True, eq=False)
class Problem:
    """Shifts, staff and rules of one roster."""

    shifts: tuple[Shift, ...]
    staff: tuple[Staff, ...]
    rules: Rules = Rules()


@dataclass(frozen=True)
class Shortage:
    """Why a roster cannot be made, in the user's terms."""

    checkpoint_id: Hashable | None
    day: date | None
    shift_id: Hashable | None
    needed: int
    available: int
    reason_code: str
    detail: str = ""
    rules: tuple[str, ...] = ()

    def message(self) -> str:
        """Return one readable sentence."""
        where = f"checkpoint {self.checkpoint_id}" if self.checkpoint_id is not None else "the roster"
        when = f" on {self.day.isoformat()}" if self.day else ""
        text = f"{where}{when} needs {self.needed}, only {self.available} available"
        if self.detail:
            text += f" ({self.detail})"
        if self.rules:
            text += f"; blocked by: {', '.join(self.rules)}"
        return text


@dataclass
class Result:
    """The outcome of a solve or repair."""

    status: str  # "optimal" | "feasible" | "infeasible" | "unknown"
    assignments: list[Assignment]
    objective: int | None
    bound: int | None
    gap: float | None
    wall_time: float
    explanation: list[Shortage] = field(default_factory=list)
    first_solution_time: float | None = None
    breakdown: dict[str, int] = field(default_factory=dict)
    trace: list[tuple[float, int, int]] = field(default_factory=list)  # (seconds, objective, bound)
    changes: list[tuple[Hashable, Hashable, str]] = field(default_factory=list)  # vs previous
    bounds: dict[str, int] = field(default_factory=dict)  # each proven lower bound, by source


def leader_rota_shifts(
    days: Iterable[date],
    *,
    per_day: int = 1,
    start: dtime = dtime(8, 0),
    hours: int = 12,
    id_prefix: str = "leader",
) -> list[Shift]:
    """Return one leaders-on-duty shift per day, to add to a problem's shifts."""
    out = []
    for day in days:
        begin = datetime.combine(day, start)
        out.append(
            Shift(
                id=f"{id_prefix}:{day.isoformat()}",
                checkpoint_id=None,
                day=day,
                start=begin,
                end=begin + timedelta(hours=hours),
                min_staff=per_day,
                max_staff=per_day,
                kind="leader",
            )
        )
    return out


# =========================================================================== eligibility


def _ineligibility(staff: Staff, shift: Shift) -> str | None:
    """Return why staff can never take shift, or None when they can."""
    if shift.day not in staff.available_days:
        return staff.unavailable.get(shift.day, "unavailable")
    if shift.kind == "leader":
        if not staff.is_leader:
            return "not_leader"
    elif staff.kinds is not None and shift.kind not in staff.kinds:
        return "kind"
    if staff.kinds is not None and shift.kind == "leader" and "leader" not in staff.kinds:
        return "kind"
    if shift.is_night and staff.no_nights:
        return "no_nights"
    if staff.max_minutes_per_day is not None and shift.minutes > staff.max_minutes_per_day:
        return "max_minutes_per_day"
    return None


def _holds_roles(staff: Staff, shift: Shift) -> bool:
    """Return True when staff has every role the shift needs."""
    return (staff.is_party_member or not shift.needs_party_member) and (
        staff.is_team_leader or not shift.needs_team_leader
    )


class _Index:
    """Indices of a problem shared by the pre-check, the model and the hint."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.shifts = list(problem.shifts)
        self.staff = list(problem.staff)
        self.sid = {s.id: j for j, s in enumerate(self.shifts)}
        self.pid = {p.id: i for i, p in enumerate(self.staff)}
        if len(self.sid) != len(self.shifts):
            raise ValueError("shift ids must be unique")
        if len(self.pid) != len(self.staff):
            raise ValueError("staff ids must be unique")
        if self.shifts:
            first = min(s.day for s in self.shifts)
            last = max(s.day for s in self.shifts)
            n = (last - first).days + 1
        else:
            first, n = date.today(), 0
        self.first = first
        self.days = [first + timedelta(days=k) for k in range(n)]
        self.dix = {d: k for k, d in enumerate(self.days)}
        self.by_day: list[list[int]] = [[] for _ in self.days]
        for j, s in enumerate(self.shifts):
            self.by_day[self.dix[s.day]].append(j)
        self.elig: list[list[int]] = [[] for _ in self.shifts]  # shift -> staff
        self.elig_set: list[set[int]] = []
        self.why: list[dict[int, str]] = [{} for _ in self.shifts]
        for j, s in enumerate(self.shifts):
            for i, p in enumerate(self.staff):
                reason = _ineligibility(p, s)
                if reason is None:
                    self.elig[j].append(i)
                else:
                    self.why[j][i] = reason
        self.elig_set = [set(e) for e in self.elig]
        # Who could ever take a shift of each fairness metric: only they are compared. With
        # hard roles, a one-person shift that needs a role is open only to holders of it
        # (a night that needs a party member can never go to anyone else).
        self.can_any: dict[str, list[bool]] = {
            name: [False] * len(self.staff) for name in ("fairness_shifts", "fairness_nights", "fairness_weekends")
        }
        rules = problem.rules
        roles_hard = rules.roles.enabled and rules.roles.hard
        for j, s in enumerate(self.shifts):
            for i in self.elig[j]:
                if roles_hard and s.capacity < 2 and not _holds_roles(self.staff[i], s):
                    continue
                self.can_any["fairness_shifts"][i] = True
                if s.is_night:
                    self.can_any["fairness_nights"][i] = True
                if s.day.weekday() >= 5:
                    self.can_any["fairness_weekends"][i] = True
        self.avail_days = [sum(1 for d in p.available_days if d in self.dix) for p in self.staff]


# =========================================================================== pre-check


def _max_matching(slots: list[list[int]]) -> tuple[int, list[int]]:
    """Return the size of a maximum matching of slots to people and the unmatched slots."""
    owner: dict[int, int] = {}

    def augment(slot: int, seen: set[int]) -> bool:
        for person in slots[slot]:
            if person in seen:
                continue
            seen.add(person)
            if person not in owner or augment(owner[person], seen):
                owner[person] = slot
                return True
        return False

    # Most constrained slots first keeps the augmenting paths short.
    order = sorted(range(len(slots)), key=lambda k: len(slots[k]))
    unmatched = [k for k in order if not augment(k, set())]
    return len(slots) - len(unmatched), unmatched


def _reason_detail(ix: _Index, j: int) -> str:
    counts: dict[str, int] = defaultdict(int)
    for reason in ix.why[j].values():
        counts[reason] += 1
    parts = [f"{n} {reason.replace('_', ' ')}" for reason, n in sorted(counts.items(), key=lambda kv: -kv[1])]
    return ", ".join(parts)


def precheck(problem: Problem) -> list[Shortage]:
    """Compare demand with who can possibly serve, per shift, per day and per rolling week."""
    return _precheck(_Index(problem), locked=())


def _precheck(ix: _Index, *, locked: Iterable[Assignment]) -> list[Shortage]:
    rules = ix.problem.rules
    out: list[Shortage] = []
    for staff_id, shift_id in locked:
        i, j = ix.pid.get(staff_id), ix.sid.get(shift_id)
        if i is None or j is None:
            out.append(Shortage(None, None, shift_id, 1, 0, "locked_unknown", f"locked {staff_id} to {shift_id}"))
        elif i not in ix.elig[j]:
            s = ix.shifts[j]
            out.append(
                Shortage(
                    s.checkpoint_id,
                    s.day,
                    s.id,
                    1,
                    0,
                    "locked_ineligible",
                    f"{ix.staff[i].name} is locked to it but {ix.why[j].get(i, 'ineligible')}",
                )
            )
    coverage_hard = rules.coverage.enabled and rules.coverage.hard
    roles_hard = rules.roles.enabled and rules.roles.hard
    for j, s in enumerate(ix.shifts):
        n = len(ix.elig[j])
        if coverage_hard and n < s.min_staff:
            out.append(
                Shortage(s.checkpoint_id, s.day, s.id, s.min_staff, n, "not_enough_staff", _reason_detail(ix, j))
            )
        if roles_hard:
            for flag, attr, code in (
                (s.needs_party_member, "is_party_member", "no_party_member"),
                (s.needs_team_leader, "is_team_leader", "no_team_leader"),
            ):
                if flag and not any(getattr(ix.staff[i], attr) for i in ix.elig[j]):
                    out.append(Shortage(s.checkpoint_id, s.day, s.id, 1, 0, code, "nobody eligible has the role"))
    if out or not coverage_hard:
        return out
    # Places per day, each with the people who could fill it and a tag naming its pool.
    one_a_day = rules.one_shift_per_day.enabled and rules.one_shift_per_day.hard
    day_slots: list[list[tuple[list[int], str, int]]] = []
    for k in range(len(ix.days)):
        slots: list[tuple[list[int], str, int]] = []
        for j in ix.by_day[k]:
            s = ix.shifts[j]
            pool = ix.elig[j]
            need = s.min_staff
            base_tag = "leader rota" if s.kind == "leader" else ("night" if s.is_night else "any")
            party, lead = roles_hard and s.needs_party_member, roles_hard and s.needs_team_leader
            if party and lead and need == 1:
                both = [i for i in pool if ix.staff[i].is_party_member and ix.staff[i].is_team_leader]
                slots.append((both, "party member who is a team leader", j))
                need = 0
            elif party and lead:
                # One person may hold both roles, so only "one of them" is sure to be needed.
                either = [i for i in pool if ix.staff[i].is_party_member or ix.staff[i].is_team_leader]
                slots.append((either, "party member or team leader", j))
                need -= 1
            elif party or lead:
                attr = "is_party_member" if party else "is_team_leader"
                slots.append(([i for i in pool if getattr(ix.staff[i], attr)], attr[3:].replace("_", " "), j))
                need -= 1
            for _ in range(max(0, need)):
                slots.append((pool, base_tag, j))
        day_slots.append(slots)
    if not one_a_day:
        return out
    # Per day: can distinct people fill every place at once?
    for k, day in enumerate(ix.days):
        slots = day_slots[k]
        if not slots:
            continue
        matched, unmatched = _max_matching([pool for pool, _, _ in slots])
        if matched < len(slots):
            people = len({i for pool, _, _ in slots for i in pool})
            short_shifts: dict[int, int] = defaultdict(int)
            for slot in unmatched:
                short_shifts[slots[slot][2]] += 1
            for j, missing in sorted(short_shifts.items()):
                s = ix.shifts[j]
                out.append(
                    Shortage(
                        s.checkpoint_id,
                        day,
                        s.id,
                        s.min_staff,
                        s.min_staff - missing,
                        "day_overbooked",
                        f"{len(slots)} places that day, {people} people can serve, at most {matched} at once",
                    )
                )
    if out:
        return out
    # Per rolling 7 days and per pool (everyone, each role, nights, leaders): places against
    # what the pool's people can give in 7 days under the weekly and run limits.
    week = rules.max_shifts_per_week
    run = rules.max_consecutive_days
    cap = 7
    if run.enabled and run.hard and run.value < 7:
        cap = min(cap, 7 - 7 // (run.value + 1))
    if week.enabled and week.hard:
        cap = min(cap, week.value)
    n_days = len(ix.days)
    tags = sorted({tag for slots in day_slots for _, tag, _ in slots} | {"all"})
    for tag in tags:
        for k0 in range(0, max(1, n_days - 6)):
            window = range(k0, min(n_days, k0 + 7))
            need = 0
            can_serve: dict[int, set[int]] = defaultdict(set)  # person -> days
            for k in window:
                for pool, t, _ in day_slots[k]:
                    if tag in ("all", t):
                        need += 1
                        for i in pool:
                            can_serve[i].add(k)
            if need == 0:
                continue
            give = sum(min(len(days), cap) for days in can_serve.values())
            if give < need:
                what = "person-shifts" if tag == "all" else f"places for a {tag}" if tag != "any" else "places"
                out.append(
                    Shortage(
                        None,
                        ix.days[k0],
                        None,
                        need,
                        give,
                        "week_capacity" if tag == "all" else "pool_week_capacity",
                        f"{ix.days[k0].isoformat()} to {ix.days[window[-1]].isoformat()}: {need} {what}, "
                        f"the {len(can_serve)} people who can take them give at most {give} "
                        f"(at most {cap} shifts each in 7 days)",
                    )
                )
                break  # one window per pool is enough to name it
    return out


# =========================================================================== model


Lit = cp_model.IntVar | int  # a boolean variable, or a constant 0/1 for a frozen cell


class _Model:
    """The CP-SAT model of a problem, or of part of it with the rest frozen.

    ``free`` maps a staff index to the window of day indices in which their cells are
    decided; every other cell is a constant taken from ``roster`` (or, before
    ``freeze_before``, from ``previous``). With ``free=None`` everyone is free over the
    whole horizon. With ``only``, a free cell outside that set is 0 (a narrower
    neighbourhood). Constraints made only of constants are dropped: they are either
    satisfied or, in a frozen past, beyond repair. With ``diagnose=True`` every hard part
    can be switched off by an assumption literal in ``switch``.
    """

    def __init__(
        self,
        ix: _Index,
        *,
        previous: frozenset[Assignment] = frozenset(),
        locked: frozenset[Assignment] = frozenset(),
        freeze_before: date | None = None,
        diagnose: bool = False,
        symmetry: bool = True,
        demand_weight: int | None = None,
        free: Mapping[int, tuple[int, int]] | None = None,
        roster: Iterable[tuple[int, int]] = (),
        only: set[tuple[int, int]] | None = None,
    ) -> None:
        self.ix = ix
        self.rules = rules = ix.problem.rules
        self.model = m = cp_model.CpModel()
        self.diagnose = diagnose
        # With demand_weight, hard coverage and roles become big-weight penalties: the
        # staff-side rules stay hard, so a greedy roster is a complete feasible start
        # and the solver only has to close the gaps.
        cov, roles_rule = rules.coverage, rules.roles
        if demand_weight is not None and not diagnose:
            if cov.hard:
                cov = replace(cov, hard=False, weight=demand_weight)
            if roles_rule.hard:
                roles_rule = replace(roles_rule, hard=False, weight=demand_weight)
        self.softened = {
            name
            for name, before, after in (("coverage", rules.coverage, cov), ("roles", rules.roles, roles_rule))
            if before.hard and not after.hard
        }
        self.switch: dict[Hashable, cp_model.IntVar] = {}  # assumption literals when diagnosing
        self.penalties: dict[str, list[tuple[cp_model.IntVar | int, int]]] = defaultdict(list)
        self.x: dict[tuple[int, int], cp_model.IntVar] = {}
        self.const: set[tuple[int, int]] = set()  # cells fixed to 1
        nd = len(ix.days)
        n_staff = len(ix.staff)
        prev_idx = {(ix.pid[a], ix.sid[b]) for a, b in previous if a in ix.pid and b in ix.sid}
        lock_idx = {(ix.pid[a], ix.sid[b]) for a, b in locked if a in ix.pid and b in ix.sid}
        self.frozen_day = frozen_day = _frozen_day(ix, freeze_before)
        if free is None:
            free = {i: (0, nd) for i in range(n_staff)}
        self.free = {i: (max(lo, frozen_day), hi) for i, (lo, hi) in free.items() if max(lo, frozen_day) < hi}
        self.all_free = len(self.free) == n_staff and all(
            lo <= frozen_day and hi >= nd for lo, hi in self.free.values()
        )
        # Fixed cells: the frozen past from previous, everything else from roster.
        fixed_cells = {(i, j) for i, j in prev_idx if ix.dix[ix.shifts[j].day] < frozen_day}
        fixed_cells |= {(i, j) for i, j in roster if ix.dix[ix.shifts[j].day] >= frozen_day}

        def is_free(i: int, k: int) -> bool:
            window = self.free.get(i)
            return window is not None and window[0] <= k < window[1]

        # ---- cells: variables for free eligible pairs, constants for fixed ones
        cell: list[dict[int, Lit]] = [dict() for _ in range(n_staff)]
        on: list[list[tuple[int, Lit]]] = [[] for _ in ix.shifts]  # shift -> (person, literal)
        for i, j in fixed_cells:
            if not is_free(i, ix.dix[ix.shifts[j].day]):
                cell[i][j] = 1
                self.const.add((i, j))
                on[j].append((i, 1))
        shifts_with_vars: set[int] = set()
        for i, (lo, hi) in self.free.items():
            for k in range(lo, hi):
                for j in ix.by_day[k]:
                    if i in ix.elig_set[j] and (only is None or (i, j) in only):
                        v = m.new_bool_var("")
                        self.x[(i, j)] = v
                        cell[i][j] = v
                        on[j].append((i, v))
                        shifts_with_vars.add(j)
        self.cell, self.on = cell, on
        for i, j in lock_idx:
            if (i, j) in self.x:
                self._hard(m.add(self.x[(i, j)] == 1), "locked")

        # ---- coverage, max staff and roles per shift with something to decide
        check_shifts = range(len(ix.shifts)) if diagnose else sorted(shifts_with_vars)
        for j in check_shifts:
            s = ix.shifts[j]
            k = ix.dix[s.day]
            lits = [v for _, v in on[j]]
            const = sum(v for v in lits if isinstance(v, int))
            vars_ = [v for v in lits if not isinstance(v, int)]
            if not vars_ and k < frozen_day:
                continue
            if vars_:
                m.add(sum(vars_) <= max(0, s.capacity - const))
            if cov.enabled and s.min_staff > const:
                need = s.min_staff - const
                if cov.hard:
                    key = ("coverage", k, s.checkpoint_id)
                    self._hard(m.add(sum(vars_) >= need) if vars_ else m.add_bool_or([self._false()]), key)
                else:
                    short = m.new_int_var(0, need, "")
                    m.add(sum(vars_) + short >= need)
                    self.penalties["coverage"].append((short, cov.weight))
            if roles_rule.enabled:
                for flag, attr in ((s.needs_party_member, "is_party_member"), (s.needs_team_leader, "is_team_leader")):
                    if flag:
                        role = [v for i, v in on[j] if getattr(ix.staff[i], attr)]
                        self._at_least_one(role, roles_rule, "roles")

        # ---- per free person
        longest = max((sh.end - sh.start for sh in ix.shifts), default=timedelta(0))
        rest_td = timedelta(hours=rules.min_rest_hours.value if rules.min_rest_hours.enabled else 0)
        self.reach = 2 + math.ceil((rest_td + longest).total_seconds() / 86400)  # days a rest rule spans
        self.w: dict[int, list[Lit]] = {}
        self.counts: dict[str, dict[int, cp_model.LinearExprT]] = defaultdict(dict)
        one = rules.one_shift_per_day
        exact_w = one.enabled and one.hard and not diagnose
        for i in self.free:
            p = ix.staff[i]
            mine = cell[i]
            per_day: list[list[Lit]] = [[] for _ in range(nd)]
            for j, lit in mine.items():
                per_day[ix.dix[ix.shifts[j].day]].append(lit)
            w_row: list[Lit] = []
            day_n: list[cp_model.LinearExprT] = []
            for k in range(nd):
                lits = per_day[k]
                consts = sum(v for v in lits if isinstance(v, int))
                vars_ = [v for v in lits if not isinstance(v, int)]
                if not vars_:
                    w_row.append(1 if consts else 0)
                    day_n.append(consts)
                    continue
                if consts:
                    w_row.append(1)
                elif len(vars_) == 1:
                    w_row.append(vars_[0])
                elif exact_w:
                    # With at most one shift a day, the duty day is exactly the sum.
                    wv = m.new_bool_var("")
                    m.add(sum(vars_) == wv)
                    w_row.append(wv)
                else:
                    wv = m.new_bool_var("")
                    for v in vars_:
                        m.add_implication(v, wv)
                    m.add_bool_or(vars_).only_enforce_if(wv)
                    w_row.append(wv)
                day_n.append(w_row[-1] if exact_w and not consts else sum(lits))
                if one.enabled and len(lits) > 1 and not (exact_w and not consts):
                    self._le(lits, 1, one, "one_shift_per_day")
                if p.max_minutes_per_day is not None and len(lits) > 1:
                    minutes = [(ix.shifts[j].minutes, lit) for j, lit in mine.items() if ix.dix[ix.shifts[j].day] == k]
                    self._linear_le(minutes, p.max_minutes_per_day)
            self.w[i] = w_row
            self._rest_and_overlap(i, mine)
            self._runs(i, w_row)
            self._weekly(day_n, self.free[i])
            self._count("fairness_shifts", i, day_n, len(mine))
            self._count("fairness_nights", i, [lit for j, lit in mine.items() if ix.shifts[j].is_night], len(mine))
            weekend_days = [k for k in range(nd) if ix.days[k].weekday() >= 5]
            self._count("fairness_weekends", i, [day_n[k] for k in weekend_days], len(mine))
            self._continuity(i, mine, w_row)
            if rules.home_community.enabled and p.home_community_id is not None:
                for j, lit in mine.items():
                    c = ix.shifts[j].community_id
                    if c is not None and c != p.home_community_id and not isinstance(lit, int):
                        self.penalties["home_community"].append((lit, rules.home_community.weight))
        self._fairness(fixed_cells)
        if rules.stability.enabled and previous:
            weight = rules.stability.weight
            for key, v in self.x.items():
                self.penalties["stability"].append((1 - v if key in prev_idx else v, weight))
        if symmetry and self.all_free and not previous and not locked and not diagnose:
            self._break_symmetry()
        terms = [(v, w) for items in self.penalties.values() for v, w in items]
        self.objective = sum(w * v for v, w in terms)
        m.minimize(self.objective)

    # ---- helpers

    def _hard(self, ct: cp_model.Constraint, key: Hashable) -> None:
        if self.diagnose:
            lit = self.switch.get(key)
            if lit is None:
                lit = self.model.new_bool_var(f"on_{key}")
                self.switch[key] = lit
            ct.only_enforce_if(lit)

    def _le(self, lits: Sequence[Lit], bound: int, rule: Rule, name: str) -> None:
        """Add sum(lits) <= bound over 0/1 literals, hard or soft (weight per unit above)."""
        const = sum(v for v in lits if isinstance(v, int))
        vars_ = [v for v in lits if not isinstance(v, int)]
        slack = bound - const
        if not vars_ or slack >= len(vars_):
            return
        if rule.hard:
            self._hard(self.model.add(sum(vars_) <= max(0, slack)), name)
        else:
            over = self.model.new_int_var(0, len(vars_), "")
            self.model.add(sum(vars_) - over <= slack)
            self.penalties[name].append((over, rule.weight))

    def _linear_le(self, terms: Sequence[tuple[int, Lit]], bound: int) -> None:
        const = sum(c * v for c, v in terms if isinstance(v, int))
        vars_ = [(c, v) for c, v in terms if not isinstance(v, int)]
        if vars_:
            self.model.add(sum(c * v for c, v in vars_) <= max(0, bound - const))

    def _at_least_one(self, lits: Sequence[Lit], rule: Rule, name: str) -> None:
        if any(isinstance(v, int) and v for v in lits):
            return
        vars_ = [v for v in lits if not isinstance(v, int)]
        if rule.hard:
            self._hard(self.model.add(sum(vars_) >= 1) if vars_ else self.model.add_bool_or([self._false()]), name)
        elif vars_:
            miss = self.model.new_bool_var("")
            self.model.add_bool_or([*vars_, miss])
            self.penalties[name].append((miss, rule.weight))
        else:
            self.penalties[name].append((1, rule.weight))

    def _false(self) -> cp_model.IntVar:
        if not hasattr(self, "_false_lit"):
            self._false_lit = self.model.new_bool_var("false")
            self.model.add(self._false_lit == 0)
        return self._false_lit

    def _rest_and_overlap(self, i: int, mine: Mapping[int, Lit]) -> None:
        """Forbid overlapping shifts and enforce rest between shifts, by time classes."""
        ix, rules = self.ix, self.rules
        rest = rules.min_rest_hours
        gap_needed = timedelta(hours=rest.value if rest.enabled else 0)
        # Shifts with the same start and end form a class: at most one of them is
        # worked (they overlap), so a class is a 0/1 sum and pairs of classes are exact.
        lo, hi = self.free[i]
        reach = self.reach
        classes: dict[tuple[datetime, datetime], list[Lit]] = defaultdict(list)
        for j, lit in mine.items():
            s = ix.shifts[j]
            if lo - reach <= ix.dix[s.day] < hi + reach:
                classes[(s.start, s.end)].append(lit)
        keys = sorted(classes)
        sums: dict[tuple[datetime, datetime], Lit] = {}
        for key in keys:
            lits = classes[key]
            if len(lits) > 1:
                self._le(lits, 1, Rule(hard=True), "overlap")  # physically impossible: always hard
            vars_ = [v for v in lits if not isinstance(v, int)]
            if any(isinstance(v, int) and v for v in lits):
                sums[key] = 1
            elif not vars_:
                sums[key] = 0
            elif len(vars_) == 1:
                sums[key] = vars_[0]
            else:
                a = self.model.new_bool_var("")
                self.model.add(sum(vars_) == a)
                sums[key] = a
        for n, a in enumerate(keys):
            la = sums[a]
            if isinstance(la, int) and la == 0:
                continue
            for b in keys[n + 1 :]:
                if b[0] >= a[1] + gap_needed:
                    break  # keys are sorted by start; later ones start later still
                lb = sums[b]
                if isinstance(lb, int) and (lb == 0 or isinstance(la, int)):
                    continue
                overlaps = b[0] < a[1] and a[0] < b[1]
                if overlaps or rest.hard:
                    self._le([la, lb], 1, Rule(hard=True), "overlap" if overlaps else "min_rest_hours")
                else:
                    both = self.model.new_bool_var("")
                    self._linear_le([(1, la), (1, lb), (-1, both)], 1)
                    self.penalties["min_rest_hours"].append((both, rest.weight))

    def _runs(self, i: int, w: Sequence[Lit]) -> None:
        """Add maximum runs, rest after a maximum run and minimum blocks of days off."""
        rules = self.rules
        nd = len(w)
        lo, hi = self.free[i]
        mx = rules.max_consecutive_days
        if mx.enabled and mx.value < nd:
            M = mx.value
            for s in range(max(0, lo - M), min(hi, nd - M)):
                self._le(w[s : s + M + 1], M, mx, "max_consecutive_days")
            after = rules.days_off_after_max_run
            if after.enabled and after.value > 1:
                # A run of M ending on day d-1 makes d (by the max) and d+1..d+R-1 off.
                for d in range(max(M, lo - after.value), min(nd, hi + M + 1)):
                    run = w[d - M : d]
                    if any(isinstance(v, int) and v == 0 for v in run):
                        continue
                    for jj in range(1, after.value):
                        if d + jj >= nd:
                            break
                        self._le([*run, w[d + jj]], M, after, "days_off_after_max_run")
        off = rules.min_consecutive_days_off
        if off.enabled and off.value > 1:
            for s in range(1, off.value):
                for d in range(max(0, lo - s - 1), min(hi, nd - s - 1)):
                    lits = [_neg(w[d]), *w[d + 1 : d + s + 1], _neg(w[d + s + 1])]
                    self._clause(lits, off, "min_consecutive_days_off")

    def _clause(self, lits: Sequence[Lit], rule: Rule, name: str) -> None:
        if any(isinstance(v, int) and v for v in lits):
            return
        vars_ = [v for v in lits if not isinstance(v, int)]
        if not vars_:
            return  # broken in the frozen part; nothing to decide
        if rule.hard:
            self._hard(self.model.add_bool_or(vars_), name)
        else:
            miss = self.model.new_bool_var("")
            self.model.add_bool_or([*vars_, miss])
            self.penalties[name].append((miss, rule.weight))

    def _weekly(self, day_n: Sequence[cp_model.LinearExprT], window: tuple[int, int]) -> None:
        """Cap the shifts in every rolling 7 days (sums of per-day counts: 7 terms each)."""
        rule = self.rules.max_shifts_per_week
        if not rule.enabled:
            return
        nd = len(day_n)
        for s in range(max(0, window[0] - 6), min(max(1, nd - 6), window[1])):
            window = list(day_n[s : min(nd, s + 7)])
            const = sum(v for v in window if isinstance(v, int))
            vars_ = [v for v in window if not isinstance(v, int)]
            if not vars_:
                continue
            if rule.hard:
                self._hard(self.model.add(sum(vars_) <= max(0, rule.value - const)), "max_shifts_per_week")
            else:
                over = self.model.new_int_var(0, 3 * len(window) + 3, "")
                self.model.add(sum(vars_) - over <= rule.value - const)
                self.penalties["max_shifts_per_week"].append((over, rule.weight))

    def _count(self, name: str, i: int, terms: Sequence[cp_model.LinearExprT], ub: int) -> None:
        """Record a person's count for a fairness metric, as one integer variable."""
        const = sum(v for v in terms if isinstance(v, int))
        vars_ = [v for v in terms if not isinstance(v, int)]
        if not vars_:
            self.counts[name][i] = const
            return
        c = self.model.new_int_var(0, const + ub, "")
        self.model.add(c == sum(vars_) + const)
        self.counts[name][i] = c

    def _continuity(self, i: int, mine: Mapping[int, Lit], w: Sequence[Lit]) -> None:
        """Penalise a duty day at a checkpoint the person did not work the day before."""
        rule = self.rules.continuity
        if not rule.enabled or rule.weight <= 0:
            return
        ix, m = self.ix, self.model
        lo, hi = self.free[i]
        at: dict[tuple[int, Hashable], list[Lit]] = defaultdict(list)
        for j, lit in mine.items():
            s = ix.shifts[j]
            k = ix.dix[s.day]
            if s.checkpoint_id is not None and lo - 1 <= k <= hi:
                at[(k, s.checkpoint_id)].append(lit)
        by_day: dict[int, list[Hashable]] = defaultdict(list)
        for k, c in at:
            by_day[k].append(c)
        for k in range(max(1, lo), min(len(w), hi + 1)):
            if k not in by_day or (isinstance(w[k - 1], int) and w[k - 1] == 0):
                continue
            change: cp_model.IntVar | None = None
            for c in by_day[k]:
                today = at[(k, c)]
                yesterday = at.get((k - 1, c), [])
                if all(isinstance(v, int) for v in (*today, *yesterday, w[k - 1])):
                    continue  # fully fixed: a constant of the objective
                if change is None:
                    change = m.new_bool_var("")
                    self.penalties["continuity"].append((change, rule.weight))
                # change >= today(c) + worked(k-1) - yesterday(c) - 1
                m.add(change >= sum(today) + w[k - 1] - sum(yesterday) - 1)

    def _fairness(self, fixed_cells: set[tuple[int, int]]) -> None:
        ix, m = self.ix, self.model
        groups: dict[Hashable, list[int]] = defaultdict(list)
        for i, p in enumerate(ix.staff):
            groups[p.group].append(i)
        # Counts of frozen people come straight from the fixed cells.
        fixed_counts: dict[str, dict[int, int]] = {
            "fairness_shifts": defaultdict(int),
            "fairness_nights": defaultdict(int),
            "fairness_weekends": defaultdict(int),
        }
        for i, j in fixed_cells:
            if i in self.free:
                continue
            s = ix.shifts[j]
            fixed_counts["fairness_shifts"][i] += 1
            fixed_counts["fairness_nights"][i] += int(s.is_night)
            fixed_counts["fairness_weekends"][i] += int(s.day.weekday() >= 5)
        for name in ("fairness_shifts", "fairness_nights", "fairness_weekends"):
            rule: Rule = getattr(self.rules, name)
            if not rule.enabled:
                continue
            for members in groups.values():
                a_ref, judged = _judged(ix, members, name)
                if len(judged) < 2 or not any(i in self.free for i in judged):
                    continue
                counts = {i: self.counts[name][i] if i in self.free else fixed_counts[name].get(i, 0) for i in judged}
                if all(isinstance(c, int) for c in counts.values()):
                    # Nothing to decide: the spread is a constant of the objective.
                    scaled = [
                        (c * a_ref // ix.avail_days[i], -(-c * a_ref // ix.avail_days[i])) for i, c in counts.items()
                    ]
                    spread = max(up for _, up in scaled) - min(down for down, _ in scaled)
                    if spread > rule.value and not rule.hard:
                        self.penalties[name].append((spread - rule.value, rule.weight))
                    continue
                ub = 3 * max(1, len(ix.days)) * a_ref
                hi = m.new_int_var(0, ub, "")
                lo = m.new_int_var(0, ub, "")
                for i in judged:
                    a = ix.avail_days[i]
                    count = counts[i]
                    if isinstance(count, int):
                        # hi >= ceil(count * a_ref / a), lo <= floor(count * a_ref / a)
                        m.add(hi >= -(-count * a_ref // a))
                        m.add(lo <= count * a_ref // a)
                    else:
                        m.add(hi * a >= a_ref * count)
                        m.add(lo * a <= a_ref * count)
                if rule.hard:
                    self._hard(m.add(hi - lo <= rule.value), name)
                else:
                    over = m.new_int_var(0, ub, "")
                    m.add(over >= hi - lo - rule.value)
                    self.penalties[name].append((over, rule.weight))

    def _break_symmetry(self) -> None:
        """Order interchangeable staff by their number of shifts."""
        ix = self.ix
        classes: dict[tuple, list[int]] = defaultdict(list)
        for i, p in enumerate(ix.staff):
            key = (
                p.group,
                frozenset(p.available_days),
                p.is_party_member,
                p.is_team_leader,
                p.home_community_id,
                p.max_minutes_per_day,
                p.no_nights,
                p.is_leader,
                p.kinds,
            )
            classes[key].append(i)
        self.sym_classes = [c for c in classes.values() if len(c) > 1]
        counts = self.counts["fairness_shifts"]
        for members in self.sym_classes:
            for a, b in zip(members, members[1:]):
                self.model.add(counts[a] >= counts[b])


def _judged(ix: _Index, members: Sequence[int], name: str) -> tuple[int, list[int]]:
    """Return a group's reference availability and who its fairness band ``name`` compares.

    Counts are scaled to the best-available member (A_ref); people available less than half
    of it, or who could never take such a shift, are left out (see the module docstring).
    """
    a_ref = max((ix.avail_days[i] for i in members), default=0)
    return a_ref, [i for i in members if a_ref and 2 * ix.avail_days[i] >= a_ref and ix.can_any[name][i]]


def _neg(lit: Lit) -> Lit:
    return 1 - lit if isinstance(lit, int) else lit.Not()


# =========================================================================== aggregate bound


def _max_duty_days(ix: _Index, available: Sequence[bool]) -> int:
    """Return the most duty days a person can have under the hard run and week rules.

    Only rules that cap duty days are used (a subset of the hard rules, so the value is
    an upper bound for every roster the model or the checker accepts). Dynamic programme
    over days; the state is the current run, the days still forced off after a run of
    the maximum length and the last six days (for the rolling week).
    """
    rules = ix.problem.rules
    nd = len(available)
    mx, after, week = rules.max_consecutive_days, rules.days_off_after_max_run, rules.max_shifts_per_week
    M = mx.value if mx.enabled and mx.hard and mx.value < nd else nd + 1
    R = after.value if M <= nd and after.enabled and after.hard and after.value > 1 else 1
    W = week.value if week.enabled and week.hard else 7
    states: dict[tuple[int, int, int], int] = {(0, 0, 0): 0}  # (run, forced off, last 6 days) -> duty days
    for k in range(nd):
        nxt: dict[tuple[int, int, int], int] = {}
        for (run, forced, mask), got in states.items():
            options = [0]
            if available[k] and forced == 0 and run < M:
                options.append(1)
            for on in options:
                if (k >= 6 or k == nd - 1) and bin(mask).count("1") + on > W:
                    continue  # the rolling 7 days ending today (or the whole horizon if shorter)
                new_run = run + 1 if on else 0
                new_forced = max(0, forced - 1)
                if on and new_run == M:
                    new_forced = R  # the next day is off by the maximum, R - 1 more by the rule
                key = (new_run, new_forced, ((mask << 1) | on) & 0b111111)
                if nxt.get(key, -1) < got + on:
                    nxt[key] = got + on
        states = nxt
    return max(states.values(), default=0)


_AGGREGATE_RESERVE = 1.0  # seconds of the aggregate bound's time kept for each group still to solve


def _aggregate_bound(
    ix: _Index,
    *,
    deadline: float,
    workers: int = 2,
    plan: dict[tuple[int, Hashable], int] | None = None,
    parts: dict[Hashable, int] | None = None,
) -> int | None:
    """Return a proven lower bound on the objective of every roster that keeps the hard rules.

    Why it is valid (the objective is the one the checker scores). Take any roster R that
    keeps every hard rule, with coverage, one shift a day and the roles hard.

    1. Split the objective by fairness group G (``Staff.group``; ``None`` is a group too):
       ``obj(R) = sum_G [home(R, G) + fair(R, G)] + rest(R)`` where home(R, G) prices the
       shifts G's people work outside their home community, fair(R, G) is G's fairness
       penalties, and rest(R) >= 0 holds continuity, stability and any soft run, rest or
       week rule. Each bracket depends only on the cells of G's people.
    2. For each G, aggregate G's cells into counts n[i, t] = shifts of type t person i
       works, where a type is (community, night, weekend day, party member needed, team
       leader needed, kind, shared); "shared" marks shifts someone outside G could take.
       From R these counts satisfy: n[i, t] <= days on which i may take a shift of type t
       (one shift a day); sum_t n[i, t] <= the most duty days i's availability allows under
       the hard run/week rules (:func:`_max_duty_days`); for a type not shared, the people
       of G give between sum(min_staff) and sum(capacity) of its shifts, the party members
       of G at least one per shift needing one, the team leaders likewise (for a shared
       type only the capacity is kept, as others may fill it). home and fair are exact
       functions of these counts (fairness is the same ceil/floor band on scaled counts
       as in the model and the checker).
    3. So the minimum of home + fair over all counts meeting those constraints,
       B_G, is at most home(R, G) + fair(R, G); any proven lower bound L_G <= B_G from
       CP-SAT is too. Hence sum_G L_G <= obj(R) for every feasible R, in particular for the
       optimum: it is a lower bound of the very model the checker scores.

    It ignores the order of days (runs, rest, continuity), which is what the LP of the
    full model handles; what it captures exactly, fast, is the integer part the LP
    misses: fairness bands on whole counts, scarce roles and home communities.
    Return None when a rule it relies on is not hard. When ``plan`` is given it receives
    the relaxation's best counts per (person, community): a guide for the greedy start;
    ``parts`` receives each group's own bound L_G.
    """
    rules = ix.problem.rules
    one = rules.one_shift_per_day
    if not (rules.coverage.enabled and rules.coverage.hard and one.enabled and one.hard):
        return None
    roles_hard = rules.roles.enabled and rules.roles.hard
    nd = len(ix.days)
    caps: dict[frozenset[date], int] = {}
    groups: dict[Hashable, list[int]] = defaultdict(list)
    for i, p in enumerate(ix.staff):
        groups[p.group].append(i)
    weekend = [d.weekday() >= 5 for d in ix.days]
    total = 0
    for index, (group, members) in enumerate(groups.items()):
        inside = set(members)
        types: dict[tuple, list[int]] = defaultdict(list)
        for j, s in enumerate(ix.shifts):
            if ix.elig_set[j] & inside:
                shared = not ix.elig_set[j] <= inside
                key = (
                    s.community_id,
                    s.is_night,
                    weekend[ix.dix[s.day]],
                    s.needs_party_member,
                    s.needs_team_leader,
                    s.kind,
                    shared,
                )
                types[key].append(j)
        if not types:
            continue
        m = cp_model.CpModel()
        n: dict[tuple[int, tuple], cp_model.IntVar] = {}
        per_person: dict[int, list[tuple[tuple, cp_model.IntVar]]] = defaultdict(list)
        for key, js in types.items():
            mine: list[tuple[int, cp_model.IntVar]] = []
            for i in members:
                days_ok = len({ix.shifts[j].day for j in js if i in ix.elig_set[j]})
                if days_ok:
                    v = m.new_int_var(0, days_ok, "")
                    n[(i, key)] = v
                    mine.append((i, v))
                    per_person[i].append((key, v))
            shared = key[-1]
            cap = sum(ix.shifts[j].capacity for j in js)
            need = sum(ix.shifts[j].min_staff for j in js)
            m.add(sum(v for _, v in mine) <= cap)
            if shared:
                continue
            m.add(sum(v for _, v in mine) >= need)
            if roles_hard:
                for flag, attr in ((key[3], "is_party_member"), (key[4], "is_team_leader")):
                    if flag:
                        m.add(sum(v for i, v in mine if getattr(ix.staff[i], attr)) >= len(js))
        counts: dict[str, dict[int, cp_model.LinearExprT]] = defaultdict(dict)
        home_terms: list[cp_model.IntVar] = []
        for i in members:
            p = ix.staff[i]
            mine_t = per_person.get(i, [])
            if p.available_days:
                pattern = frozenset(p.available_days)
                if pattern not in caps:
                    caps[pattern] = _max_duty_days(ix, [d in pattern for d in ix.days])
                if mine_t:
                    m.add(sum(v for _, v in mine_t) <= caps[pattern])
            counts["fairness_shifts"][i] = sum(v for _, v in mine_t)
            counts["fairness_nights"][i] = sum(v for key, v in mine_t if key[1])
            counts["fairness_weekends"][i] = sum(v for key, v in mine_t if key[2])
            if rules.home_community.enabled and p.home_community_id is not None:
                home_terms += [v for key, v in mine_t if key[0] is not None and key[0] != p.home_community_id]
        # People nothing tells apart are interchangeable here: order their totals.
        alike: dict[tuple, list[int]] = defaultdict(list)
        for i in members:
            p = ix.staff[i]
            alike[
                (
                    frozenset(p.available_days),
                    p.is_party_member,
                    p.is_team_leader,
                    p.home_community_id,
                    p.no_nights,
                    p.max_minutes_per_day,
                    p.kinds,
                    p.is_leader,
                )
            ].append(i)
        for same in alike.values():
            for a, b in zip(same, same[1:]):
                m.add(counts["fairness_shifts"][a] >= counts["fairness_shifts"][b])
        objective: list[cp_model.LinearExprT] = []
        if home_terms:
            objective.append(rules.home_community.weight * sum(home_terms))
        for name in ("fairness_shifts", "fairness_nights", "fairness_weekends"):
            rule: Rule = getattr(rules, name)
            if not rule.enabled:
                continue
            a_ref, judged = _judged(ix, members, name)
            if len(judged) < 2:
                continue
            ub = 3 * max(1, nd) * a_ref
            hi, lo = m.new_int_var(0, ub, ""), m.new_int_var(0, ub, "")
            for i in judged:
                m.add(hi * ix.avail_days[i] >= a_ref * counts[name][i])
                m.add(lo * ix.avail_days[i] <= a_ref * counts[name][i])
            if rule.hard:
                m.add(hi - lo <= rule.value)
            else:
                over = m.new_int_var(0, ub, "")
                m.add(over >= hi - lo - rule.value)
                objective.append(rule.weight * over)
        if not objective:
            continue
        m.minimize(sum(objective))
        # Keep a second for each group still to solve (under load the first big batch
        # could take it all); a group out of time still gives its bound so far.
        left = deadline - time.monotonic() - _AGGREGATE_RESERVE * (len(groups) - index - 1)
        if left < 0.05:
            continue  # out of time: this group's part counts as 0, still a lower bound
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = max(1, workers)
        solver.parameters.max_time_in_seconds = left
        solver.parameters.linearization_level = 2  # proves these small models far faster
        status = solver.solve(m)
        if status == cp_model.INFEASIBLE:
            return None  # the full model is infeasible too; the search will say why
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.UNKNOWN):
            # CP-SAT's bound is proven whatever the status; the group's part is >= 0 anyway.
            found = solver.best_objective_bound
            part = max(0, int(math.ceil(found - 1e-6))) if math.isfinite(found) else 0
            total += part
            if parts is not None:
                parts[group] = part
        if plan is not None and status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            for (i, key), v in n.items():
                plan[(i, key[0])] = plan.get((i, key[0]), 0) + solver.value(v)
    return total


_DAYS_BOUND_MAX_CELLS = 80_000  # above this the LP takes longer than the time it is given


def _days_bound(
    ix: _Index,
    *,
    deadline: float,
    parts: dict[Hashable, int] | None = None,
    plan: dict[tuple[int, Hashable], float] | None = None,
) -> int | None:
    """Return a proven lower bound from the linear relaxation of each fairness group's roster, day by day.

    Why it is valid: as in :func:`_aggregate_bound`, the objective splits by fairness group
    G into home(R, G) + fair(R, G) + roles(R, G) + rest(R) >= the brackets, where roles(R, G)
    prices the missing roles (and missing people, with coverage soft) of shifts only G's
    people may take, and rest(R) >= 0 holds continuity and the rules left out here. Each
    bracket is at least the optimum of G's linear programme: one variable in [0, 1] per
    person and shift they may take; a shift only G may take gets between min_staff and its
    capacity (a shift shared with another group only its capacity); one shift a day; the
    hard rest, run, days-off and 7-day rules as the model states them (on duty days, which
    are sums of cells with one shift a day); home and the roles as in the objective; the
    fairness band on continuous hi and lo (hi * A_i >= A_ref * count_i, lo * A_i <= A_ref *
    count_i), below the band on whole numbers. Any roster's cells are a point of that
    programme with at least its value, so the LP optimum, rounded up, bounds the optimum.

    Unlike the aggregate relaxation it sees days: who is free on which day, runs and rest.
    On the demo campaign built by the Django side, where every community has enough of its
    own people in total, the aggregate bound is 0 and this one about 180. It is solved by
    HiGHS's LP (OR-Tools' model builder, no integer variables), a few seconds per batch.
    Return None when one shift a day is not a hard rule; a group whose LP does not finish
    by the deadline counts 0. With ``plan``, the LP optimum's shifts per person and
    community are added to it (as :func:`_aggregate_bound`'s plan, for the search).
    """
    from ortools.linear_solver.python import model_builder as mb

    rules = ix.problem.rules
    one = rules.one_shift_per_day
    if not (one.enabled and one.hard) or sum(len(e) for e in ix.elig) > _DAYS_BOUND_MAX_CELLS:
        return None
    nd = len(ix.days)
    cov, roles_rule = rules.coverage, rules.roles
    rest_rule, mx, after = rules.min_rest_hours, rules.max_consecutive_days, rules.days_off_after_max_run
    week, off = rules.max_shifts_per_week, rules.min_consecutive_days_off
    gap_needed = timedelta(hours=rest_rule.value if rest_rule.enabled else 0)
    groups: dict[Hashable, list[int]] = defaultdict(list)
    for i, p in enumerate(ix.staff):
        groups[p.group].append(i)
    total = 0
    for group, members in groups.items():
        if time.monotonic() > deadline - 0.5:
            break  # out of time: the groups left count 0, still a lower bound
        inside = set(members)
        m = mb.Model()
        objective: list[tuple[float, object]] = []
        cells: dict[int, dict[int, object]] = defaultdict(dict)  # person -> shift -> variable
        on: dict[int, list[tuple[int, object]]] = defaultdict(list)  # shift -> (person, variable)
        for j in range(len(ix.shifts)):
            for i in ix.elig[j]:
                if i in inside:
                    v = m.new_num_var(0, 1, "")
                    cells[i][j] = v
                    on[j].append((i, v))
        if not on:
            continue
        for j, crew in on.items():
            s = ix.shifts[j]
            everyone = mb.LinearExpr.sum([v for _, v in crew])
            m.add(everyone <= s.capacity)
            if not ix.elig_set[j] <= inside:
                continue  # shared with another group: nothing is owed here
            if cov.enabled and cov.hard:
                m.add(everyone >= s.min_staff)
            elif cov.enabled:
                short = m.new_num_var(0, s.min_staff, "")
                m.add(everyone + short >= s.min_staff)
                objective.append((cov.weight, short))
            if roles_rule.enabled:
                for flag, attr in ((s.needs_party_member, "is_party_member"), (s.needs_team_leader, "is_team_leader")):
                    if not flag:
                        continue
                    holders = mb.LinearExpr.sum([v for i, v in crew if getattr(ix.staff[i], attr)])
                    if roles_rule.hard:
                        m.add(holders >= 1)
                    else:
                        miss = m.new_num_var(0, 1, "")
                        m.add(holders + miss >= 1)
                        objective.append((roles_rule.weight, miss))
        counts: dict[str, dict[int, object]] = defaultdict(dict)
        for i in members:
            mine = cells.get(i)
            if not mine:
                continue
            p = ix.staff[i]
            by_day: list[list[int]] = [[] for _ in range(nd)]
            for j in mine:
                by_day[ix.dix[ix.shifts[j].day]].append(j)
            w: list[object] = []
            for k in range(nd):
                if by_day[k]:
                    wv = m.new_num_var(0, 1, "")
                    m.add(mb.LinearExpr.sum([mine[j] for j in by_day[k]]) == wv)
                    w.append(wv)
                else:
                    w.append(0)
            if rest_rule.enabled and rest_rule.hard:
                for k in range(nd - 1):
                    today: dict[tuple[datetime, datetime], list[object]] = defaultdict(list)
                    for j in by_day[k]:
                        today[(ix.shifts[j].start, ix.shifts[j].end)].append(mine[j])
                    for j2 in by_day[k + 1]:
                        b = ix.shifts[j2]
                        for (_, end), lits in today.items():
                            if b.start < end + gap_needed:
                                m.add(mb.LinearExpr.sum([*lits, mine[j2]]) <= 1)
            if mx.enabled and mx.hard and mx.value < nd:
                M = mx.value
                for first in range(nd - M):
                    m.add(mb.LinearExpr.sum(w[first : first + M + 1]) <= M)
                if after.enabled and after.hard and after.value > 1:
                    for d in range(M, nd):
                        for jj in range(1, after.value):
                            if d + jj < nd:
                                m.add(mb.LinearExpr.sum([*w[d - M : d], w[d + jj]]) <= M)
            if week.enabled and week.hard:
                for first in range(max(1, nd - 6)):
                    m.add(mb.LinearExpr.sum(w[first : min(nd, first + 7)]) <= week.value)
            if off.enabled and off.hard and off.value > 1:
                for gap in range(1, off.value):
                    for d in range(nd - gap - 1):
                        # not (duty d, off d+1..d+gap, duty d+gap+1)
                        m.add(
                            mb.LinearExpr.sum([w[d], w[d + gap + 1]]) - mb.LinearExpr.sum(w[d + 1 : d + gap + 1]) <= 1
                        )
            counts["fairness_shifts"][i] = mb.LinearExpr.sum(list(mine.values()))
            counts["fairness_nights"][i] = mb.LinearExpr.sum([v for j, v in mine.items() if ix.shifts[j].is_night])
            counts["fairness_weekends"][i] = mb.LinearExpr.sum(
                [v for j, v in mine.items() if ix.shifts[j].day.weekday() >= 5]
            )
            if rules.home_community.enabled and p.home_community_id is not None:
                for j, v in mine.items():
                    c = ix.shifts[j].community_id
                    if c is not None and c != p.home_community_id:
                        objective.append((rules.home_community.weight, v))
        for name in ("fairness_shifts", "fairness_nights", "fairness_weekends"):
            rule: Rule = getattr(rules, name)
            if not rule.enabled:
                continue
            a_ref, judged = _judged(ix, members, name)
            judged = [i for i in judged if i in counts[name]]
            if len(judged) < 2:
                continue
            hi, lo = m.new_num_var(0, 3 * nd * a_ref, ""), m.new_num_var(0, 3 * nd * a_ref, "")
            for i in judged:
                m.add(hi * ix.avail_days[i] - counts[name][i] * a_ref >= 0)
                m.add(lo * ix.avail_days[i] - counts[name][i] * a_ref <= 0)
            if rule.hard:
                m.add(hi - lo <= rule.value)
            else:
                over = m.new_num_var(0, 3 * nd * a_ref, "")
                m.add(over - hi + lo >= -rule.value)
                objective.append((rule.weight, over))
        if not objective:
            continue
        m.minimize(mb.LinearExpr.weighted_sum([v for _, v in objective], [c for c, _ in objective]))
        solver = mb.Solver("highs")
        solver.enable_output(False)
        left = deadline - time.monotonic()
        if left < 0.2:
            break
        solver.set_time_limit_in_seconds(left)
        status = solver.solve(m)
        if status == mb.SolveStatus.INFEASIBLE:
            return None  # the full model is infeasible too; the search will say why
        if status != mb.SolveStatus.OPTIMAL:
            continue  # no proven LP optimum: this group counts 0
        value = solver.objective_value
        part = max(0, int(math.ceil(value - 1e-6 * (1 + abs(value)))))
        total += part
        if parts is not None:
            parts[group] = part
        if plan is not None:
            for i, mine in cells.items():
                for j, v in mine.items():
                    c = ix.shifts[j].community_id
                    x = solver.value(v)
                    if c is not None and x > 1e-6:
                        plan[(i, c)] = plan.get((i, c), 0.0) + x
    return total


# =========================================================================== greedy hint


def _greedy(
    ix: _Index,
    *,
    fixed: Iterable[tuple[int, int]],
    frozen_day: int,
    plan: Mapping[tuple[int, Hashable], int] | None = None,
    scarce_first: bool = False,
) -> set[tuple[int, int]]:
    """Fill shifts day by day with the least-used person who keeps the hard rules.

    With a ``plan`` (shifts per person and community, from the aggregate relaxation) a
    person is preferred where the plan still wants them. With ``scarce_first``, shifts
    only a few people may stand are placed over the whole horizon before the others.
    """
    planned: dict[tuple[int, Hashable], int] = defaultdict(int)
    rules = ix.problem.rules
    n = len(ix.staff)
    nd = len(ix.days)
    chosen: set[tuple[int, int]] = set()
    worked = [[False] * nd for _ in range(n)]
    shifts_on = [[0] * nd for _ in range(n)]
    held: list[dict[int, list[int]]] = [defaultdict(list) for _ in range(n)]  # person -> day -> shifts
    count = [0] * n
    nights = [0] * n
    filled = [0] * len(ix.shifts)
    w_cont = rules.continuity.weight if rules.continuity.enabled else 0
    w_home = rules.home_community.weight if rules.home_community.enabled else 0
    a_ref: dict[Hashable, int] = defaultdict(int)
    for i, p in enumerate(ix.staff):
        a_ref[p.group] = max(a_ref[p.group], ix.avail_days[i])
    rest = timedelta(hours=rules.min_rest_hours.value if rules.min_rest_hours.enabled else 0)
    M = rules.max_consecutive_days.value if rules.max_consecutive_days.enabled else nd + 1
    R = rules.days_off_after_max_run.value if rules.days_off_after_max_run.enabled else 1
    K_off = rules.min_consecutive_days_off.value if rules.min_consecutive_days_off.enabled else 1
    W = rules.max_shifts_per_week.value if rules.max_shifts_per_week.enabled else 10**6
    longest = max((s.end - s.start for s in ix.shifts), default=timedelta(0))
    reach = 1 + math.ceil((rest + longest).total_seconds() / 86400)

    def take(i: int, j: int) -> None:
        s = ix.shifts[j]
        k = ix.dix[s.day]
        chosen.add((i, j))
        worked[i][k] = True
        shifts_on[i][k] += 1
        count[i] += 1
        nights[i] += int(s.is_night)
        filled[j] += 1
        held[i][k].append(j)
        planned[(i, s.community_id)] += 1

    for i, j in sorted(fixed, key=lambda ij: ix.shifts[ij[1]].start):
        take(i, j)

    def can(i: int, j: int) -> bool:
        s = ix.shifts[j]
        k = ix.dix[s.day]
        if shifts_on[i][k] and rules.one_shift_per_day.enabled:
            return False
        # Rest and overlap against every shift held nearby (both directions).
        for kk in range(max(0, k - reach), min(nd, k + reach + 1)):
            for jj in held[i].get(kk, ()):
                o = ix.shifts[jj]
                first_, second = (o, s) if (o.start, o.end) <= (s.start, s.end) else (s, o)
                if second.start < first_.end + rest:
                    return False
        p = ix.staff[i]
        if p.max_minutes_per_day is not None and shifts_on[i][k]:
            if s.minutes + sum(ix.shifts[jj].minutes for jj in held[i].get(k, ())) > p.max_minutes_per_day:
                return False
        # Days already held after k count too: scarce shifts may be placed over the whole
        # horizon first, and locked cells may lie ahead.
        back = 0
        while k - back - 1 >= 0 and worked[i][k - back - 1]:
            back += 1
        ahead = 0
        while k + ahead + 1 < nd and worked[i][k + ahead + 1]:
            ahead += 1
        if back + 1 + ahead > M:
            return False
        if back + 1 + ahead == M and any(worked[i][d] for d in range(k + ahead + 2, min(nd, k + ahead + R + 1))):
            return False  # the run would reach the maximum with a duty day inside its rest
        # Days off after a run of M: the R-1 days after the forced day off stay off too.
        for off in range(1, R):
            end = k - off  # candidate off day index closing a max run
            if end - M < 0:
                break
            if all(worked[i][end - M + t] for t in range(M)) and not any(worked[i][end:k]):
                return False
        # A short block of days off between duty days is not allowed, before k or after it.
        if K_off > 1 and k > 0 and not worked[i][k - 1]:
            gap = 0
            while k - gap - 1 >= 0 and not worked[i][k - gap - 1]:
                gap += 1
            if gap < K_off and k - gap - 1 >= 0:
                return False
        if K_off > 1 and k + 1 < nd and not worked[i][k + 1]:
            gap = 0
            while k + gap + 1 < nd and not worked[i][k + gap + 1]:
                gap += 1
            if gap < K_off and k + gap + 1 < nd:
                return False
        # Every 7 days holding k (from the horizon's start while it is shorter).
        for first_day in range(max(0, k - 6), k + 1):
            if first_day > 0 and first_day + 6 >= nd:
                break
            if sum(shifts_on[i][first_day : first_day + 7]) >= W:
                return False
        return True

    # Shifts only a few people may stand (office duty for four office staff, say) can be
    # placed over the whole horizon first, the rest then filling day by day around them.
    pools = sorted(len(e) for e in ix.elig if e)
    median_pool = pools[len(pools) // 2] if pools else 0
    scarce = [scarce_first and 2 * len(e) <= median_pool for e in ix.elig]
    for scarce_pass in (True, False) if any(scarce) else (None,):
        for k in range(frozen_day, nd):
            day_shifts = sorted(
                (j for j in ix.by_day[k] if scarce_pass is None or scarce[j] == scarce_pass),
                key=lambda j: (
                    -(ix.shifts[j].needs_party_member + ix.shifts[j].needs_team_leader),
                    len(ix.elig[j]),
                    ix.shifts[j].start,
                ),
            )
            for j in day_shifts:
                s = ix.shifts[j]
                needs = []
                have = [i for (i, jj) in chosen if jj == j]
                if s.needs_party_member and not any(ix.staff[i].is_party_member for i in have):
                    needs.append("is_party_member")
                if s.needs_team_leader and not any(ix.staff[i].is_team_leader for i in have):
                    needs.append("is_team_leader")
                while filled[j] < s.min_staff:
                    cands = []
                    for i in ix.elig[j]:
                        if (i, j) in chosen or not can(i, j):
                            continue
                        p = ix.staff[i]
                        # Roles first: someone holding every missing role beats someone with one.
                        missing_roles = sum(1 for attr in needs if not getattr(p, attr))
                        if needs and missing_roles == len(needs) and filled[j] + len(needs) >= s.min_staff:
                            continue
                        load = (nights[i] if s.is_night else count[i]) * a_ref[p.group] / max(1, ix.avail_days[i])
                        cands.append((missing_roles, load, i))
                    best = None
                    if cands:
                        # Stay within a band of the least loaded, then follow the soft preferences
                        # (continuity, home community) the way the objective weighs them.
                        fewest_missing = min(c[0] for c in cands)
                        pool = [c for c in cands if c[0] == fewest_missing]
                        lightest = min(c[1] for c in pool)
                        best_key = None
                        for _, load, i in pool:
                            if load > lightest + (1.0 if plan is None else 2.0):
                                continue
                            p = ix.staff[i]
                            moved = k > 0 and all(
                                ix.shifts[jj].checkpoint_id != s.checkpoint_id for jj in held[i].get(k - 1, ())
                            )
                            moved = moved and worked[i][k - 1]
                            away = (
                                p.home_community_id is not None
                                and s.community_id is not None
                                and p.home_community_id != s.community_id
                            )
                            # Keep scarce roles free for shifts that need them.
                            spare_role = (p.is_party_member and not s.needs_party_member) + (
                                p.is_team_leader and not s.needs_team_leader
                            )
                            off_plan = plan is not None and planned[(i, s.community_id)] >= plan.get(
                                (i, s.community_id), 0
                            )
                            key = (w_cont * moved + w_home * away + 2.0 * off_plan + 0.3 * spare_role + 0.5 * load, i)
                            if best_key is None or key < best_key:
                                best, best_key = i, key
                    if best is None:
                        if needs:
                            needs.clear()  # nobody with the roles can come: fill the place anyway
                            continue
                        break
                    take(best, j)
                    for attr in list(needs):
                        if getattr(ix.staff[best], attr):
                            needs.remove(attr)
    return chosen


def _start(
    ix: _Index,
    *,
    fixed: Iterable[tuple[int, int]],
    frozen_day: int,
    plan: Mapping[tuple[int, Hashable], int] | None = None,
) -> set[tuple[int, int]]:
    """Return the greedy start; when it leaves places open, also try scarce shifts first and keep the fuller one.

    Neither order wins everywhere: on the whole demo campaign, day by day spends the four
    office staff's week at checkpoints and leaves office nights open; on its smallest batch,
    office duty first leaves too few hands for the checkpoints.
    """
    fixed = list(fixed)
    roster = _greedy(ix, fixed=fixed, frozen_day=frozen_day, plan=plan)
    open_places = len(_unfilled(ix, roster))
    if open_places:
        other = _greedy(ix, fixed=fixed, frozen_day=frozen_day, plan=plan, scarce_first=True)
        if len(_unfilled(ix, other)) < open_places:
            return other
    return roster


# =========================================================================== solving


_PLANNED_FILL = 0.05  # share of the time the plan-guided second start may spend closing its gaps


def _ids(ix: _Index, pairs: Iterable[tuple[int, int]]) -> list[Assignment]:
    return sorted(((ix.staff[i].id, ix.shifts[j].id) for i, j in pairs), key=lambda a: (str(a[1]), str(a[0])))


def solve(
    problem: Problem,
    *,
    time_limit_s: float = 60.0,
    workers: int = 2,
    previous: Iterable[Assignment] | None = None,
    locked: Iterable[Assignment] = (),
    hint: Iterable[Assignment] | None = None,
    freeze_before: date | None = None,
    gap_limit: float = 0.0,
    log: Callable[[str], None] | None = None,
    solver_params: Mapping[str, object] | None = None,
) -> Result:
    """Build the roster: pre-check, greedy hint, CP-SAT, and an explanation when infeasible."""
    t0 = time.monotonic()
    ix = _Index(problem)
    previous_set = frozenset(previous or ())
    locked_set = frozenset(locked)
    shortages = _precheck(ix, locked=locked_set)
    if shortages:
        return Result("infeasible", [], None, None, None, time.monotonic() - t0, explanation=shortages)
    frozen_day = _frozen_day(ix, freeze_before)
    lock_idx = {(ix.pid[a], ix.sid[b]) for a, b in locked_set if a in ix.pid and b in ix.sid}
    prev_idx = {(ix.pid[a], ix.sid[b]) for a, b in previous_set if a in ix.pid and b in ix.sid}
    past = {(i, j) for i, j in prev_idx if ix.dix[ix.shifts[j].day] < frozen_day}
    trace_points: list[tuple[float, int, int]] = []
    # A fresh roster gets the aggregate bound (see _aggregate_bound), computed on one core
    # while this thread builds the start roster and the model. With a previous roster, a
    # frozen past or locked cells only CP-SAT's bound is used.
    relaxations: dict[str, int | None] = {}
    parts: dict[str, dict[Hashable, int]] = {"aggregate": {}, "days_lp": {}}
    plan: dict[tuple[int, Hashable], int] = {}
    lp_plan: dict[tuple[int, Hashable], float] = {}
    bound_threads: list[threading.Thread] = []
    start_ready = threading.Event()
    waiting = _Shared(None)  # done once the relaxations' bounds (and plans) are in
    if not previous_set and freeze_before is None and not locked_set:
        # Two relaxations, each a bound per fairness group, each on its own thread (both
        # solvers release the GIL): the aggregate one (whole counts, exact fairness bands)
        # and the day-by-day LP (who is free on which day, runs and rest). The larger per
        # group is still a bound of that group's part of the objective.
        agg_deadline = t0 + min(20.0, 0.4 * time_limit_s)

        def aggregate() -> int | None:
            return _aggregate_bound(ix, deadline=agg_deadline, workers=1, plan=plan, parts=parts["aggregate"])

        def days_lp() -> int | None:
            # Its model is built in Python: wait for the start roster, the first feasible
            # one, rather than slow it down.
            start_ready.wait(max(0.0, agg_deadline - time.monotonic()))
            return _days_bound(ix, deadline=agg_deadline, parts=parts["days_lp"], plan=lp_plan)

        def relax(name: str, compute: Callable[[], int | None]) -> None:
            try:
                relaxations[name] = compute()
            finally:
                relaxations.setdefault(name, None)  # finished, with a bound or not
                if len(relaxations) == 2:  # only ever set: the other thread may have set it already
                    waiting.done = True

        for name, compute in (("aggregate", aggregate), ("days_lp", days_lp)):
            bound_threads.append(threading.Thread(target=relax, args=(name, compute), daemon=True))
            bound_threads[-1].start()

    def relaxed(*, wait: bool = False) -> int | None:
        """Return the relaxations' bound so far: per group the larger part found."""
        if wait:
            for thread in bound_threads:
                thread.join()  # both stop by agg_deadline
        if not any(v is not None for v in relaxations.values()):
            return None
        groups = {g for found in parts.values() for g in found}
        return sum(max(found.get(g, 0) for found in parts.values()) for g in groups)

    if hint is not None:
        roster = {(ix.pid[a], ix.sid[b]) for a, b in hint if a in ix.pid and b in ix.sid}
    elif previous_set:
        # Re-solving: the previous roster is the natural starting point.
        roster = set(prev_idx)
    else:
        roster = _start(ix, fixed=past | lock_idx, frozen_day=frozen_day)
    roster = {(i, j) for i, j in roster if i in ix.elig_set[j] or (i, j) in past} | lock_idx
    if log:
        log(f"start roster at {time.monotonic() - t0:.2f}s: {len(roster)} cells")

    # Close the start roster's gaps with small windowed models before the full one: they
    # presolve in a fraction of a second where the full model takes several.
    def fill(start: set[tuple[int, int]], until: float) -> tuple[set[tuple[int, int]], int | None, bool]:
        return _fill_gaps(
            ix,
            start,
            previous=previous_set,
            locked=locked_set,
            freeze_before=freeze_before,
            deadline=until,
            workers=workers,
            log=log,
        )

    roster, _, complete = fill(roster, t0 + 0.4 * time_limit_s)
    start_ready.set()
    first_time: float | None = None
    first_obj: int | None = None
    if complete:
        # The start roster counts as the first feasible one once the independent checker
        # finds no hard rule broken (it prices it the same way the model does).
        check = check_roster(problem, _ids(ix, roster), previous=previous_set or None, locked=locked_set)
        if check.feasible:
            first_time, first_obj = time.monotonic() - t0, check.objective
            trace_points.append((first_time, first_obj, 0))
        if log:
            log(f"start roster complete at {time.monotonic() - t0:.2f}s, objective {first_obj}")
    # Above the size limit the full model adds nothing in the time (on the demo it found no
    # roster and a bound far below the aggregate one): both cores run the neighbourhood
    # search and rosters are priced by the checker, so the full model is never built.
    twin = workers >= 2 and first_obj is not None and sum(len(e) for e in ix.elig) > _FULL_SEARCH_MAX_VARS
    mdl: _Model | None = None
    if twin:
        hint_obj: int | None = first_obj
    else:
        mdl = _Model(
            ix, previous=previous_set, locked=locked_set, freeze_before=freeze_before, demand_weight=_DEMAND_WEIGHT
        )
        if log:
            log(
                f"model built at {time.monotonic() - t0:.2f}s: {len(mdl.x)} x-vars, "
                f"{len(mdl.model.proto.constraints)} constraints"
            )
        if getattr(mdl, "sym_classes", None):
            roster = _sort_hint_for_symmetry(ix, roster, mdl.sym_classes)
        hint_obj = _complete_hint(mdl, roster)
        if complete and first_time is None and hint_obj is not None and hint_obj < _DEMAND_WEIGHT:
            first_time = time.monotonic() - t0
            trace_points.append((first_time, hint_obj, 0))
    if log:
        log(f"hint ready at {time.monotonic() - t0:.2f}s, objective {hint_obj}")
    agg_bound: int | None = None
    if bound_threads:
        if twin and hint_obj is not None:
            # Do not leave this core idle while the other computes the bounds: improve the
            # start roster meanwhile. Both relaxations' plans then shape the neighbourhoods.
            roster, hint_obj = _lns(
                ix,
                set(roster),
                hint_obj,
                full=waiting,
                previous=previous_set,
                locked=locked_set,
                freeze_before=freeze_before,
                deadline=agg_deadline,
                gap_limit=gap_limit,
                trace=trace_points,
                t0=t0,
                log=log,
                seed=2,
            )
        bound_threads[0].join()  # the aggregate relaxation; the day-by-day LP is joined at the end
        agg_bound = relaxed()
        if log:
            log(f"relaxation bound {agg_bound} ({relaxations}) at {time.monotonic() - t0:.2f}s")
        if plan and hint is None and complete:
            # A second start guided by the relaxation's plan; keep the cheaper of the two.
            planned = _start(ix, fixed=lock_idx, frozen_day=frozen_day, plan=plan)
            # Only a short repair: the first start is complete already, and on the demo's
            # third batch an open plan's repairs took 7 of a 20-s solve's seconds and failed,
            # with the search not yet started.
            planned, _, planned_complete = fill(
                planned, min(t0 + 0.4 * time_limit_s, time.monotonic() + max(0.5, _PLANNED_FILL * time_limit_s))
            )
            planned_obj: int | None = None
            if mdl is None:
                if planned_complete:
                    check = check_roster(problem, _ids(ix, planned), previous=previous_set or None, locked=locked_set)
                    planned_obj = check.objective if check.feasible else None
            else:
                if getattr(mdl, "sym_classes", None):
                    planned = _sort_hint_for_symmetry(ix, planned, mdl.sym_classes)
                planned_obj = _complete_hint(mdl, planned) if planned_complete else None
            if planned_obj is not None and hint_obj is not None and planned_obj < hint_obj:
                roster, hint_obj = planned, planned_obj
                trace_points.append((time.monotonic() - t0, hint_obj, agg_bound or 0))
            elif mdl is not None:
                _complete_hint(mdl, roster)  # the full search starts from the hint
            if log:
                log(f"planned start at {time.monotonic() - t0:.2f}s, objective {planned_obj}")

    # Keep a moment at the end to price the final roster exactly (see _exact_objective).
    deadline = t0 + time_limit_s - min(3.0, 0.05 * time_limit_s)
    use_lns = workers >= 2 and hint_obj is not None
    if twin and hint_obj is not None:
        # Both cores run the neighbourhood search, from different seeds, sharing their best.
        shared = _Shared(agg_bound)
        # Where either relaxation sends people (see _planned_cells). On the Django demo's
        # whole campaign the aggregate plan sends nobody away (its bound is 0) and the LP's
        # shows where away duty pays: 217/239/251 against 247-267 with the aggregate's alone.
        allowed = _planned_cells(ix, plan, lp_plan) if plan or lp_plan else None
        best, best_obj = _twin_lns(
            ix,
            set(roster),
            hint_obj,
            shared=shared,
            previous=previous_set,
            locked=locked_set,
            freeze_before=freeze_before,
            deadline=t0 + time_limit_s - min(1.0, 0.05 * time_limit_s),  # the checker prices fast
            gap_limit=gap_limit,
            trace=trace_points,
            t0=t0,
            log=log,
            allowed=allowed,
        )
        return _finish(
            problem,
            ix,
            mdl,
            shared,
            best,
            best_obj,
            t0=t0,
            time_limit_s=time_limit_s,
            previous_set=previous_set,
            locked_set=locked_set,
            freeze_before=freeze_before,
            first_time=first_time,
            trace_points=trace_points,
            relaxations=relaxations,
            late_bound=relaxed if bound_threads else None,
        )
    assert mdl is not None
    full = _FullSearch(
        mdl,
        t0=t0,
        time_limit_s=max(0.1, deadline - time.monotonic()),
        workers=1 if use_lns else workers,
        gap_limit=gap_limit,
        solver_params=solver_params,
        log=log,
        agg_bound=agg_bound,
    )
    full.start()
    best = set(roster)
    best_obj = hint_obj if hint_obj is not None else None
    if use_lns:
        # One core runs the full model (bound, proof, its own LNS), the other our
        # neighbourhood search on small windowed models, which moves much faster.
        best, best_obj = _lns(
            ix,
            best,
            best_obj,
            full=full,
            previous=previous_set,
            locked=locked_set,
            freeze_before=freeze_before,
            deadline=deadline,
            gap_limit=gap_limit,
            trace=trace_points,
            t0=t0,
            log=log,
            # The aggregate plan bounds these neighbourhoods too (the LP's comes later here):
            # on the demo's third batch at 20 s, 180/189/192 against 208/208/212 without.
            allowed=_planned_cells(ix, plan) if plan else None,
        )
        full.stop()  # our search ended first (time, gap or bound): the full one may stop too
    full.join()
    return _finish(
        problem,
        ix,
        mdl,
        full,
        best,
        best_obj,
        t0=t0,
        time_limit_s=time_limit_s,
        previous_set=previous_set,
        locked_set=locked_set,
        freeze_before=freeze_before,
        first_time=first_time,
        trace_points=trace_points,
        relaxations=relaxations,
        late_bound=relaxed if bound_threads else None,
    )


def _finish(
    problem: Problem,
    ix: _Index,
    mdl: _Model | None,
    full: _FullSearch | _Shared,
    best: set[tuple[int, int]],
    best_obj: int | None,
    *,
    t0: float,
    time_limit_s: float,
    previous_set: frozenset[Assignment],
    locked_set: frozenset[Assignment],
    freeze_before: date | None,
    first_time: float | None,
    trace_points: list[tuple[float, int, int]],
    relaxations: Mapping[str, int | None] | None = None,
    late_bound: Callable[..., int | None] | None = None,
) -> Result:
    """Pick the best roster found, price it exactly and explain what is left."""
    if late_bound is not None:
        # The day-by-day LP may have finished after the search started: count it now.
        value = late_bound(wait=True)
        proved_none = full.status == cp_model.INFEASIBLE
        if value is not None and not proved_none and (full.agg_bound is None or value > full.agg_bound):
            full.agg_bound = value
            if isinstance(full, _Shared):
                full.bound = value
    status = full.status
    if full.best is not None and (best_obj is None or full.best_obj <= best_obj):
        best, best_obj = full.best, full.best_obj
    bound = full.bound
    wall = time.monotonic() - t0
    trace_points.sort()
    if best_obj is None:
        if status == cp_model.INFEASIBLE:
            explanation = _diagnose(
                ix,
                previous=previous_set,
                locked=locked_set,
                freeze_before=freeze_before,
                time_limit_s=max(5.0, min(30.0, time_limit_s - wall)),
            )
            return Result("infeasible", [], None, None, None, time.monotonic() - t0, explanation=explanation)
        return Result(
            "unknown",
            [],
            None,
            None,
            None,
            wall,
            explanation=[Shortage(None, None, None, 0, 0, "timeout", "no roster found within the time limit")],
        )
    # Intermediate solutions may carry slack in auxiliary variables (a spread above the
    # real one, say), so the objective of the chosen roster is recomputed with x fixed.
    if not (status == cp_model.OPTIMAL and full.best is best):
        # The full model orders interchangeable staff; a permuted roster has the same price.
        if mdl is None:
            # No full model was built: the checker prices the roster (the same objective).
            check = check_roster(problem, _ids(ix, best), previous=previous_set or None, locked=locked_set)
            if check.feasible:
                best_obj = check.objective
        else:
            classes = getattr(mdl, "sym_classes", None)
            exact = _exact_objective(mdl, _sort_hint_for_symmetry(ix, best, classes) if classes else best)
            if exact is not None:
                best_obj = exact
    proven = status == cp_model.OPTIMAL or (bound is not None and best_obj <= bound)
    if mdl is None:
        rules = problem.rules
        hard_codes = {"unfilled"} if rules.coverage.enabled and rules.coverage.hard else set()
        if rules.roles.enabled and rules.roles.hard:
            hard_codes |= {"unfilled_party_member", "unfilled_team_leader"}
        leaves_open = any(u.reason_code in hard_codes for u in _unfilled(ix, best))
    else:
        leaves_open = best_obj >= _DEMAND_WEIGHT and bool(mdl.softened)
    if leaves_open:
        # Some hard demand is left open: proven impossible when optimal, else not found in time.
        unfilled = _unfilled(ix, best)
        if not proven:
            return Result("unknown", [], None, bound, None, wall, explanation=unfilled)
        explanation = _diagnose(
            ix,
            previous=previous_set,
            locked=locked_set,
            freeze_before=freeze_before,
            time_limit_s=max(5.0, min(30.0, time_limit_s - wall)),
        )
        return Result("infeasible", [], None, None, None, time.monotonic() - t0, explanation=explanation + unfilled)
    assignments = _ids(ix, best)
    gap = None
    if bound is not None:
        gap = 0.0 if best_obj <= bound else (best_obj - bound) / max(1, abs(best_obj))
    explanation = list[Shortage]()
    if not problem.rules.coverage.hard:
        crew: dict[int, int] = defaultdict(int)
        for _, j in best:
            crew[j] += 1
        for j, s in enumerate(ix.shifts):
            if crew[j] < s.min_staff:
                explanation.append(
                    Shortage(
                        s.checkpoint_id, s.day, s.id, s.min_staff, crew[j], "understaffed", "left short in the roster"
                    )
                )
    changes: list[tuple[Hashable, Hashable, str]] = []
    if previous_set:
        now = set(assignments)
        shift_ids = set(ix.sid)
        changes = [(a, b, "removed") for a, b in sorted(previous_set - now, key=str) if b in shift_ids]
        changes += [(a, b, "added") for a, b in sorted(now - previous_set, key=str)]
    return Result(
        status="optimal" if proven else "feasible",
        assignments=assignments,
        objective=best_obj,
        bound=bound,
        gap=gap,
        wall_time=wall,
        explanation=explanation,
        first_solution_time=first_time if first_time is not None else (trace_points[0][0] if trace_points else None),
        # The parts come from the independent checker: the model keeps no per-rule values.
        breakdown=check_roster(problem, assignments, previous=previous_set or None).breakdown,
        trace=trace_points,
        changes=changes,
        bounds={
            name: value
            for name, value in (
                ("cp_sat", full.cp_bound),
                ("relaxation", full.agg_bound),  # per group the larger of the two below
                *((relaxations or {}).items() if full.agg_bound is not None else ()),
            )
            if value is not None
        },
    )


class _FullSearch(threading.Thread):
    """Run CP-SAT on the full model in the background; keep its best roster and bound."""

    def __init__(
        self,
        mdl: _Model,
        *,
        t0: float,
        time_limit_s: float,
        workers: int,
        gap_limit: float,
        solver_params: Mapping[str, object] | None,
        log: Callable[[str], None] | None,
        agg_bound: int | None = None,
    ) -> None:
        super().__init__(daemon=True)
        self.mdl = mdl
        self.t0 = t0
        self.solver = solver = cp_model.CpSolver()
        params = solver.parameters
        params.max_time_in_seconds = time_limit_s
        params.num_workers = max(1, workers)
        params.relative_gap_limit = gap_limit
        if workers == 1:
            # A lone worker does LP-driven search: it is what produces a useful bound.
            params.linearization_level = 2
        for name, value in (solver_params or {}).items():
            field_ = getattr(params, name)
            if isinstance(value, (list, tuple)):
                field_.extend(value)
            else:
                setattr(params, name, value)
        if log is not None:
            params.log_search_progress = True
            params.log_to_stdout = False
            solver.log_callback = log
        self.best: set[tuple[int, int]] | None = None
        self.best_obj: int = 1 << 62
        self.cp_bound: int | None = None  # CP-SAT's bound on the full model
        self.agg_bound = agg_bound  # the aggregate relaxation's (see _aggregate_bound)
        self.status: int = cp_model.UNKNOWN
        self.done = False
        self._stopped = False
        self.points: list[tuple[float, int, int]] = []
        self._lock = threading.Lock()

    @property
    def bound(self) -> int | None:
        """Return the best proven lower bound: CP-SAT's or the aggregate relaxation's."""
        found = [b for b in (self.cp_bound, self.agg_bound) if b is not None]
        return max(found) if found else None

    def run(self) -> None:
        """Solve; record solutions and the bound as they come."""
        outer = self

        class _Cb(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                obj = int(round(self.objective_value))
                cells = {key for key, v in outer.mdl.x.items() if self.boolean_value(v)} | outer.mdl.const
                with outer._lock:
                    if obj < outer.best_obj:
                        outer.best, outer.best_obj = cells, obj
                        outer.points.append((time.monotonic() - outer.t0, obj, outer.bound or 0))
                if outer.agg_bound is not None and obj <= outer.agg_bound:
                    self.stop_search()  # proven optimal by the aggregate bound

        def on_bound(value: float) -> None:
            outer.cp_bound = int(math.ceil(value - 1e-6))

        self.solver.best_bound_callback = on_bound
        try:
            if self._stopped:
                return
            self.status = self.solver.solve(self.mdl.model, _Cb())
            if self.status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                self.cp_bound = int(math.ceil(self.solver.best_objective_bound - 1e-6))
            elif self.status == cp_model.INFEASIBLE:
                self.cp_bound = self.agg_bound = None
        finally:
            self.done = True

    def stop(self) -> None:
        """Ask the search to stop."""
        self._stopped = True
        self.solver.stop_search()

    def take(self) -> tuple[set[tuple[int, int]] | None, int]:
        """Return its best roster and objective."""
        with self._lock:
            return self.best, self.best_obj


class _Shared:
    """The best roster two neighbourhood searches share when no full search runs."""

    def __init__(self, agg_bound: int | None) -> None:
        self.best: set[tuple[int, int]] | None = None
        self.best_obj: int = 1 << 62
        self.cp_bound: int | None = None
        self.agg_bound = agg_bound
        self.bound = agg_bound
        self.status: int = cp_model.UNKNOWN
        self.done = False
        self._lock = threading.Lock()

    def offer(self, roster: set[tuple[int, int]], objective: int) -> None:
        """Keep a roster if it is the best so far."""
        with self._lock:
            if objective < self.best_obj:
                self.best, self.best_obj = set(roster), objective

    def take(self) -> tuple[set[tuple[int, int]] | None, int]:
        """Return the best roster and objective."""
        with self._lock:
            return self.best, self.best_obj

    def stop(self) -> None:
        """Nothing runs on its own."""

    def join(self) -> None:
        """Nothing runs on its own."""


def _lns(
    ix: _Index,
    roster: set[tuple[int, int]],
    objective: int,
    *,
    full: _FullSearch | _Shared,
    previous: frozenset[Assignment],
    locked: frozenset[Assignment],
    freeze_before: date | None,
    deadline: float,
    gap_limit: float,
    trace: list[tuple[float, int, int]],
    t0: float,
    log: Callable[[str], None] | None,
    seed: int = 0,
    allowed: set[tuple[int, int]] | None = None,
) -> tuple[set[tuple[int, int]], int]:
    """Improve the roster by re-solving windows of days and groups of staff."""
    rng = random.Random(len(ix.shifts) * 7919 + len(ix.staff) + 104729 * seed)
    nd = len(ix.days)
    frozen_day = _frozen_day(ix, freeze_before)
    groups: dict[Hashable, list[int]] = defaultdict(list)
    for i, p in enumerate(ix.staff):
        if ix.avail_days[i]:
            groups[p.group].append(i)
    group_list = [g for g in groups.values() if g]
    if frozen_day >= nd or not group_list:
        return roster, objective
    free_days = max(1, nd - frozen_day)
    vars_total = sum(len(e) for e in ix.elig)
    per_person_day = max(1.0, vars_total / max(1, sum(ix.avail_days)))
    target = 2000.0
    swap_span = 7.0
    fair_k = 2.0
    home_span = 4.0
    it = 0
    # Each kind of neighbourhood is drawn by its recent yield (objective gained per second
    # spent on it), with a floor so that none is starved: on the demo one kind gained
    # four times as much per second as another, and the yields change as the roster
    # improves.
    kinds = ("day window", "people", "swap", "fair", "home")
    yield_rate = dict.fromkeys(kinds, 50.0)

    def record(kind: str, gain: int, spent: float) -> None:
        yield_rate[kind] = 0.7 * yield_rate[kind] + 0.3 * gain / max(0.05, spent)

    while True:
        left = deadline - time.monotonic()
        if left < 0.5 or full.done:
            break
        if full.bound is not None and objective - full.bound <= gap_limit * max(1, abs(objective)):
            break
        # Adopt the full search's roster when it got ahead of us.
        theirs, their_obj = full.take()
        if theirs is not None and their_obj < objective:
            roster, objective = set(theirs), their_obj
        it += 1
        t_iter = time.monotonic()
        floor = 0.1 * sum(yield_rate.values()) / len(kinds) + 1e-6
        kind = rng.choices(kinds, weights=[max(floor, yield_rate[k]) for k in kinds])[0]
        lo = rng.randrange(frozen_day, nd)
        # Only people who can work around that day: the others would add nothing.
        # Groups by size: a small one (the leaders' rota) rarely has anything to gain.
        group = rng.choices(group_list, weights=[len(g) for g in group_list])[0]
        members = [i for i in group if any(i in ix.elig_set[j] for j in ix.by_day[lo])]
        if not members:
            continue
        only: set[tuple[int, int]] | None = None
        if kind == "swap":
            # Everyone on duty over a span keeps their days and shift times but may change
            # checkpoint: continuity, home community and roles, across all groups at once.
            span = int(max(2, min(free_days, swap_span)))
            lo = max(frozen_day, min(lo - span // 2, nd - span))
            only = set()
            for i, j in roster:
                s = ix.shifts[j]
                k = ix.dix[s.day]
                if lo <= k < lo + span:
                    only.update(
                        (i, jj)
                        for jj in ix.by_day[k]
                        if ix.shifts[jj].start == s.start and ix.shifts[jj].end == s.end and i in ix.elig_set[jj]
                    )
            free = {i: (lo, lo + span) for i, _ in only}
        elif kind == "fair":
            # The most and the least loaded of a group on one fairness metric, over the
            # whole horizon: the band is set by them alone.
            metric = rng.choice(("fairness_shifts", "fairness_nights", "fairness_weekends"))
            a_ref = max(ix.avail_days[i] for i in group)
            judged = [i for i in group if 2 * ix.avail_days[i] >= a_ref and ix.can_any[metric][i]]
            if len(judged) < 2:
                continue
            tally: dict[int, int] = defaultdict(int)
            for i, j in roster:
                sh = ix.shifts[j]
                if metric == "fairness_shifts" or (
                    sh.is_night if metric == "fairness_nights" else sh.day.weekday() >= 5
                ):
                    tally[i] += 1
            ranked = sorted(judged, key=lambda i: (tally[i] * a_ref / ix.avail_days[i], rng.random()))
            k = int(max(1, min(len(ranked) // 3, fair_k)))
            # With some others: the least loaded may be unable to take more (no role).
            picked = {*ranked[:k], *ranked[-k:], *rng.sample(ranked, k)}
            span = free_days
            free = {i: (frozen_day, nd) for i in picked}
        elif kind == "home":
            # A community's people and whoever stands at its checkpoints meanwhile: trades
            # shifts away from home for shifts at home.
            homes = [ix.staff[i].home_community_id for i in members if ix.staff[i].home_community_id is not None]
            if not homes:
                continue
            community = rng.choice(homes)
            span = int(max(2, min(free_days, home_span)))
            lo = max(frozen_day, min(lo - span // 2, nd - span))
            picked = {i for i in members if ix.staff[i].home_community_id == community}
            picked |= {
                i
                for i, j in roster
                if ix.shifts[j].community_id == community and lo <= ix.dix[ix.shifts[j].day] < lo + span
            }
            free = {i: (lo, lo + span) for i in picked}
        elif kind == "day window":
            # A group's people over a few days: reshuffles who stands where.
            span = int(max(2, min(free_days, target / (per_person_day * len(members)))))
            k = len(members)
        else:
            # Fewer people over more days: moves whole runs of duty between them.
            span = int(max(3, min(free_days, 14, target / (per_person_day * 4))))
            k = min(len(members), int(max(2, target / (per_person_day * span))))
        if kind not in ("swap", "fair", "home"):
            lo = max(frozen_day, min(lo - span // 2, nd - span))
            free = {i: (lo, lo + span) for i in rng.sample(members, k)}
        if allowed is not None:
            only = (allowed if only is None else only & allowed) | roster
        t_build = time.monotonic()
        sub = _Model(
            ix,
            previous=previous,
            locked=locked,
            freeze_before=freeze_before,
            demand_weight=_DEMAND_WEIGHT,
            free=free,
            roster=roster,
            symmetry=False,
            only=only,
        )
        t_build = time.monotonic() - t_build
        if not sub.x:
            continue
        t_hint = time.monotonic()
        before = _complete_hint(sub, roster)
        t_hint = time.monotonic() - t_hint
        if before is None:
            continue
        solver = cp_model.CpSolver()
        limit = min(1.5, deadline - time.monotonic())
        if limit < 0.2:
            break
        solver.parameters.max_time_in_seconds = limit
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = rng.randrange(1 << 20)
        # The LP of a neighbourhood is what proves it: with the default level CP-SAT
        # turns the continuity rows into clauses and closes even 600 variables slowly.
        solver.parameters.linearization_level = 2
        status = solver.solve(sub.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            target = max(800.0, target * 0.8)
            record(kind, 0, time.monotonic() - t_iter)
            continue
        after = int(round(solver.objective_value))
        record(kind, max(0, before - after), time.monotonic() - t_iter)
        if log:
            log(
                f"try {kind} {len(free)}x{span}d {len(sub.x)} vars build {t_build:.2f}s hint {t_hint:.2f}s "
                f"{solver.status_name(status)} {solver.wall_time:.2f}s {before}->{after}"
            )
        if after < before:
            roster = {
                (i, j)
                for i, j in roster
                if not (i in sub.free and sub.free[i][0] <= ix.dix[ix.shifts[j].day] < sub.free[i][1])
            }
            roster |= {key for key, v in sub.x.items() if solver.boolean_value(v)}
            objective -= before - after
            trace.append((time.monotonic() - t0, objective, full.bound or 0))
            if log:
                log(f"lns {it} {kind} {len(free)}x{span}d: {objective}")
            if isinstance(full, _Shared):
                full.offer(roster, objective)
        if kind == "home":
            if status == cp_model.OPTIMAL and solver.wall_time < 0.4 * limit:
                home_span = min(float(nd), home_span * 1.2)
            elif status != cp_model.OPTIMAL:
                home_span = max(2.0, home_span * 0.8)
        elif kind == "fair":
            if status == cp_model.OPTIMAL and solver.wall_time < 0.4 * limit:
                fair_k = min(20.0, fair_k * 1.2)
            elif status != cp_model.OPTIMAL:
                fair_k = max(1.0, fair_k * 0.8)
        elif kind == "swap":
            if status == cp_model.OPTIMAL and solver.wall_time < 0.4 * limit:
                swap_span = min(float(nd), swap_span * 1.2)
            elif status != cp_model.OPTIMAL:
                swap_span = max(2.0, swap_span * 0.8)
        elif status == cp_model.OPTIMAL and solver.wall_time < 0.4 * limit:
            target = min(30000.0, target * 1.2)
        elif status != cp_model.OPTIMAL:
            target = max(800.0, target * 0.85)
    return roster, objective


_FULL_SEARCH_MAX_VARS = 20_000  # above this the full model only runs on small instances' terms


def _planned_cells(ix: _Index, *plans: Mapping[tuple[int, Hashable], float]) -> set[tuple[int, int]]:
    """Return the cells the search may use: each person's home community and where any plan sends them.

    A plan is a relaxation's (person, community) -> shifts there: the aggregate one's and,
    when it finished in time, the day-by-day LP's.

    The aggregate relaxation's best counts say in which communities each person works
    (:func:`_aggregate_bound`'s ``plan``). Neighbourhoods restricted to those cells (and
    to the roster's own) are a fraction of the size and move faster; on the demo, three
    paired 60-s runs ended at 371/429/473 with it against 457/523/523 without.
    """
    where: dict[int, set[Hashable]] = defaultdict(set)
    for plan in plans:
        for (i, c), n in plan.items():
            if n > 0:
                where[i].add(c)
    for i, p in enumerate(ix.staff):
        where[i].add(p.home_community_id)
    return {
        (i, j)
        for j, s in enumerate(ix.shifts)
        for i in ix.elig_set[j]
        if s.community_id is None or s.community_id in where[i]
    }


def _twin_lns(
    ix: _Index,
    roster: set[tuple[int, int]],
    objective: int,
    *,
    shared: _Shared,
    previous: frozenset[Assignment],
    locked: frozenset[Assignment],
    freeze_before: date | None,
    deadline: float,
    gap_limit: float,
    trace: list[tuple[float, int, int]],
    t0: float,
    log: Callable[[str], None] | None,
    allowed: set[tuple[int, int]] | None = None,
) -> tuple[set[tuple[int, int]], int]:
    """Run two neighbourhood searches at once (CP-SAT releases the interpreter while solving)."""
    shared.offer(roster, objective)
    other: list[tuple[set[tuple[int, int]], int]] = []
    other_trace: list[tuple[float, int, int]] = []

    def second() -> None:
        other.append(
            _lns(
                ix,
                set(roster),
                objective,
                full=shared,
                previous=previous,
                locked=locked,
                freeze_before=freeze_before,
                deadline=deadline,
                gap_limit=gap_limit,
                trace=other_trace,
                t0=t0,
                log=log,
                seed=1,
                allowed=allowed,
            )
        )

    thread = threading.Thread(target=second, daemon=True)
    thread.start()
    best, best_obj = _lns(
        ix,
        set(roster),
        objective,
        full=shared,
        previous=previous,
        locked=locked,
        freeze_before=freeze_before,
        deadline=deadline,
        gap_limit=gap_limit,
        trace=trace,
        t0=t0,
        log=log,
        allowed=allowed,
    )
    thread.join()
    trace.extend(other_trace)
    for theirs, their_obj in other:
        if their_obj < best_obj:
            best, best_obj = theirs, their_obj
    return best, best_obj


def _exact_objective(mdl: _Model, roster: set[tuple[int, int]]) -> int | None:
    """Return the model's objective for a roster, its auxiliary variables at their best."""
    model = mdl.model.clone()
    for key, v in mdl.x.items():
        model.add(model.get_bool_var_from_proto_index(v.index) == int(key in roster))
    model.clear_hints()
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10.0
    if solver.solve(model) != cp_model.OPTIMAL:
        return None
    return int(round(solver.objective_value))


def _complete_hint(mdl: _Model, hint_idx: set[tuple[int, int]]) -> int | None:
    """Hint every variable: fix x to the hint, let CP-SAT derive the rest, hint all of it.

    CP-SAT starts from a complete feasible hint at once; with only x hinted it has to
    rebuild the auxiliary variables by search, which on the demo took longer than the limit.
    """
    mdl.model.clear_hints()
    for key, v in mdl.x.items():
        mdl.model.add_hint(v, int(key in hint_idx))
    probe = cp_model.CpSolver()
    probe.parameters.fix_variables_to_their_hinted_value = True
    probe.parameters.num_workers = 1
    probe.parameters.max_time_in_seconds = 10.0
    # With x fixed only auxiliary variables remain: solving to optimum makes them tight,
    # so the objective returned is the roster's true price.
    status = probe.solve(mdl.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None  # the partial hint stays: CP-SAT will repair it
    values = list(probe.response_proto.solution)
    hint = mdl.model.proto.solution_hint
    hint.vars.clear()
    hint.values.clear()
    hint.vars.extend(range(len(values)))
    hint.values.extend(values)
    return int(round(probe.objective_value))


def _frozen_day(ix: _Index, freeze_before: date | None) -> int:
    """Return the index of the first day that may change."""
    if freeze_before is None or not ix.days or freeze_before <= ix.days[0]:
        return 0
    if freeze_before > ix.days[-1]:
        return len(ix.days)
    return ix.dix[freeze_before]


def _fill_gaps(
    ix: _Index,
    roster: set[tuple[int, int]],
    *,
    previous: frozenset[Assignment],
    locked: frozenset[Assignment],
    freeze_before: date | None,
    deadline: float,
    workers: int,
    log: Callable[[str], None] | None,
) -> tuple[set[tuple[int, int]], int | None, bool]:
    """Fill places left open by re-solving day windows around them.

    Return the roster, the objective of the last window solved (the full objective, as
    each window model prices the frozen rest too) and whether every place is filled.
    """
    nd = len(ix.days)
    frozen_day = _frozen_day(ix, freeze_before)
    objective: int | None = None
    for span in (3, 7, 14):
        gaps = sorted({ix.dix[g.day] for g in _unfilled(ix, roster) if g.day is not None})
        if not gaps:
            break
        done_until = -1
        for k in gaps:
            if k < done_until or time.monotonic() > deadline:
                continue
            lo, hi = max(frozen_day, k - span), min(nd, k + span + 1)
            sub = _Model(
                ix,
                previous=previous,
                locked=locked,
                freeze_before=freeze_before,
                demand_weight=_DEMAND_WEIGHT,
                free={i: (lo, hi) for i in range(len(ix.staff))},
                roster=roster,
                symmetry=False,
            )
            _complete_hint(sub, roster)
            solver = cp_model.CpSolver()
            solver.parameters.max_time_in_seconds = max(0.2, min(5.0, deadline - time.monotonic()))
            solver.parameters.num_workers = workers
            status = solver.solve(sub.model)
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                roster = {(i, j) for i, j in roster if not lo <= ix.dix[ix.shifts[j].day] < hi}
                roster |= {key for key, v in sub.x.items() if solver.boolean_value(v)}
                objective = int(round(solver.objective_value))
                if log:
                    log(f"window {lo}-{hi}: objective {objective}")
            done_until = hi
    return roster, objective, not _unfilled(ix, roster)


_DEMAND_WEIGHT = 100_000  # per missing person or role while hard demand is searched as soft


def _unfilled(ix: _Index, pairs: set[tuple[int, int]]) -> list[Shortage]:
    """Return the shifts a roster leaves short of people or roles."""
    out = []
    crew: dict[int, list[int]] = defaultdict(list)
    for i, j in pairs:
        crew[j].append(i)
    for j, s in enumerate(ix.shifts):
        got = crew.get(j, [])
        if len(got) < s.min_staff:
            out.append(
                Shortage(s.checkpoint_id, s.day, s.id, s.min_staff, len(got), "unfilled", "no way found to fill it")
            )
        for flag, attr, code in (
            (s.needs_party_member, "is_party_member", "unfilled_party_member"),
            (s.needs_team_leader, "is_team_leader", "unfilled_team_leader"),
        ):
            if flag and not any(getattr(ix.staff[i], attr) for i in got):
                out.append(Shortage(s.checkpoint_id, s.day, s.id, 1, 0, code, "no way found to staff the role"))
    return out


def _sort_hint_for_symmetry(
    ix: _Index, pairs: set[tuple[int, int]], classes: Sequence[Sequence[int]]
) -> set[tuple[int, int]]:
    """Permute rows of interchangeable staff so the hint obeys the count ordering."""
    rows: dict[int, list[int]] = defaultdict(list)
    for i, j in pairs:
        rows[i].append(j)
    out = set(pairs)
    for members in classes:
        ranked = sorted(members, key=lambda i: -len(rows.get(i, [])))
        for i in members:
            for j in rows.get(i, []):
                out.discard((i, j))
        for target, source in zip(members, ranked):
            for j in rows.get(source, []):
                out.add((target, j))
    return out


def _diagnose(
    ix: _Index,
    *,
    previous: frozenset[Assignment],
    locked: frozenset[Assignment],
    freeze_before: date | None,
    time_limit_s: float,
) -> list[Shortage]:
    """Name the days, checkpoints and rules that together make the roster impossible."""
    t_end = time.monotonic() + time_limit_s
    mdl = _Model(ix, previous=previous, locked=locked, freeze_before=freeze_before, diagnose=True, symmetry=False)
    mdl.model.clear_objective()
    keys = list(mdl.switch)
    lits = [mdl.switch[k] for k in keys]

    def infeasible_core(active: list[int], limit: float) -> list[int] | None:
        m = mdl.model.clone()
        m.clear_assumptions()
        m.add_assumptions([lits[a] for a in active])
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.5, limit)
        solver.parameters.num_workers = 1  # cores from assumptions come from the sequential search
        status = solver.solve(m)
        if status != cp_model.INFEASIBLE:
            return None
        core_vars = set(solver.sufficient_assumptions_for_infeasibility())
        return [a for a in active if lits[a].index in core_vars]

    core = infeasible_core(list(range(len(keys))), t_end - time.monotonic())
    if core is None:
        return [
            Shortage(
                None, None, None, 0, 0, "unexplained", "the rules conflict, but no smaller cause was found in time"
            )
        ]
    # Shrink the core by deletion while time allows: fewer, sharper reasons.
    n = 0
    while n < len(core) and time.monotonic() < t_end - 0.5 and len(core) > 1:
        trial = core[:n] + core[n + 1 :]
        sub = infeasible_core(trial, min(3.0, t_end - time.monotonic()))
        if sub is None:
            n += 1
        else:
            core = sub
    rule_names = tuple(sorted(str(keys[a]) for a in core if not isinstance(keys[a], tuple)))
    out: list[Shortage] = []
    for a in core:
        key = keys[a]
        if isinstance(key, tuple) and key[0] == "coverage":
            _, k, checkpoint = key
            shift_idx = [j for j in ix.by_day[k] if ix.shifts[j].checkpoint_id == checkpoint]
            needed = sum(ix.shifts[j].min_staff for j in shift_idx)
            people = len({i for j in shift_idx for i in ix.elig[j]})
            out.append(
                Shortage(
                    checkpoint,
                    ix.days[k],
                    ix.shifts[shift_idx[0]].id if len(shift_idx) == 1 else None,
                    needed,
                    people,
                    "rule_conflict",
                    "enough people exist, but not once the rules are applied",
                    rule_names,
                )
            )
    if not out:
        out.append(
            Shortage(None, None, None, 0, 0, "rule_conflict", "the hard rules contradict each other", rule_names)
        )
    return out


def repair(
    problem: Problem,
    *,
    current: Iterable[Assignment],
    unavailable_staff_id: Hashable,
    from_day: date,
    time_limit_s: float = 30.0,
    workers: int = 2,
    change_weight: int = 1000,
    locked: Iterable[Assignment] = (),
    reason: str = "unavailable",
    days: Iterable[date] | None = None,
) -> Result:
    """Re-roster from from_day without one person, changing as few other cells as possible.

    ``days`` are the days the person is away (two days of sick leave); without them they
    are away from from_day to the end (an isolation with no known end). Their duties on
    other days stay theirs unless moving them is the cheapest way to keep the rules.
    """
    current = frozenset(current)
    away = None if days is None else set(days)
    gone: set[date] = set()
    staff = []
    for p in problem.staff:
        if p.id == unavailable_staff_id:
            gone = {d for d in p.available_days if d >= from_day and (away is None or d in away)}
            p = replace(
                p,
                available_days=frozenset(p.available_days - gone),
                unavailable={**p.unavailable, **{d: reason for d in gone}},
            )
        staff.append(p)
    rules = replace(problem.rules, stability=Rule(hard=False, weight=change_weight))
    fixed = Problem(shifts=problem.shifts, staff=tuple(staff), rules=rules)
    day_of = {sh.id: sh.day for sh in problem.shifts}
    hint = [(a, b) for a, b in current if a != unavailable_staff_id or day_of.get(b) not in gone]
    return solve(
        fixed,
        time_limit_s=time_limit_s,
        workers=workers,
        previous=current,
        locked=locked,
        hint=hint,
        freeze_before=from_day,
    )
