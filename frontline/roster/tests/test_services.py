"""Roster services end to end through the ORM: generate, check, edit, lock, re-solve, publish, repair."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from frontline.core.errors import DomainError
from frontline.core.models import AuditLog, Notification
from frontline.roster import checker, planning, selectors, services
from frontline.roster.models import Assignment, LeaderDuty, RosterVersion, RuleKey

TL = 3.0  # seconds: small instances, short limits


def generate(ro: Any, days: int = 7, **kw: Any) -> RosterVersion:
    return services.roster_create(
        actor=ro.office,
        campaign=ro.campaign,
        name="测试排班",
        start_date=ro.start,
        end_date=ro.start + timedelta(days=days - 1),
        batch=ro.batch,
        time_limit=TL,
        **kw,
    )


def independent_check(version: RosterVersion) -> Any:
    """Check with the checker on a problem rebuilt from the database, not the solver's word."""
    plan = planning.build_plan(version.roster)
    pairs = [(a.staff_id, (a.day, a.checkpoint_id or 0, a.shift)) for a in version.assignments.all()]
    return checker.check_roster(planning.to_problem(plan), pairs)


@pytest.mark.django_db
def test_it_generates_a_draft_that_keeps_every_hard_rule(roster_org: Any) -> None:
    version = generate(roster_org)
    assert version.status == RosterVersion.Status.DRAFT
    assert version.solver_status in ("optimal", "feasible")
    assert version.gap is not None and version.objective is not None
    result = independent_check(version)
    assert result.hard == []
    # Coverage read straight from the rows: every checkpoint shift of every day has its minimum.
    per_cell = Counter((a.day, a.checkpoint_id, a.shift) for a in version.assignments.all())
    for cp in (roster_org.checkpoint_a, roster_org.checkpoint_a2, roster_org.checkpoint_b):
        for d in version.roster.days:
            for shift in cp.shift_pattern:
                assert cp.staff_min <= per_cell[(d, cp.pk, shift)] <= cp.staff_max
    # Nobody stands two shifts a day, and office duty goes only to the office group.
    per_person_day = Counter((a.staff_id, a.day) for a in version.assignments.all())
    assert max(per_person_day.values()) == 1
    office_ids = {s.pk for s in roster_org.office_staff}
    assert {a.staff_id for a in version.assignments.filter(checkpoint__isnull=True)} <= office_ids
    # One leadership member leads every day.
    leaders = {s.pk for s in roster_org.leaders}
    rota = list(LeaderDuty.objects.filter(version=version))
    assert len(rota) == 7 and {ld.staff_id for ld in rota} <= leaders
    assert AuditLog.objects.filter(action="roster.solve").exists()


@pytest.mark.django_db
def test_it_keeps_older_staff_off_nights_by_a_configurable_limit(roster_org: Any) -> None:
    older = roster_org.staff[0]
    older.birth_date = roster_org.start.replace(year=roster_org.start.year - 60)
    older.save()
    services.person_limit_save(
        actor=roster_org.office,
        campaign=roster_org.campaign,
        name="55+",
        min_age=55,
        max_hours_per_day=6,
        no_nights=True,
    )
    version = generate(roster_org)
    mine = list(version.assignments.filter(staff=older))
    assert all(a.shift != "19:00-07:00" for a in mine)


@pytest.mark.django_db
def test_an_impossible_demand_is_explained_by_checkpoint_day_and_shortfall(roster_org: Any, client_as: Any) -> None:
    from frontline.org import services as org_services

    # Only two people serve in the batch, but three checkpoints need nine people a day.
    org_services.batch_save(
        actor="test",
        batch=roster_org.batch,
        campaign=roster_org.campaign,
        number=1,
        start_date=roster_org.batch.start_date,
        end_date=roster_org.batch.end_date,
        staff=roster_org.staff[:2],
    )
    version = generate(roster_org, days=3)
    assert version.solver_status == "infeasible"
    assert version.assignments.count() == 0
    rows = version.explanation
    assert rows, "an infeasible roster must say why"
    first = rows[0]
    assert first["post"] and first["day"] and first["shortfall"] >= 1
    page = client_as(roster_org.office).get(f"/roster/versions/{version.pk}/")
    html = page.content.decode()
    assert "explanation" in html
    assert first["post"] in html and first["day"] in html
    with pytest.raises(DomainError):
        services.version_publish(actor=roster_org.office, version=version)


@pytest.mark.django_db
def test_a_hand_edit_shows_the_breach_and_resolving_keeps_the_locked_cell(roster_org: Any) -> None:
    version = generate(roster_org, days=5)
    day = version.roster.start_date + timedelta(days=1)
    cp = roster_org.checkpoint_a
    # Put someone who already has a shift that day on the morning at A01 as well.
    busy = (
        version.assignments.filter(day=day)
        .exclude(checkpoint=cp)
        .exclude(checkpoint__isnull=True)
        .exclude(shift="07:00-13:00")
        .first()
    )
    assert busy is not None
    breaches = services.cell_set(
        actor=roster_org.office, version=version, day=day, checkpoint=cp, shift="07:00-13:00", staff=[busy.staff]
    )
    hard = [b for b in breaches if b.hard or b.rule == RuleKey.ONE_SHIFT_PER_DAY]
    assert hard, breaches
    assert any(busy.staff.name in b.message for b in hard)
    with pytest.raises(DomainError) as exc:
        services.version_publish(actor=roster_org.office, version=version)
    assert exc.value.code == "roster.breaches"
    services.cell_lock(
        actor=roster_org.office, version=version, day=day, checkpoint=cp, shift="07:00-13:00", locked=True
    )
    services.roster_resolve(actor=roster_org.office, version=version, time_limit=TL)
    kept = version.assignments.get(day=day, checkpoint=cp, shift="07:00-13:00", staff=busy.staff)
    assert kept.locked
    # The solver moved the person's other shift away; the roster is clean again and publishes.
    assert version.assignments.filter(day=day, staff=busy.staff).count() == 1
    assert independent_check(version).hard == []
    services.version_publish(actor=roster_org.office, version=version)
    version.refresh_from_db()
    assert version.status == RosterVersion.Status.PUBLISHED


@pytest.mark.django_db
def test_publishing_a_new_version_supersedes_the_old_and_shows_the_difference(roster_org: Any) -> None:
    v1 = generate(roster_org, days=4)
    services.version_publish(actor=roster_org.office, version=v1)
    v2 = services.version_draft(actor=roster_org.office, roster=v1.roster)
    assert v2.number == 2 and v2.assignments.count() == v1.assignments.count()

    # A cell of the last days given to someone off that day and the days either side (a night ending at 07:00
    # leaves no rest before a morning): which cells and people that allows depends on the roster the solver found.
    def off_around(staff: Any, day: Any) -> bool:
        days = [day - timedelta(days=1), day, day + timedelta(days=1)]
        return not v2.assignments.filter(day__in=days, staff=staff).exists()

    cells = v2.assignments.filter(checkpoint=roster_org.checkpoint_b).order_by("-day", "starts_at")
    cell, free = next((c, s) for c in cells for s in roster_org.staff if off_around(s, c.day))
    services.cell_set(
        actor=roster_org.office,
        version=v2,
        day=cell.day,
        checkpoint=roster_org.checkpoint_b,
        shift=cell.shift,
        staff=[free],
    )
    diff = selectors.version_diff(v2, v1)
    assert [a.staff_id for a in diff.added] == [free.pk]
    assert cell.staff_id in [a.staff_id for a in diff.removed]
    services.version_publish(actor=roster_org.office, version=v2)
    v1.refresh_from_db()
    assert v1.status == RosterVersion.Status.SUPERSEDED
    with pytest.raises(DomainError):
        services.version_set_status(actor=roster_org.office, version=v1, status=RosterVersion.Status.PUBLISHED)
    with pytest.raises(DomainError):
        services.cell_set(
            actor=roster_org.office,
            version=v1,
            day=cell.day,
            checkpoint=roster_org.checkpoint_b,
            shift=cell.shift,
            staff=[free],
        )


@pytest.mark.django_db(transaction=True)
def test_isolation_proposes_a_repair_changing_only_that_persons_shifts_and_few_others(
    roster_org: Any, monkeypatch: Any
) -> None:
    from frontline.health.signals import staff_measure_started

    monkeypatch.setattr(services, "REPAIR_TIME_LIMIT", TL)
    v1 = generate(roster_org, days=6)
    services.version_publish(actor=roster_org.office, version=v1)
    start = roster_org.start + timedelta(days=2)
    counts = Counter(a.staff_id for a in v1.assignments.filter(day__gte=start, checkpoint__isnull=False))
    victim_id = counts.most_common(1)[0][0]
    victim = next(s for s in roster_org.staff if s.pk == victim_id)
    theirs = v1.assignments.filter(staff=victim, day__gte=start).count()
    assert theirs > 0

    measure = SimpleNamespace(start_date=start, planned_end=start + timedelta(days=13))
    staff_measure_started.send(sender=None, staff=victim, measure=measure)

    proposal = RosterVersion.objects.get(roster=v1.roster, status=RosterVersion.Status.PROPOSED)
    assert proposal.kind == RosterVersion.Kind.REPAIR and proposal.based_on_id == v1.pk
    assert not proposal.assignments.filter(staff=victim, day__gte=start).exists()
    # Days before the measure are untouched.
    before_old = {a.key() for a in v1.assignments.filter(day__lt=start)}
    before_new = {a.key() for a in proposal.assignments.filter(day__lt=start)}
    assert before_old == before_new
    diff = selectors.version_diff(proposal, v1)
    removed_others = [a for a in diff.removed if a.staff_id != victim.pk]
    # Each of their shifts needs one replacement; anything beyond that is a knock-on move, kept few.
    assert len(diff.added) <= theirs + len(removed_others)
    assert len(removed_others) <= theirs
    assert independent_check(proposal).hard == []
    # The office is asked to approve, and approving publishes it.
    assert Notification.objects.filter(user=roster_org.office, kind="roster.repair").exists()
    services.version_publish(actor=roster_org.office, version=proposal)
    assert selectors.published_version(v1.roster).pk == proposal.pk


@pytest.mark.django_db(transaction=True)
def test_sick_leave_over_published_duties_proposes_a_repair(roster_org: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(services, "REPAIR_TIME_LIMIT", TL)
    v1 = generate(roster_org, days=6)
    services.version_publish(actor=roster_org.office, version=v1)
    start = roster_org.start + timedelta(days=2)
    end = start + timedelta(days=1)
    # Someone on duty in those two days and after them.
    during = set(
        v1.assignments.filter(day__gte=start, day__lte=end, checkpoint__isnull=False).values_list("staff", flat=True)
    )
    later = set(v1.assignments.filter(day__gt=end).values_list("staff", flat=True))
    sick = next(s for s in roster_org.staff if s.pk in during & later)
    theirs = v1.assignments.filter(staff=sick, day__gte=start, day__lte=end).count()
    assert theirs > 0

    services.unavailability_save(
        actor=roster_org.office, staff=sick, kind="sick", start_date=start, end_date=end, reason="发烧"
    )

    proposal = RosterVersion.objects.get(roster=v1.roster, status=RosterVersion.Status.PROPOSED)
    assert proposal.kind == RosterVersion.Kind.REPAIR and proposal.repair_staff_id == sick.pk
    assert not proposal.assignments.filter(staff=sick, day__gte=start, day__lte=end).exists()
    # Their duties after the leave stay theirs (they are away two days, not from then on).
    after = {a.key() for a in v1.assignments.filter(staff=sick, day__gt=end)}
    assert after and after <= {a.key() for a in proposal.assignments.filter(staff=sick)}
    # Others lose at most one duty per duty of theirs given away; the days before are untouched.
    diff = selectors.version_diff(proposal, v1)
    assert len([a for a in diff.removed if a.staff_id != sick.pk]) <= theirs
    assert {a.key() for a in v1.assignments.filter(day__lt=start)} == {
        a.key() for a in proposal.assignments.filter(day__lt=start)
    }
    assert independent_check(proposal).hard == []
    assert Notification.objects.filter(user=roster_org.office, kind="roster.repair").exists()
    # Saving the same dates again proposes nothing more; leave with no duties proposes nothing.
    record = services.Unavailability.objects.get(staff=sick)
    services.unavailability_save(
        actor=roster_org.office, unavailability=record, staff=sick, kind="sick", start_date=start, end_date=end
    )
    beyond = v1.roster.end_date + timedelta(days=1)
    services.unavailability_save(
        actor=roster_org.office, staff=roster_org.staff[0], kind="leave", start_date=beyond, end_date=beyond
    )
    assert RosterVersion.objects.filter(status=RosterVersion.Status.PROPOSED).count() == 1


@pytest.mark.django_db
def test_rule_settings_are_stored_per_campaign_and_preferences_stay_soft(roster_org: Any) -> None:
    services.rule_setting_save(
        actor=roster_org.office,
        campaign=roster_org.campaign,
        key=RuleKey.MAX_SHIFTS_PER_WEEK,
        enabled=True,
        hard=False,
        weight=7,
        value=4,
    )
    rule = selectors.rules_for(roster_org.campaign)[RuleKey.MAX_SHIFTS_PER_WEEK]
    assert (rule.hard, rule.weight, rule.value) == (False, 7, 4)
    with pytest.raises(DomainError) as exc:
        services.rule_setting_save(
            actor=roster_org.office,
            campaign=roster_org.campaign,
            key=RuleKey.CONTINUITY,
            enabled=True,
            hard=True,
            weight=1,
            value=0,
        )
    assert exc.value.field == "hard"
    plan = planning.build_plan(
        services.Roster(
            campaign=roster_org.campaign, start_date=roster_org.start, end_date=roster_org.start + timedelta(days=1)
        )
    )
    problem = planning.to_problem(plan)
    assert problem.rules.max_shifts_per_week.value == 4 and problem.rules.max_shifts_per_week.hard is False


@pytest.mark.django_db
def test_leave_makes_a_person_unavailable(roster_org: Any) -> None:
    person = roster_org.staff[3]
    services.unavailability_save(
        actor=roster_org.office,
        staff=person,
        kind="leave",
        start_date=roster_org.start,
        end_date=roster_org.start + timedelta(days=2),
        reason="事假",
    )
    version = generate(roster_org, days=4)
    assert not version.assignments.filter(staff=person, day__lte=roster_org.start + timedelta(days=2)).exists()
    with pytest.raises(DomainError) as exc:
        services.unavailability_save(
            actor=roster_org.office,
            staff=person,
            kind="leave",
            start_date=roster_org.start,
            end_date=roster_org.start - timedelta(days=1),
        )
    assert exc.value.field == "end_date"


@pytest.mark.django_db
def test_a_swap_request_approved_publishes_a_version_with_the_substitute(roster_org: Any) -> None:
    v1 = generate(roster_org, days=5)
    services.version_publish(actor=roster_org.office, version=v1)
    # A duty and a substitute free the day before, the day and the day after, so the swap keeps the rest rules.

    def rested(staff: Any, day: Any) -> bool:
        window = v1.assignments.filter(staff=staff, day__gte=day - timedelta(days=1), day__lte=day + timedelta(days=1))
        return not window.exists()

    duty, substitute = next(
        (d, s)
        for d in v1.assignments.filter(day__gte=roster_org.start + timedelta(days=1), checkpoint__isnull=False)
        for s in roster_org.staff
        if s != d.staff and rested(s, d.day)
    )
    requester = duty.staff
    swap = services.swap_request(
        actor=roster_org.duty, requester=requester, duty=duty, substitute=substitute, reason="家中有事"
    )
    with pytest.raises(DomainError):
        services.swap_request(
            actor=roster_org.duty, requester=requester, duty=duty, substitute=substitute, reason="again"
        )
    services.swap_decide(actor=roster_org.office, swap=swap, approve=True)
    current = selectors.published_version(v1.roster)
    assert current.number == 2 and current.kind == RosterVersion.Kind.SWAP
    assert current.assignments.filter(staff=substitute, starts_at=duty.starts_at).exists()
    assert not current.assignments.filter(staff=requester, starts_at=duty.starts_at).exists()
    with pytest.raises(DomainError):
        services.swap_decide(actor=roster_org.office, swap=swap, approve=False)


@pytest.mark.django_db
def test_a_swap_waits_for_the_repair_proposed_on_the_same_roster(roster_org: Any) -> None:
    v1 = generate(roster_org, days=5)
    services.version_publish(actor=roster_org.office, version=v1)
    later = v1.assignments.filter(day__gte=roster_org.start + timedelta(days=1), checkpoint__isnull=False)
    absent = later.first().staff
    [proposal] = services.roster_repair_propose(
        actor=roster_org.office, staff=absent, start=roster_org.start + timedelta(days=1), time_limit=3
    )
    duty = later.exclude(staff=absent).first()
    substitute = next(s for s in roster_org.staff if s not in (absent, duty.staff))
    swap = services.swap_request(
        actor=roster_org.duty, requester=duty.staff, duty=duty, substitute=substitute, reason="家中有事"
    )
    # Publishing the swap first would set the repair aside with the absence left on the roster.
    with pytest.raises(DomainError) as exc:
        services.swap_decide(actor=roster_org.office, swap=swap, approve=True)
    assert exc.value.code == "roster.swap_after_proposal" and f"第{proposal.number}版" in str(exc.value)
    proposal.refresh_from_db()
    assert proposal.status == RosterVersion.Status.PROPOSED
    assert selectors.published_version(v1.roster) == v1
    # Once the repair is decided, the swap can be.
    services.version_discard(actor=roster_org.office, version=proposal)
    swap.refresh_from_db()
    assert swap.status == swap.Status.PENDING
    services.swap_decide(actor=roster_org.office, swap=swap, approve=False)


@pytest.mark.django_db
def test_selectors_for_other_apps_read_only_published_duties(roster_org: Any) -> None:
    v1 = generate(roster_org, days=3)
    day = roster_org.start + timedelta(days=1)
    assert selectors.duty_staff_on(day=day) == set()
    services.version_publish(actor=roster_org.office, version=v1)
    assert selectors.duty_staff_on(day=day) == set(v1.assignments.filter(day=day).values_list("staff_id", flat=True))
    morning = v1.assignments.filter(day=day, shift="07:00-13:00", checkpoint__isnull=False)
    at = morning.first().starts_at + timedelta(hours=1)
    now = selectors.on_duty_now(at=at)
    assert {(cp.pk, s.pk) for cp, s in now} >= {(a.checkpoint_id, a.staff_id) for a in morning}
    person = morning.first().staff
    duties = selectors.staff_duties(staff=person, day_from=roster_org.start)
    assert duties and all(d.staff_id == person.pk for d in duties)
    assert isinstance(Assignment.objects.first(), Assignment)


def test_swap_status_reads_as_awaiting_approval_in_chinese() -> None:
    # "Pending" is also the outbox's word (待发送, not yet sent): the swap's has its own context.
    from django.utils import translation

    from frontline.core.models import OutboxMessage
    from frontline.roster.models import SwapRequest

    with translation.override("zh-hans"):
        assert str(SwapRequest.Status.PENDING.label) == "待审批"
        assert str(SwapRequest.Status.APPROVED.label) == "已批准"
        assert str(SwapRequest.Status.REJECTED.label) == "已驳回"
        assert str(OutboxMessage.Status.PENDING.label) == "待发送"
