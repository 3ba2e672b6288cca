"""Column generation for the campaign roster: a lower bound that sees days, and columns for the search.

A roster is one *column* per person: their whole row of shifts over the horizon. Every
hard rule but coverage and roles is a rule of one person's row, and so is every soft
term but fairness (home community and continuity are priced per row). The master
problem chooses one column per person so that every shift gets its people and its
roles; fairness, which links the people of a group, is kept in the master with two
integer levels per group and metric (``hi`` above every judged person's scaled count,
``lo`` below it, the spread ``hi - lo`` above the band paid by ``over``). For integer
``hi`` and ``lo`` the rows ``a_ref * count <= a * hi`` and ``a_ref * count >= a * lo``
are exactly ``hi >= ceil(a_ref * count / a)`` and ``lo <= floor(a_ref * count / a)``, the
checker's band, so the integer master over *all* columns is the roster problem itself.

The master LP (GLOP) over the columns met so far gives duals; the pricing problem of a
person is their cheapest row under those duals, solved exactly by a dynamic programme
over days (:class:`_Pricing`; all people at once, vectorised with numpy). The state of
a worked day is (length of the run of duty so far, shift worked); of a day off,
(days still forced off after a run of the maximum length, length of the block of days
off). It keeps: at most one shift a day, eligibility, rest and overlap between shifts
of consecutive days, maximum consecutive days, days off after a maximum run, minimum
consecutive days off, and prices continuity and home community exactly.

Why the bound is valid. Let z be the optimum of the master LP over the current
columns (with demand slacks at a large price, so it is always feasible), with duals
(y, pi) (pi the duals of "one column per person"). For any roster R that keeps the hard
rules, each person's row is a column of the *full* master (it keeps every rule the
pricing keeps), and the standard Lagrangian argument gives
``obj(R) >= z + sum_p min(0, min_c rc_p(c))``, where rc_p(c) is the reduced cost of
column c of person p under (y, pi) and the minimum runs over every row the pricing
allows. The pricing allows every row that keeps the rules it models, a superset of
the feasible rows, so its minimum is at most the minimum over feasible rows, and the
bound holds. Rules the pricing does not model (a hard weekly maximum that the run rule
does not imply, rest spanning more than one day) only make the set larger: the bound
stays valid, and a column from pricing is checked against them before the search may
use it. With the last round pricing nothing negative, the bound is z itself.

Status (measured 2026-12-07 on the demo campaign, 2 cores, beside the neighbourhood
search): not wired into :func:`frontline.roster.solver.solve`. The compact LP
(:func:`compact_lp_duals`) takes 4-9 s and gives 194; the master LP, started from it,
the start roster's rows and smoothed pricing, was still at 562 (an upper estimate of
its optimum) after 30 rounds and 45 s, its Lagrangian bound never above 194, below the
aggregate relaxation's 287; and sharing the cores cost the search (454 against
412-437). Alone on a core for 173 s (50 rounds; the pool also started from rows priced
at ten perturbations of those duals) the restricted master LP fell to 241,
still falling: so this master's LP bound is at most 241 on the demo, below the
aggregate relaxation's 287, whatever the speed. Its fairness rows are linear (no
ceil/floor of whole counts), it drops the upper end of coverage and prices a missing
person at 10; the integer fairness bands are what the aggregate bound gets right. The
pricing programme is exact (tested against every row the checker
accepts) and fast (0.07 s for all 126 people); the master is what does not converge in
a minute: 1,568 coverage rows of one person each, most staff interchangeable on most
shifts, so its duals are degenerate. On small rosters it converges in a few rounds,
and the tests check its bound against proven optima there.

Coverage or one shift a day not hard: no bound (None).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from frontline.roster.solver import _Index

INF = float("inf")
_SLACK_PRICE = 10.0  # per missing person or role in the master LP (keeps it feasible)
_METRICS = ("fairness_shifts", "fairness_nights", "fairness_weekends")


@dataclass
class Column:
    """One person's row: the shifts worked (indices into the problem's shifts) and its price."""

    person: int
    shifts: tuple[int, ...]
    cost: int  # home community + continuity, as the checker prices them
    counts: tuple[int, int, int]  # shifts, nights, weekend duty days


@dataclass
class _FairRows:
    """The master's rows of one group and fairness metric."""

    metric: int  # index into _METRICS
    weight: int
    band: int
    hard: bool
    a_ref: int
    judged: list[int]
    hi: Any = None
    lo: Any = None
    over: Any = None
    hi_rows: dict[int, Any] = field(default_factory=dict)
    lo_rows: dict[int, Any] = field(default_factory=dict)


class _Pricing:
    """Every person's cheapest row under given duals: one dynamic programme over days."""

    def __init__(self, ix: _Index) -> None:
        self.ix = ix
        rules = ix.problem.rules
        nd = len(ix.days)
        self.people = [i for i in range(len(ix.staff)) if ix.avail_days[i] and any(i in e for e in ix.elig_set)]
        self.pos = {i: n for n, i in enumerate(self.people)}
        P = len(self.people)
        mx = rules.max_consecutive_days
        self.M = mx.value if mx.enabled and mx.hard and 0 < mx.value < nd else 0  # 0: no limit
        after = rules.days_off_after_max_run
        self.R = after.value if self.M and after.enabled and after.hard and after.value > 1 else 1
        off = rules.min_consecutive_days_off
        self.K = off.value if off.enabled and off.hard and off.value > 1 else 1
        week = rules.max_shifts_per_week
        implied = not (week.enabled and week.hard) or week.value >= 7 or (week.value >= 6 and 0 < self.M <= 6)
        rest = rules.min_rest_hours
        rest_td = timedelta(hours=rest.value if rest.enabled and rest.hard else 0)
        cont = rules.continuity
        self.w_cont = cont.weight if cont.enabled else 0
        home = rules.home_community
        w_home = home.weight if home.enabled else 0
        # Rows the pricing may allow although they break a rule it does not model.
        longest = max((s.end - s.start for s in ix.shifts), default=timedelta(0))
        self.needs_check = not implied or (longest + rest_td > timedelta(days=1))
        self.day_shifts: list[list[int]] = [list(ix.by_day[k]) for k in range(nd)]
        self.base: list[np.ndarray] = []  # (P, S_k): home cost, inf where not eligible
        self.trans: list[np.ndarray] = []  # (S_{k-1}, S_k): continuity cost, inf where rest breaks
        self.night: list[np.ndarray] = []
        self.party = np.array([ix.staff[i].is_party_member for i in self.people], dtype=bool)
        self.leader = np.array([ix.staff[i].is_team_leader for i in self.people], dtype=bool)
        self.weekend = [ix.days[k].weekday() >= 5 for k in range(nd)]
        for k in range(nd):
            js = self.day_shifts[k]
            base = np.full((P, len(js)), INF)
            for t, j in enumerate(js):
                s = ix.shifts[j]
                for i in ix.elig[j]:
                    p = self.pos.get(i)
                    if p is None:
                        continue
                    h = ix.staff[i].home_community_id
                    away = h is not None and s.community_id is not None and s.community_id != h
                    base[p, t] = w_home if away else 0.0
            self.base.append(base)
            self.night.append(np.array([ix.shifts[j].is_night for j in js], dtype=bool))
            prev = self.day_shifts[k - 1] if k else []
            tr = np.zeros((len(prev), len(js)))
            for a, ja in enumerate(prev):
                sa = ix.shifts[ja]
                for b, jb in enumerate(js):
                    sb = ix.shifts[jb]
                    if sb.start < sa.end + rest_td and sa.start < sb.end + rest_td:
                        tr[a, b] = INF
                    elif sb.checkpoint_id is not None and sb.checkpoint_id != sa.checkpoint_id:
                        tr[a, b] = self.w_cont
            self.trans.append(tr)

    def blocks(self) -> list[tuple[np.ndarray, int, int]]:
        """Return the people (positions) of each fairness group with the span of days they
        can work: the programme runs per block, over its span only."""
        if not hasattr(self, "_blocks"):
            ix = self.ix
            by_group: dict[Hashable, list[int]] = defaultdict(list)
            for n, i in enumerate(self.people):
                by_group[ix.staff[i].group].append(n)
            out = []
            for members in by_group.values():
                days = [k for n in members for k in range(len(self.base)) if np.isfinite(self.base[k][n]).any()]
                out.append((np.array(members), min(days), max(days) + 1))
            self._blocks = out
        return self._blocks

    def price(
        self,
        shift_dual: np.ndarray,
        party_dual: np.ndarray,
        leader_dual: np.ndarray,
        unit_dual: np.ndarray,
    ) -> tuple[np.ndarray, list[list[int]]]:
        """Return each person's least value of (row cost - duals) and that row.

        ``shift_dual[j]`` is earned by anyone working j, ``party_dual[j]`` and
        ``leader_dual[j]`` by a holder of the role, ``unit_dual[p, m]`` is the price of
        one unit of fairness metric m for person p (position in ``self.people``).
        """
        value = np.zeros(len(self.people))
        rows: list[list[int]] = [[] for _ in self.people]
        for members, k0, k1 in self.blocks():
            v, r = self._price_block(members, k0, k1, shift_dual, party_dual, leader_dual, unit_dual)
            value[members] = v
            for n, row in zip(members, r):
                rows[n] = row
        return value, rows

    def _price_block(
        self,
        members: np.ndarray,
        k0: int,
        k1: int,
        shift_dual: np.ndarray,
        party_dual: np.ndarray,
        leader_dual: np.ndarray,
        unit_dual: np.ndarray,
    ) -> tuple[np.ndarray, list[list[int]]]:
        P = len(members)
        Mr = self.M or 1
        R, K = self.R, self.K
        party = self.party[members]
        leader = self.leader[members]
        unit = unit_dual[members]
        W = np.full((P, Mr, 0), INF)
        F = np.full((P, R, K + 1), INF)
        F[:, 0, 0] = 0.0  # nothing worked yet
        hist: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        for k in range(k0, k1):
            js = self.day_shifts[k]
            S = len(js)
            c = self.base[k][members]
            if S:
                c = c - shift_dual[js][None, :]
                c = c - np.where(party[:, None], party_dual[js][None, :], 0.0)
                c = c - np.where(leader[:, None], leader_dual[js][None, :], 0.0)
                c = c + unit[:, 0][:, None]
                c = c + np.where(self.night[k][None, :], unit[:, 1][:, None], 0.0)
                if self.weekend[k]:
                    c = c + unit[:, 2][:, None]
            # From a worked day before: min over yesterday's shift.
            if W.shape[2] and S:
                G = W[:, :, :, None] + self.trans[k][None, None, :, :]
                arg = G.argmin(axis=2)
                G = np.take_along_axis(G, arg[:, :, None, :], axis=2)[:, :, 0, :]
            else:
                G = np.full((P, Mr, S), INF)
                arg = np.zeros((P, Mr, S), dtype=np.int64)
            off_ok = np.minimum(F[:, 0, 0], F[:, 0, K])
            Wn = np.full((P, Mr, S), INF)
            if self.M:
                Wn[:, 0, :] = c + off_ok[:, None]
                if Mr > 1:
                    Wn[:, 1:, :] = c[:, None, :] + G[:, :-1, :]
                from_off = np.ones((P, Mr, S), dtype=bool)
            else:
                via_work = G[:, 0, :]
                from_off = (off_ok[:, None] <= via_work)[:, None, :]
                Wn[:, 0, :] = c + np.minimum(via_work, off_ok[:, None])
            # Days off.
            Fn = np.full((P, R, K + 1), INF)
            for f in range(R):
                for o in range(K + 1):
                    f2 = max(f - 1, 0)
                    o2 = 0 if o == 0 else min(o + 1, K)
                    Fn[:, f2, o2] = np.minimum(Fn[:, f2, o2], F[:, f, o])
            if W.shape[2]:
                best_r = W.min(axis=2)  # (P, Mr)
                if self.M:
                    last = best_r[:, Mr - 1]
                    rest_r = best_r[:, : Mr - 1].min(axis=1) if Mr > 1 else np.full(P, INF)
                    if R > 1:
                        Fn[:, R - 1, 1] = np.minimum(Fn[:, R - 1, 1], last)
                        Fn[:, 0, 1] = np.minimum(Fn[:, 0, 1], rest_r)
                    else:
                        Fn[:, 0, 1] = np.minimum(Fn[:, 0, 1], np.minimum(last, rest_r))
                else:
                    Fn[:, 0, 1] = np.minimum(Fn[:, 0, 1], best_r[:, 0])
            hist.append((Wn, Fn, arg, from_off))
            W, F = Wn, Fn
        w_final = W.reshape(P, -1).min(axis=1) if W.shape[2] else np.full(P, INF)
        final = np.minimum(w_final, F.reshape(P, -1).min(axis=1))
        rows = [self._back(p, hist, k0) for p in range(P)]
        return final, rows

    def _back(self, p: int, hist: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]], k0: int) -> list[int]:
        """Walk one person's optimal states back from the last day; return the shifts worked."""
        nd = len(hist)
        Mr = self.M or 1
        R, K = self.R, self.K
        Wn, Fn, _, _ = hist[-1]
        w_best = Wn[p].min() if Wn.shape[2] else INF
        if w_best < Fn[p].min():
            r0, t0 = np.unravel_index(int(Wn[p].argmin()), Wn[p].shape)
            state: tuple = ("w", int(r0), int(t0))
        else:
            f0, o0 = np.unravel_index(int(Fn[p].argmin()), Fn[p].shape)
            state = ("f", int(f0), int(o0))
        out: list[int] = []
        for k in range(nd - 1, -1, -1):
            Wn, Fn, arg, from_off = hist[k]
            W_prev, F_prev = (hist[k - 1][0], hist[k - 1][1]) if k else (Wn, Fn)  # unused on day 0
            if state[0] == "w":
                _, r, t = state
                out.append(self.day_shifts[k0 + k][t])
                if k == 0:
                    break
                if self.M and r >= 1:
                    state = ("w", r - 1, int(arg[p, r - 1, t]))
                elif self.M or from_off[p, 0, t]:
                    state = ("f", 0, 0 if F_prev[p, 0, 0] <= F_prev[p, 0, K] else K)
                else:
                    state = ("w", 0, int(arg[p, 0, t]))
            else:
                _, f2, o2 = state
                if k == 0:
                    break
                target = Fn[p, f2, o2]
                found = None
                for f in range(R):
                    for o in range(K + 1):
                        if max(f - 1, 0) == f2 and (0 if o == 0 else min(o + 1, K)) == o2:
                            if F_prev[p, f, o] <= target + 1e-9:
                                found = ("f", f, o)
                if found is None and o2 == 1 and W_prev.shape[2]:
                    for r in range(Mr):
                        lands = R - 1 if (self.M and r == Mr - 1 and R > 1) else 0
                        if lands != f2:
                            continue
                        t = int(W_prev[p, r].argmin())
                        if W_prev[p, r, t] <= target + 1e-9:
                            found = ("w", r, t)
                            break
                if found is None:
                    raise AssertionError("pricing back-track lost its way")
                state = found
        out.reverse()
        return out


class ColumnGeneration:
    """The master over a pool of columns: its LP, its Lagrangian bound, its integer master."""

    def __init__(self, ix: _Index, *, fairness: bool = True) -> None:
        self.ix = ix
        rules = ix.problem.rules
        one = rules.one_shift_per_day
        self.usable = bool(rules.coverage.enabled and rules.coverage.hard and one.enabled and one.hard)
        self.roles_hard = rules.roles.enabled and rules.roles.hard
        self.pricing = _Pricing(ix)
        self.people = self.pricing.people
        self.cols: list[list[Column]] = [[] for _ in self.people]
        self.seen: list[set[tuple[int, ...]]] = [set() for _ in self.people]
        self.bound: float = -INF  # best proven lower bound so far
        self.lp_value: float | None = None
        self.exact = False
        self.rounds = 0
        self.center: np.ndarray | None = None  # the duals of the best bound so far
        self.fair: list[_FairRows] = []
        groups: dict[Hashable, list[int]] = defaultdict(list)
        for i, p in enumerate(ix.staff):
            groups[p.group].append(i)
        for m, name in enumerate(_METRICS):
            rule = getattr(rules, name)
            if not rule.enabled or not fairness:
                continue
            for members in groups.values():
                a_ref = max((ix.avail_days[i] for i in members), default=0)
                judged = [i for i in members if a_ref and 2 * ix.avail_days[i] >= a_ref and ix.can_any[name][i]]
                if len(judged) >= 2:
                    self.fair.append(_FairRows(m, rule.weight, rule.value, rule.hard, a_ref, judged))
        self._build_lp()
        for n in range(len(self.people)):
            self.add(n, ())  # a day-off row keeps every person's convexity row satisfiable

    # ---- columns

    def column(self, n: int, shifts: Sequence[int]) -> Column:
        """Return the column of person n (position in self.people) working shifts."""
        ix = self.ix
        i = self.people[n]
        p = ix.staff[i]
        rules = ix.problem.rules
        js = sorted(shifts, key=lambda j: ix.shifts[j].start)
        cost = 0
        if rules.home_community.enabled and p.home_community_id is not None:
            away = sum(
                1
                for j in js
                if ix.shifts[j].community_id is not None and ix.shifts[j].community_id != p.home_community_id
            )
            cost += rules.home_community.weight * away
        if rules.continuity.enabled:
            by_day: dict[int, set[Hashable]] = defaultdict(set)
            worked: set[int] = set()
            for j in js:
                k = ix.dix[ix.shifts[j].day]
                worked.add(k)
                if ix.shifts[j].checkpoint_id is not None:
                    by_day[k].add(ix.shifts[j].checkpoint_id)
            for k in worked:
                if k - 1 in worked and by_day.get(k, set()) - by_day.get(k - 1, set()):
                    cost += rules.continuity.weight
        days = {ix.dix[ix.shifts[j].day] for j in js}
        nights = sum(1 for j in js if ix.shifts[j].is_night)
        weekends = sum(1 for k in days if ix.days[k].weekday() >= 5)
        return Column(i, tuple(js), cost, (len(days), nights, weekends))

    def row_ok(self, col: Column) -> bool:
        """Return True when a row keeps the hard rules the pricing does not model (the
        weekly maximum when the run rule does not imply it, rest across more than a day)."""
        if not self.pricing.needs_check:
            return True
        ix = self.ix
        rules = ix.problem.rules
        rest = rules.min_rest_hours
        gap = timedelta(hours=rest.value if rest.enabled and rest.hard else 0)
        mine = [ix.shifts[j] for j in col.shifts]
        for a_i, a in enumerate(mine):
            for b in mine[a_i + 1 :]:
                if b.start < a.end + gap and a.start < b.end + gap:
                    return False
        week = rules.max_shifts_per_week
        if week.enabled and week.hard:
            days = sorted(ix.dix[s.day] for s in mine)
            for n, k in enumerate(days):
                if n + week.value < len(days) and days[n + week.value] - k < 7:
                    return False
        return True

    def add(self, n: int, shifts: Sequence[int]) -> Column | None:
        """Add a row of person n to the pool and the LP; return it when new."""
        key = tuple(sorted(shifts))
        if key in self.seen[n]:
            return None
        self.seen[n].add(key)
        col = self.column(n, key)
        self.cols[n].append(col)
        self._lp_column(n, col)
        return col

    def add_roster(self, roster: Sequence[tuple[int, int]]) -> None:
        """Add every person's row of a roster (pairs of staff index, shift index)."""
        rows: dict[int, list[int]] = defaultdict(list)
        for i, j in roster:
            rows[i].append(j)
        for n, i in enumerate(self.people):
            self.add(n, rows.get(i, []))

    # ---- the master LP

    def _build_lp(self) -> None:
        from ortools.linear_solver import pywraplp

        ix = self.ix
        self.lp = lp = pywraplp.Solver.CreateSolver("GLOP")
        obj = lp.Objective()
        obj.SetMinimization()
        inf = lp.infinity()
        # Every row as (constraint, lower, upper), and every variable that is not a column as
        # (cost, lower, upper, [(row, coefficient)]): the Lagrangian bound is computed from them.
        self.rows: list[tuple[Any, float, float]] = []
        self.aux: list[tuple[float, float, float, list[tuple[int, float]]]] = []

        def row(lower: float, upper: float) -> int:
            self.rows.append((lp.Constraint(lower, upper), lower, upper))
            return len(self.rows) - 1

        def var(cost: float, lower: float, upper: float, terms: list[tuple[int, float]]) -> Any:
            v = lp.NumVar(lower, upper, "")
            obj.SetCoefficient(v, cost)
            for r, a in terms:
                self.rows[r][0].SetCoefficient(v, a)
            self.aux.append((cost, lower, upper, terms))
            return v

        self.cover: list[int] = []
        self.party_rows: dict[int, int] = {}
        self.leader_rows: dict[int, int] = {}
        for j, s in enumerate(ix.shifts):
            # Only the lower end of coverage: dropping the upper end relaxes the master (its
            # duals are >= 0, far less degenerate). A shortage has a price, so the LP is
            # always feasible (a roster keeping the hard rules has none).
            r = row(float(s.min_staff), inf)
            var(_SLACK_PRICE, 0.0, float(s.min_staff), [(r, 1.0)])
            self.cover.append(r)
            if self.roles_hard:
                for flag, rows in ((s.needs_party_member, self.party_rows), (s.needs_team_leader, self.leader_rows)):
                    if flag:
                        rr = row(1.0, inf)
                        var(_SLACK_PRICE, 0.0, 1.0, [(rr, 1.0)])
                        rows[j] = rr
        for fr in self.fair:
            ub = float(3 * max(1, len(ix.days)) * fr.a_ref)
            hi_terms: list[tuple[int, float]] = []
            lo_terms: list[tuple[int, float]] = []
            for i in fr.judged:
                a = float(ix.avail_days[i])
                fr.hi_rows[i] = row(0.0, inf)  # a * hi - a_ref * count >= 0
                fr.lo_rows[i] = row(0.0, inf)  # a_ref * count - a * lo >= 0
                hi_terms.append((fr.hi_rows[i], a))
                lo_terms.append((fr.lo_rows[i], -a))
            if fr.hard:
                band = row(-inf, float(fr.band))  # hi - lo <= band
                fr.hi = var(0.0, 0.0, ub, [*hi_terms, (band, 1.0)])
                fr.lo = var(0.0, 0.0, ub, [*lo_terms, (band, -1.0)])
            else:
                band = row(-float(fr.band), inf)  # over - hi + lo >= -band
                fr.hi = var(0.0, 0.0, ub, [*hi_terms, (band, -1.0)])
                fr.lo = var(0.0, 0.0, ub, [*lo_terms, (band, 1.0)])
                fr.over = var(float(fr.weight), 0.0, ub, [(band, 1.0)])
        self.convex = [lp.Constraint(1.0, 1.0) for _ in self.people]
        self.lambdas: list[list[Any]] = [[] for _ in self.people]

    def _lp_column(self, n: int, col: Column) -> None:
        lp = self.lp
        v = lp.NumVar(0.0, lp.infinity(), "")
        self.lambdas[n].append(v)
        lp.Objective().SetCoefficient(v, float(col.cost))
        self.convex[n].SetCoefficient(v, 1.0)
        p = self.ix.staff[col.person]
        rows = self.rows
        for j in col.shifts:
            rows[self.cover[j]][0].SetCoefficient(v, 1.0)
            if p.is_party_member and j in self.party_rows:
                rows[self.party_rows[j]][0].SetCoefficient(v, 1.0)
            if p.is_team_leader and j in self.leader_rows:
                rows[self.leader_rows[j]][0].SetCoefficient(v, 1.0)
        for fr in self.fair:
            if col.person in fr.hi_rows:
                count = float(fr.a_ref * col.counts[fr.metric])
                if count:
                    rows[fr.hi_rows[col.person]][0].SetCoefficient(v, -count)
                    rows[fr.lo_rows[col.person]][0].SetCoefficient(v, count)

    def solve_lp(self) -> bool:
        """Solve the master LP; return False when GLOP fails."""
        from ortools.linear_solver import pywraplp

        self.lp.SetSolverSpecificParametersAsString("use_dual_simplex:true")
        status = self.lp.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            return False
        self.lp_value = self.lp.Objective().Value()
        return True

    def lp_duals(self) -> np.ndarray:
        """Return the duals of every row of the last LP solved."""
        return np.array([ct.dual_value() for ct, _, _ in self.rows])

    def _split(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Return the pricing's prices under row duals y."""
        ix = self.ix
        ns = len(ix.shifts)
        shift_dual = y[self.cover]
        party = np.zeros(ns)
        for j, r in self.party_rows.items():
            party[j] = y[r]
        leader = np.zeros(ns)
        for j, r in self.leader_rows.items():
            leader[j] = y[r]
        unit = np.zeros((len(self.people), 3))
        pos = self.pricing.pos
        for fr in self.fair:
            for i in fr.judged:
                n = pos.get(i)
                if n is not None:
                    # The column's coefficient is -a_ref*count in hi_row and +a_ref*count in lo_row.
                    unit[n, fr.metric] += fr.a_ref * (y[fr.hi_rows[i]] - y[fr.lo_rows[i]])
        return shift_dual, party, leader, unit

    def lagrange(self, y: np.ndarray) -> tuple[float, np.ndarray, list[list[int]]]:
        """Return the Lagrangian bound at duals y (any y), each person's least row value and row.

        L(y) = sum over rows of y*lower (y > 0) or y*upper (y < 0), plus for every variable
        that is not a column its least (cost - y.column) * value within its bounds, plus for
        every person the least (cost - y.column) over the rows the pricing allows. Signs that
        would make a term -inf are clipped to 0 first (any y gives a valid bound).
        """
        y = y.copy()
        lower = np.array([lo for _, lo, _ in self.rows])
        upper = np.array([hi for _, _, hi in self.rows])
        y[(y < 0) & np.isinf(upper)] = 0.0
        y[(y > 0) & np.isinf(lower)] = 0.0
        total = float(np.where(y > 0, y * np.where(np.isinf(lower), 0.0, lower), 0.0).sum())
        total += float(np.where(y < 0, y * np.where(np.isinf(upper), 0.0, upper), 0.0).sum())
        for cost, lo, hi, terms in self.aux:
            # Every such variable has finite bounds that any roster keeps (a spread, a
            # shortage, a surplus of 0), so a dual slightly off in the last digits costs
            # little instead of making the bound -inf.
            d = cost - sum(y[r] * a for r, a in terms)
            total += d * (lo if d >= 0 else hi)
        shift_dual, party, leader, unit = self._split(y)
        value, rows = self.pricing.price(shift_dual, party, leader, unit)
        return total + float(value.sum()), value, rows

    def generate(
        self,
        *,
        until: float,
        log: Callable[[str], None] | None = None,
        on_round: Callable[[], None] | None = None,
        smoothing: float = 0.7,
    ) -> float | None:
        """Add priced columns until none has a negative reduced cost or time runs out.

        Pricing uses smoothed duals (a mix of the duals of the best bound so far and the
        LP's), which damps the LP's degenerate swings; a round that finds nothing under the
        mix prices the LP's own duals, and only that proves the LP optimal. Return the best
        proven lower bound (see the module's docstring), or None.
        """
        if not self.usable or not self.people:
            return None
        alpha = smoothing
        if self.center is None:
            # Start the smoothing from zero duals (a bound of 0), not from the first LP's,
            # which sit at the edges of their box (the LP over few columns is degenerate).
            self.center = np.zeros(len(self.rows))
            self.bound = max(self.bound, self.lagrange(self.center)[0])
        while time.monotonic() < until:
            if not self.solve_lp():
                return None if self.bound == -INF else self.bound
            assert self.lp_value is not None
            y_lp = self.lp_duals()
            pi = np.array([ct.dual_value() for ct in self.convex])
            while True:
                y = y_lp if self.center is None or alpha <= 0 else alpha * self.center + (1 - alpha) * y_lp
                bound, value, rows = self.lagrange(y)
                self.rounds += 1
                if bound > self.bound:
                    self.bound, self.center = bound, y
                added = 0
                for n in range(len(self.people)):
                    if rows and self.add(n, rows[n]) is not None and self._rc(n, y_lp, pi) < -1e-6:
                        added += 1
                if added or alpha <= 0 or self.center is None:
                    break
                alpha = 0.0  # nothing new under the mix: price the LP's duals
            if log:
                log(
                    f"columns round {self.rounds}: lp {self.lp_value:.2f} bound {self.bound:.2f} "
                    f"added {added} alpha {alpha:.2f}"
                )
            if on_round:
                on_round()
            if added == 0 and alpha <= 0:
                # The LP's own duals price nothing negative: the LP is optimal over every
                # column, and the Lagrangian bound at its duals (already kept) is its value.
                self.exact = True
                break
            alpha = smoothing if added else alpha
        return self.bound

    def _rc(self, n: int, y: np.ndarray, pi: np.ndarray) -> float:
        """Return the reduced cost of person n's newest column under LP duals y, pi."""
        col = self.cols[n][-1]
        p = self.ix.staff[col.person]
        rc = col.cost - pi[n]
        for j in col.shifts:
            rc -= y[self.cover[j]]
            if p.is_party_member and j in self.party_rows:
                rc -= y[self.party_rows[j]]
            if p.is_team_leader and j in self.leader_rows:
                rc -= y[self.leader_rows[j]]
        for fr in self.fair:
            if col.person in fr.hi_rows:
                count = fr.a_ref * col.counts[fr.metric]
                rc -= count * (y[fr.lo_rows[col.person]] - y[fr.hi_rows[col.person]])
        return rc

    def proven_bound(self) -> int | None:
        """Return the bound as an integer (objectives are integers), or None."""
        if self.bound == -INF or not math.isfinite(self.bound):
            return None
        return max(0, int(math.ceil(self.bound - 1e-6 * max(1.0, abs(self.bound)))))


def compact_lp_duals(ix: _Index, *, time_limit_s: float = 10.0) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Return coverage and role duals of the LP of a compact model (cells, not rows).

    The LP has one variable per eligible (person, shift), home community as its only
    price, coverage and roles, at most one shift a day, the rolling run limit and rest
    between consecutive days. Its duals are only a starting point for
    :meth:`ColumnGeneration.lagrange` (any prices give a valid bound there); the bound at
    these prices is at least this LP's value, because the programme keeps each person's
    rules whole.
    """
    from ortools.linear_solver import pywraplp

    rules = ix.problem.rules
    lp = pywraplp.Solver.CreateSolver("GLOP")
    if lp is None:
        return None
    lp.SetTimeLimit(int(time_limit_s * 1000))
    inf = lp.infinity()
    obj = lp.Objective()
    obj.SetMinimization()
    w_home = rules.home_community.weight if rules.home_community.enabled else 0
    pricing = _Pricing(ix)
    ns = len(ix.shifts)
    cover = [lp.Constraint(float(s.min_staff), float(s.capacity)) for s in ix.shifts]
    roles_hard = rules.roles.enabled and rules.roles.hard
    party_rows = {j: lp.Constraint(1.0, inf) for j, s in enumerate(ix.shifts) if roles_hard and s.needs_party_member}
    leader_rows = {j: lp.Constraint(1.0, inf) for j, s in enumerate(ix.shifts) if roles_hard and s.needs_team_leader}
    nd = len(ix.days)
    M = pricing.M
    for i in pricing.people:
        p = ix.staff[i]
        day_rows: dict[int, Any] = {}
        x: dict[int, Any] = {}
        for k in range(nd):
            js = [j for j in ix.by_day[k] if i in ix.elig_set[j]]
            if not js:
                continue
            day_rows[k] = lp.Constraint(0.0, 1.0)
            for j in js:
                v = lp.NumVar(0.0, 1.0, "")
                x[j] = v
                s = ix.shifts[j]
                away = p.home_community_id is not None and s.community_id not in (None, p.home_community_id)
                if away and w_home:
                    obj.SetCoefficient(v, float(w_home))
                cover[j].SetCoefficient(v, 1.0)
                if j in party_rows and p.is_party_member:
                    party_rows[j].SetCoefficient(v, 1.0)
                if j in leader_rows and p.is_team_leader:
                    leader_rows[j].SetCoefficient(v, 1.0)
                day_rows[k].SetCoefficient(v, 1.0)
        if M:
            for k in range(nd - M):
                window = [j for kk in range(k, k + M + 1) for j in ix.by_day[kk] if j in x]
                if len({ix.dix[ix.shifts[j].day] for j in window}) > M:
                    ct = lp.Constraint(0.0, float(M))
                    for j in window:
                        ct.SetCoefficient(x[j], 1.0)
        # Rest between consecutive days, pairwise by shift (the programme's transition table).
        for k in range(1, nd):
            tr = pricing.trans[k]
            prev, cur = pricing.day_shifts[k - 1], pricing.day_shifts[k]
            for a, ja in enumerate(prev):
                if ja not in x:
                    continue
                bad = [cur[b] for b in range(len(cur)) if not np.isfinite(tr[a, b]) and cur[b] in x]
                if bad:
                    ct = lp.Constraint(0.0, 1.0)
                    ct.SetCoefficient(x[ja], 1.0)
                    for jb in bad:
                        ct.SetCoefficient(x[jb], 1.0)
    lp.SetSolverSpecificParametersAsString("use_dual_simplex:true")
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    y = np.array([ct.dual_value() for ct in cover])
    yp = np.zeros(ns)
    yl = np.zeros(ns)
    for j, ct in party_rows.items():
        yp[j] = ct.dual_value()
    for j, ct in leader_rows.items():
        yl[j] = ct.dual_value()
    return y, yp, yl


def integer_master(
    cg: ColumnGeneration,
    best: set[tuple[int, int]] | None,
    *,
    time_limit_s: float,
    workers: int = 1,
    seed: int = 0,
    short_price: int | None = None,
) -> set[tuple[int, int]] | None:
    """Choose one column per person with CP-SAT: exact coverage, roles and fairness bands.

    Any choice it returns keeps every hard rule the pricing models (columns that might
    break another are never in the pool when ``cg.pricing.needs_check``), so the result
    is a roster; the caller prices it with the checker. With ``short_price``, places and
    roles left open cost that much each instead of being forbidden: the roster may then
    have gaps for the caller to close.
    """
    from ortools.sat.python import cp_model

    ix = cg.ix
    rules = ix.problem.rules
    m = cp_model.CpModel()
    z: list[list[Any]] = []
    mine_best: dict[int, tuple[int, ...]] = {}
    if best is not None:
        rows: dict[int, list[int]] = defaultdict(list)
        for i, j in best:
            rows[i].append(j)
        mine_best = {i: tuple(sorted(js)) for i, js in rows.items()}
        for n, i in enumerate(cg.people):
            cg.add(n, mine_best.get(i, ()))
    on: dict[int, list[Any]] = defaultdict(list)
    party_on: dict[int, list[Any]] = defaultdict(list)
    leader_on: dict[int, list[Any]] = defaultdict(list)
    terms = []
    counts: dict[tuple[int, int], Any] = {}
    for n, i in enumerate(cg.people):
        p = ix.staff[i]
        vs = [m.new_bool_var("") for _ in cg.cols[n]]
        z.append(vs)
        m.add_exactly_one(vs)
        key = mine_best.get(i, ())
        for col, v in zip(cg.cols[n], vs):
            if not cg.row_ok(col):
                m.add(v == 0)
                continue
            if best is not None:
                m.add_hint(v, int(col.shifts == key))
            if col.cost:
                terms.append(col.cost * v)
            for j in col.shifts:
                on[j].append(v)
                if p.is_party_member:
                    party_on[j].append(v)
                if p.is_team_leader:
                    leader_on[j].append(v)
        for metric in range(3):
            counts[(i, metric)] = sum(col.counts[metric] * v for col, v in zip(cg.cols[n], vs))
    for j, s in enumerate(ix.shifts):
        m.add(sum(on[j]) <= s.capacity)
        if short_price is None:
            m.add(sum(on[j]) >= s.min_staff)
        else:
            short = m.new_int_var(0, s.min_staff, "")
            m.add(sum(on[j]) + short >= s.min_staff)
            terms.append(short_price * short)
        for flag, lits in ((s.needs_party_member, party_on[j]), (s.needs_team_leader, leader_on[j])):
            if cg.roles_hard and flag:
                if short_price is None:
                    m.add(sum(lits) >= 1)
                else:
                    miss = m.new_bool_var("")
                    m.add_bool_or([*lits, miss])
                    terms.append(short_price * miss)
    groups: dict[Hashable, list[int]] = defaultdict(list)
    for i, p in enumerate(ix.staff):
        groups[p.group].append(i)
    for metric, name in enumerate(_METRICS):
        rule = getattr(rules, name)
        if not rule.enabled:
            continue
        for members in groups.values():
            a_ref = max((ix.avail_days[i] for i in members), default=0)
            judged = [i for i in members if a_ref and 2 * ix.avail_days[i] >= a_ref and ix.can_any[name][i]]
            if len(judged) < 2:
                continue
            ub = 3 * max(1, len(ix.days)) * a_ref
            hi, lo = m.new_int_var(0, ub, ""), m.new_int_var(0, ub, "")
            for i in judged:
                count = counts.get((i, metric), 0)
                m.add(hi * ix.avail_days[i] >= a_ref * count)
                m.add(lo * ix.avail_days[i] <= a_ref * count)
            if rule.hard:
                m.add(hi - lo <= rule.value)
            else:
                over = m.new_int_var(0, ub, "")
                m.add(over >= hi - lo - rule.value)
                terms.append(rule.weight * over)
    m.minimize(sum(terms))
    solver = cp_model.CpSolver()
    prm = solver.parameters
    prm.max_time_in_seconds = max(0.1, time_limit_s)
    prm.num_workers = max(1, workers)
    prm.random_seed = seed
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    out: set[tuple[int, int]] = set()
    for n, i in enumerate(cg.people):
        for col, v in zip(cg.cols[n], z[n]):
            if solver.boolean_value(v):
                out |= {(i, j) for j in col.shifts}
    return out


def column_bound(
    ix: _Index,
    roster: set[tuple[int, int]] | None,
    *,
    deadline: float,
    log: Callable[[str], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[int | None, ColumnGeneration | None]:
    """Return the column generation's proven lower bound by the deadline, and its pool.

    The smoothing starts from the duals of the compact LP (:func:`compact_lp_duals`),
    where the Lagrangian bound is already at least that LP's value, and the pool from
    the rows of ``roster`` (a feasible start) and the rows priced at those duals.
    ``progress`` receives each better integer bound as it is proven.
    """
    cg = ColumnGeneration(ix)
    if not cg.usable or not cg.people:
        return None, None
    if roster is not None:
        cg.add_roster(sorted(roster))
    left = deadline - time.monotonic()
    duals = compact_lp_duals(ix, time_limit_s=max(0.1, 0.5 * left)) if left > 1 else None
    if duals is not None:
        y = np.zeros(len(cg.rows))
        y[cg.cover] = duals[0]
        for j, r in cg.party_rows.items():
            y[r] = duals[1][j]
        for j, r in cg.leader_rows.items():
            y[r] = duals[2][j]
        bound, _, rows = cg.lagrange(y)
        cg.center = y
        cg.bound = max(cg.bound, bound)
        for n, row in enumerate(rows):
            cg.add(n, row)
        if log:
            log(f"compact LP duals: Lagrangian bound {bound:.2f}")
    last = cg.proven_bound()
    if progress and last is not None:
        progress(last)

    def on_round() -> None:
        nonlocal last
        now = cg.proven_bound()
        if progress and now is not None and (last is None or now > last):
            last = now
            progress(now)

    cg.generate(until=deadline, log=log, on_round=on_round)
    return cg.proven_bound(), cg
