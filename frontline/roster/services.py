"""Every change to rosters, rules, availability, attendance, inspections and swaps goes through here."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontline.core.audit import audit_record
from frontline.core.errors import DomainError
from frontline.core.notify import later, stored
from frontline.core.services import save_instance
from frontline.org.models import Batch, Campaign, Checkpoint, Staff
from frontline.roster import planning, selectors
from frontline.roster.models import (
    ALWAYS_SOFT,
    RULE_DEFAULTS,
    Assignment,
    Attendance,
    CalendarToken,
    CheckpointDemand,
    Inspection,
    LeaderDuty,
    PersonLimit,
    Roster,
    RosterSettings,
    RosterVersion,
    RuleKey,
    RuleSetting,
    SwapRequest,
    Unavailability,
    parse_shift,
    shift_bounds,
)

V = RosterVersion.Status
log = logging.getLogger(__name__)

# The one table of legal version moves; `version_set_status` refuses anything else.
VERSION_MOVES: dict[str, set[str]] = {
    V.DRAFT: {V.PUBLISHED, V.DISCARDED},
    V.PROPOSED: {V.PUBLISHED, V.DISCARDED},
    V.PUBLISHED: {V.SUPERSEDED},
    V.SUPERSEDED: set(),
    V.DISCARDED: set(),
}

DEFAULT_TIME_LIMIT = 20.0


# --- settings --------------------------------------------------------------------------------


def rule_setting_save(
    *, actor: Any, campaign: Campaign, key: str, enabled: bool, hard: bool, weight: int, value: int
) -> RuleSetting:
    """Set one rostering rule of a campaign: on/off, hard or soft, weight and value."""
    if key not in RULE_DEFAULTS:
        raise DomainError(_("Rule: unknown rule."), code="roster.rule_unknown", field="key")
    if weight < 0 or value < 0:
        raise DomainError(_("Weight: must not be negative."), code="roster.rule_negative", field="weight")
    if key in ALWAYS_SOFT and hard:
        raise DomainError(
            _("Hard rule: this rule is a preference and can only be soft."), code="roster.rule_soft", field="hard"
        )
    if key == RuleKey.MAX_SHIFTS_PER_WEEK and enabled and value < 1:
        raise DomainError(_("Value: at least one shift a week."), code="roster.rule_value", field="value")
    row = RuleSetting.objects.filter(campaign=campaign, key=key).first() or RuleSetting(campaign=campaign, key=key)
    return save_instance(
        actor=actor,
        instance=row,
        fields={"enabled": enabled, "hard": hard, "weight": weight, "value": value},
        action="roster.rule",
    )


def person_limit_save(
    *,
    actor: Any,
    limit: PersonLimit | None = None,
    campaign: Campaign,
    name: str,
    min_age: int,
    max_hours_per_day: int | None,
    no_nights: bool,
    active: bool = True,
) -> PersonLimit:
    """Create or edit a per-person limit by age."""
    if max_hours_per_day is None and not no_nights:
        raise DomainError(
            _("At most hours a day: set a number of hours or forbid nights, or the limit does nothing."),
            code="roster.limit_empty",
            field="max_hours_per_day",
        )
    fields = {
        "campaign": campaign,
        "name": name,
        "min_age": min_age,
        "max_hours_per_day": max_hours_per_day,
        "no_nights": no_nights,
        "active": active,
    }
    return save_instance(actor=actor, instance=limit or PersonLimit(), fields=fields, action="roster.limit")


def _validate_pattern(pattern: Iterable[str], field: str) -> list[str]:
    out = []
    for label in pattern:
        label = label.strip()
        if not label:
            continue
        try:
            start, end = parse_shift(label)
        except ValueError as exc:
            raise DomainError(
                _("Shifts: %(shift)s is not a start–end time such as 08:00-20:00."),
                code="roster.shift_format",
                field=field,
                params={"shift": label},
            ) from exc
        if start == end:
            raise DomainError(
                _("Shifts: %(shift)s starts and ends at the same time."),
                code="roster.shift_empty",
                field=field,
                params={"shift": label},
            )
        out.append(f"{start:%H:%M}-{end:%H:%M}")
    return out


def roster_settings_save(
    *, actor: Any, campaign: Campaign, office_shift_pattern: Iterable[str], office_staff: int, leader_rota: bool
) -> RosterSettings:
    """Set a campaign's office duty shifts and whether a leader leads every day."""
    row = RosterSettings.objects.filter(campaign=campaign).first() or RosterSettings(campaign=campaign)
    fields = {
        "office_shift_pattern": _validate_pattern(office_shift_pattern, "office_shift_pattern"),
        "office_staff": office_staff,
        "leader_rota": leader_rota,
    }
    return save_instance(actor=actor, instance=row, fields=fields, action="roster.settings")


def checkpoint_demand_save(
    *, actor: Any, checkpoint: Checkpoint, need_party_member: bool, need_team_leader: bool
) -> CheckpointDemand:
    """Set a checkpoint's per-shift rules (a party member, a team leader on every shift)."""
    row = CheckpointDemand.objects.filter(checkpoint=checkpoint).first() or CheckpointDemand(checkpoint=checkpoint)
    return save_instance(
        actor=actor,
        instance=row,
        fields={"need_party_member": need_party_member, "need_team_leader": need_team_leader},
        action="roster.demand",
    )


def unavailability_save(
    *,
    actor: Any,
    unavailability: Unavailability | None = None,
    staff: Staff,
    kind: str,
    start_date: date,
    end_date: date,
    reason: str = "",
) -> Unavailability:
    """Record leave, sick leave or declared unavailable dates of a staff member."""
    if end_date < start_date:
        raise DomainError(_("To: must not be before the start."), code="roster.unavailable_dates", field="end_date")
    fields = {"staff": staff, "kind": kind, "start_date": start_date, "end_date": end_date, "reason": reason}
    before = (
        (unavailability.staff_id, unavailability.start_date, unavailability.end_date)
        if unavailability and unavailability.pk
        else None
    )
    record = save_instance(
        actor=actor, instance=unavailability or Unavailability(), fields=fields, action="roster.unavailable"
    )
    if before != (staff.pk, start_date, end_date):
        # Leave or sick leave over published duties: propose a repaired roster for the office
        # to approve, as an isolation does (the dates are saved whatever the solver says).
        transaction.on_commit(partial(_repair_for_unavailability, actor, record.pk))
    return record


def _repair_for_unavailability(actor: Any, pk: int) -> None:
    record = Unavailability.objects.select_related("staff").filter(pk=pk).first()
    if record is None:
        return
    _propose_repair_quietly(
        actor=actor,
        staff=record.staff,
        start=record.start_date,
        end=record.end_date,
        reason=lambda start: later(
            _("%(name)s: %(kind)s from %(start)s to %(end)s"),
            {
                "name": record.staff.name,
                "kind": Unavailability.Kind(record.kind).label,
                "start": start,
                "end": record.end_date,
            },
        ),
    )


@transaction.atomic
def unavailability_delete(*, actor: Any, unavailability: Unavailability) -> None:
    """Remove recorded unavailable dates."""
    audit_record(actor=actor, action="roster.unavailable_delete", target=unavailability)
    unavailability.delete()


# --- versions --------------------------------------------------------------------------------


def version_set_status(*, actor: Any, version: RosterVersion, status: str) -> RosterVersion:
    """Move a version along draft/proposed → published → superseded, or discard it."""
    if status not in VERSION_MOVES[version.status]:
        raise DomainError(
            _("Status: a roster version cannot go from %(old)s to %(new)s."),
            code="roster.illegal_status",
            field="status",
            params={"old": version.get_status_display(), "new": V(status).label},
        )
    fields: dict[str, Any] = {"status": status}
    if status == V.PUBLISHED:
        fields.update(published_at=timezone.now(), published_by=actor if getattr(actor, "pk", None) else None)
    return save_instance(actor=actor, instance=version, fields=fields, action="roster.status")


def _next_number(roster: Roster) -> int:
    last = roster.versions.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


def _new_version(
    *, actor: Any, roster: Roster, status: str, kind: str, based_on: RosterVersion | None, note: str = ""
) -> RosterVersion:
    return RosterVersion.objects.create(
        roster=roster,
        number=_next_number(roster),
        status=status,
        kind=kind,
        based_on=based_on,
        note=note[:300],
        created_by=actor if getattr(actor, "pk", None) else None,
    )


def _write_cells(version: RosterVersion, cells: Iterable[planning.Cell]) -> int:
    rows = []
    for c in cells:
        start, end = shift_bounds(c.day, c.shift)
        rows.append(
            Assignment(
                version=version,
                day=c.day,
                checkpoint_id=c.post or None,
                shift=c.shift,
                starts_at=start,
                ends_at=end,
                staff_id=c.staff,
                locked=c.locked,
            )
        )
    Assignment.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _copy_leaders(source: RosterVersion | None, target: RosterVersion) -> None:
    if source is None:
        return
    LeaderDuty.objects.bulk_create(
        [LeaderDuty(version=target, day=ld.day, staff_id=ld.staff_id) for ld in source.leader_duties.all()]
    )


def _store_outcome(version: RosterVersion, outcome: planning.SolveOutcome) -> None:
    version.solver_status = outcome.status
    version.objective = outcome.objective
    version.bound = outcome.bound
    version.gap = outcome.gap
    version.solve_seconds = outcome.seconds
    version.explanation = outcome.explanation
    version.save(update_fields=["solver_status", "objective", "bound", "gap", "solve_seconds", "explanation"])


def leader_rota_build(*, roster: Roster, plan: planning.PlanData) -> dict[date, int]:
    """Give each day one leadership-group member, in turn, skipping the unavailable."""
    leaders = selectors.leadership_staff(roster.campaign)
    if not leaders:
        return {}
    reasons = selectors.unavailable_days(staff_ids=[s.pk for s in leaders], start=plan.days[0], end=plan.days[-1])
    counts = {s.pk: 0 for s in leaders}
    out: dict[date, int] = {}
    for day in plan.days:
        free = [s.pk for s in leaders if day not in reasons.get(s.pk, {})]
        if not free:
            continue
        # The fewest days so far, then the longest since their last day: an even, rotating rota.
        last = {sid: max((d for d, s in out.items() if s == sid), default=date.min) for sid in free}
        pick = min(free, key=lambda sid: (counts[sid], last[sid], sid))
        out[day] = pick
        counts[pick] += 1
    return out


@transaction.atomic
def roster_create(
    *,
    actor: Any,
    campaign: Campaign,
    name: str,
    start_date: date,
    end_date: date,
    batch: Batch | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> RosterVersion:
    """Create a roster for a batch and date range and solve its first draft."""
    if end_date < start_date:
        raise DomainError(_("Last day: must not be before the first day."), code="roster.dates", field="end_date")
    if (end_date - start_date).days > 91:
        raise DomainError(_("Last day: a roster covers at most 92 days."), code="roster.too_long", field="end_date")
    if batch is not None and batch.campaign_id != campaign.pk:
        raise DomainError(_("Batch: not a batch of this campaign."), code="roster.batch", field="batch")
    roster = save_instance(
        actor=actor,
        instance=Roster(),
        fields={
            "campaign": campaign,
            "batch": batch,
            "name": name,
            "start_date": start_date,
            "end_date": end_date,
            "created_by": actor if getattr(actor, "pk", None) else None,
        },
        action="roster.create",
    )
    plan = planning.build_plan(roster)
    if not plan.people:
        raise DomainError(
            _("Batch: nobody serves in these dates; add staff to a batch first."), code="roster.no_staff", field="batch"
        )
    outcome = planning.solve(plan, time_limit=time_limit)
    version = _new_version(actor=actor, roster=roster, status=V.DRAFT, kind=RosterVersion.Kind.GENERATED, based_on=None)
    _write_cells(version, outcome.cells)
    _store_outcome(version, outcome)
    if selectors.settings_for(campaign).leader_rota:
        LeaderDuty.objects.bulk_create(
            [
                LeaderDuty(version=version, day=d, staff_id=s)
                for d, s in leader_rota_build(roster=roster, plan=plan).items()
            ]
        )
    audit_record(
        actor=actor,
        action="roster.solve",
        target=version,
        changes={
            "status": outcome.status,
            "objective": outcome.objective,
            "gap": outcome.gap,
            "cells": len(outcome.cells),
        },
    )
    return version


@transaction.atomic
def version_draft(*, actor: Any, roster: Roster) -> RosterVersion:
    """Open a draft copied from the published version, to edit and publish again."""
    if roster.versions.filter(status=V.DRAFT).exists():
        raise DomainError(_("Version: this roster already has a draft."), code="roster.draft_exists", field="status")
    source = selectors.published_version(roster)
    if source is None:
        raise DomainError(_("Version: nothing is published to copy."), code="roster.nothing_published", field="status")
    version = _new_version(actor=actor, roster=roster, status=V.DRAFT, kind=RosterVersion.Kind.EDITED, based_on=source)
    _write_cells(version, planning.cells_of(source))
    _copy_leaders(source, version)
    audit_record(actor=actor, action="roster.draft", target=version, changes={"from": source.number})
    return version


def _require_editable(version: RosterVersion) -> None:
    if not version.editable:
        raise DomainError(
            _("Version: a %(status)s version cannot be changed; open a new draft."),
            code="roster.not_editable",
            field="status",
            params={"status": version.get_status_display()},
        )


@transaction.atomic
def roster_resolve(*, actor: Any, version: RosterVersion, time_limit: float = DEFAULT_TIME_LIMIT) -> RosterVersion:
    """Re-solve a draft, keeping its locked cells and changing as little else as the rules allow."""
    _require_editable(version)
    version = RosterVersion.objects.select_for_update().get(pk=version.pk)
    plan = planning.build_plan(version.roster)
    current = planning.cells_of(version)
    plan.locked = [c for c in current if c.locked]
    published = selectors.published_version(version.roster)
    previous = planning.cells_of(published) if published else [c for c in current if not c.locked]
    # A locked person cannot keep other shifts of the same day: leave those out of "as before".
    busy = {(c.staff, c.day) for c in plan.locked}
    plan.previous = [c for c in previous if (c.staff, c.day) not in busy]
    outcome = planning.solve(plan, time_limit=time_limit)
    if outcome.status not in ("optimal", "feasible") and plan.previous:
        # Nothing close to the old roster was found: solve afresh, still keeping the locked cells.
        plan.previous = []
        outcome = planning.solve(plan, time_limit=time_limit)
    if not outcome.cells and outcome.status not in ("optimal", "feasible"):
        # Nothing found: keep the draft as it was and show why.
        _store_outcome(version, outcome)
        audit_record(actor=actor, action="roster.resolve", target=version, changes={"status": outcome.status})
        return version
    version.assignments.all().delete()
    _write_cells(version, outcome.cells)
    _store_outcome(version, outcome)
    audit_record(
        actor=actor,
        action="roster.resolve",
        target=version,
        changes={"status": outcome.status, "objective": outcome.objective, "locked": len(plan.locked)},
    )
    return version


def _cell_post(checkpoint: Checkpoint | None) -> int:
    return checkpoint.pk if checkpoint is not None else planning.OFFICE


@transaction.atomic
def cell_set(
    *,
    actor: Any,
    version: RosterVersion,
    day: date,
    checkpoint: Checkpoint | None,
    shift: str,
    staff: Iterable[Staff],
    lock: bool | None = None,
) -> list[planning.Breach]:
    """Set who stands one shift of a day at a post; return the rule breaches the change leaves."""
    _require_editable(version)
    roster = version.roster
    if not roster.start_date <= day <= roster.end_date:
        raise DomainError(_("Day: outside the roster's dates."), code="roster.day_outside", field="day")
    pattern = (
        list(checkpoint.shift_pattern)
        if checkpoint
        else list(selectors.settings_for(roster.campaign).office_shift_pattern)
    )
    if shift not in pattern:
        raise DomainError(_("Shift: not a shift of this post."), code="roster.shift_unknown", field="shift")
    people = list({s.pk: s for s in staff}.values())
    limit = checkpoint.staff_max if checkpoint else max(1, selectors.settings_for(roster.campaign).office_staff)
    if len(people) > limit:
        raise DomainError(
            _("Staff: at most %(n)s on this shift."), code="roster.cell_full", field="staff", params={"n": limit}
        )
    cell = version.assignments.filter(day=day, checkpoint=checkpoint, shift=shift)
    before = sorted(cell.values_list("staff__name", flat=True))
    was_locked = cell.filter(locked=True).exists()
    locked = was_locked if lock is None else lock
    cell.delete()
    start, end = shift_bounds(day, shift)
    try:
        with transaction.atomic():
            Assignment.objects.bulk_create(
                [
                    Assignment(
                        version=version,
                        day=day,
                        checkpoint=checkpoint,
                        shift=shift,
                        starts_at=start,
                        ends_at=end,
                        staff=s,
                        locked=locked,
                    )
                    for s in people
                ]
            )
    except IntegrityError as exc:
        raise DomainError(
            _("Staff: someone chosen already stands another post at this time."),
            code="roster.double_booked",
            field="staff",
        ) from exc
    if version.kind == RosterVersion.Kind.GENERATED:
        version.kind = RosterVersion.Kind.EDITED
        version.save(update_fields=["kind"])
    audit_record(
        actor=actor,
        action="roster.cell",
        target=version,
        changes={
            "cell": f"{day} {checkpoint.code if checkpoint else 'office'} {shift}",
            "staff": [before, sorted(s.name for s in people)],
            "locked": locked,
        },
    )
    return planning.breaches_for_cell(version, day=day, post=_cell_post(checkpoint), shift=shift)


@transaction.atomic
def cell_lock(
    *, actor: Any, version: RosterVersion, day: date, checkpoint: Checkpoint | None, shift: str, locked: bool
) -> int:
    """Lock or unlock one cell, so re-solving keeps or may change it."""
    _require_editable(version)
    n = version.assignments.filter(day=day, checkpoint=checkpoint, shift=shift).update(locked=locked)
    if not n:
        raise DomainError(
            _("Cell: nobody stands this shift; there is nothing to lock."), code="roster.cell_empty", field="staff"
        )
    audit_record(
        actor=actor,
        action="roster.lock" if locked else "roster.unlock",
        target=version,
        changes={"cell": f"{day} {checkpoint.code if checkpoint else 'office'} {shift}"},
    )
    return n


@transaction.atomic
def leader_duty_set(*, actor: Any, version: RosterVersion, day: date, staff: Staff) -> LeaderDuty:
    """Set the leader on duty of one day."""
    _require_editable(version)
    if staff.pk not in {s.pk for s in selectors.leadership_staff(version.roster.campaign)}:
        raise DomainError(
            _("Leader: only a member of the leadership group can lead a duty day."),
            code="roster.not_leader",
            field="staff",
        )
    row, _created = LeaderDuty.objects.update_or_create(version=version, day=day, defaults={"staff": staff})
    audit_record(actor=actor, action="roster.leader", target=version, changes={"day": day, "leader": staff.name})
    return row


@transaction.atomic
def version_publish(*, actor: Any, version: RosterVersion) -> RosterVersion:
    """Publish a draft or an approved proposal; the version in force is superseded."""
    version = RosterVersion.objects.select_for_update().get(pk=version.pk)
    if version.status not in (V.DRAFT, V.PROPOSED):
        version_set_status(actor=actor, version=version, status=V.PUBLISHED)  # raises the clear error
    breaches = [b for b in planning.check_version(version) if b.hard]
    if breaches:
        raise DomainError(
            _("Roster: %(n)s hard rules are broken, e.g. %(first)s. Fix them or re-solve before publishing."),
            code="roster.breaches",
            field="status",
            params={"n": len(breaches), "first": breaches[0].message},
        )
    old = selectors.published_version(version.roster)
    if old is not None:
        version_set_status(actor=actor, version=old, status=V.SUPERSEDED)
    # Other open proposals were made against the roster that is now replaced. Nothing is lost:
    # a repair folds in every absence recorded before it (so at most one is open), and the
    # version published has no breaches, so it already keeps every recorded absence off duty.
    for stale in version.roster.versions.filter(status=V.PROPOSED).exclude(pk=version.pk):
        version_set_status(actor=actor, version=stale, status=V.DISCARDED)
    version_set_status(actor=actor, version=version, status=V.PUBLISHED)
    diff = selectors.version_diff(version, old)
    audit_record(
        actor=actor,
        action="roster.publish",
        target=version,
        changes={"added": len(diff.added), "removed": len(diff.removed), "previous": old.number if old else None},
    )
    changed = diff.changed_staff
    transaction.on_commit(lambda: _notify_changed(version, changed))
    return version


def _notify_changed(version: RosterVersion, staff_ids: set[int]) -> None:
    from django.urls import reverse

    from frontline.core.notify import notify

    users = [s.user for s in Staff.objects.filter(pk__in=staff_ids, user__isnull=False).select_related("user")]
    notify(
        users=users,
        kind="roster.published",
        title=later(_("Your duties have changed: %(roster)s"), {"roster": version.roster.name}),
        link=reverse("roster:my_duties"),
        dedupe_key=f"roster.published:{version.pk}",
        channels=False,
    )


@transaction.atomic
def version_discard(*, actor: Any, version: RosterVersion) -> RosterVersion:
    """Throw away a draft or a proposal."""
    return version_set_status(actor=actor, version=version, status=V.DISCARDED)


# --- repair ----------------------------------------------------------------------------------


@transaction.atomic
def roster_repair_propose(
    *, actor: Any, staff: Staff, start: date, end: date | None = None, reason: str = "", time_limit: float = 10.0
) -> list[RosterVersion]:
    """Propose repaired rosters without the staff member's duties from start on; the office approves.

    Only the absent person's shifts are re-assigned; everyone else keeps theirs unless a
    replacement must move, and the solver is told to change as few as possible.
    """
    proposals: list[RosterVersion] = []
    # Rosters that give them duties in those days: the published version, or an open repair
    # of it (which handed them someone else's duties before this absence was known).
    rosters = Roster.objects.filter(
        versions__status__in=(V.PUBLISHED, V.PROPOSED),
        versions__assignments__staff=staff,
        versions__assignments__day__gte=start,
        **({"versions__assignments__day__lte": end} if end else {}),
    ).distinct()
    for roster in rosters:
        published = selectors.published_version(roster)
        if published is None:
            continue
        note = reason or stored(_("%(name)s unavailable from %(day)s"), {"name": staff.name, "day": start})
        proposals.append(
            _propose_repair(
                actor=actor, published=published, staff=staff, start=start, end=end, note=note, time_limit=time_limit
            )
        )
    return proposals


def _propose_repair(
    *, actor: Any, published: RosterVersion, staff: Staff, start: date, end: date | None, note: str, time_limit: float
) -> RosterVersion:
    """Propose one roster's repair: the published version without the staff member from start to end.

    The plan knows every absence recorded so far, so the repair also moves the duties of anyone
    else now away; an earlier proposal for the roster, still open, is folded into this one.
    """
    roster = published.roster
    last = min(end or roster.end_date, roster.end_date)
    gone = {start + timedelta(days=i) for i in range((last - start).days + 1)}
    plan = planning.build_plan(roster)
    plan.available[staff.pk] = plan.available.get(staff.pk, set()) - gone
    current = planning.cells_of(published)
    today = timezone.localdate()
    others_away = [c.day for c in current if c.day >= today and c.day not in plan.available.get(c.staff, set())]
    outcome = planning.repair(
        plan, current=current, staff_id=staff.pk, days=gone, from_day=min([*gone, *others_away]), time_limit=time_limit
    )
    folded = list(roster.versions.filter(status=V.PROPOSED, kind=RosterVersion.Kind.REPAIR))
    for earlier in folded:
        version_set_status(actor=actor, version=earlier, status=V.DISCARDED)
    note = "; ".join([note, *(v.note for v in folded)])[:300]
    version = _new_version(
        actor=actor, roster=roster, status=V.PROPOSED, kind=RosterVersion.Kind.REPAIR, based_on=published, note=note
    )
    version.repair_staff = staff
    version.save(update_fields=["repair_staff"])
    _write_cells(version, outcome.cells)
    _copy_leaders(published, version)
    _store_outcome(version, outcome)
    audit_record(
        actor=actor,
        action="roster.repair",
        target=version,
        changes={"staff": staff.name, "from": start, "status": outcome.status},
    )
    transaction.on_commit(partial(_notify_office, version))
    return version


def _notify_office(version: RosterVersion) -> None:
    from django.urls import reverse

    from frontline.core.access import Role
    from frontline.core.notify import notify
    from frontline.org.selectors import users_with_role

    notify(
        users=users_with_role(Role.OFFICE),
        kind="roster.repair",
        title=later(_("Roster change to approve: %(roster)s"), {"roster": version.roster.name}),
        body=version.note,
        link=reverse("roster:version_detail", args=[version.pk]),
        dedupe_key=f"roster.repair:{version.pk}",
    )


REPAIR_TIME_LIMIT = 8.0


def on_staff_measure_started(sender: Any, *, staff: Staff, measure: Any, **kwargs: Any) -> None:
    """Health put a staff member under a measure: propose repaired rosters without them."""
    _propose_repair_quietly(
        actor="health",
        staff=staff,
        start=getattr(measure, "start_date", None),
        end=getattr(measure, "planned_end", None),
        reason=lambda start: later(
            _("%(name)s is under a health measure from %(day)s"), {"name": staff.name, "day": start}
        ),
    )


def _propose_repair_quietly(
    *, actor: Any, staff: Staff, start: date | None, end: date | None, reason: Callable[[date], Any]
) -> None:
    """Propose repaired rosters for an absence from today on (leave, sick leave, a health measure).

    The absence is recorded already: a failed proposal is logged, never raised, so that it
    cannot undo or hide it.
    """
    today = timezone.localdate()
    if end is not None and end < today:
        return
    first = max(start or today, today)
    try:
        roster_repair_propose(
            actor=actor, staff=staff, start=first, end=end, reason=stored(reason(first)), time_limit=REPAIR_TIME_LIMIT
        )
    except Exception:
        log.exception("roster repair for staff %s failed", staff.pk)


# --- swaps -----------------------------------------------------------------------------------


@transaction.atomic
def swap_request(*, actor: Any, requester: Staff, duty: Assignment, substitute: Staff, reason: str) -> SwapRequest:
    """A staff member asks to hand a published duty of theirs to a colleague."""
    published = RosterVersion.objects.filter(pk=duty.version_id, status=V.PUBLISHED).exists()
    if duty.staff_id != requester.pk or not published:
        raise DomainError(_("Duty: not one of your published duties."), code="roster.swap_not_yours", field="duty")
    if duty.starts_at <= timezone.now():
        raise DomainError(_("Duty: it has already started."), code="roster.swap_past", field="duty")
    if substitute.pk == requester.pk:
        raise DomainError(_("Substitute: choose someone else."), code="roster.swap_self", field="substitute")
    if not reason.strip():
        raise DomainError(_("Reason: say why."), code="roster.swap_reason", field="reason")
    try:
        with transaction.atomic():
            swap = SwapRequest.objects.create(
                roster=duty.version.roster,
                requester=requester,
                substitute=substitute,
                day=duty.day,
                checkpoint=duty.checkpoint,
                shift=duty.shift,
                starts_at=duty.starts_at,
                reason=reason.strip()[:200],
            )
    except IntegrityError as exc:
        raise DomainError(
            _("Duty: you have already asked to swap this duty."), code="roster.swap_pending", field="duty"
        ) from exc
    audit_record(actor=actor, action="roster.swap_request", target=swap, changes={"substitute": substitute.name})
    transaction.on_commit(lambda: _notify_swap(swap))
    return swap


def _notify_swap(swap: SwapRequest) -> None:
    from django.urls import reverse

    from frontline.core.access import Role
    from frontline.core.notify import notify
    from frontline.org.selectors import users_with_role

    notify(
        users=users_with_role(Role.OFFICE),
        kind="roster.swap",
        title=later(_("Swap request: %(a)s → %(b)s"), {"a": swap.requester.name, "b": swap.substitute.name}),
        body=f"{swap.day} {swap.shift} {swap.reason}",
        link=reverse("roster:swap_list"),
        dedupe_key=f"roster.swap:{swap.pk}",
        channels=False,
    )


@transaction.atomic
def swap_decide(*, actor: Any, swap: SwapRequest, approve: bool, note: str = "") -> SwapRequest:
    """Approve (a new published version with the substitute) or reject a swap request."""
    swap = SwapRequest.objects.select_for_update().get(pk=swap.pk)
    if swap.status != SwapRequest.Status.PENDING:
        raise DomainError(
            _("Status: this request has already been decided."), code="roster.swap_decided", field="status"
        )
    if approve:
        # A repair awaiting approval was made on the version in force: publishing the swap
        # first would set it aside with the absence unrepaired. Changes are decided in turn.
        waiting = swap.roster.versions.filter(status=V.PROPOSED).order_by("number").first()
        if waiting is not None:
            raise DomainError(
                _("Roster: a proposed change (v%(n)s, %(note)s) awaits approval; approve or reject it first."),
                code="roster.swap_after_proposal",
                field="status",
                params={"n": waiting.number, "note": waiting.note},
            )
        published = selectors.published_version(swap.roster)
        duty = (
            published.assignments.filter(staff=swap.requester, starts_at=swap.starts_at).first() if published else None
        )
        if published is None or duty is None:
            raise DomainError(
                _("Duty: it is no longer in the published roster."), code="roster.swap_gone", field="status"
            )
        clash = published.assignments.filter(
            staff=swap.substitute, starts_at__lt=duty.ends_at, ends_at__gt=duty.starts_at
        ).exists()
        if clash:
            raise DomainError(
                _("Substitute: already on duty at that time."), code="roster.swap_clash", field="substitute"
            )
        version = _new_version(
            actor=actor,
            roster=swap.roster,
            status=V.DRAFT if not swap.roster.versions.filter(status=V.DRAFT).exists() else V.PROPOSED,
            kind=RosterVersion.Kind.SWAP,
            based_on=published,
            note=stored(_("Swap: %(a)s → %(b)s"), {"a": swap.requester.name, "b": swap.substitute.name}),
        )
        cells = [
            planning.Cell(
                day=c.day,
                post=c.post,
                shift=c.shift,
                staff=swap.substitute.pk
                if (
                    c.staff == swap.requester.pk
                    and c.day == duty.day
                    and c.post == (duty.checkpoint_id or planning.OFFICE)
                    and c.shift == duty.shift
                )
                else c.staff,
                locked=c.locked,
            )
            for c in planning.cells_of(published)
        ]
        _write_cells(version, cells)
        _copy_leaders(published, version)
        version_publish(actor=actor, version=version)
    fields = {
        "status": SwapRequest.Status.APPROVED if approve else SwapRequest.Status.REJECTED,
        "decided_by": actor if getattr(actor, "pk", None) else None,
        "decided_at": timezone.now(),
        "decision_note": note[:200],
    }
    return save_instance(actor=actor, instance=swap, fields=fields, action="roster.swap_decide")


@transaction.atomic
def swap_cancel(*, actor: Any, swap: SwapRequest, requester: Staff) -> SwapRequest:
    """The requester withdraws a pending swap request."""
    if swap.requester_id != requester.pk or swap.status != SwapRequest.Status.PENDING:
        raise DomainError(
            _("Status: only your own pending request can be cancelled."), code="roster.swap_cancel", field="status"
        )
    return save_instance(
        actor=actor, instance=swap, fields={"status": SwapRequest.Status.CANCELLED}, action="roster.swap_cancel"
    )


# --- attendance and inspections ------------------------------------------------------------


LATE_AFTER = timedelta(minutes=15)
OFFLINE_CLOCK_MAX_AGE = timedelta(hours=12)  # a tap kept on a phone without network is accepted this long
OFFLINE_CLOCK_SKEW = timedelta(minutes=5)  # how far ahead of the server a phone's clock may be


def unreadable_tap_time() -> DomainError:
    """The error for a kept tap whose time cannot be read."""
    return DomainError(_("Clock: the phone sent no readable time."), code="roster.clock_time", field="clock")


@transaction.atomic
def attendance_clock(
    *, actor: Any, staff: Staff, action: str, at: datetime | None = None, tapped_at: datetime | None = None
) -> Attendance:
    """Clock in to the duty at hand (``action="in"``) or out of it (``"out"``): one tap on the field page.

    The tap says which it is, so a repeated one (a double tap, a retry on a weak network
    whose first answer was lost) changes nothing: clocking in twice keeps the first time,
    and does not clock out.

    ``tapped_at`` is when a tap kept on a phone without network was made: it counts as that
    moment, if the phone's clock is plausible (not ahead of ours, not older than a shift).
    """
    if action not in ("in", "out"):
        raise DomainError(_("Clock: say whether you clock in or out."), code="roster.clock_action", field="clock")
    received = at or timezone.now()
    now = received
    if tapped_at is not None:
        if timezone.is_naive(tapped_at):
            raise unreadable_tap_time()  # a moment without its zone cannot be placed
        if not received - OFFLINE_CLOCK_MAX_AGE <= tapped_at <= received + OFFLINE_CLOCK_SKEW:
            raise DomainError(
                _("Clock: the time the phone gives (%(t)s) is not plausible; check the phone's clock and tap again."),
                code="roster.clock_skew",
                field="clock",
                params={"t": timezone.localtime(tapped_at).strftime("%m-%d %H:%M")},
            )
        now = min(tapped_at, received)
    sent_late = now != received
    late_note = {"received": received} if sent_late else {}  # the audit says when it reached us
    duty = selectors.clockable_duty(staff=staff, at=now)
    if duty is None:
        raise DomainError(
            _("Clock: you have no duty starting within an hour or under way."), code="roster.no_duty", field="clock"
        )
    row = Attendance.objects.select_for_update().filter(staff=staff, planned_start=duty.starts_at).first()
    if action == "out" and (row is None or row.clock_in is None or row.status == Attendance.Status.ABSENT):
        raise DomainError(
            _("Clock: you have not clocked in to this duty."), code="roster.not_clocked_in", field="clock"
        )
    if row is None:
        if now > duty.ends_at:
            raise DomainError(_("Clock: this duty is over."), code="roster.duty_over", field="clock")
        try:
            with transaction.atomic():
                row = Attendance.for_duty(
                    duty,
                    clock_in=now,
                    status=Attendance.Status.LATE if now > duty.starts_at + LATE_AFTER else Attendance.Status.PRESENT,
                    sent_late=sent_late,
                )
                row.save()
        except IntegrityError:
            # The same tap arrived twice at once: the other request clocked in.
            return Attendance.objects.get(staff=staff, planned_start=duty.starts_at)
        audit_record(actor=actor, action="roster.clock_in", target=row, changes={"at": now, **late_note})
        return row
    if row.status == Attendance.Status.ABSENT:
        # Flagged absent by the job, then turned up (or the tap made in time arrives now).
        row.status = Attendance.Status.LATE if now > duty.starts_at + LATE_AFTER else Attendance.Status.PRESENT
        row.clock_in = now
        row.sent_late = row.sent_late or sent_late
        row.save(update_fields=["status", "clock_in", "sent_late", "updated_at"])
        audit_record(
            actor=actor, action="roster.clock_in", target=row, changes={"at": now, "was": "absent", **late_note}
        )
        return row
    if action == "in" and row.clock_out is None:
        return row  # clocked in already: the first time stands
    if action == "out" and row.clock_out is not None:
        return row  # clocked out already: the first time stands
    if row.clock_out is not None:
        raise DomainError(
            _("Clock: you have already clocked out of this duty."), code="roster.clocked_out", field="clock"
        )
    row.clock_out = now
    row.sent_late = row.sent_late or sent_late
    row.save(update_fields=["clock_out", "sent_late", "updated_at"])
    audit_record(actor=actor, action="roster.clock_out", target=row, changes={"at": now, **late_note})
    return row


ABSENT_AFTER = timedelta(minutes=30)


@transaction.atomic
def attendance_flag_absences(*, now: datetime | None = None, lookback: timedelta = timedelta(days=2)) -> int:
    """Mark as absent everyone whose published duty started over half an hour ago without a clock-in."""
    now = now or timezone.now()
    due = (
        selectors.published_assignments()
        .filter(starts_at__lte=now - ABSENT_AFTER, starts_at__gte=now - lookback)
        .select_related("version__roster")
    )
    seen = set(Attendance.objects.filter(planned_start__gte=now - lookback).values_list("staff_id", "planned_start"))
    rows = [
        Attendance.for_duty(a, status=Attendance.Status.ABSENT) for a in due if (a.staff_id, a.starts_at) not in seen
    ]
    Attendance.objects.bulk_create(rows, ignore_conflicts=True)
    if rows:
        audit_record(actor="system", action="roster.absences", changes={"flagged": len(rows)})
    return len(rows)


def inspection_record(
    *, actor: Any, campaign: Campaign, leader: Staff, checkpoint: Checkpoint, at: datetime, findings: str = ""
) -> Inspection:
    """Log a leader's inspection of a checkpoint."""
    if at > timezone.now() + timedelta(minutes=5):
        raise DomainError(
            _("Time: an inspection cannot be in the future."), code="roster.inspection_future", field="at"
        )
    fields = {
        "campaign": campaign,
        "leader": leader,
        "checkpoint": checkpoint,
        "at": at,
        "findings": findings.strip(),
        "recorded_by": actor if getattr(actor, "pk", None) else None,
    }
    return save_instance(actor=actor, instance=Inspection(), fields=fields, action="roster.inspection")


def calendar_token_for(*, actor: Any, staff: Staff, reset: bool = False) -> CalendarToken:
    """Return the staff member's calendar feed token, making (or replacing) it."""
    import secrets

    row = CalendarToken.objects.filter(staff=staff).first()
    if row is None:
        row = CalendarToken.objects.create(staff=staff)
        audit_record(actor=actor, action="roster.calendar_token", target=staff, changes={"created": True})
    elif reset:
        row.token = secrets.token_urlsafe()
        row.save(update_fields=["token"])
        audit_record(actor=actor, action="roster.calendar_token", target=staff, changes={"reset": True})
    return row
