"""Tests of the campaign roster solver and its independent checker (no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from frontline.roster.checker import check_assignment, check_roster
from frontline.roster.solver import (
    Problem,
    Rule,
    Rules,
    Shift,
    Staff,
    leader_rota_shifts,
    precheck,
    repair,
    solve,
)

MONDAY = date(2020, 2, 3)


def _shift(cp: str, day: date, slot: str, **kw: object) -> Shift:
    hour, hours, night = {"M": (7, 6, False), "A": (13, 6, False), "N": (19, 12, True)}[slot]
    start = datetime(day.year, day.month, day.day, hour)
    return Shift(
        id=f"{cp}-{day.isoformat()}-{slot}",
        checkpoint_id=cp,
        day=day,
        start=start,
        end=start + timedelta(hours=hours),
        is_night=night,
        community_id=f"C{cp[-1]}",
        **kw,  # type: ignore[arg-type]
    )


def small_problem(*, days: int = 7, staff: int = 10, rules: Rules | None = None) -> Problem:
    """Return a week at three checkpoints: one round the clock, two with one day shift."""
    all_days = [MONDAY + timedelta(days=k) for k in range(days)]
    shifts: list[Shift] = []
    for day in all_days:
        shifts.append(_shift("K0", day, "M", needs_party_member=True, needs_team_leader=True))
        shifts.append(_shift("K0", day, "A", needs_party_member=True))
        shifts.append(_shift("K0", day, "N", needs_party_member=True))
        shifts.append(_shift("K1", day, "M"))
        shifts.append(_shift("K2", day, "A"))
    shifts += leader_rota_shifts(all_days)
    people = [
        Staff(
            id=f"S{n}",
            name=f"Staff {n}",
            available_days=frozenset(all_days),
            is_party_member=n < 5,
            is_team_leader=n in (0, 1, 2),
            home_community_id=f"C{n % 3}",
            no_nights=n == 9,
            group="batch",
        )
        for n in range(staff)
    ]
    people += [
        Staff(
            id=f"L{n}",
            name=f"Leader {n}",
            available_days=frozenset(all_days),
            is_leader=True,
            group="leaders",
            kinds=frozenset({"leader"}),
        )
        for n in range(2)
    ]
    return Problem(shifts=tuple(shifts), staff=tuple(people), rules=rules or Rules())


def test_small_roster_is_valid_and_objective_matches_checker() -> None:
    problem = small_problem()
    result = solve(problem, time_limit_s=20, workers=2)
    assert result.status in ("optimal", "feasible")
    check = check_roster(problem, result.assignments)
    assert check.hard == []
    assert check.objective == result.objective
    assert result.first_solution_time is not None and result.first_solution_time < 10
    # Every shift filled, every role present.
    per_shift: dict[object, list[object]] = {}
    for staff_id, shift_id in result.assignments:
        per_shift.setdefault(shift_id, []).append(staff_id)
    assert all(len(per_shift.get(s.id, [])) == s.min_staff for s in problem.shifts)


def test_pre_check_explains_shortage_in_users_terms() -> None:
    problem = small_problem()
    tuesday = MONDAY + timedelta(days=1)
    people = []
    for p in problem.staff:
        if p.id not in ("S0", "S1") and not p.is_leader:
            p = replace(
                p,
                available_days=p.available_days - {tuesday},
                unavailable={tuesday: "leave" if p.id < "S6" else "isolation"},
            )
        people.append(p)
    short = replace(problem, staff=tuple(people))
    result = solve(short, time_limit_s=10)
    assert result.status == "infeasible"
    assert result.explanation, "an infeasible roster must say why"
    reasons = {s.reason_code for s in result.explanation}
    assert reasons & {"day_overbooked", "not_enough_staff"}
    text = " ".join(s.message() for s in result.explanation)
    assert "2020-02-04" in text and "only" in text
    assert precheck(short)  # the same finding, without solving


def test_per_shift_shortage_names_the_reasons() -> None:
    problem = small_problem()
    day = MONDAY + timedelta(days=2)
    shifts = tuple(
        replace(s, min_staff=4, max_staff=4) if s.id == f"K1-{day.isoformat()}-M" else s for s in problem.shifts
    )
    people = tuple(
        replace(p, available_days=p.available_days - {day}, unavailable={day: "isolation"}) if p.id >= "S3" else p
        for p in problem.staff
    )
    found = precheck(replace(problem, shifts=shifts, staff=people))
    hit = [s for s in found if s.shift_id == f"K1-{day.isoformat()}-M"]
    assert hit and hit[0].needed == 4 and hit[0].available < 4
    assert "isolation" in hit[0].detail


def test_rule_conflict_is_named_by_assumptions() -> None:
    # One person, a shift every day for four days, at most three days in a row: the
    # pre-check (people per shift, per day, per week) passes, the run rule does not.
    days = [MONDAY + timedelta(days=k) for k in range(4)]
    shifts = tuple(_shift("K1", d, "M") for d in days)
    person = Staff(id="S0", name="Solo", available_days=frozenset(days))
    rules = Rules(max_consecutive_days=Rule(value=3), max_shifts_per_week=Rule(value=7))
    problem = Problem(shifts=shifts, staff=(person,), rules=rules)
    assert precheck(problem) == []
    result = solve(problem, time_limit_s=10)
    assert result.status == "infeasible"
    conflicts = [s for s in result.explanation if s.reason_code == "rule_conflict"]
    assert conflicts
    assert any("max_consecutive_days" in s.rules for s in conflicts)
    assert all(s.checkpoint_id == "K1" for s in conflicts if s.day is not None)


def test_soft_rule_is_priced_not_forbidden() -> None:
    days = [MONDAY + timedelta(days=k) for k in range(4)]
    shifts = tuple(_shift("K1", d, "M") for d in days)
    person = Staff(id="S0", name="Solo", available_days=frozenset(days))
    rules = Rules(max_consecutive_days=Rule(value=3, hard=False, weight=7), max_shifts_per_week=Rule(value=7))
    problem = Problem(shifts=shifts, staff=(person,), rules=rules)
    result = solve(problem, time_limit_s=10)
    assert result.status == "optimal"
    check = check_roster(problem, result.assignments)
    assert check.hard == []
    assert check.breakdown.get("max_consecutive_days") == 7
    assert result.objective == check.objective


def test_locked_cells_are_kept() -> None:
    problem = small_problem()
    shift = next(s for s in problem.shifts if s.checkpoint_id == "K2")
    locked = [("S9", shift.id)]
    result = solve(problem, time_limit_s=15, locked=locked)
    assert ("S9", shift.id) in result.assignments
    assert check_roster(problem, result.assignments, locked=locked).hard == []


def test_repair_moves_only_what_it_must() -> None:
    problem = small_problem()
    first = solve(problem, time_limit_s=15)
    assert first.status in ("optimal", "feasible")
    shift_day = {s.id: s.day for s in problem.shifts}
    from_day = MONDAY + timedelta(days=3)
    # The busiest person after from_day drops out.
    counts: dict[object, int] = {}
    for staff_id, shift_id in first.assignments:
        if shift_day[shift_id] >= from_day and not str(staff_id).startswith("L"):
            counts[staff_id] = counts.get(staff_id, 0) + 1
    gone = max(counts, key=lambda k: counts[k])
    fixed = repair(problem, current=first.assignments, unavailable_staff_id=gone, from_day=from_day, time_limit_s=15)
    assert fixed.status in ("optimal", "feasible")
    after = set(fixed.assignments)
    before = set(first.assignments)
    assert not any(a == gone and shift_day[b] >= from_day for a, b in after)
    # The past is untouched.
    assert {c for c in before if shift_day[c[1]] < from_day} == {c for c in after if shift_day[c[1]] < from_day}
    # Others change little: each vacated place needs a taker, plus a short chain at most.
    vacated = counts[gone]
    others_changed = [c for c in fixed.changes if c[0] != gone]
    assert len(others_changed) <= 4 * vacated
    unavailable = replace(
        problem,
        staff=tuple(
            replace(p, available_days=frozenset(d for d in p.available_days if d < from_day)) if p.id == gone else p
            for p in problem.staff
        ),
    )
    assert check_roster(unavailable, fixed.assignments).hard == []


def test_repair_for_some_days_keeps_the_persons_other_duties() -> None:
    # Two days of sick leave: away those days only, not from then on.
    problem = small_problem()
    first = solve(problem, time_limit_s=10)
    assert first.status in ("optimal", "feasible")
    shift_day = {s.id: s.day for s in problem.shifts}
    away = {MONDAY + timedelta(days=2), MONDAY + timedelta(days=3)}
    theirs = {a: {shift_day[b] for x, b in first.assignments if x == a} for a, _ in first.assignments}
    sick = next(a for a, days in theirs.items() if days & away and any(d > max(away) for d in days))
    fixed = repair(
        problem,
        current=first.assignments,
        unavailable_staff_id=sick,
        from_day=min(away),
        days=away,
        time_limit_s=10,
    )
    assert fixed.status in ("optimal", "feasible")
    mine_after = {(a, b) for a, b in fixed.assignments if a == sick}
    assert not any(shift_day[b] in away for _, b in mine_after)
    later = {(a, b) for a, b in first.assignments if a == sick and shift_day[b] > max(away)}
    assert later <= mine_after
    sick_leave = replace(
        problem,
        staff=tuple(
            replace(p, available_days=frozenset(p.available_days - away)) if p.id == sick else p for p in problem.staff
        ),
    )
    assert check_roster(sick_leave, fixed.assignments).hard == []


def test_stability_objective_matches_checker() -> None:
    problem = small_problem(days=5)
    first = solve(problem, time_limit_s=15)
    # Re-solve against a perturbed previous roster: the stability term is priced the same.
    previous = first.assignments[2:]
    again = solve(problem, time_limit_s=15, previous=previous)
    check = check_roster(problem, again.assignments, previous=previous)
    assert check.hard == []
    assert check.objective == again.objective


def test_checker_catches_hand_broken_roster() -> None:
    problem = small_problem(days=3)
    result = solve(problem, time_limit_s=15)
    good = list(result.assignments)
    assert check_roster(problem, good).hard == []
    # Drop a place: coverage (hard) breaks.
    assert any(b.rule == "coverage" for b in check_roster(problem, good[1:]).hard)
    # Put someone on two shifts of one day.
    day0 = {s.id for s in problem.shifts if s.day == MONDAY}
    taken = {a for a, b in good if b in day0}
    free_person = next(p.id for p in problem.staff if p.id not in taken and not p.is_leader and p.id != "S9")
    first_two = [s.id for s in problem.shifts if s.day == MONDAY and s.kind == "checkpoint"][:2]
    broken = good + [(free_person, first_two[0]), (free_person, first_two[1])]
    rules = {b.rule for b in check_roster(problem, broken).hard}
    assert "one_shift_per_day" in rules


def test_check_assignment_reports_new_breaches_only() -> None:
    problem = small_problem(days=3)
    result = solve(problem, time_limit_s=15)
    roster = list(result.assignments)
    night = next(s for s in problem.shifts if s.is_night)
    # S9 does no nights.
    breaches = check_assignment(problem, roster, staff_id="S9", shift_id=night.id)
    assert any(b.rule == "no_nights" and b.hard for b in breaches)
    # Someone already working that day gets a second shift.
    staff_id, shift_id = next((a, b) for a, b in roster if b.startswith("K1"))
    other = next(s for s in problem.shifts if s.day == night.day and s.id != shift_id and s.kind == "checkpoint")
    rules = {b.rule for b in check_assignment(problem, roster, staff_id=staff_id, shift_id=other.id)}
    assert "one_shift_per_day" in rules
    # A clean edit reports nothing about the person.
    assert check_assignment(problem, roster, staff_id=staff_id, shift_id=shift_id) == []


@pytest.mark.parametrize(("band", "hard"), [(3, True), (1, False)])
def test_fairness_band(band: int, hard: bool) -> None:
    # Five party members must cover 21 role shifts of 35: a hard band under 3 is impossible.
    rules = Rules(fairness_shifts=Rule(value=band, hard=hard, weight=20))
    problem = small_problem(days=7, rules=rules)
    result = solve(problem, time_limit_s=20)
    check = check_roster(problem, result.assignments)
    assert check.hard == []
    assert check.objective == result.objective


# ---------------------------------------------------------------- the aggregate lower bound


def _duty_days_ok(worked: list[bool], rules: Rules) -> bool:
    """Judge a row of duty days with the checker's run and week rules (one shift a day)."""
    shifts = []
    for k, on in enumerate(worked):
        if on:
            shifts.append(_shift("K1", MONDAY + timedelta(days=k), "M"))
    # The row covers the whole horizon: pad it with shifts nobody takes.
    horizon = tuple(_shift("K9", MONDAY + timedelta(days=k), "A") for k in range(len(worked)))
    person = Staff(id="S0", name="Solo", available_days=frozenset(MONDAY + timedelta(days=k) for k in range(30)))
    problem = Problem(shifts=tuple(shifts) + horizon, staff=(person,), rules=rules)
    check = check_roster(problem, [("S0", s.id) for s in shifts])
    return not [b for b in check.hard if b.rule != "coverage"]


@pytest.mark.parametrize(
    "rules",
    [
        Rules(
            max_consecutive_days=Rule(value=3), days_off_after_max_run=Rule(value=2), max_shifts_per_week=Rule(value=4)
        ),
        Rules(
            max_consecutive_days=Rule(value=6), days_off_after_max_run=Rule(value=2), max_shifts_per_week=Rule(value=6)
        ),
        Rules(
            max_consecutive_days=Rule(value=2), days_off_after_max_run=Rule(value=3), max_shifts_per_week=Rule(value=5)
        ),
    ],
)
def test_max_duty_days_matches_brute_force(rules: Rules) -> None:
    from itertools import product

    from frontline.roster.solver import _Index, _max_duty_days

    for n, holes in ((9, ()), (11, (4,)), (12, (0, 7))):
        available = [k not in holes for k in range(n)]
        ix = _Index(
            Problem(
                shifts=tuple(_shift("K1", MONDAY + timedelta(days=k), "M") for k in range(n)), staff=(), rules=rules
            )
        )
        best = max(
            sum(row)
            for row in product((False, True), repeat=n)
            if all(a or not w for a, w in zip(available, row)) and _duty_days_ok(list(row), rules)
        )
        assert _max_duty_days(ix, available) == best


def _two_batches(days: int = 6) -> Problem:
    """Two fairness groups whose windows share a handover day, with homes and roles."""
    all_days = [MONDAY + timedelta(days=k) for k in range(days)]
    half = days // 2
    shifts: list[Shift] = []
    for day in all_days:
        shifts.append(_shift("K0", day, "M", needs_party_member=True))
        shifts.append(_shift("K0", day, "N", needs_party_member=True))
        shifts.append(_shift("K1", day, "A"))
    people = []
    for b, window in enumerate((all_days[: half + 1], all_days[half:])):
        for n in range(5):
            people.append(
                Staff(
                    id=f"B{b}-{n}",
                    name=f"Batch {b} member {n}",
                    available_days=frozenset(window),
                    is_party_member=n < 2,
                    home_community_id=f"C{(n + b) % 3}",
                    group=f"batch{b}",
                )
            )
    rules = Rules(
        max_consecutive_days=Rule(value=3),
        max_shifts_per_week=Rule(value=5),
        fairness_nights=Rule(value=0, hard=False, weight=5),
        fairness_shifts=Rule(value=0, hard=False, weight=3),
    )
    return Problem(shifts=tuple(shifts), staff=tuple(people), rules=rules)


@pytest.mark.parametrize("make", [lambda: small_problem(days=4), lambda: small_problem(days=6), _two_batches])
def test_aggregate_bound_never_exceeds_the_optimum(make) -> None:  # type: ignore[no-untyped-def]
    import time

    from frontline.roster.solver import _aggregate_bound, _Index

    problem = make()
    # One worker: no neighbourhood search, the full model proves the optimum on its own.
    result = solve(problem, time_limit_s=60, workers=1)
    assert result.status == "optimal"
    check = check_roster(problem, result.assignments)
    assert check.hard == [] and check.objective == result.objective
    bound = _aggregate_bound(_Index(problem), deadline=time.monotonic() + 30)
    assert bound is not None and 0 <= bound <= result.objective
    assert result.bounds.get("aggregate") in (None, bound)
    assert result.bounds.get("relaxation", 0) <= result.objective


def test_reported_gap_uses_a_valid_bound() -> None:
    problem = _two_batches()
    result = solve(problem, time_limit_s=20, workers=2)
    assert result.bound is not None and result.objective is not None
    assert all(b <= result.objective for b in result.bounds.values())
    assert result.bound == max(result.bounds.values())
    assert result.gap == pytest.approx(max(0, result.objective - result.bound) / max(1, result.objective))


def test_twin_neighbourhood_search_on_a_big_model(monkeypatch: pytest.MonkeyPatch) -> None:
    # The demo's path (no full CP-SAT search above the size limit), on a small roster.
    from frontline.roster import solver as solver_module

    monkeypatch.setattr(solver_module, "_FULL_SEARCH_MAX_VARS", 0)
    problem = small_problem(days=7)
    result = solve(problem, time_limit_s=8, workers=2)
    assert result.status in ("optimal", "feasible")
    check = check_roster(problem, result.assignments)
    assert check.hard == []
    assert check.objective == result.objective
    assert "cp_sat" not in result.bounds and result.bound == result.bounds.get("relaxation")
    assert result.bound is not None and result.bound <= result.objective


def test_planned_cells_keep_home_and_the_plans_communities() -> None:
    # The big model's search only moves people where the aggregate plan sends them or home.
    from frontline.roster.solver import _Index, _planned_cells

    problem = small_problem(days=3)
    ix = _Index(problem)
    s0, s1 = ix.pid["S0"], ix.pid["S1"]  # homes C0 and C1
    cells = _planned_cells(ix, {(s0, "C2"): 2, (s1, "C0"): 0})
    communities = {i: {ix.shifts[j].community_id for ii, j in cells if ii == i} for i in (s0, s1)}
    assert communities[s0] == {"C0", "C2"}  # home, and where the plan sends them
    assert communities[s1] == {"C1"}  # a zero count in the plan opens nothing
    leader = ix.pid["L0"]
    assert {ix.shifts[j].kind for i, j in cells if i == leader} == {"leader"}  # no community: open
    assert all(i in ix.elig_set[j] for i, j in cells)


def _nights_problem(night_staff: int, roles: Rule) -> Problem:
    """A week: one night (needs a party member) and one day shift a day, four people, one a member."""
    all_days = [MONDAY + timedelta(days=k) for k in range(7)]
    shifts: list[Shift] = []
    for day in all_days:
        shifts.append(_shift("K0", day, "N", needs_party_member=True, min_staff=1, max_staff=night_staff))
        shifts.append(_shift("K1", day, "M"))
    people = [
        Staff(
            id=f"S{n}",
            name=f"Staff {n}",
            available_days=frozenset(all_days),
            is_party_member=n == 0,
            group="batch",
        )
        for n in range(4)
    ]
    rules = Rules(
        roles=roles,
        fairness_nights=Rule(value=0, hard=False, weight=7),
        fairness_shifts=Rule(value=9, hard=False, weight=1),
        fairness_weekends=Rule(value=9, hard=False, weight=1),
        continuity=Rule(hard=False, weight=0),
        max_consecutive_days=Rule(value=7),
        max_shifts_per_week=Rule(value=7),
    )
    return Problem(shifts=tuple(shifts), staff=tuple(people), rules=rules)


@pytest.mark.parametrize(
    ("night_staff", "roles", "judged"),
    [
        (1, Rule(hard=True, weight=500), False),  # nobody but the member can ever stand a night
        (2, Rule(hard=True, weight=500), True),  # a non-member may join the member on a night
        (1, Rule(hard=False, weight=500), True),  # soft roles: a non-member may stand it at a price
    ],
)
def test_nights_fairness_compares_only_who_can_take_a_night(night_staff: int, roles: Rule, judged: bool) -> None:
    from frontline.roster.solver import _Index

    problem = _nights_problem(night_staff, roles)
    ix = _Index(problem)
    assert ix.can_any["fairness_nights"] == [True, judged, judged, judged]
    # The member stands every night, the others share the day shifts: the checker compares
    # the non-members on nights only when they could take one.
    all_days = sorted({s.day for s in problem.shifts})
    nights = [s for s in problem.shifts if s.is_night]
    days = [s for s in problem.shifts if not s.is_night]
    roster = [("S0", s.id) for s in nights] + [(f"S{1 + k % 3}", s.id) for k, s in enumerate(days)]
    assert len(all_days) == 7
    check = check_roster(problem, roster)
    assert check.hard == []
    assert check.breakdown.get("fairness_nights", 0) == (7 * 7 if judged else 0)
    if night_staff == 1 and roles.hard:
        result = solve(problem, time_limit_s=10, workers=1)
        assert result.objective == check_roster(problem, result.assignments).objective
        assert result.breakdown.get("fairness_nights", 0) == 0


def test_start_roster_respects_the_cells_already_placed_ahead() -> None:
    """A locked run later on limits the days before it: the start roster leaves a place open rather than break a rule."""
    from frontline.roster.solver import _greedy, _ids, _Index

    all_days = [MONDAY + timedelta(days=k) for k in range(10)]
    shifts = tuple(_shift("K1", day, "M") for day in all_days)
    one = Staff(id="S0", name="Staff 0", available_days=frozenset(all_days))
    problem = Problem(shifts=shifts, staff=(one,), rules=Rules(max_consecutive_days=Rule(value=6)))
    ix = _Index(problem)
    locked = {(0, ix.sid[f"K1-{all_days[k].isoformat()}-M"]) for k in range(3, 8)}  # five in a row, days 3-7
    start = _greedy(ix, fixed=locked, frozen_day=0)
    assert locked <= start
    broken = {b.rule for b in check_roster(problem, _ids(ix, start)).hard}
    assert broken == {"coverage"}  # days it had to leave open; no run longer than six


def _home_only_early() -> Problem:
    """Two people of community C0 serve only its first four days; its last three need someone from away.

    In total C0's own people could stand all seven of its shifts (four days each), so the
    aggregate relaxation, which counts weekend shifts apart but not days, sees only the
    weekend's two; day by day, three shifts go to people from C1.
    """
    all_days = [MONDAY + timedelta(days=k) for k in range(7)]
    shifts = tuple(
        shift for day in all_days for shift in (_shift("K0", day, "M"), _shift("K1", day, "A"))
    )  # K0 is in community C0, K1 in C1
    early = frozenset(all_days[:4])
    people = (
        Staff(id="A", name="A", available_days=early, home_community_id="C0"),
        Staff(id="B", name="B", available_days=early, home_community_id="C0"),
        Staff(id="C", name="C", available_days=frozenset(all_days), home_community_id="C1"),
        Staff(id="D", name="D", available_days=frozenset(all_days), home_community_id="C1"),
    )
    rules = Rules(
        fairness_shifts=Rule(enabled=False),
        fairness_nights=Rule(enabled=False),
        fairness_weekends=Rule(enabled=False),
        continuity=Rule(enabled=False),
    )
    return Problem(shifts=shifts, staff=people, rules=rules)


@pytest.mark.parametrize(
    "make", [lambda: small_problem(days=4), lambda: small_problem(days=6), _two_batches, _home_only_early]
)
def test_day_by_day_bound_never_exceeds_the_optimum(make) -> None:  # type: ignore[no-untyped-def]
    import time

    from frontline.roster.solver import _days_bound, _Index

    problem = make()
    result = solve(problem, time_limit_s=60, workers=1)
    assert result.status == "optimal"
    parts: dict[object, int] = {}
    bound = _days_bound(_Index(problem), deadline=time.monotonic() + 30, parts=parts)
    assert bound is not None and 0 <= bound <= result.objective
    assert sum(parts.values()) == bound


def test_day_by_day_bound_sees_who_is_free_on_which_day() -> None:
    import time

    from frontline.roster.solver import _aggregate_bound, _days_bound, _Index

    problem = _home_only_early()
    ix = _Index(problem)
    assert _aggregate_bound(ix, deadline=time.monotonic() + 30) == 2
    assert _days_bound(ix, deadline=time.monotonic() + 30) == 3
    result = solve(problem, time_limit_s=20, workers=2)
    assert result.objective == 3 and result.status == "optimal"  # proved by the bound
    assert result.bounds["days_lp"] == result.bounds["relaxation"] == 3


def test_day_by_day_plan_shows_the_search_where_away_duty_pays() -> None:
    """The LP's optimum, per person and community, opens the search's neighbourhoods
    (_planned_cells): here it sends C1's people to C0 for the three late days."""
    import time

    from frontline.roster.solver import _days_bound, _Index, _planned_cells

    ix = _Index(_home_only_early())
    plan: dict[tuple[int, object], float] = {}
    assert _days_bound(ix, deadline=time.monotonic() + 30, plan=plan) == 3
    away = sum(n for (i, c), n in plan.items() if c == "C0" and ix.staff[i].home_community_id == "C1")
    assert away == pytest.approx(3)
    home = sum(n for (i, c), n in plan.items() if c == "C0" and ix.staff[i].home_community_id == "C0")
    assert home == pytest.approx(4)
    opened = {(ix.staff[i].id, ix.shifts[j].community_id) for i, j in _planned_cells(ix, plan)}
    assert ("C", "C0") in opened or ("D", "C0") in opened
