"""Judge rosters independently of the solvers that made them.

Nothing here imports ortools or reuses model code: every hard rule is re-derived from
the data by walking the roster day by day, and every objective is recomputed from
scratch. The solver modules are imported for type names only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from frontline.roster.curtois import CurtoisInstance


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


def check_curtois(
    instance: CurtoisInstance, roster: Mapping[str, Sequence[str | None]]
) -> CurtoisCheck:
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
