"""Every figure the dashboard, the daily report and the campaign summary show, computed from records.

Each module's figures live in one function here that imports the module lazily and answers
`{"available": False}` when the module's models are not installed, so a page never breaks
because a module is missing. Every function runs a fixed number of queries whatever the
amount of data, reads counters and non-personal fields only (never the passage tables, never
a name, ID number, phone or address), and returns plain JSON values: the figures are archived
as they are, and they stay the same after residents' identifiers are erased.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from frontline.org.models import Campaign, Checkpoint

# How many days back the rate of use of supplies is averaged over (today included).
SUPPLY_RATE_DAYS = 7
# How many rows of each kind of notable event a daily report lists (the totals are always whole).
EVENT_ROWS = 50

NOT_AVAILABLE: dict[str, Any] = {"available": False}

TALLY_COUNTERS = (
    "people_in",
    "people_out",
    "turned_back",
    "referred",
    "fevers",
    "fever_events",
    "high_risk",
    "vehicles",
    "vehicles_turned_back",
)


def _model(app_label: str, name: str) -> Any:
    """Return a module's model, or None when the module is not there (yet)."""
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def _num(value: Any) -> Any:
    """Turn an aggregate into a JSON number (None and NULL sums are 0)."""
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class Period:
    """The days a set of figures covers: the campaign's first day to `day`, and `day` itself."""

    campaign: Campaign
    day: date  # "today" of the figures: the report's date, or the local date on the dashboard
    start: date
    now: datetime  # the moment "open" and "on duty" are judged at: now, or the end of a past day

    @property
    def days(self) -> int:
        return max((self.day - self.start).days + 1, 0)

    @property
    def moment(self) -> datetime:
        return min(self.now, _end_of(self.day))


def period_for(campaign: Campaign, day: date, now: datetime | None = None) -> Period:
    """Return the period from the campaign's start to a day."""
    return Period(campaign=campaign, day=day, start=campaign.start_date, now=now or timezone.now())


def campaign_last_day(campaign: Campaign, today: date | None = None) -> date:
    """Return the last day a campaign's summary covers: its closing day, its end, or today."""
    today = today or timezone.localdate()
    closure = _model("reports", "CampaignClosure")
    closed_on = closure.objects.filter(campaign=campaign).values_list("closed_on", flat=True).first()
    if closed_on:
        return closed_on
    if campaign.end_date and campaign.end_date < today:
        return campaign.end_date
    return max(today, campaign.start_date)


# --- the organisation ----------------------------------------------------------------------------


def org_figures(p: Period) -> dict[str, Any]:
    """Batches, and checkpoints open at some time in the period and on the day."""
    counts = Checkpoint.objects.filter(opened_on__lte=p.day).aggregate(
        ever=Count("id", filter=Q(closed_on__isnull=True) | Q(closed_on__gte=p.start)),
        today=Count("id", filter=Q(closed_on__isnull=True) | Q(closed_on__gte=p.day)),
        communities=Count("community", distinct=True, filter=Q(closed_on__isnull=True) | Q(closed_on__gte=p.start)),
    )
    return {
        "available": True,
        "duration_days": p.days,
        "batches": p.campaign.batches.filter(start_date__lte=p.day).count(),
        "checkpoints": counts["ever"],
        "checkpoints_open": counts["today"],
        "communities": counts["communities"],
    }


# --- checkpoints: from the daily tallies, never from the passage tables ---------------------------


def checkpoint_figures(p: Period) -> dict[str, Any]:
    """People and vehicles checked, turned back, fevers and high-risk arrivals: the day, to date, by day and by checkpoint."""
    tally = _model("checkpoints", "DailyTally")
    if tally is None:
        return NOT_AVAILABLE
    counters = [c for c in TALLY_COUNTERS if c in {f.name for f in tally._meta.fields}]
    sums = {f"s_{c}": Sum(c) for c in counters}  # aliased: an annotation may not shadow its field
    rng = tally.objects.filter(day__gte=p.start, day__lte=p.day)
    by_day_rows = {r["day"]: r for r in rng.values("day").annotate(**sums).order_by("day")}
    by_cp_rows = {
        r["checkpoint_id"]: r
        for r in rng.values("checkpoint_id").annotate(
            **sums,
            today_people_in=Sum("people_in", filter=Q(day=p.day)),
            today_people_out=Sum("people_out", filter=Q(day=p.day)),
            today_vehicles=Sum("vehicles", filter=Q(day=p.day)),
            today_turned_back=Sum("turned_back", filter=Q(day=p.day)),
            today_fever_events=Sum("fever_events", filter=Q(day=p.day)),
        )
    }
    checkpoints = {
        c["id"]: c
        for c in Checkpoint.objects.filter(
            Q(id__in=list(by_cp_rows))
            | Q(opened_on__lte=p.day) & (Q(closed_on__isnull=True) | Q(closed_on__gte=p.start))
        ).values("id", "code", "name", "community__name")
    }

    def shape(row: dict[str, Any] | None) -> dict[str, int]:
        row = row or {}
        out = {c: int(row.get(f"s_{c}") or 0) for c in counters}
        out["people"] = out.get("people_in", 0) + out.get("people_out", 0)
        return out

    by_day = []
    to_date = {c: 0 for c in [*counters, "people"]}
    for i in range(p.days):
        d = p.start + timedelta(days=i)
        figures = shape(by_day_rows.get(d))
        for k, v in figures.items():
            to_date[k] += v
        by_day.append({"day": d.isoformat(), **figures})
    by_checkpoint = []
    for cp_id, cp in sorted(checkpoints.items(), key=lambda kv: (kv[1]["code"], kv[0])):
        row = by_cp_rows.get(cp_id) or {}
        by_checkpoint.append(
            {
                "checkpoint_id": cp_id,
                "code": cp["code"],
                "name": cp["name"],
                "community": cp["community__name"],
                "to_date": shape(row),
                "today": {
                    "people": int(row.get("today_people_in") or 0) + int(row.get("today_people_out") or 0),
                    "vehicles": int(row.get("today_vehicles") or 0),
                    "turned_back": int(row.get("today_turned_back") or 0),
                    "fever_events": int(row.get("today_fever_events") or 0),
                },
            }
        )
    days = p.days or 1
    return {
        "available": True,
        "today": shape(by_day_rows.get(p.day)),
        "to_date": to_date,
        "daily_average": {
            "people": round(to_date["people"] / days, 1),
            "vehicles": round(to_date.get("vehicles", 0) / days, 1),
        },
        "by_day": by_day,
        "by_checkpoint": by_checkpoint,
    }


def checkpoint_events(p: Period) -> dict[str, Any]:
    """The day's notable passages: fevers or dry coughs, and people turned back (no personal fields)."""
    passage = _model("checkpoints", "Passage")
    if passage is None:
        return NOT_AVAILABLE
    base = passage.objects.filter(day=p.day).order_by("at", "id")
    fields = ("id", "at", "checkpoint__code", "checkpoint__name", "temperature", "symptoms", "origin_region", "outcome")
    fevers = list(base.filter(fever_event=True).values(*fields)[:EVENT_ROWS])
    turned = list(base.filter(outcome="turned_back").values(*fields)[:EVENT_ROWS])

    def row(r: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": r["id"],
            "time": timezone.localtime(r["at"]).strftime("%H:%M"),
            "checkpoint": f"{r['checkpoint__code']} {r['checkpoint__name']}",
            "temperature": str(r["temperature"]) if r["temperature"] is not None else "",
            "symptoms": list(r["symptoms"] or []),
            "origin_region": r["origin_region"] or "",
            "outcome": r["outcome"],
        }

    return {"available": True, "fevers": [row(r) for r in fevers], "turned_back": [row(r) for r in turned]}


# --- health -------------------------------------------------------------------------------------


def health_figures(p: Period) -> dict[str, Any]:
    """Measures open and completed, missed reports, fever escalations open, overdue and handed over."""
    measure = _model("health", "Measure")
    if measure is None:
        return NOT_AVAILABLE
    missed = _model("health", "MissedReport")
    escalation = _model("health", "Escalation")
    step = _model("health", "EscalationStep")
    person = _model("health", "Person")
    moment = p.moment
    open_q = Q(start_date__lte=p.day) & (Q(ended_on__isnull=True) | Q(ended_on__gt=p.day))
    in_period = Q(start_date__lte=p.day) & (Q(ended_on__isnull=True) | Q(ended_on__gte=p.start))
    m = measure.objects.aggregate(
        open=Count("id", filter=open_q),
        open_home=Count("id", filter=open_q & Q(kind="home")),
        open_medical=Count("id", filter=open_q & Q(kind="medical")),
        open_central=Count("id", filter=open_q & Q(kind="central")),
        started_today=Count("id", filter=Q(start_date=p.day)),
        started=Count("id", filter=Q(start_date__gte=p.start, start_date__lte=p.day)),
        completed=Count("id", filter=Q(status="released", ended_on__gte=p.start, ended_on__lte=p.day)),
        released_today=Count("id", filter=Q(status="released", ended_on=p.day)),
        to_hospital=Count("id", filter=Q(status="hospital", ended_on__gte=p.start, ended_on__lte=p.day)),
        watched=Count("person", distinct=True, filter=in_period),
    )
    out: dict[str, Any] = {"available": True, "measures": {k: int(v or 0) for k, v in m.items()}}
    if missed is not None:
        mr = missed.objects.filter(day__gte=p.start, day__lte=p.day).aggregate(
            today=Count("id", filter=Q(day=p.day)),
            today_people=Count("measure__person", distinct=True, filter=Q(day=p.day)),
            to_date=Count("id"),
        )
        out["missed"] = {k: int(v or 0) for k, v in mr.items()}
    if escalation is not None:
        overdue = Q(notified_at__isnull=True, notify_due_at__lt=moment) | Q(notified_at__gt=F("notify_due_at"))
        open_e = (
            Q(detected_at__lt=moment)
            & (Q(closed_at__isnull=True) | Q(closed_at__gt=moment))
            & ~Q(state="closed", closed_at__isnull=True)
        )
        e = escalation.objects.aggregate(
            open=Count("id", filter=open_e),
            overdue=Count("id", filter=open_e & overdue),
            today=Count("id", filter=Q(detected_at__gte=_start_of(p.day), detected_at__lt=_end_of(p.day))),
            to_date=Count("id", filter=Q(detected_at__gte=_start_of(p.start), detected_at__lt=_end_of(p.day))),
        )
        out["escalations"] = {k: int(v or 0) for k, v in e.items()}
        if step is not None:
            out["escalations"]["handed_over"] = (
                step.objects.filter(
                    to_state="handed_to_health_dept",
                    at__gte=_start_of(p.start),
                    at__lt=_end_of(p.day),
                )
                .values("escalation_id")
                .distinct()
                .count()
            )
    if person is not None and hasattr(person, "categories"):
        rows = (
            person.objects.filter(measures__in=measure.objects.filter(in_period))
            .values("categories__code", "categories__name")
            .annotate(n=Count("id", distinct=True))
            .order_by("categories__code")
        )
        out["watched_by_category"] = [
            {"code": r["categories__code"] or "", "name": r["categories__name"] or "", "count": r["n"]} for r in rows
        ]
    return out


def health_events(p: Period) -> dict[str, Any]:
    """The day's fever escalations and missed reports, by community and slot (no personal fields)."""
    escalation = _model("health", "Escalation")
    missed = _model("health", "MissedReport")
    if escalation is None:
        return NOT_AVAILABLE
    rows = list(
        escalation.objects.filter(detected_at__gte=_start_of(p.day), detected_at__lt=_end_of(p.day))
        .order_by("detected_at", "id")
        .values("id", "detected_at", "source", "temperature", "symptoms", "state", "person__community__name")[
            :EVENT_ROWS
        ]
    )
    out: dict[str, Any] = {
        "available": True,
        "escalations": [
            {
                "id": r["id"],
                "time": timezone.localtime(r["detected_at"]).strftime("%H:%M"),
                "source": r["source"],
                "temperature": str(r["temperature"]) if r["temperature"] is not None else "",
                "symptoms": r["symptoms"] or "",
                "state": r["state"],
                "community": r["person__community__name"] or "",
            }
            for r in rows
        ],
    }
    if missed is not None:
        out["missed"] = [
            {"community": r["measure__person__community__name"] or "", "slot": r["slot"], "count": r["n"]}
            for r in missed.objects.filter(day=p.day)
            .values("measure__person__community__name", "slot")
            .annotate(n=Count("id"))
            .order_by("measure__person__community__name", "slot")
        ]
    return out


# --- duty rosters and attendance ---------------------------------------------------------------


def roster_figures(p: Period) -> dict[str, Any]:
    """Who is on duty now by checkpoint, the day's coverage and attendance, and person-times to date."""
    assignment = _model("roster", "Assignment")
    attendance = _model("roster", "Attendance")
    if assignment is None:
        return NOT_AVAILABLE
    published = assignment.objects.filter(version__status="published")
    moment = p.moment
    on_duty: dict[int, dict[str, Any]] = {}
    for a in (
        published.filter(starts_at__lte=moment, ends_at__gt=moment, checkpoint__isnull=False)
        .values("checkpoint_id", "checkpoint__code", "checkpoint__name", "staff__name", "shift")
        .order_by("checkpoint__code", "staff__name")
    ):
        cp = on_duty.setdefault(
            a["checkpoint_id"],
            {
                "checkpoint_id": a["checkpoint_id"],
                "code": a["checkpoint__code"],
                "name": a["checkpoint__name"],
                "shift": a["shift"],
                "staff": [],
            },
        )
        cp["staff"].append(a["staff__name"])
    # Coverage: each checkpoint shift of the day against its minimum staff.
    planned = defaultdict(int)
    for row in (
        published.filter(day=p.day, checkpoint__isnull=False)
        .values("checkpoint_id", "shift")
        .annotate(n=Count("staff_id", distinct=True))
    ):
        planned[(row["checkpoint_id"], row["shift"])] = row["n"]
    shifts_needed = shifts_covered = 0
    short: list[dict[str, Any]] = []
    open_then = (
        Checkpoint.objects.filter(opened_on__lte=p.day)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=p.day))
        .order_by("code")
    )
    for post in open_then:
        for shift in post.shift_pattern or []:
            shifts_needed += 1
            n = planned.get((post.pk, shift), 0)
            if n >= post.staff_min:
                shifts_covered += 1
            else:
                short.append(
                    {"code": post.code, "name": post.name, "shift": shift, "planned": n, "needed": post.staff_min}
                )
    out: dict[str, Any] = {
        "available": True,
        "on_duty_now": list(on_duty.values()),
        "on_duty_now_count": sum(len(c["staff"]) for c in on_duty.values()),
        "coverage": {
            "shifts_needed": shifts_needed,
            "shifts_covered": shifts_covered,
            "duties_planned": published.filter(day=p.day).count(),
            "short": short[:EVENT_ROWS],
        },
    }
    if attendance is not None:
        att = attendance.objects.filter(campaign=p.campaign).aggregate(
            person_times=Count("id", filter=Q(clock_in__isnull=False, day__gte=p.start, day__lte=p.day)),
            present=Count("id", filter=Q(day=p.day, status="present")),
            late=Count("id", filter=Q(day=p.day, status="late")),
            absent=Count("id", filter=Q(day=p.day, status="absent")),
            today_person_times=Count("id", filter=Q(day=p.day, clock_in__isnull=False)),
        )
        out["attendance"] = {k: int(v or 0) for k, v in att.items()}
    return out


# --- supplies -------------------------------------------------------------------------------------


def supplies_figures(p: Period) -> dict[str, Any]:
    """Per item: stock on hand at the end of the day (from the ledger), use per day, days of cover, issued, donated."""
    movement = _model("supplies", "Movement")
    if movement is None:
        return NOT_AVAILABLE
    window_start = p.day - timedelta(days=SUPPLY_RATE_DAYS - 1)
    issue = Q(kind="issue")
    issue_back = Q(kind="correction", reverses__kind="issue")
    rows = (
        movement.objects.filter(occurred_on__lte=p.day)
        .values("item_id", "item__name", "item__unit", "item__category", "item__min_days_of_cover")
        .annotate(
            came_in=Sum("quantity", filter=Q(to_store__isnull=False)),
            went_out=Sum("quantity", filter=Q(from_store__isnull=False)),
            issued_window=Sum("quantity", filter=issue & Q(occurred_on__gte=window_start)),
            back_window=Sum("quantity", filter=issue_back & Q(occurred_on__gte=window_start)),
            issued=Sum("quantity", filter=issue & Q(occurred_on__gte=p.start)),
            issued_back=Sum("quantity", filter=issue_back & Q(occurred_on__gte=p.start)),
            issued_today=Sum("quantity", filter=issue & Q(occurred_on=p.day)),
            received_today=Sum(
                "quantity", filter=Q(kind__in=["purchase", "donation", "allocation"], occurred_on=p.day)
            ),
            donated=Sum("quantity", filter=Q(kind="donation", occurred_on__gte=p.start)),
        )
        .order_by("item__category", "item__name")
    )
    items = []
    for r in rows:
        on_hand = int(r["came_in"] or 0) - int(r["went_out"] or 0)
        used = int(r["issued_window"] or 0) - int(r["back_window"] or 0)
        rate = max(used, 0) / SUPPLY_RATE_DAYS
        items.append(
            {
                "item_id": r["item_id"],
                "name": r["item__name"],
                "unit": r["item__unit"],
                "on_hand": on_hand,
                "per_day": round(rate, 1),
                "days_of_cover": round(on_hand / rate, 1) if rate > 0 else None,
                "short": bool(
                    rate > 0 and r["item__min_days_of_cover"] and on_hand / rate < r["item__min_days_of_cover"]
                ),
                "issued": int(r["issued"] or 0) - int(r["issued_back"] or 0),
                "issued_today": int(r["issued_today"] or 0),
                "received_today": int(r["received_today"] or 0),
                "donated": int(r["donated"] or 0),
            }
        )
    # What runs out first comes first: short items, then by days of cover; items nobody uses last.
    items.sort(key=lambda i: (not i["short"], i["days_of_cover"] is None, i["days_of_cover"] or 0, i["name"]))
    value = movement.objects.filter(kind="donation", occurred_on__gte=p.start, occurred_on__lte=p.day).aggregate(
        v=Sum("value")
    )["v"]
    return {
        "available": True,
        "items": items,
        "short_items": sum(1 for i in items if i["short"]),
        "issued": sum(i["issued"] for i in items),
        "donated": sum(i["donated"] for i in items),
        "donated_value": str(Decimal(value or 0).quantize(Decimal("0.01"))),
    }


# --- the service desk -----------------------------------------------------------------------------

TIP_OPEN = ("received", "assigned", "verified")
TIP_HANDLED = ("handled", "answered", "closed")
LEGALAID_OPEN = ("waiting", "assigned", "follow_up")
LEGALAID_HANDLED = ("answered", "closed")


def desk_figures(p: Period) -> dict[str, Any]:
    """Hotline tips and legal-aid requests: open, received on the day, handled to date."""
    tip = _model("desk", "Tip")
    legal = _model("desk", "LegalAidRequest")
    if tip is None and legal is None:
        return NOT_AVAILABLE
    out: dict[str, Any] = {"available": True}
    for key, model, open_states, handled_states, at in (
        ("tips", tip, TIP_OPEN, TIP_HANDLED, "received_at"),
        ("legal_aid", legal, LEGALAID_OPEN, LEGALAID_HANDLED, "created_at"),
    ):
        if model is None:
            continue
        if at not in {f.name for f in model._meta.fields}:
            at = "created_at"
        in_range = Q(**{f"{at}__gte": _start_of(p.start), f"{at}__lt": _end_of(p.day)})
        agg = model.objects.filter(campaign=p.campaign).aggregate(
            open=Count("id", filter=Q(status__in=open_states)),
            today=Count("id", filter=Q(**{f"{at}__gte": _start_of(p.day), f"{at}__lt": _end_of(p.day)})),
            received=Count("id", filter=in_range),
            handled=Count("id", filter=in_range & Q(status__in=handled_states)),
        )
        out[key] = {k: int(v or 0) for k, v in agg.items()}
    return out


# --- party work -----------------------------------------------------------------------------------


def party_figures(p: Period) -> dict[str, Any]:
    """Temporary branches, members reporting to communities, dues collected and commendations."""
    branch = _model("party", "Branch")
    if branch is None:
        return NOT_AVAILABLE
    out: dict[str, Any] = {"available": True}
    temp = branch.objects.filter(campaign=p.campaign, kind="temporary", established_on__lte=p.day)
    out["temporary_branches"] = temp.count()
    out["communities_served"] = temp.values("communities").exclude(communities=None).distinct().count()
    report = _model("party", "CommunityReport")
    if report is not None:
        out["members_reporting"] = (
            report.objects.filter(reported_on__gte=p.start, reported_on__lte=p.day)
            .values("staff_id")
            .distinct()
            .count()
        )
    entry = _model("party", "DuesEntry")
    if entry is not None:
        dues = entry.objects.filter(collection__campaign=p.campaign, paid_on__lte=p.day).aggregate(
            total=Sum("amount"), members=Count("staff_id", distinct=True)
        )
        out["dues_total"] = str((dues["total"] or Decimal("0")).quantize(Decimal("0.01")))
        out["dues_members"] = int(dues["members"] or 0)
    commendation = _model("party", "Commendation")
    if commendation is not None:
        c = commendation.objects.filter(campaign=p.campaign, awarded_on__lte=p.day).aggregate(
            total=Count("id"),
            collective=Count("id", filter=Q(recipient_staff__isnull=True)),
            individual=Count("id", filter=Q(recipient_staff__isnull=False)),
        )
        out["commendations"] = {k: int(v or 0) for k, v in c.items()}
    return out


# --- what each page shows ------------------------------------------------------------------------

MODULES: dict[str, Callable[[Period], dict[str, Any]]] = {
    "org": org_figures,
    "checkpoints": checkpoint_figures,
    "health": health_figures,
    "roster": roster_figures,
    "supplies": supplies_figures,
    "desk": desk_figures,
    "party": party_figures,
}


def _header(p: Period, kind: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "campaign": {"id": p.campaign.pk, "name": p.campaign.name, "start": p.campaign.start_date.isoformat()},
        "day": p.day.isoformat(),
    }


def dashboard_figures(campaign: Campaign, *, day: date | None = None, now: datetime | None = None) -> dict[str, Any]:
    """Figures of the command dashboard: today and campaign to date."""
    now = now or timezone.now()
    p = period_for(campaign, day or timezone.localdate(now), now)
    return _header(p, "dashboard") | {
        "checkpoints": checkpoint_figures(p),
        "health": health_figures(p),
        "roster": roster_figures(p),
        "supplies": supplies_figures(p),
        "desk": desk_figures(p),
    }


def daily_report_figures(campaign: Campaign, day: date, *, now: datetime | None = None) -> dict[str, Any]:
    """Figures of one day's report: the day's figures, notable events, duty, supplies."""
    p = period_for(campaign, day, now)
    return _header(p, "daily") | {
        "org": org_figures(p),
        "checkpoints": checkpoint_figures(p),
        "health": health_figures(p),
        "roster": roster_figures(p),
        "supplies": supplies_figures(p),
        "desk": desk_figures(p),
        "events": {"checkpoints": checkpoint_events(p), "health": health_events(p)},
    }


def campaign_summary_figures(campaign: Campaign, *, last_day: date | None = None) -> dict[str, Any]:
    """Figures of the campaign summary (工作纪实) from the first day to the last."""
    last = last_day or campaign_last_day(campaign)
    # Judged at the end of the last day, so the summary of a closed campaign never changes.
    p = period_for(campaign, last, _end_of(last) - timedelta(microseconds=1))
    figures = _header(p, "summary") | {name: fn(p) for name, fn in MODULES.items()}
    figures["last_day"] = last.isoformat()
    return figures
