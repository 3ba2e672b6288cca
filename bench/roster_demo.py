"""Time the roster solver on a demo-sized campaign and write docs/benchmarks-roster.md.

The demo mirrors the campaign's size: 56 days, 21 checkpoints with the three shifts
07-13, 13-19 and 19-07, about 120 staff in three batches that each serve a ~19-day
window (with a handover day of overlap), six leadership members on a leaders-on-duty
rota, some leave and isolation, and a third of the staff who are party members.

Demand is sized to the campaign's record of some 1,300 person-shifts over 56 days
(about 23 a day): three main checkpoints are staffed round the clock (one person per
shift, a party member on each, a team leader on the morning), the other eighteen have
one person on one day shift (half mornings, half afternoons), and one leader is on duty
each day: 28 person-shifts a day, 1,568 in all. Two people per shift at every checkpoint
(126 a day) would need some three times the staff of a batch.

Usage: python bench/roster_demo.py [--seconds 60] [--workers 2] [--seed 7] [--out PATH]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from frontline.roster.checker import check_roster  # noqa: E402
from frontline.roster.solver import (  # noqa: E402
    Problem,
    Result,
    Rule,
    Rules,
    Shift,
    Staff,
    leader_rota_shifts,
    solve,
)

START = date(2020, 2, 3)  # a Monday
DAYS = 56
TIMES = {"M": (7, 6, False), "A": (13, 6, False), "N": (19, 12, True)}  # start hour, hours, night


def demo_rules() -> Rules:
    """Return the campaign's rules: a six-day week during the emergency."""
    return Rules(
        max_consecutive_days=Rule(value=6, hard=True, weight=50),
        days_off_after_max_run=Rule(value=2, hard=True, weight=50),
        max_shifts_per_week=Rule(value=6, hard=True, weight=50),
        min_consecutive_days_off=Rule(value=1, hard=True, weight=30),
    )


def build_demo(*, seed: int = 7, days: int = DAYS, batch_size: int = 40, leaders: int = 6) -> Problem:
    """Return the demo campaign problem."""
    rng = random.Random(seed)
    all_days = [START + timedelta(days=k) for k in range(days)]
    shifts: list[Shift] = []
    communities = [f"C{c}" for c in range(7)]
    for day in all_days:
        for cp in range(21):
            community = communities[cp % 7]
            if cp < 3:
                slots = ["M", "A", "N"]
            else:
                slots = ["M" if cp % 2 else "A"]
            for slot in slots:
                hour, hours, night = TIMES[slot]
                begin = datetime(day.year, day.month, day.day, hour)
                shifts.append(
                    Shift(
                        id=f"K{cp:02d}-{day.isoformat()}-{slot}",
                        checkpoint_id=f"K{cp:02d}",
                        day=day,
                        start=begin,
                        end=begin + timedelta(hours=hours),
                        is_night=night,
                        min_staff=1,
                        max_staff=1,
                        needs_party_member=cp < 3,
                        needs_team_leader=cp < 3 and slot == "M",
                        kind="checkpoint",
                        community_id=community,
                    )
                )
    shifts += leader_rota_shifts(all_days)

    staff: list[Staff] = []
    third = days // 3
    windows = [(0, third + 1), (third, 2 * third + 1), (2 * third, days)]
    for b, (lo, hi) in enumerate(windows):
        batch_days = {all_days[k] for k in range(lo, min(hi, days))}
        for n in range(batch_size):
            unavailable = {d: "outside_batch" for d in all_days if d not in batch_days}
            roll = rng.random()
            if roll < 0.12:  # a few days of leave
                first = rng.randrange(lo, max(lo + 1, hi - 4))
                for k in range(first, min(hi, first + rng.randint(2, 4))):
                    unavailable[all_days[k]] = "leave"
            elif roll < 0.15:  # isolated after contact
                first = rng.randrange(lo, max(lo + 1, hi - 7))
                for k in range(first, min(hi, first + 7)):
                    unavailable[all_days[k]] = "isolation"
            available = frozenset(d for d in all_days if d not in unavailable)
            staff.append(
                Staff(
                    id=f"B{b + 1}-{n:02d}",
                    name=f"Batch {b + 1} member {n}",
                    available_days=available,
                    is_party_member=n % 5 < 2 or n % 4 == 0,
                    is_team_leader=n % 4 == 0,
                    home_community_id=communities[rng.randrange(len(communities))],
                    no_nights=n % 10 == 9,
                    group=f"batch{b + 1}",
                    unavailable=unavailable,
                )
            )
    for n in range(leaders):
        staff.append(
            Staff(
                id=f"L{n}",
                name=f"Leader {n}",
                available_days=frozenset(all_days),
                is_party_member=True,
                is_leader=True,
                group="leaders",
                kinds=frozenset({"leader"}),
            )
        )
    return Problem(shifts=tuple(shifts), staff=tuple(staff), rules=demo_rules())


def time_to_gap(result: Result, gap: float) -> float | None:
    """Return when the trace first reached a solution within gap of the final bound."""
    if result.bound is None:
        return None
    for seconds, objective, _ in result.trace:
        if objective - result.bound <= gap * max(1, abs(objective)):
            return seconds
    return None


def main() -> None:
    """Run the demo and write the report."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=ROOT / "docs/benchmarks-roster.md")
    args = ap.parse_args()

    load_start = os.getloadavg()[0]
    t0 = time.monotonic()
    problem = build_demo(seed=args.seed)
    build_s = time.monotonic() - t0
    result = solve(problem, time_limit_s=args.seconds, workers=args.workers)
    check = check_roster(problem, result.assignments)
    t_gap = time_to_gap(result, 0.01)
    n_demand = sum(s.min_staff for s in problem.shifts)
    print(
        f"status {result.status} objective {result.objective} (checker {check.objective}) bound {result.bound} "
        f"gap {result.gap} first {result.first_solution_time} gap<=1% at {t_gap} wall {result.wall_time:.1f}s "
        f"hard breaches {len(check.hard)} bounds {result.bounds} breakdown {check.breakdown}"
    )
    load_end = os.getloadavg()[0]
    lines = [
        "# Roster solver on a demo-sized campaign",
        "",
        "Generated by `python bench/roster_demo.py` "
        f"(seed {args.seed}, {args.workers} workers, {args.seconds:.0f} s limit) on {time.strftime('%Y-%m-%d %H:%M')} "
        f"on the project machine ({os.cpu_count()} cores shared with other work: load average "
        f"{load_start:.1f} at the start, {load_end:.1f} at the end).",
        "",
        "Instance: 56 days from 2020-02-03, 21 checkpoints (3 round the clock with shifts 07-13, "
        "13-19, 19-07; 18 with one day shift), a leaders-on-duty rota of one a day, "
        f"{len(problem.staff)} staff ({len(problem.staff) - 6} in three batches serving ~19-day windows "
        "with a day of handover, 6 leadership members), some leave and isolation. "
        f"{len(problem.shifts)} shifts, {n_demand} person-shifts to fill (28 a day; the campaign "
        "recorded 1,300+ over 56 days). Rules: one shift a day, 12 h rest, at most 6 days in a row "
        "then 2 off, at most 6 shifts in any 7 days, a party member on every main-checkpoint shift "
        "and a team leader on its mornings; soft fairness (shifts, nights, weekends per batch), "
        "continuity and home community.",
        "",
        "| measure | value |",
        "| --- | --- |",
        f"| build the problem | {build_s:.2f} s |",
        f"| first feasible roster | {_fmt(result.first_solution_time)} |",
        f"| within 1% of the final bound | {_fmt(t_gap)} |",
        f"| final status | {result.status} |",
        f"| final objective (recomputed by the checker) | {check.objective} |",
        f"| final bound | {result.bound} ({_bounds(result)}) |",
        f"| final gap | {_pct(result.gap)} |",
        f"| wall time | {result.wall_time:.1f} s |",
        f"| hard-rule breaches found by the checker | {len(check.hard)} |",
        f"| objective by rule | {', '.join(f'{k} {v}' for k, v in sorted(check.breakdown.items()) if v) or 'none'} |",
        f"| best objective after 10 s / 30 s / end | {_at(result, 10)} / {_at(result, 30)} / {result.objective} |",
        "",
        "Targets: first feasible roster under 10 s; optimal or gap at most 1% within 60 s.",
        "",
    ]
    lines += [
        "How the figures are made. The first roster is the greedy start, counted once the "
        "independent checker finds no hard rule broken. The bound is the larger of the proven "
        "lower bounds in `Result.bounds`. The aggregate relaxation (`_aggregate_bound` in "
        "frontline/roster/solver.py; the proof is in its docstring, and tests check it against "
        "proven optima on small rosters, one with a handover day) works per fairness group: it "
        "counts shifts per person and type (community, night, weekend, role) instead of placing "
        "them on days, and keeps each person's most duty days under the run and week rules, the "
        "roles and the exact ceil/floor fairness bands. A handover day's shifts, which another "
        "group may take, are left optional. It proves that home community and the fairness bands "
        "cost at least that much; continuity counts 0 in it. It takes a few seconds on one core "
        "(CP-SAT, linearization level 2) while the other builds the start roster and begins to "
        "improve it. Beside it, on a thread of its own, the day-by-day LP relaxation (`_days_bound`: "
        "one variable in [0, 1] per person and shift they may take, the hard run, rest and week rules "
        "on duty days, fairness bands on continuous hi and lo, continuity left out) bounds each group "
        "too; per group the larger of the two counts. Here the aggregate one is the larger in every "
        "batch (108/122/57 against the LP's 106/92/49); on the demo campaign built by the Django side "
        "it is the LP (see docs/benchmarks-roster-django.md). CP-SAT's own "
        "bound on the full model was 177 after a minute on one core before this change (22 when "
        "it had to share that core), so above 20,000 cells both cores run the neighbourhood "
        "search instead, and no CP-SAT bound is reported for this instance.",
        "",
    ]
    if result.gap is None or result.gap > 0.01:
        lines += [
            "The gap target is missed, on both sides. Nights fairness compares only the people who can "
            "take a night (a non-member can never stand a night here). The relaxation ignores days "
            "(continuity counts 0 in it; runs, rest and one person per checkpoint and day are unseen), "
            "and the search is still improving when the minute ends (best after 10 s and 30 s above). "
            "Once the relaxation is in, the search's neighbourhoods only open each person's home "
            "community and the communities its plan sends them to (`_planned_cells`): sub-models about "
            "half the size; in paired 60-s runs on the shared machine it ended at 371, 429 and 473 "
            "against 457, 523 and 523 without. One run of 300 s reached 323 (home 283, nights 20, "
            "weekends 20, continuity 0), still falling slowly.",
            "",
            "Tried on 2026-12-07 for the bound and did not help (not in `solve()`): (1) the aggregate "
            "relaxation with days grouped into blocks of 7, 4, 2 or 1 days, each person's count in "
            "every run of blocks capped by the duty days the rules allow in it: 287 for blocks of 7 "
            "and 4 (no gain), below 287 for 2 and 1 (not solved in a minute); (2) a compact model "
            "that decides per person and day only the kind of shift and home or away (14,197 "
            "literals): CP-SAT's bound 57-79 after 30 s; (3) CP-SAT on the full model with only the "
            "fairness terms: 30, the relaxation's own figure. And for the search: fixing every "
            "person's counts to the relaxation's optimum makes the full model infeasible (CP-SAT "
            "proves it in 0.4 s, though each person's counts alone are feasible: the days cannot "
            "be covered with them), and a start built community by community does not pay: the "
            "relaxation with one community per person reached 342 for the first batch alone after "
            "30 s (CP-SAT bound 121), where the relaxation without that rule is 287 for all three "
            "batches (likely cause: a night-capable member given to a community without nights "
            "stands none, which breaks the nights band).",
            "",
            "Column generation (issue 5, 2026-12-07; not in `solve()`, so removed: frontline/roster/columns.py at commit 3816d2f): a column is one "
            "person's whole row, priced by an exact dynamic programme over days; the master LP keeps "
            "fairness as linear rows. Its restricted master fell to 241 after 173 s, so its LP bound "
            "is at most 241 here, below the aggregate relaxation's 287: the bands on whole counts are "
            "what the aggregate bound gets right.",
            "",
            "Integer programming (HiGHS, 2026-12-07; not in `solve()`): the first batch's whole roster "
            "as a MIP without continuity (handover shifts optional) is solved to optimality in 28-37 s "
            "on one core, at 108, the aggregate bound for that batch: the aggregate relaxation is exact "
            "for the problem without continuity there, so the gap is the search's, and continuity's. "
            "With continuity in (a change variable per person and day, by checkpoint or by the tighter "
            "'same checkpoint both days' form) the LP alone takes 50-60 s and its value does not move "
            "(109.02 either way on days 1-18), and no roster came within 90 s. Re-assigning checkpoints "
            "to the MIP roster's duty days afterwards (CP-SAT, 20 s) to repair continuity ended at 161 "
            "(continuity 38, home 123) where the bound is 116.",
            "",
            "What would close the gap: a bound that keeps the integer fairness bands of the aggregate "
            "relaxation and also sees days (for instance the aggregate model per group with each "
            "person's count bounded by the pricing programme's rows, or branching on the bands inside "
            "the column generation), and a search that gets there in a minute.",
            "",
        ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {args.out}")


def _bounds(result: Result) -> str:
    names = {
        "relaxation": "relaxations, the larger per group",
        "aggregate": "aggregate relaxation",
        "days_lp": "day-by-day LP",
        "cp_sat": "CP-SAT",
    }
    return ", ".join(f"{names.get(k, k)} {v}" for k, v in sorted(result.bounds.items())) or "none"


def _at(result: Result, seconds: float) -> str:
    seen = [objective for t, objective, _ in result.trace if t <= seconds]
    return str(min(seen)) if seen else "-"


def _fmt(seconds: float | None) -> str:
    return "not reached" if seconds is None else f"{seconds:.1f} s"


def _pct(gap: float | None) -> str:
    return "n/a" if gap is None else f"{gap * 100:.2f}%"


if __name__ == "__main__":
    main()
