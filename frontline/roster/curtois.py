"""Read, model and solve the Curtois & Qu employee shift scheduling benchmark.

The 24 instances (schedulingbenchmarks.org, "Nurse Rostering Instances 1..24") are the
public yardstick we measure the CP-SAT machinery against. This module holds the reader,
the CP-SAT model and a large-neighbourhood search (LNS) driver; the independent judge of
a roster is :func:`frontline.roster.checker.check_curtois`, which shares nothing with the
model but the parsed instance.

Rules at the horizon's ends, as decided from the benchmark's published description (the
page for instances 1..24 and its integer programming formulation; third-party validators
agree):

* Shift rotation (forbidden successions) and maximum consecutive shifts "always assume
  that the last day of the previous planning period was a day off and the first day of the
  next planning period is a day off": nothing crosses the boundary, and a run that starts
  on day 0 counts from day 0.
* Minimum consecutive shifts "assumes an infinite number of consecutive shifts at the end
  of the previous planning period and at the start of the next": a run of work that
  touches day 0 or the last day never breaks the minimum. Only a run bracketed by days
  off on both sides *inside* the horizon is checked.
* Minimum consecutive days off assumes an infinite number of days off before and after
  the horizon: a run of days off touching either end never breaks the minimum.
* A weekend (Saturday = day 7k+5, Sunday = day 7k+6; day 0 is a Monday) is worked when
  either day is worked; weekends are counted only when both days lie in the horizon
  (every instance has a whole number of weeks).
* A type missing from an employee's MaxShifts is unlimited; a maximum of 0 forbids it.
* Cover: the under weight is paid per person short of the requirement, the over weight
  per person above it; a (day, shift) with no cover line costs nothing.

Model: one boolean per (employee, day, allowed shift type); the consecutive rules are
the pattern clauses of the published formulation (they forbid exactly the short runs and
propagate well), maximum runs are sliding windows, weekends are implied booleans. Since
every hard rule is per employee and cover is soft, any set of employees can be
re-optimised over any day window with the rest frozen, which the LNS exploits.

Strategy (:func:`solve_curtois`, measured on instances 1-12 with 60 s and 2 workers):

* Four-week models up to ``_COLUMNS_MAX`` cells (instances 1-7) go to CP-SAT whole for
  ``_COLUMNS_AFTER`` of the time, for a first roster (and, on 1-3, the proof). Then
  column generation (:class:`_Columns`): a master LP choosing one row per employee (the
  rows met so far are its first columns), each employee's pricing problem its whole row
  under every hard rule, priced by the master's duals, solved by CP-SAT. Once pricing
  proves that no column is missing, its LP optimum z is a lower bound far above the
  whole model's (5: 1141, 6: 1949, 7: 1054; CP-SAT's own was ~1050 on 5 after a minute).
  At that optimum every row's reduced cost is at least 0 and a roster's objective is z
  plus its rows' reduced costs, so in a roster of objective at most c each row costs at
  most c - z. :meth:`_Columns.flips` prices, for every cell, the employee's cheapest row
  that flips it from their cheapest row; a cell whose flip costs more than c - z keeps
  its value in every roster of at most c (reduced-cost fixing). From the bound up, the
  solver asks whether a roster of objective at most the bound exists: with the cells
  fixed for it and the objective capped, CP-SAT answers "none" within a second or two
  (5: 1141 and 1142; 6: 1949; 7: 1054), which raises the bound by one; when it does not
  answer at once, the whole model with those cells fixed (the best roster as its hint,
  no cap) is searched for the rest of the time: a roster at most the bound is optimal,
  and a proved optimum above it raises the bound again. In our runs this proved 4 (in
  6-8 s), 5 (1143, in 17-32 s) and 6 (1950, in 16-34 s) optimal and reached 1056 on 7.
  If the time runs out first, or pricing is not proved: the integer master over the
  columns when the best roster is more than ``_MASTER_GAP`` above the bound (it leaves
  the basin where a shift stays uncovered), our LNS (below) for half of the time left,
  and the whole model, with the cells fixed for rosters better than the best and capped
  below it, the rest.
* Models up to ``_FULL_MAX`` cells with horizons beyond four weeks (14, 16-18) go to
  CP-SAT whole for the entire time.
* Four-week models up to ``_FULL_MAX`` cells (8-11) get the whole model for a fifth of
  the time (a bound and a first roster), then our LNS.
* Larger models start from a greedy construction (employee by employee, fewest allowed
  types first, each row solved against the cover still open), then our LNS.

The LNS runs one single-worker CP-SAT loop per worker thread (CP-SAT releases the GIL)
over one shared incumbent; a thread's result is merged only if the rows it re-planned
were not changed meanwhile, and accepted when the recomputed objective is not worse.
Neighbourhood kinds: a few employees over the whole horizon; every employee over a
short day window (often centred on badly covered days); a share of the employees over
one or two weeks; many employees over two to six weekends at once (weekend limits couple
them); all employees able to work the worst covered type over a window; employees able
to mend a chosen badly covered (day, type). Each kind adapts its size (grow when solved
to optimality fast, shrink on time-outs) and is drawn by its recent success rate; every
sub-model is hinted with the incumbent and capped at its objective.
"""

from __future__ import annotations

import math
import os
import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ortools.sat.python import cp_model

__all__ = [
    "CoverRequirement",
    "CurtoisInstance",
    "CurtoisResult",
    "Employee",
    "Request",
    "ShiftType",
    "default_data_dir",
    "parse_instance",
    "read_instance",
    "solve_curtois",
]

OFF = -1


@dataclass(frozen=True)
class ShiftType:
    """One shift type: its length and the types that may not follow it the next day."""

    id: str
    minutes: int
    forbidden_next: frozenset[str]


@dataclass(frozen=True, eq=False)
class Employee:
    """One employee's contract and fixed days off."""

    id: str
    max_shifts: Mapping[str, int]
    max_minutes: int
    min_minutes: int
    max_consecutive: int
    min_consecutive: int
    min_days_off: int
    max_weekends: int
    days_off: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Request:
    """A shift-on or shift-off request; its weight is paid when it is not met."""

    employee: str
    day: int
    shift: str
    weight: int


@dataclass(frozen=True)
class CoverRequirement:
    """The wanted number of people on a shift on a day, with under and over weights."""

    day: int
    shift: str
    requirement: int
    under_weight: int
    over_weight: int


@dataclass(frozen=True, eq=False)
class CurtoisInstance:
    """A parsed benchmark instance."""

    name: str
    horizon: int
    shifts: tuple[ShiftType, ...]
    employees: tuple[Employee, ...]
    on_requests: tuple[Request, ...]
    off_requests: tuple[Request, ...]
    covers: tuple[CoverRequirement, ...]


@dataclass
class CurtoisResult:
    """The best roster found, its model objective, the proven bound and a trace."""

    instance: str
    roster: dict[str, list[str | None]]  # empty when no roster was found in time
    objective: int | None
    bound: int | None
    status: str
    wall_time: float
    first_solution_time: float | None
    trace: list[tuple[float, int]] = field(default_factory=list)
    lns_iterations: int = 0


# --------------------------------------------------------------------------- reading


def default_data_dir() -> Path:
    """Return the benchmark folder: $FRONTLINE_CURTOIS_DIR or shared/ beside the repo."""
    env = os.environ.get("FRONTLINE_CURTOIS_DIR")
    if env:
        return Path(env)
    # CI clones the repo beside a copy of shared/, so look two levels above this package.
    return Path(__file__).resolve().parents[3] / "shared/data/shift-scheduling"


def read_instance(path: str | Path) -> CurtoisInstance:
    """Read an instance file."""
    path = Path(path)
    return parse_instance(path.read_text(encoding="utf-8"), name=path.stem)


def parse_instance(text: str, *, name: str = "instance") -> CurtoisInstance:
    """Parse the text format of the benchmark into a CurtoisInstance."""
    sections: dict[str, list[list[str]]] = {}
    current: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            current = line
            sections.setdefault(current, [])
            continue
        if current is None:
            raise ValueError(f"data before any section: {line!r}")
        sections[current].append([part.strip() for part in line.split(",")])

    horizon_rows = sections.get("SECTION_HORIZON")
    if not horizon_rows:
        raise ValueError("missing SECTION_HORIZON")
    horizon = int(horizon_rows[0][0])

    shifts = tuple(
        ShiftType(
            id=row[0],
            minutes=int(row[1]),
            forbidden_next=frozenset(p for p in (row[2] if len(row) > 2 else "").split("|") if p),
        )
        for row in sections.get("SECTION_SHIFTS", [])
    )
    shift_ids = {s.id for s in shifts}

    days_off: dict[str, set[int]] = {}
    for row in sections.get("SECTION_DAYS_OFF", []):
        days_off.setdefault(row[0], set()).update(int(v) for v in row[1:] if v != "")

    employees = []
    for row in sections.get("SECTION_STAFF", []):
        max_shifts: dict[str, int] = {}
        for part in row[1].split("|"):
            if part:
                key, value = part.split("=")
                max_shifts[key] = int(value)
        employees.append(
            Employee(
                id=row[0],
                max_shifts=max_shifts,
                max_minutes=int(row[2]),
                min_minutes=int(row[3]),
                max_consecutive=int(row[4]),
                min_consecutive=int(row[5]),
                min_days_off=int(row[6]),
                max_weekends=int(row[7]),
                days_off=frozenset(days_off.get(row[0], ())),
            )
        )

    def requests(section: str) -> tuple[Request, ...]:
        return tuple(
            Request(employee=r[0], day=int(r[1]), shift=r[2], weight=int(r[3])) for r in sections.get(section, [])
        )

    covers = tuple(
        CoverRequirement(
            day=int(r[0]),
            shift=r[1],
            requirement=int(r[2]),
            under_weight=int(r[3]),
            over_weight=int(r[4]),
        )
        for r in sections.get("SECTION_COVER", [])
    )
    for cover in covers:
        if cover.shift not in shift_ids:
            raise ValueError(f"cover for unknown shift {cover.shift!r}")
    return CurtoisInstance(
        name=name,
        horizon=horizon,
        shifts=shifts,
        employees=tuple(employees),
        on_requests=requests("SECTION_SHIFT_ON_REQUESTS"),
        off_requests=requests("SECTION_SHIFT_OFF_REQUESTS"),
        covers=covers,
    )


# --------------------------------------------------------------------------- compiled form


class _Data:
    """Index-based arrays of an instance, for fast model building."""

    def __init__(self, inst: CurtoisInstance) -> None:
        self.inst = inst
        self.H = inst.horizon
        self.T = len(inst.shifts)
        self.E = len(inst.employees)
        tix = {s.id: i for i, s in enumerate(inst.shifts)}
        eix = {e.id: i for i, e in enumerate(inst.employees)}
        self.tix, self.eix = tix, eix
        self.length = [s.minutes for s in inst.shifts]
        # forb[t] lists the types u that may not be worked the day after t.
        self.forb = [sorted(tix[u] for u in s.forbidden_next if u in tix) for s in inst.shifts]
        self.maxs = [[e.max_shifts.get(s.id, self.H) for s in inst.shifts] for e in inst.employees]
        self.allowed = [[t for t in range(self.T) if self.maxs[e][t] > 0] for e in range(self.E)]
        self.dayoff = [set(e.days_off) for e in inst.employees]
        self.on_req: list[dict[int, list[tuple[int, int]]]] = [{} for _ in range(self.E)]
        self.off_req: list[dict[int, list[tuple[int, int]]]] = [{} for _ in range(self.E)]
        for r in inst.on_requests:
            self.on_req[eix[r.employee]].setdefault(r.day, []).append((tix[r.shift], r.weight))
        for r in inst.off_requests:
            self.off_req[eix[r.employee]].setdefault(r.day, []).append((tix[r.shift], r.weight))
        # cover[d][t] = (requirement, under weight, over weight)
        self.cover = [[(0, 0, 0)] * self.T for _ in range(self.H)]
        for c in inst.covers:
            self.cover[c.day][tix[c.shift]] = (c.requirement, c.under_weight, c.over_weight)
        self.weekends = [(7 * k + 5, 7 * k + 6) for k in range(self.H // 7)]

    def objective(self, sol: Sequence[Sequence[int]]) -> int:
        """Return the soft penalty of a roster (the model's own view, for the LNS)."""
        total = 0
        counts = [[0] * self.T for _ in range(self.H)]
        for e in range(self.E):
            row = sol[e]
            for d, reqs in self.on_req[e].items():
                for t, w in reqs:
                    if row[d] != t:
                        total += w
            for d, reqs in self.off_req[e].items():
                for t, w in reqs:
                    if row[d] == t:
                        total += w
            for d in range(self.H):
                if row[d] >= 0:
                    counts[d][row[d]] += 1
        for d in range(self.H):
            for t in range(self.T):
                req, wu, wo = self.cover[d][t]
                n = counts[d][t]
                total += wu * (req - n) if n < req else wo * (n - req)
        return total

    def cover_penalty_by_day(self, sol: Sequence[Sequence[int]]) -> list[int]:
        """Return the cover penalty of each day."""
        counts = [[0] * self.T for _ in range(self.H)]
        for e in range(self.E):
            for d, t in enumerate(sol[e]):
                if t >= 0:
                    counts[d][t] += 1
        out = []
        for d in range(self.H):
            p = 0
            for t in range(self.T):
                req, wu, wo = self.cover[d][t]
                n = counts[d][t]
                p += wu * (req - n) if n < req else wo * (n - req)
            out.append(p)
        return out


# --------------------------------------------------------------------------- model


Lit = cp_model.IntVar | int  # a literal, or a constant 0/1 for a frozen cell


def _neg(lit: Lit) -> Lit:
    return 1 - lit if isinstance(lit, int) else lit.Not()


def _add_clause(model: cp_model.CpModel, lits: Iterable[Lit]) -> None:
    """Add OR(lits), folding constants; frozen parts were feasible, so all-constant is skipped."""
    out = []
    for lit in lits:
        if isinstance(lit, int):
            if lit:
                return
            continue
        out.append(lit)
    if out:
        model.add_bool_or(out)


def _add_le(model: cp_model.CpModel, terms: Iterable[Lit], bound: int) -> None:
    """Add sum(terms) <= bound over 0/1 literals, folding constants."""
    const = 0
    lits = []
    for term in terms:
        if isinstance(term, int):
            const += term
        else:
            lits.append(term)
    slack = bound - const
    if not lits or slack >= len(lits):
        return
    if slack <= 0:
        for lit in lits:
            model.add(lit == 0)
    elif slack == 1:
        model.add_at_most_one(lits)
    else:
        model.add(sum(lits) <= slack)


class _Sub:
    """A CP-SAT model of some employees over day windows, the rest frozen at a roster."""

    def __init__(
        self,
        data: _Data,
        free: Mapping[int, tuple[int, int]],
        cur: Sequence[Sequence[int]] | None,
        counts: Sequence[Sequence[int]] | None,
    ) -> None:
        self.data = data
        self.free = dict(free)
        self.cur = cur
        self.model = model = cp_model.CpModel()
        self.x: dict[tuple[int, int, int], cp_model.IntVar] = {}
        self.hints: list[tuple[cp_model.IntVar, int]] = []
        D = data
        H, T = D.H, D.T
        obj_terms: list[tuple[cp_model.IntVar, int]] = []
        self.obj_const = 0

        for e, (lo, hi) in self.free.items():
            row = cur[e] if cur is not None else None
            xs: list[dict[int, Lit]] = []  # per day: type -> literal or constant
            ws: list[Lit] = []
            for d in range(H):
                if lo <= d < hi:
                    cell: dict[int, Lit] = {}
                    if d not in D.dayoff[e]:
                        for t in D.allowed[e]:
                            v = model.new_bool_var(f"x{e}_{d}_{t}")
                            self.x[(e, d, t)] = v
                            cell[t] = v
                            if row is not None:
                                self.hints.append((v, int(row[d] == t)))
                    if not cell:
                        ws.append(0)
                    elif len(cell) == 1:
                        ws.append(next(iter(cell.values())))
                    else:
                        w = model.new_bool_var(f"w{e}_{d}")
                        model.add(sum(cell.values()) == w)
                        if row is not None:
                            self.hints.append((w, int(row[d] >= 0)))
                        ws.append(w)
                    xs.append(cell)
                else:
                    assert row is not None
                    t = row[d]
                    xs.append({t: 1} if t >= 0 else {})
                    ws.append(1 if t >= 0 else 0)

            def xv(d: int, t: int, xs: list[dict[int, Lit]] = xs) -> Lit:
                return xs[d].get(t, 0)

            emp = data.inst.employees[e]
            # Forbidden successions: type t on d excludes every u in forb[t] on d+1;
            # one constraint per (d, t) is enough since a day holds at most one shift.
            for d in range(max(lo - 1, 0), min(hi, H - 1)):
                for t in range(T):
                    if not D.forb[t]:
                        continue
                    a = xv(d, t)
                    if isinstance(a, int) and a == 0:
                        continue
                    _add_le(model, [a, *(xv(d + 1, u) for u in D.forb[t])], 1)
            # Per-type maxima and total minutes.
            for t in D.allowed[e]:
                if D.maxs[e][t] < H:
                    _add_le(model, [xv(d, t) for d in range(H)], D.maxs[e][t])
            minutes_const = 0
            minute_terms = []
            for d in range(H):
                for t, lit in xs[d].items():
                    if isinstance(lit, int):
                        minutes_const += D.length[t] * lit
                    else:
                        minute_terms.append(D.length[t] * lit)
            if minute_terms:
                model.add_linear_constraint(
                    sum(minute_terms), emp.min_minutes - minutes_const, emp.max_minutes - minutes_const
                )
            # Maximum consecutive shifts: every window of M+1 days holds a day off.
            M = emp.max_consecutive
            if M < H:
                for s in range(max(0, lo - M), min(hi, H - M)):
                    _add_le(model, ws[s : s + M + 1], M)
            # Minimum consecutive shifts: forbid off, s days on, off for s < C, fully inside.
            C = emp.min_consecutive
            for s in range(1, C):
                for d in range(max(0, lo - s - 1), min(hi, H - s - 1)):
                    _add_clause(model, [ws[d], *(_neg(ws[j]) for j in range(d + 1, d + s + 1)), ws[d + s + 1]])
            # Minimum consecutive days off: forbid on, s days off, on for s < K, fully inside.
            K = emp.min_days_off
            for s in range(1, K):
                for d in range(max(0, lo - s - 1), min(hi, H - s - 1)):
                    _add_clause(model, [_neg(ws[d]), *(ws[j] for j in range(d + 1, d + s + 1)), _neg(ws[d + s + 1])])
            # Weekends: a weekend literal implied by work on Saturday or Sunday.
            wk_terms: list[Lit] = []
            for sat, sun in D.weekends:
                a, b = ws[sat], ws[sun]
                if isinstance(a, int) and isinstance(b, int):
                    wk_terms.append(1 if (a or b) else 0)
                elif (isinstance(a, int) and a) or (isinstance(b, int) and b):
                    wk_terms.append(1)
                else:
                    k = model.new_bool_var(f"wk{e}_{sat}")
                    for lit in (a, b):
                        if not isinstance(lit, int):
                            model.add_implication(lit, k)
                    if row is not None:
                        self.hints.append((k, int(row[sat] >= 0 or row[sun] >= 0)))
                    wk_terms.append(k)
            _add_le(model, wk_terms, emp.max_weekends)
            # Requests inside the window.
            for d, reqs in D.on_req[e].items():
                if lo <= d < hi:
                    for t, w in reqs:
                        lit = xs[d].get(t, 0)
                        self.obj_const += w
                        if not isinstance(lit, int):
                            obj_terms.append((lit, -w))
            for d, reqs in D.off_req[e].items():
                if lo <= d < hi:
                    for t, w in reqs:
                        lit = xs[d].get(t, 0)
                        if not isinstance(lit, int):
                            obj_terms.append((lit, w))

        # Cover on every (day, type) that a free cell can touch.
        cover_vars: dict[tuple[int, int], list[cp_model.IntVar]] = {}
        for (_e, d, t), v in self.x.items():
            cover_vars.setdefault((d, t), []).append(v)
        self.slacks: list[tuple[cp_model.IntVar, cp_model.IntVar, int, int]] = []
        for (d, t), vs in sorted(cover_vars.items()):
            req, wu, wo = D.cover[d][t]
            base = 0
            if counts is not None and cur is not None:
                base = counts[d][t]
                for e, (lo, hi) in self.free.items():
                    if lo <= d < hi and cur[e][d] == t:
                        base -= 1
            n = len(vs)
            under = model.new_int_var(0, max(0, req - base), f"u{d}_{t}")
            over = model.new_int_var(0, max(0, base + n - req), f"o{d}_{t}")
            model.add(sum(vs) + base + under - over == req)
            if wu:
                obj_terms.append((under, wu))
            if wo:
                obj_terms.append((over, wo))
            self.slacks.append((under, over, base, req))
            if cur is not None:
                n_cur = base + sum(1 for e in self.free if cur[e][d] == t and self.free[e][0] <= d < self.free[e][1])
                self.hints.append((under, max(0, req - n_cur)))
                self.hints.append((over, max(0, n_cur - req)))
        self.obj_terms = obj_terms
        model.minimize(sum(c * v for v, c in obj_terms) + self.obj_const)
        for v, val in self.hints:
            model.add_hint(v, val)

    def cap_at_hint(self) -> None:
        """Forbid solutions worse than the (complete) hint: a cutoff that helps the LP prune."""
        vals = {v.index: val for v, val in self.hints}
        if any(v.index not in vals for v, _ in self.obj_terms):
            return
        cur = sum(c * vals[v.index] for v, c in self.obj_terms)
        self.model.add(sum(c * v for v, c in self.obj_terms) <= cur)

    def solve(
        self,
        *,
        time_limit: float,
        workers: int,
        seed: int = 0,
        max_lp: bool = False,
        on_solution: Callable[[float], None] | None = None,
        on_roster: Callable[[list[list[int]]], None] | None = None,
    ) -> tuple[int, cp_model.CpSolver]:
        """Solve and return the CP-SAT status and the solver; on_solution gets each objective
        and on_roster each roster found (the frozen rows as they were)."""
        solver = cp_model.CpSolver()
        p = solver.parameters
        p.max_time_in_seconds = max(0.05, time_limit)
        p.num_workers = workers
        p.random_seed = seed
        if max_lp and workers >= 2:
            # The LP-heavy worker closes the bound (the LP of this model is within a few
            # percent); the other thread runs CP-SAT's own neighbourhood search.
            p.subsolvers.append("max_lp")
        elif max_lp:
            p.linearization_level = 2
        if on_solution is None:
            return solver.solve(self.model), solver

        sub = self

        class _Seen(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                on_solution(self.objective_value)
                if on_roster is not None:
                    on_roster(sub.read_values(self.boolean_value))

        return solver.solve(self.model, _Seen()), solver

    def read_values(self, value: Callable[[cp_model.IntVar], bool]) -> list[list[int]]:
        """Return the roster given by `value` of each free cell (frozen cells as in cur)."""
        out = (
            [list(row) for row in self.cur]
            if self.cur is not None
            else [[OFF] * self.data.H for _ in range(self.data.E)]
        )
        for e, (lo, hi) in self.free.items():
            for d in range(lo, hi):
                out[e][d] = OFF
        for (e, d, t), v in self.x.items():
            if value(v):
                out[e][d] = t
        return out

    def read(self, solver: cp_model.CpSolver, into: list[list[int]]) -> None:
        """Write the solver's values for the free cells into a roster."""
        D = self.data
        for e, (lo, hi) in self.free.items():
            row = into[e]
            for d in range(lo, hi):
                row[d] = OFF
            for t in D.allowed[e]:
                for d in range(lo, hi):
                    v = self.x.get((e, d, t))
                    if v is not None and solver.boolean_value(v):
                        row[d] = t


# --------------------------------------------------------------------------- search


def _counts(data: _Data, sol: Sequence[Sequence[int]]) -> list[list[int]]:
    counts = [[0] * data.T for _ in range(data.H)]
    for row in sol:
        for d, t in enumerate(row):
            if t >= 0:
                counts[d][t] += 1
    return counts


def _to_roster(data: _Data, sol: Sequence[Sequence[int]]) -> dict[str, list[str | None]]:
    ids = [s.id for s in data.inst.shifts]
    return {emp.id: [ids[t] if t >= 0 else None for t in sol[e]] for e, emp in enumerate(data.inst.employees)}


def _from_roster(data: _Data, roster: Mapping[str, Sequence[str | None]]) -> list[list[int]]:
    return [[data.tix[s] if s is not None else OFF for s in roster[emp.id]] for emp in data.inst.employees]


def _model_size(data: _Data) -> int:
    return sum(len(data.allowed[e]) for e in range(data.E)) * data.H


def solve_curtois(
    instance: CurtoisInstance,
    *,
    time_limit_s: float = 60.0,
    workers: int = 2,
    seed: int = 0,
    start: Mapping[str, Sequence[str | None]] | None = None,
    log: Callable[[str], None] | None = None,
) -> CurtoisResult:
    """Solve an instance: the whole CP-SAT model and/or a construction, then our LNS."""
    t0 = time.monotonic()
    deadline = t0 + time_limit_s
    data = _Data(instance)
    rng = random.Random(seed)
    trace: list[tuple[float, int]] = []
    bound: int | None = None
    first_time: float | None = None

    def say(msg: str) -> None:
        if log is not None:
            log(f"[{time.monotonic() - t0:6.1f}s] {msg}")

    sol: list[list[int]] | None = _from_roster(data, start) if start is not None else None
    best = data.objective(sol) if sol is not None else None
    if sol is not None:
        first_time = 0.0
        trace.append((0.0, best))  # type: ignore[arg-type]

    size = _model_size(data)

    found_rosters: list[list[list[int]]] = []  # every roster the whole model met (for columns)

    def run_full(
        until: float,
        *,
        collect: bool = False,
        fix: Sequence[tuple[int, int, int, int]] = (),
        fixed_for: int | None = None,
        cap: int | None = None,
    ) -> str:
        """Run CP-SAT on the whole model (hinted with sol if any) until `until`; return
        "optimal", "feasible", "infeasible" (only with a cap: no roster of objective at most
        `cap` keeps the fixings) or "unknown". The cells in `fix` must hold in every roster
        of objective at most `fixed_for`: the model's bound is then a bound of those only."""
        nonlocal sol, best, bound, first_time
        budget = until - time.monotonic()
        if budget < 1.0:
            return "unknown"
        counts = _counts(data, sol) if sol is not None else None
        sub = _Sub(data, {e: (0, data.H) for e in range(data.E)}, sol, counts)
        objective = sum(c * v for v, c in sub.obj_terms) + sub.obj_const
        if bound is not None:
            # A proven lower bound (e.g. the column generation's) as a floor for its LP.
            sub.model.add(objective >= bound)
        if cap is not None:
            sub.model.add(objective <= cap)
        for e, d, t, val in fix:
            if (e, d, t) in sub.x:
                sub.model.add(sub.x[(e, d, t)] == val)
        say(f"full model: {len(sub.x)} x-vars, {len(fix)} fixed, {budget:.1f}s")

        def seen(value: float) -> None:
            nonlocal first_time
            if first_time is None:
                first_time = time.monotonic() - t0
            trace.append((time.monotonic() - t0, int(round(value))))

        status, solver = sub.solve(
            time_limit=budget,
            workers=workers,
            seed=seed,
            max_lp=True,
            on_solution=seen,
            on_roster=found_rosters.append if collect else None,
        )
        if status == cp_model.INFEASIBLE and (cap is not None or (fix and fixed_for is not None)):
            # No roster of at most the cap (or of at most fixed_for, which all keep the fixings).
            limit = min(v for v in (cap, fixed_for if fix else None) if v is not None)
            bound = limit + 1 if bound is None else max(bound, limit + 1)
            say(f"full model: no roster of at most {limit}")
            return "infeasible"
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return "unknown"
        new = [[OFF] * data.H for _ in range(data.E)]
        sub.read(solver, new)
        obj = data.objective(new)
        if best is None or obj < best:
            sol, best = new, obj
        found = math.ceil(solver.best_objective_bound - 1e-6)
        if fix and fixed_for is not None:
            found = min(found, fixed_for + 1)  # rosters above fixed_for were cut off
        bound = found if bound is None else max(bound, found)
        say(f"full model: {obj} bound {bound} {solver.status_name(status)}")
        return "optimal" if status == cp_model.OPTIMAL else "feasible"

    def result(status: str, iterations: int = 0) -> CurtoisResult:
        return CurtoisResult(
            instance=instance.name,
            roster=_to_roster(data, sol) if sol is not None else {},
            objective=best if sol is not None else None,
            bound=bound,
            status=status,
            wall_time=time.monotonic() - t0,
            first_solution_time=first_time,
            trace=trace,
            lns_iterations=iterations,
        )

    def _with_columns() -> CurtoisResult:
        """Column generation from the rosters met so far for a bound, the questions from the
        bound up under reduced-cost fixing, and if time is left our LNS and the whole model."""
        nonlocal sol, best, bound
        assert sol is not None and best is not None
        pool = _Columns(data, sol)
        for roster in found_rosters:
            pool.add_roster(roster)
        found_rosters.clear()
        until = min(deadline - 2.0, time.monotonic() + _COLUMNS_ROOT * time_limit_s)
        value = pool.generate(until=until, workers=workers, rng=rng)
        if value is not None and pool.exact:
            # The master LP's optimum bounds the whole problem (each employee's rows are
            # all in its columns' hull). Duals are rounded to 1/SCALE for pricing, which
            # can hide a reduced cost of up to H / (2 SCALE) + 1e-3 per employee.
            slack = data.E * _Pricer.rounding(data)
            found = math.ceil(value - slack - 1e-6)
            bound = found if bound is None else max(bound, found)
        say(f"columns: {sum(len(c) for c in pool.cols)}, master LP {value} (proved: {pool.exact}), bound {bound}")
        if bound is not None and best <= bound:
            return result("optimal")
        flips = pool.flips(until=min(deadline - 2.0, time.monotonic() + _FLIPS_LIMIT), workers=workers)
        if flips is not None:
            say(f"flip costs of {len(flips[1])} cells")
            # From the bound up: is there a roster of objective at most the bound? Every such
            # roster keeps the cells reduced-cost fixing gives for it, few rosters are left,
            # and the answer comes fast: none raises the bound by one, one is optimal.
            while bound is not None and best > bound and deadline - time.monotonic() > 2.0:
                target = bound
                fix = pool.fixings(flips, target)
                say(f"at most {target}: {len(fix)} cells fixed")
                until = min(deadline, time.monotonic() + _QUERY_LIMIT)
                if run_full(until, fix=fix, fixed_for=target, cap=target) == "infeasible":
                    continue
                # Not answered at once: search the rosters that keep those cells (the best
                # may not) for their optimum; at most the target is optimal, above it raises
                # the bound past the target. First, for _SEARCH_CHUNK seconds, among the fewer
                # rosters that keep the cells fixed for target - 1 (no roster of that is left,
                # but the optimum usually keeps them: on 5, 1143 came in 5 s there, where the
                # search for 1143 among the rosters keeping its own fixings took 5 s in some runs
                # and found none in 44 s in others). What that finds is a roster all the same;
                # only a search under the target's own fixings can raise the bound.
                if flips[0] <= target - 1:
                    narrow = pool.fixings(flips, target - 1)
                    run_full(min(deadline, time.monotonic() + _SEARCH_CHUNK), fix=narrow, fixed_for=target - 1)
                    if best <= bound:
                        break
                until = min(deadline, time.monotonic() + _SEARCH_LIMIT)
                outcome = run_full(until, fix=fix, fixed_for=target)
                if outcome == "infeasible" or (outcome == "optimal" and best > bound):
                    continue
                break
            if best <= bound:
                return result("optimal")
        if bound is not None and best > bound * (1 + _MASTER_GAP):
            # Far from the bound (on instance 5 the whole model can stall with a shift
            # uncovered, at 1236-1249 against 1141): the integer master over the columns
            # (every combination is a feasible roster) leaves that basin in seconds.
            new, obj = pool.master(
                sol, time_limit=min(_MASTER_LIMIT, deadline - time.monotonic() - 1.0), workers=workers, seed=seed
            )
            say(f"integer master: {obj}")
            if new is not None and obj < best:
                sol, best = new, obj
                trace.append((time.monotonic() - t0, best))

        # Our LNS for the time left, floored at the bound. On instance 7 it took the whole
        # model's roster from 1168 to 1060-1066 within 15-30 s, where a second whole-model
        # run hinted with it gained nothing. It gets half of the time left, then the whole
        # model, with the cells fixed by reduced cost and capped below the best, the rest.
        iterations = 0
        left = deadline - time.monotonic()
        if left >= 1.0:
            until = time.monotonic() + _LNS_SHARE_SMALL * left
            iterations = _lns(
                data, sol, deadline=until, threads=max(1, workers), seed=seed, trace=trace, t0=t0, say=say,
                bound=bound,
            )  # fmt: skip
            best = data.objective(sol)
            say(f"lns: {best} after {iterations} neighbourhoods")
            if bound is None or best > bound:
                fix = pool.fixings(flips, best - 1) if flips is not None else []
                say(f"below {best}: {len(fix)} cells fixed")
                if fix:
                    run_full(deadline, fix=fix, fixed_for=best - 1, cap=best - 1)
                else:
                    run_full(deadline)
        return result("optimal" if bound is not None and bound >= best else "feasible", iterations)

    # Small models of up to four weeks (instances 1-7): CP-SAT whole for a first roster,
    # then columns, their bound and the questions from it up (see the module docstring).
    # Four-week models up to _FULL_MAX cells (8-11) get the whole model for a share
    # of the time (a bound and a start that served instance 9 better than the greedy
    # one), then our LNS; larger ones start from the greedy construction. Longer
    # horizons up to _FULL_MAX cells (14, 16-18) stay with the whole model, which did
    # better than our LNS on instance 14 in our runs.
    if sol is None and size <= _COLUMNS_MAX and data.H <= 28:
        if run_full(t0 + _COLUMNS_AFTER * time_limit_s, collect=True) == "optimal":
            return result("optimal")
        if sol is not None:
            return _with_columns()
    if sol is None and size <= _FULL_MAX:
        whole = size <= _SMALL_MAX or data.H > 28
        if run_full(deadline if whole else t0 + _FULL_SHARE * time_limit_s) == "optimal":
            return result("optimal")
        if whole and sol is not None:
            return result("optimal" if bound is not None and best is not None and bound >= best else "feasible")
    if sol is None:
        sol = _construct(data, deadline=deadline, rng=rng, workers=workers)
        if sol is None:
            return result("unknown")
        best = data.objective(sol)
        first_time = time.monotonic() - t0
        trace.append((first_time, best))
        say(f"constructed: {best}")
    assert sol is not None and best is not None

    iterations = _lns(
        data, sol, deadline=deadline, threads=max(1, workers), seed=seed, trace=trace, t0=t0, say=say, bound=bound
    )
    best = data.objective(sol)
    say(f"lns: {best} after {iterations} neighbourhoods")
    return result("optimal" if bound is not None and bound >= best else "feasible", iterations)


_COLUMNS_MAX = 1400  # cells up to which four-week models get the whole model, then column generation
_COLUMNS_AFTER = 0.05  # share of the time the whole model gets before the columns (a first roster)
_COLUMNS_ROOT = 0.15  # most of the time the root column generation may take
_LNS_SHARE_SMALL = 0.5  # share of the time left after the columns that our LNS gets (the whole model the rest)
_MASTER_GAP = 0.03  # the integer master runs when the best roster is further above the bound than this
_MASTER_LIMIT = 4.0  # seconds for it
_FLIPS_LIMIT = 12.0  # most seconds for the flip costs of every cell (reduced-cost fixing)
_QUERY_LIMIT = 4.0  # most seconds for one "a roster of at most the bound?" question
_SEARCH_CHUNK = 12.0  # seconds for the search among rosters keeping the cells fixed one below the target
_SEARCH_LIMIT = 60.0  # most seconds for the search among rosters that keep the fixed cells (7 needed 35)
_PRICE_LIMIT = 0.5  # seconds per pricing solve
_FULL_MAX = 6000  # cells (employee x day x allowed type) up to which CP-SAT gets the whole model
_SMALL_MAX = 1400  # cells up to which CP-SAT keeps the whole model for the whole time
_FULL_SHARE = 0.2  # share of the time the whole model gets before our LNS on 4-week instances


def _construct(data: _Data, *, deadline: float, rng: random.Random, workers: int = 1) -> list[list[int]] | None:
    """Build a first roster employee by employee against the cover left; None if out of time.

    Employees with the fewest allowed types go first (they have the least choice), each
    solved to optimality (or the per-employee limit) with the others' rows frozen.
    """
    sol = [[OFF] * data.H for _ in range(data.E)]
    pending = sorted(range(data.E), key=lambda e: (len(data.allowed[e]), rng.random()))
    limit = 0.3
    while pending:
        left = deadline - time.monotonic()
        if left < 0.1:
            return None
        e = pending.pop(0)
        sub = _Sub(data, {e: (0, data.H)}, sol, _counts(data, sol))
        sub.model.clear_hints()  # the all-off row is not feasible
        # Linearization level 2 finds feasible rows much faster on long horizons (a year).
        status, solver = sub.solve(
            time_limit=min(limit, left), workers=workers, seed=rng.randrange(1 << 30), max_lp=True
        )
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            sub.read(solver, sol)
        else:
            limit *= 2  # no row found in time: retry this employee later with more time
            pending.append(e)
    return sol


@dataclass
class _Kind:
    """A neighbourhood family with its adaptive size and a running success rate."""

    name: str
    size: float
    lo: float
    hi: float
    rate: float = 0.5
    tries: int = 0
    wins: int = 0


class _Shared:
    """The incumbent shared by the LNS threads; rows carry versions to detect clashes."""

    def __init__(self, data: _Data, sol: list[list[int]], bound: int | None) -> None:
        self.lock = threading.Lock()
        self.sol = sol
        self.best = data.objective(sol)
        self.version = [0] * data.E
        self.bound = bound
        self.stall = 0
        self.iterations = 0


def _cover_cells(data: _Data, sol: Sequence[Sequence[int]]) -> list[tuple[int, int, int]]:
    """Return (day, type, penalty) of every badly covered (day, type)."""
    counts = _counts(data, sol)
    cells = []
    for d in range(data.H):
        for t in range(data.T):
            req, wu, wo = data.cover[d][t]
            n = counts[d][t]
            if n < req and wu:
                cells.append((d, t, wu * (req - n)))
            elif n > req and wo:
                cells.append((d, t, wo * (n - req)))
    return cells


def _pick(
    data: _Data, sol: Sequence[Sequence[int]], kind: _Kind, rng: random.Random
) -> tuple[dict[int, tuple[int, int]], set[int] | None]:
    """Draw a neighbourhood: employee -> freed day window, and the only days freed (or None)."""
    H, E = data.H, data.E
    size = kind.size
    if kind.name == "weekend":
        # Many employees around two to six weekends at once: weekend limits couple the
        # weekends of a roster, so they are re-planned together (other days stay frozen).
        nw = len(data.weekends)
        margin = rng.choice((1, 2))
        open_days: set[int] = set()
        for i in rng.sample(range(nw), rng.randint(2, min(nw, 6))):
            sat, sun = data.weekends[i]
            open_days.update(range(max(0, sat - margin), min(H, sun + margin + 1)))
        k = max(2, min(E, int(round(size))))
        emps = range(E) if k >= E else rng.sample(range(E), k)
        return dict.fromkeys(emps, (min(open_days), max(open_days) + 1)), open_days
    if kind.name == "days":
        # Every employee (or as many as keep the model small) over a short window,
        # centred half of the time on a day drawn by its cover penalty.
        span = max(1, min(H, int(round(size))))
        centre = rng.randrange(H)
        if rng.random() < 0.5:
            per_day = data.cover_penalty_by_day(sol)
            if sum(per_day) > 0:
                centre = rng.choices(range(H), weights=per_day)[0]
        lo = max(0, min(H - span, centre - span // 2))
        k = min(E, max(2, int(3000 / max(1, span * 3))))
        emps = range(E) if k >= E else rng.sample(range(E), k)
        return dict.fromkeys(emps, (lo, lo + span)), None
    if kind.name == "cover":
        # Employees able to mend a badly covered (day, type), over a long window around it.
        cells = _cover_cells(data, sol)
        if cells:
            d, t, _ = rng.choices(cells, weights=[c[2] for c in cells])[0]
            able = [e for e in range(E) if t in data.allowed[e] and d not in data.dayoff[e]]
            if able:
                k = max(1, min(len(able), int(round(size))))
                span = min(H, 56)
                lo = max(0, min(H - span, d - span // 2))
                return dict.fromkeys(rng.sample(able, k), (lo, lo + span)), None
        kind = _Kind("emps", size, 1.0, float(E))
    if kind.name == "type":
        # Every employee able to work a badly covered type, over a window of adaptive length.
        pen = [0] * data.T
        for _d, t, p in _cover_cells(data, sol):
            pen[t] += p
        t = rng.choices(range(data.T), weights=[p + 1 for p in pen])[0]
        able = [e for e in range(E) if t in data.allowed[e]]
        span = max(2, min(H, int(round(size))))
        lo = rng.randrange(0, H - span + 1)
        return dict.fromkeys(able, (lo, lo + span)), None
    if kind.name == "emps":
        # A few employees over the whole horizon (a long window on long horizons).
        k = max(1, min(E, int(round(size))))
        span = min(H, 56)
        lo = rng.randrange(0, H - span + 1)
        return dict.fromkeys(rng.sample(range(E), k), (lo, lo + span)), None
    # "block": a share of the employees over one or two weeks.
    k = max(2, min(E, int(round(size))))
    span = min(H, rng.choice((7, 10, 14)))
    lo = rng.randrange(0, H - span + 1)
    return dict.fromkeys(rng.sample(range(E), k), (lo, lo + span)), None


_SUB_LIMIT = 1.0  # seconds per neighbourhood, before the stall factor
_STALL_MAX = 5.0  # the sub-solve limit grows up to this factor while no neighbourhood improves
_STALL_STEP = 15.0  # ... by one base limit per this many neighbourhoods without improvement


def _lns(
    data: _Data,
    sol: list[list[int]],
    *,
    deadline: float,
    threads: int,
    seed: int,
    trace: list[tuple[float, int]],
    t0: float,
    say: Callable[[str], None],
    bound: int | None = None,
) -> int:
    """Improve sol in place with `threads` single-worker LNS loops sharing one incumbent."""
    E, H = data.E, data.H
    shared = _Shared(data, sol, bound)

    def loop(idx: int) -> None:
        rng = random.Random(seed * 1000 + idx)
        kinds = [
            _Kind("emps", 3.0, 2.0, float(E)),
            _Kind("days", 4.0, 2.0, float(H)),
            _Kind("block", max(2.0, E / 3), 2.0, float(E)),
            _Kind("cover", 4.0, 2.0, float(E)),
        ]
        if len(data.weekends) >= 2:
            kinds.append(_Kind("weekend", max(2.0, E / 2), 2.0, float(E)))
        if data.T > 1:
            kinds.append(_Kind("type", 7.0, 2.0, float(H)))
        while True:
            left = deadline - time.monotonic()
            with shared.lock:
                if left < 0.1 or (shared.bound is not None and shared.best <= shared.bound):
                    break
                snap = [row[:] for row in shared.sol]
                vers = shared.version[:]
                shared.iterations += 1
                stall = shared.stall
            kind = rng.choices(kinds, weights=[0.1 + k.rate for k in kinds])[0]
            free, open_days = _pick(data, snap, kind, rng)
            sub = _Sub(data, free, snap, _counts(data, snap))
            if open_days is not None:
                for (e, d, t), v in sub.x.items():
                    if d not in open_days:
                        sub.model.add(v == int(snap[e][d] == t))
            sub.cap_at_hint()
            # After a run of neighbourhoods without improvement, allow longer solves (and
            # so, through the size adaptation, larger neighbourhoods).
            limit = min(left, _SUB_LIMIT * min(_STALL_MAX, 1.0 + stall / _STALL_STEP))
            solver = cp_model.CpSolver()
            prm = solver.parameters
            prm.max_time_in_seconds = max(0.05, limit)
            prm.num_workers = 1
            prm.random_seed = rng.randrange(1 << 30)
            # The LP-heavy setting proved these small models optimal within the limit
            # far more often than the default in our measurements (instance 8).
            prm.linearization_level = 2
            status = solver.solve(sub.model)
            improved = False
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                new = {e: snap[e][:] for e in free}
                sub.read(solver, new)  # type: ignore[arg-type]
                with shared.lock:
                    # Rows another thread re-planned meanwhile would no longer fit.
                    if all(shared.version[e] == vers[e] for e in free):
                        trial = list(shared.sol)
                        for e in free:
                            trial[e] = new[e]
                        obj = data.objective(trial)
                        if obj <= shared.best:
                            improved = obj < shared.best
                            for e in free:
                                if shared.sol[e] != new[e]:
                                    shared.sol[e] = new[e]
                                    shared.version[e] += 1
                            if improved:
                                trace.append((time.monotonic() - t0, obj))
                                say(f"{kind.name} x{len(free)}: {shared.best} -> {obj}")
                            shared.best = obj
            with shared.lock:
                shared.stall = 0 if improved else shared.stall + 1
            kind.tries += 1
            kind.wins += int(improved)
            kind.rate = 0.9 * kind.rate + 0.1 * float(improved)
            if status == cp_model.OPTIMAL and solver.wall_time < 0.4 * limit:
                kind.size = min(kind.hi, kind.size * 1.1 + 0.2)
            elif status != cp_model.OPTIMAL:
                kind.size = max(kind.lo, kind.size * 0.85)
        say("kinds (wins/tries@size): " + " ".join(f"{k.name}:{k.wins}/{k.tries}@{k.size:.1f}" for k in kinds))

    if threads <= 1:
        loop(0)
    else:
        pool = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
        for th in pool:
            th.start()
        for th in pool:
            th.join()
    sol[:] = shared.sol
    return shared.iterations


# --------------------------------------------------------------------------- columns


def _row_cost(data: _Data, e: int, row: Sequence[int]) -> int:
    """Return the request penalty of one employee's row."""
    total = 0
    for d, reqs in data.on_req[e].items():
        total += sum(w for t, w in reqs if row[d] != t)
    for d, reqs in data.off_req[e].items():
        total += sum(w for t, w in reqs if row[d] == t)
    return total


def _by_employees(run: Callable[[Sequence[int]], None], order: Sequence[int], workers: int) -> None:
    """Call run on the employees in order; with two workers, on two threads with half each
    (CP-SAT releases the GIL)."""
    if workers < 2:
        run(order)
        return
    pool = [threading.Thread(target=run, args=(order[k::2],)) for k in range(2)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()


class _Pricer:
    """One employee's row under every hard rule, as a CP-SAT model priced by master duals."""

    SCALE = 1000  # dual values are scaled to integers for CP-SAT

    def __init__(self, data: _Data, e: int) -> None:
        self.data = data
        self.sub = _Sub(data, {e: (0, data.H)}, None, None)
        slack_ids = {v.index for u, o, _b, _r in self.sub.slacks for v in (u, o)}
        self.req_terms = [(v, c) for v, c in self.sub.obj_terms if v.index not in slack_ids]

    def _reduced_cost_objective(self, duals: Mapping[tuple[int, int], float]) -> None:
        """Minimise the row's request penalty less the duals of the cells it works, scaled
        by SCALE (the reduced cost less the request constant and plus the convexity dual)."""
        sub, S = self.sub, self.SCALE
        terms = [(v, c * S) for v, c in self.req_terms]
        for (_e, d, t), v in sub.x.items():
            mu = duals.get((d, t), 0.0)
            if mu:
                terms.append((v, -int(round(mu * S))))
        sub.model.clear_objective()
        sub.model.minimize(sum(c * v for v, c in terms))

    @classmethod
    def rounding(cls, data: _Data) -> float:
        """Reduced cost per row that duals rounded to 1/SCALE can hide from pricing."""
        return data.H / (2 * cls.SCALE) + 1e-3

    def price(
        self, duals: Mapping[tuple[int, int], float], pi: float, *, time_limit: float, seed: int
    ) -> tuple[list[list[int]], bool]:
        """Return the rows of negative reduced cost met, and whether the row of least
        (dual-rounded) reduced cost was proved."""
        sub, S = self.sub, self.SCALE
        self._reduced_cost_objective(duals)
        # Reduced cost = request penalty - sum of duals of the cells worked - pi; the
        # model's objective is it, scaled, less the request constant and plus pi.
        limit = (pi - sub.obj_const - 1e-3) * S
        rows: list[list[int]] = []

        class _Keep(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                if self.objective_value < limit:
                    rows.append(sub.read_values(self.boolean_value)[next(iter(sub.free))])

        solver = cp_model.CpSolver()
        prm = solver.parameters
        prm.max_time_in_seconds = max(0.02, time_limit)
        prm.num_workers = 1
        prm.random_seed = seed
        status = solver.solve(sub.model, _Keep())
        return rows, status == cp_model.OPTIMAL

    def flips(
        self, duals: Mapping[tuple[int, int], float], pi: float, *, until: float
    ) -> list[tuple[int, int, int, float]]:
        """For each cell (day, type): its value in the row of least reduced cost, and the least
        reduced cost of a row where it takes the other value (inf when no row can; -inf when
        not proved in time)."""
        sub, S = self.sub, self.SCALE
        self._reduced_cost_objective(duals)
        base = (sub.obj_const - pi) * S  # reduced cost * S = objective + base
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = 1.0
        if solver.solve(sub.model) != cp_model.OPTIMAL:
            return []
        star = {k: int(solver.boolean_value(v)) for k, v in sub.x.items()}
        out = []
        for (_e, d, t), v in sub.x.items():
            if time.monotonic() >= until:
                break
            sub.model.clear_assumptions()
            sub.model.add_assumptions([v.Not() if star[(_e, d, t)] else v])
            status = solver.solve(sub.model)
            if status == cp_model.INFEASIBLE:
                cost = math.inf
            elif status == cp_model.OPTIMAL:
                cost = (solver.objective_value + base) / S
            else:
                cost = -math.inf
            out.append((d, t, star[(_e, d, t)], cost))
        sub.model.clear_assumptions()
        return out


class _Columns:
    """A pool of rows (columns) per employee, its master LP and its integer master.

    The master chooses one column per employee, with cover slacks priced as in the
    objective; its LP (Dantzig-Wolfe) is far tighter than the whole model's, because
    each employee's every hard rule is inside the columns. Any choice of one column per
    employee is a feasible roster.
    """

    def __init__(self, data: _Data, sol: Sequence[Sequence[int]]) -> None:
        self.data = data
        self.cover_keys = [(d, t) for d in range(data.H) for t in range(data.T) if any(data.cover[d][t])]
        self.cols: list[list[tuple[int, ...]]] = [[] for _ in range(data.E)]
        self.costs: list[list[int]] = [[] for _ in range(data.E)]
        self.seen: list[set[tuple[int, ...]]] = [set() for _ in range(data.E)]
        self.pricers: dict[int, _Pricer] = {}
        self.exact = False  # the last pricing round proved that no column has negative reduced cost
        self.add_roster(sol)

    def add(self, e: int, row: Sequence[int]) -> bool:
        """Add a row of employee e (a feasible one); return True when it is new."""
        key = tuple(row)
        if key in self.seen[e]:
            return False
        self.seen[e].add(key)
        self.cols[e].append(key)
        self.costs[e].append(_row_cost(self.data, e, key))
        return True

    def add_roster(self, sol: Sequence[Sequence[int]]) -> None:
        """Add every row of a feasible roster."""
        for e in range(self.data.E):
            self.add(e, sol[e])

    def lp(self) -> tuple[float, dict[tuple[int, int], float], list[float]] | None:
        """Solve the master LP (GLOP); return its value, cover duals and convexity duals."""
        import ortools.linear_solver.pywraplp as pywraplp

        data = self.data
        lp = pywraplp.Solver.CreateSolver("GLOP")
        obj = lp.Objective()
        cover_ct = {}
        for d, t in self.cover_keys:
            req, wu, wo = data.cover[d][t]
            u = lp.NumVar(0, req, "")
            o = lp.NumVar(0, lp.infinity(), "")
            ct = lp.Constraint(req, req)
            ct.SetCoefficient(u, 1)
            ct.SetCoefficient(o, -1)
            obj.SetCoefficient(u, wu)
            obj.SetCoefficient(o, wo)
            cover_ct[(d, t)] = ct
        conv = []
        for e in range(data.E):
            ct = lp.Constraint(1, 1)
            conv.append(ct)
            for c, col in enumerate(self.cols[e]):
                v = lp.NumVar(0, 1, "")
                ct.SetCoefficient(v, 1)
                obj.SetCoefficient(v, self.costs[e][c])
                for d, t in enumerate(col):
                    if t >= 0 and (d, t) in cover_ct:
                        cover_ct[(d, t)].SetCoefficient(v, 1)
        obj.SetMinimization()
        if lp.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        duals = {k: ct.dual_value() for k, ct in cover_ct.items()}
        return obj.Value(), duals, [ct.dual_value() for ct in conv]

    def _price_all(
        self,
        order: Sequence[int],
        duals: Mapping[tuple[int, int], float],
        pis: Sequence[float],
        seeds: Mapping[int, int],
        until: float,
    ) -> tuple[list[tuple[int, list[int]]], bool]:
        found: list[tuple[int, list[int]]] = []
        proved = True
        for e in order:
            if time.monotonic() >= until:
                return found, False
            if e not in self.pricers:
                self.pricers[e] = _Pricer(self.data, e)
            rows, optimal = self.pricers[e].price(duals, pis[e], time_limit=_PRICE_LIMIT, seed=seeds[e])
            proved = proved and optimal
            found.extend((e, row) for row in rows)
        return found, proved

    def generate(self, *, until: float, workers: int, rng: random.Random) -> float | None:
        """Price columns until none has negative reduced cost or time runs out; return the
        last master LP value (self.exact tells whether it is proved the LP optimum)."""
        self.exact = False
        while True:
            got = self.lp()
            if got is None:
                return None
            value, duals, pis = got
            if time.monotonic() >= until:
                return value
            order = list(range(self.data.E))
            rng.shuffle(order)
            seeds = {e: rng.randrange(1 << 30) for e in order}
            outs: list[tuple[list[tuple[int, list[int]]], bool]] = []
            # Called before the loop moves on, so the closure sees this round's values.
            _by_employees(lambda part: outs.append(self._price_all(part, duals, pis, seeds, until)), order, workers)  # noqa: B023
            added = sum(self.add(e, row) for found, _ in outs for e, row in found)
            if added == 0:
                self.exact = len(outs) > 0 and all(proved for _, proved in outs)
                return value

    def flips(self, *, until: float, workers: int) -> tuple[float, list[tuple[int, int, int, int, float]]] | None:
        """The master LP's optimum and, per cell, (employee, day, type, value in the
        employee's row of least reduced cost, least reduced cost of a row that flips it);
        None unless pricing proved the LP optimum (`exact`)."""
        got = self.lp() if self.exact else None
        if got is None:
            return None
        value, duals, pis = got
        out: list[tuple[int, int, int, int, float]] = []

        def run(employees: Sequence[int]) -> None:
            for e in employees:
                if time.monotonic() >= until:
                    return
                found = _Pricer(self.data, e).flips(duals, pis[e], until=until)
                out.extend((e, d, t, val, cost) for d, t, val, cost in found)

        _by_employees(run, list(range(self.data.E)), workers)
        return value, out

    def fixings(
        self, flips: tuple[float, Sequence[tuple[int, int, int, int, float]]], cap: int
    ) -> list[tuple[int, int, int, int]]:
        """Cells every roster of objective at most `cap` must take: (employee, day, type, 0/1).

        Reduced-cost fixing. At the master LP's optimum z every column's reduced cost is
        at least 0 (pricing proved it), and a roster's objective is z plus the reduced
        costs of its rows and slacks; so each row of a roster of objective at most cap has
        a reduced cost of at most cap - z. A cell whose every flipping row costs more than
        that keeps its value (from `flips`) in every such roster.
        """
        value, cells = flips
        # Pricing sees duals rounded to 1/SCALE, which can hide up to H / (2 SCALE) of reduced
        # cost per row: every other employee's cheapest row may be that much below 0, and
        # this cell's flip that much above what is computed.
        margin = cap - value + (self.data.E + 1) * _Pricer.rounding(self.data)
        return [(e, d, t, val) for e, d, t, val, cost in cells if cost > margin]

    def master(
        self, best: Sequence[Sequence[int]], *, time_limit: float, workers: int, seed: int
    ) -> tuple[list[list[int]] | None, int]:
        """Solve the integer master over the pool with CP-SAT, hinted with best."""
        data, E = self.data, self.data.E
        self.add_roster(best)
        model = cp_model.CpModel()
        z = [[model.new_bool_var("") for _ in self.cols[e]] for e in range(E)]
        terms = []
        for e in range(E):
            model.add_exactly_one(z[e])
            mine = self.cols[e].index(tuple(best[e]))
            for c, v in enumerate(z[e]):
                model.add_hint(v, int(c == mine))
                if self.costs[e][c]:
                    terms.append(self.costs[e][c] * v)
        for d, t in self.cover_keys:
            req, wu, wo = data.cover[d][t]
            on = [z[e][c] for e in range(E) for c, row in enumerate(self.cols[e]) if row[d] == t]
            u = model.new_int_var(0, req, "")
            o = model.new_int_var(0, len(on), "")
            model.add(sum(on) + u - o == req)
            terms.append(wu * u + wo * o)
        model.minimize(sum(terms))
        solver = cp_model.CpSolver()
        prm = solver.parameters
        prm.max_time_in_seconds = max(0.2, time_limit)
        prm.num_workers = max(1, workers)
        prm.random_seed = seed
        if workers >= 2:
            prm.subsolvers.append("max_lp")
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None, 0
        new = [list(self.cols[e][next(c for c, v in enumerate(z[e]) if solver.boolean_value(v))]) for e in range(E)]
        return new, data.objective(new)
