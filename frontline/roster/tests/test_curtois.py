"""Tests of the Curtois & Qu benchmark reader, model and independent checker (no database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontline.roster.checker import check_curtois
from frontline.roster.curtois import default_data_dir, parse_instance, read_instance, solve_curtois

DATA = default_data_dir()
needs_data = pytest.mark.skipif(not (DATA / "Instance1.txt").exists(), reason=f"benchmark data not found in {DATA}")

TINY = """
# comment
SECTION_HORIZON
7

SECTION_SHIFTS
# ShiftID, Length in mins, Shifts which cannot follow this shift | separated
D,480,
N,600,D

SECTION_STAFF
A,D=7|N=2,3000,960,3,2,2,1
B,D=7|N=0,3000,0,5,1,1,1

SECTION_DAYS_OFF
A,6

SECTION_SHIFT_ON_REQUESTS
A,0,D,2

SECTION_SHIFT_OFF_REQUESTS
B,1,D,3

SECTION_COVER
0,D,1,100,1
1,D,1,100,1
"""


def test_parse_every_section() -> None:
    inst = parse_instance(TINY, name="tiny")
    assert inst.horizon == 7
    assert [s.id for s in inst.shifts] == ["D", "N"]
    assert inst.shifts[1].forbidden_next == frozenset({"D"})
    a = inst.employees[0]
    assert a.max_shifts == {"D": 7, "N": 2}
    assert (a.max_minutes, a.min_minutes, a.max_consecutive, a.min_consecutive) == (3000, 960, 3, 2)
    assert (a.min_days_off, a.max_weekends, a.days_off) == (2, 1, frozenset({6}))
    assert inst.on_requests[0].weight == 2 and inst.off_requests[0].shift == "D"
    assert inst.covers[1].requirement == 1 and inst.covers[1].under_weight == 100


def _empty(inst, days: int) -> dict[str, list[str | None]]:  # type: ignore[no-untyped-def]
    return {e.id: [None] * days for e in inst.employees}


def test_checker_boundary_rules() -> None:
    inst = parse_instance(TINY, name="tiny")
    roster = _empty(inst, 7)
    # A works days 0-1 (two in a row, min 2) and is off from day 2 on: minutes 960 = min.
    roster["A"][0] = roster["A"][1] = "D"
    assert check_curtois(inst, roster).violations == []
    # A single shift touching the start of the horizon is not a short run.
    roster["A"] = ["D", None, None, None, None, None, None]
    check = check_curtois(inst, roster)
    assert not any("in a row" in v for v in check.violations)
    assert any("min" in v and "480" in v for v in check.violations)  # too few minutes
    # A run of one strictly inside the horizon is too short.
    roster["A"] = [None, "D", None, None, "D", "D", None]
    assert any("1 shifts in a row from day 1" in v for v in check_curtois(inst, roster).violations)
    # One day off between shifts is too short (min 2), at the end it is not.
    roster["A"] = ["D", "D", None, "D", "D", None, None]
    check = check_curtois(inst, roster)
    assert any("1 days off from day 2" in v for v in check.violations)
    assert not any("from day 5" in v for v in check.violations)


def test_checker_catches_hand_broken_rosters() -> None:
    inst = parse_instance(TINY, name="tiny")
    ok = _empty(inst, 7)
    ok["A"][0] = ok["A"][1] = "D"
    assert check_curtois(inst, ok).feasible
    # Forbidden succession N -> D.
    bad = {k: list(v) for k, v in ok.items()}
    bad["A"][0], bad["A"][1] = "N", "D"
    assert any("may not follow" in v for v in check_curtois(inst, bad).violations)
    # Too many consecutive shifts (max 3).
    bad = {k: list(v) for k, v in ok.items()}
    bad["A"][:4] = ["D", "D", "D", "D"]
    assert any("4 shifts in a row" in v for v in check_curtois(inst, bad).violations)
    # A day off worked, a forbidden type, two weekends.
    bad = {k: list(v) for k, v in ok.items()}
    bad["B"] = ["D", None, None, None, None, "N", "D"]
    found = " ".join(check_curtois(inst, bad).violations)
    assert "x N, max 0" in found
    bad["A"] = [None, None, None, None, None, "D", "D"]
    assert any("day off" in v for v in check_curtois(inst, bad).violations)
    # Two shifts a day cannot even be written in a row: an unknown entry is flagged.
    bad = {k: list(v) for k, v in ok.items()}
    bad["A"][0] = "D+N"
    assert any("unknown shift" in v for v in check_curtois(inst, bad).violations)


def test_checker_objective() -> None:
    inst = parse_instance(TINY, name="tiny")
    roster = _empty(inst, 7)
    roster["A"][0] = roster["A"][1] = "D"
    roster["B"][1] = "D"
    check = check_curtois(inst, roster)
    # A's on-request met; B's off-request broken (3); day 1 has two on D (over 1).
    assert check.breakdown == {"shift_on": 0, "shift_off": 3, "cover_under": 0, "cover_over": 1}
    assert check.objective == 4


def test_solver_on_tiny_instance_is_checked() -> None:
    inst = parse_instance(TINY, name="tiny")
    result = solve_curtois(inst, time_limit_s=5, workers=2)
    check = check_curtois(inst, result.roster)
    assert check.feasible, check.violations
    assert check.objective == result.objective
    assert result.status == "optimal"


@needs_data
@pytest.mark.parametrize(("number", "best_known", "limit"), [(1, 607, 10), (2, 828, 15), (3, 1001, 20), (4, 1716, 40)])
def test_small_instances_reach_best_known(number: int, best_known: int, limit: float) -> None:
    inst = read_instance(DATA / f"Instance{number}.txt")
    result = solve_curtois(inst, time_limit_s=limit, workers=2)
    check = check_curtois(inst, result.roster)
    assert check.feasible, check.violations[:5]
    assert check.objective == result.objective
    assert check.objective == best_known


@needs_data
def test_data_dir_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FRONTLINE_CURTOIS_DIR", str(tmp_path))
    assert default_data_dir() == tmp_path


@needs_data
def test_greedy_construction_is_feasible() -> None:
    import random
    import time

    from frontline.roster.curtois import _construct, _Data, _to_roster

    inst = read_instance(DATA / "Instance12.txt")
    data = _Data(inst)
    sol = _construct(data, deadline=time.monotonic() + 30, rng=random.Random(0))
    assert sol is not None
    check = check_curtois(inst, _to_roster(data, sol))
    assert check.feasible, check.violations[:5]
    assert check.objective == data.objective(sol)


@needs_data
def test_lns_path_improves_and_is_checked() -> None:
    # Instance 12 is past the whole-model size: construction, then the threaded LNS.
    inst = read_instance(DATA / "Instance12.txt")
    result = solve_curtois(inst, time_limit_s=8, workers=2)
    check = check_curtois(inst, result.roster)
    assert check.feasible, check.violations[:5]
    assert check.objective == result.objective
    assert result.lns_iterations > 0
    assert len(result.trace) >= 2 and result.trace[-1][1] < result.trace[0][1]


@needs_data
def test_lns_from_a_given_start_keeps_rows_valid() -> None:
    # A start roster sends even a small instance to the LNS; merged rows must stay valid.
    inst = read_instance(DATA / "Instance4.txt")
    first = solve_curtois(inst, time_limit_s=3, workers=2)
    assert first.roster
    result = solve_curtois(inst, time_limit_s=4, workers=2, start=first.roster)
    check = check_curtois(inst, result.roster)
    assert check.feasible, check.violations[:5]
    assert check.objective == result.objective
    assert result.objective is not None and first.objective is not None
    assert result.objective <= first.objective


@needs_data
def test_column_generation_bound_and_columns() -> None:
    # Instance 3 is proved optimal at 1001: the master LP may not exceed it, every column
    # is a feasible row (checked by the checker in a roster), the master's roster checks.
    import random
    import time

    from frontline.roster.curtois import _Columns, _Data, _from_roster, _to_roster

    inst = read_instance(DATA / "Instance3.txt")
    data = _Data(inst)
    start = solve_curtois(inst, time_limit_s=4, workers=2)
    sol = _from_roster(data, start.roster)
    pool = _Columns(data, sol)
    value = pool.generate(until=time.monotonic() + 20, workers=2, rng=random.Random(0))
    assert value is not None and pool.exact
    assert value <= 1001 + 1e-6
    assert sum(len(c) for c in pool.cols) > data.E
    for e in range(data.E):
        for col in pool.cols[e]:
            trial = [list(row) for row in sol]
            trial[e] = list(col)
            check = check_curtois(inst, _to_roster(data, trial))
            assert check.feasible, check.violations[:3]
    new, obj = pool.master(sol, time_limit=10, workers=2, seed=0)
    assert new is not None
    check = check_curtois(inst, _to_roster(data, new))
    assert check.feasible and check.objective == obj
    assert obj <= data.objective(sol)


@needs_data
def test_small_model_columns_then_lns_is_checked() -> None:
    # Instance 5 takes the small-model path: the whole model, the column generation's
    # bound, then our LNS floored at it. The roster must pass the checker with the same
    # objective, and the bound may not exceed it (1143 is the best known).
    inst = read_instance(DATA / "Instance5.txt")
    result = solve_curtois(inst, time_limit_s=5.0, workers=2, seed=0)
    check = check_curtois(inst, result.roster)
    assert check.feasible, check.violations[:5]
    assert check.objective == result.objective
    assert result.bound is not None and result.bound <= min(result.objective, 1143)


@needs_data
def test_reduced_cost_fixings_keep_every_better_roster() -> None:
    # Instance 3 is solved to its proven optimum, 1001. Fixings computed for rosters of at
    # most 1001 must all agree with that optimal roster (else they would cut off a roster
    # the bound allows), and there must be some (else the test proves nothing).
    import random
    import time

    from frontline.roster.curtois import _Columns, _Data, _from_roster

    inst = read_instance(DATA / "Instance3.txt")
    data = _Data(inst)
    best = solve_curtois(inst, time_limit_s=20, workers=2)
    assert best.status == "optimal" and best.objective == 1001
    sol = _from_roster(data, best.roster)
    pool = _Columns(data, sol)
    pool.generate(until=time.monotonic() + 20, workers=2, rng=random.Random(0))
    assert pool.exact
    flips = pool.flips(until=time.monotonic() + 30, workers=2)
    assert flips is not None and len(flips[1]) == sum(len(data.allowed[e]) * data.H for e in range(data.E)) - sum(
        len(data.allowed[e]) * len(data.dayoff[e]) for e in range(data.E)
    )
    fix = pool.fixings(flips, 1001)
    assert fix
    wrong = [(e, d, t, v) for e, d, t, v in fix if (sol[e][d] == t) != bool(v)]
    assert not wrong
    # Asking for rosters below the optimum fixes more cells.
    assert len(pool.fixings(flips, 1000)) > len(fix)
