"""Tests of the per-person pricing programme and the bounds built on it (no database)."""

from __future__ import annotations

import random
from datetime import timedelta
from itertools import product

import numpy as np
import pytest

from frontline.roster.checker import check_roster
from frontline.roster.columns import _Pricing
from frontline.roster.solver import Problem, Rule, Rules, Shift, Staff, _Index
from frontline.roster.tests.test_solver import MONDAY, _shift

PERSON_RULES = {
    "one_shift_per_day",
    "min_rest_hours",
    "max_consecutive_days",
    "days_off_after_max_run",
    "min_consecutive_days_off",
    "max_shifts_per_week",
    "overlap",
    "max_minutes_per_day",
}


def _one_person(days: int, rules: Rules, holes: tuple[int, ...] = ()) -> Problem:
    shifts: list[Shift] = []
    for k in range(days):
        day = MONDAY + timedelta(days=k)
        shifts += [_shift("K0", day, "M"), _shift("K1", day, "A"), _shift("K0", day, "N")]
    person = Staff(
        id="S0",
        name="Solo",
        available_days=frozenset(MONDAY + timedelta(days=k) for k in range(days) if k not in holes),
        home_community_id="C1",
    )
    return Problem(shifts=tuple(shifts), staff=(person,), rules=rules)


@pytest.mark.parametrize(
    "rules",
    [
        Rules(max_consecutive_days=Rule(value=2), days_off_after_max_run=Rule(value=2), max_shifts_per_week=Rule(7)),
        Rules(max_consecutive_days=Rule(value=3), min_consecutive_days_off=Rule(value=2), max_shifts_per_week=Rule(7)),
        Rules(max_consecutive_days=Rule(value=9), days_off_after_max_run=Rule(value=1), max_shifts_per_week=Rule(7)),
    ],
)
@pytest.mark.parametrize("holes", [(), (2,)])
def test_pricing_matches_brute_force(rules: Rules, holes: tuple[int, ...]) -> None:
    """The programme's least row value equals the least over every row the checker accepts."""
    days = 5
    problem = _one_person(days, rules, holes)
    ix = _Index(problem)
    pricing = _Pricing(ix)
    rng = random.Random(len(holes) * 31 + rules.max_consecutive_days.value)
    by_day = [[j for j in ix.by_day[k]] for k in range(days)]
    rows = []
    for choice in product(range(4), repeat=days):
        row = [by_day[k][c - 1] for k, c in enumerate(choice) if c]
        if any(ix.dix[ix.shifts[j].day] in holes for j in row):
            continue
        check = check_roster(problem, [("S0", ix.shifts[j].id) for j in row])
        if [b for b in check.hard if b.rule in PERSON_RULES]:
            continue
        price = sum(v for rule, v in check.breakdown.items() if rule in ("home_community", "continuity"))
        rows.append((row, price))
    for _ in range(5):
        duals = np.array([rng.uniform(-1, 4) for _ in ix.shifts])
        unit = np.array([[rng.uniform(-1, 1) for _ in range(3)]])
        value, found = pricing.price(duals, np.zeros(len(ix.shifts)), np.zeros(len(ix.shifts)), unit)

        def worth(row: list[int], price: int, duals: np.ndarray = duals, unit: np.ndarray = unit) -> float:
            nights = sum(1 for j in row if ix.shifts[j].is_night)
            weekends = sum(1 for j in row if ix.shifts[j].day.weekday() >= 5)
            counts = np.array([len(row), nights, weekends])
            return price - float(sum(duals[j] for j in row)) + float(unit[0] @ counts)

        best = min(worth(row, price) for row, price in rows)
        assert value[0] == pytest.approx(best)
        # The row it returns is one the checker accepts, at that value.
        prices = {tuple(row): price for row, price in rows}
        assert tuple(sorted(found[0])) in prices
        assert worth(found[0], prices[tuple(sorted(found[0]))]) == pytest.approx(best)


def _bound_cases():  # type: ignore[no-untyped-def]
    from frontline.roster.tests.test_solver import _two_batches, small_problem

    return [
        lambda: small_problem(days=4),
        lambda: small_problem(days=6),
        _two_batches,
        lambda: small_problem(
            days=7,
            rules=Rules(
                max_consecutive_days=Rule(value=4),
                days_off_after_max_run=Rule(value=2),
                fairness_nights=Rule(value=0, hard=False, weight=7),
                fairness_weekends=Rule(value=0, hard=False, weight=5),
                continuity=Rule(hard=False, weight=3),
            ),
        ),
    ]


@pytest.mark.parametrize("make", _bound_cases())
def test_column_bound_never_exceeds_the_optimum(make) -> None:  # type: ignore[no-untyped-def]
    import time

    from frontline.roster.columns import column_bound, integer_master
    from frontline.roster.solver import _ids, solve

    problem = make()
    # One worker: the full model proves the optimum on its own.
    result = solve(problem, time_limit_s=60, workers=1)
    assert result.status == "optimal"
    assert check_roster(problem, result.assignments).objective == result.objective
    ix = _Index(problem)
    roster = {(ix.pid[a], ix.sid[b]) for a, b in result.assignments}
    bound, cg = column_bound(ix, None, deadline=time.monotonic() + 20)
    assert bound is not None and cg is not None
    assert 0 <= bound <= result.objective
    # Converged: the LP over every row is at most the optimum, and its integer master
    # (over the rows met, with the optimum's rows added) finds a roster the checker accepts.
    assert cg.exact
    again = integer_master(cg, roster, time_limit_s=10)
    assert again is not None
    check = check_roster(problem, _ids(ix, again))
    assert check.hard == [] and check.objective == result.objective
    # The Lagrangian bound is valid at any prices, not only the LP's.
    rng = random.Random(5)
    for _ in range(3):
        y = np.array([rng.uniform(-2, 6) for _ in cg.rows])
        assert cg.lagrange(y)[0] <= result.objective + 1e-6
