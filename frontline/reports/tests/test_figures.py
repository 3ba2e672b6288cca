"""Must-show 1: every figure is computed from records; each is recomputed here from raw model queries."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from frontline.checkpoints.models import Passage, VehiclePassage
from frontline.health.models import Escalation, EscalationStep, Measure, MissedReport, Person
from frontline.org.models import Checkpoint
from frontline.reports.figures import campaign_summary_figures, daily_report_figures, dashboard_figures
from frontline.roster.models import Assignment, Attendance


def _passage_figures(days: Any) -> dict[str, int]:
    p = Passage.objects.filter(day__in=days)
    v = VehiclePassage.objects.filter(day__in=days)
    return {
        "people": p.count(),
        "people_in": p.filter(direction="in").count(),
        "turned_back": p.filter(outcome="turned_back").count(),
        "fever_events": p.filter(fever_event=True).count(),
        "fevers": p.filter(fever=True).count(),
        "high_risk": p.filter(high_risk=True, direction="in").count(),
        "vehicles": v.count(),
        "vehicles_turned_back": v.filter(outcome="turned_back").count(),
    }


def test_dashboard_figures_match_the_records(generated: Any) -> None:
    g = generated
    f = dashboard_figures(g.org.campaign)
    today = g.today
    campaign_days = [
        g.org.campaign.start_date + timedelta(days=i) for i in range((today - g.org.campaign.start_date).days + 1)
    ]
    # Checkpoints: today and campaign to date, against the passage rows themselves.
    for key, value in _passage_figures([today]).items():
        assert f["checkpoints"]["today"][key] == value, key
    for key, value in _passage_figures(campaign_days).items():
        assert f["checkpoints"]["to_date"][key] == value, key
    assert f["checkpoints"]["today"]["people"] > 0
    for row in f["checkpoints"]["by_checkpoint"]:
        assert row["to_date"]["people"] == Passage.objects.filter(checkpoint_id=row["checkpoint_id"]).count()
        assert row["today"]["people"] == Passage.objects.filter(checkpoint_id=row["checkpoint_id"], day=today).count()
    for row in f["checkpoints"]["by_day"]:
        assert row["people"] == Passage.objects.filter(day=row["day"]).count()
    # Health.
    open_measures = Measure.objects.filter(status__in=["active", "extended"])
    assert f["health"]["measures"]["open"] == open_measures.count() == 5
    assert f["health"]["measures"]["open_home"] == open_measures.filter(kind="home").count()
    assert f["health"]["missed"]["today"] == MissedReport.objects.filter(day=today).count() == 3
    open_e = Escalation.objects.exclude(state="closed")
    assert f["health"]["escalations"]["open"] == open_e.count() == 3
    now = timezone.now()
    overdue = [e for e in open_e if e.overdue]
    assert f["health"]["escalations"]["overdue"] == len(overdue) == 2  # never notified; notified late
    # Duty: who is on a published duty now.
    on_duty = Assignment.objects.filter(
        version__status="published", starts_at__lte=now, ends_at__gt=now, checkpoint__isnull=False
    )
    assert f["roster"]["on_duty_now_count"] == on_duty.count() == 2
    assert sorted(s for c in f["roster"]["on_duty_now"] for s in c["staff"]) == sorted(
        on_duty.values_list("staff__name", flat=True)
    )
    # Supplies: masks 1000 + 500 in, 4 × 120 out, 20 back.
    masks = next(i for i in f["supplies"]["items"] if i["name"] == "医用口罩")
    assert masks["on_hand"] == 1000 + 500 - 4 * 120 + 20
    assert masks["per_day"] == round((4 * 120 - 20) / 7, 1)
    assert masks["days_of_cover"] == round((1000 + 500 - 4 * 120 + 20) / ((4 * 120 - 20) / 7), 1)
    assert masks["short"] is True  # under its 30 days
    # Service desk.
    assert f["desk"]["tips"]["open"] == 3
    assert f["desk"]["legal_aid"]["open"] == 1


def test_daily_report_figures_match_the_records(generated: Any) -> None:
    g = generated
    day = g.days[1]
    f = daily_report_figures(g.org.campaign, day)
    for key, value in _passage_figures([day]).items():
        assert f["checkpoints"]["today"][key] == value, key
    fevers = Passage.objects.filter(day=day, fever_event=True)
    assert [e["id"] for e in f["events"]["checkpoints"]["fevers"]] == list(
        fevers.order_by("at", "id").values_list("id", flat=True)
    )
    turned = Passage.objects.filter(day=day, outcome="turned_back")
    assert len(f["events"]["checkpoints"]["turned_back"]) == turned.count()
    # Measures open at the end of that day: started by then, not ended by then.
    open_then = Measure.objects.filter(start_date__lte=day).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
    assert f["health"]["measures"]["open"] == open_then.count()
    assert f["health"]["missed"]["today"] == MissedReport.objects.filter(day=day).count()
    # Duty: planned duties and attendance of the day.
    assert (
        f["roster"]["coverage"]["duties_planned"]
        == Assignment.objects.filter(version__status="published", day=day).count()
    )
    att = Attendance.objects.filter(day=day)
    assert f["roster"]["attendance"]["present"] == att.filter(status="present").count()
    assert f["roster"]["attendance"]["absent"] == att.filter(status="absent").count()
    assert f["roster"]["attendance"]["today_person_times"] == att.filter(clock_in__isnull=False).count()
    # Coverage: each open checkpoint's two shifts against one staff member.
    needed = 0
    covered = 0
    for cp in Checkpoint.objects.filter(opened_on__lte=day):
        for shift in cp.shift_pattern:
            needed += 1
            n = Assignment.objects.filter(version__status="published", day=day, checkpoint=cp, shift=shift).count()
            covered += n >= cp.staff_min
    assert (f["roster"]["coverage"]["shifts_needed"], f["roster"]["coverage"]["shifts_covered"]) == (needed, covered)
    # Supplies issued and received that day.
    gloves = next(i for i in f["supplies"]["items"] if i["name"] == "一次性医用手套")
    assert gloves["issued_today"] == 30
    masks = next(i for i in f["supplies"]["items"] if i["name"] == "医用口罩")
    assert masks["received_today"] == 500  # the donation came that day
    assert masks["on_hand"] == 1000 + 500 - 2 * 120


def test_summary_figures_match_the_records(generated: Any) -> None:
    g = generated
    campaign = g.org.campaign
    f = campaign_summary_figures(campaign)
    assert f["last_day"] == g.today.isoformat()
    days = (g.today - campaign.start_date).days + 1
    assert f["org"]["duration_days"] == days == 11
    assert f["org"]["batches"] == campaign.batches.count()
    assert f["org"]["checkpoints"] == Checkpoint.objects.count() == 3
    people = Passage.objects.count()
    vehicles = VehiclePassage.objects.count()
    assert f["checkpoints"]["to_date"]["people"] == people
    assert f["checkpoints"]["daily_average"]["people"] == round(people / days, 1)
    assert f["checkpoints"]["daily_average"]["vehicles"] == round(vehicles / days, 1)
    assert f["roster"]["attendance"]["person_times"] == Attendance.objects.filter(clock_in__isnull=False).count()
    # People watched by category (a person in two categories counts in each).
    by_cat = {c["code"]: c["count"] for c in f["health"]["watched_by_category"]}
    for code in ("returnee", "corrections", "contact"):
        assert by_cat[code] == Person.objects.filter(categories__code=code).count(), code
    assert f["health"]["measures"]["watched"] == Person.objects.count()
    assert f["health"]["measures"]["completed"] == Measure.objects.filter(status="released").count() == 2
    assert (
        f["health"]["escalations"]["handed_over"]
        == (EscalationStep.objects.filter(to_state="handed_to_health_dept").values("escalation").distinct().count())
        == 2
    )
    masks = next(i for i in f["supplies"]["items"] if i["name"] == "医用口罩")
    assert masks["issued"] == 4 * 120 - 20
    assert masks["donated"] == 500
    assert f["supplies"]["donated"] == 700
    assert f["supplies"]["donated_value"] == "750.00"
    assert f["desk"]["tips"]["handled"] == 2
    assert f["desk"]["legal_aid"]["handled"] == 2
    assert f["party"]["temporary_branches"] == 1
    assert f["party"]["communities_served"] == 2
    assert f["party"]["members_reporting"] == 2
    assert f["party"]["dues_total"] == str(Decimal("600.50"))
    assert f["party"]["commendations"] == {"total": 2, "collective": 1, "individual": 1}


def test_figures_never_count_what_lies_outside_the_campaign(generated: Any) -> None:
    """A passage tally before the campaign started is no part of it."""
    from frontline.checkpoints.models import DailyTally

    g = generated
    before = g.org.campaign.start_date - timedelta(days=1)
    DailyTally.objects.create(checkpoint=g.org.checkpoint_a, day=before, people_in=999, vehicles=99)
    f = campaign_summary_figures(g.org.campaign)
    assert f["checkpoints"]["to_date"]["people"] == Passage.objects.count()
