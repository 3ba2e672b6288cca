"""Reads across the health models: availability of staff, releases due, timelines, settings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from frontline.core.bulk import hot_cursor
from frontline.health.models import (
    OPEN_STATUSES,
    Escalation,
    HealthReport,
    HealthSettings,
    Measure,
    MissedReport,
    Person,
    Slot,
)
from frontline.org.models import Campaign
from frontline.org.selectors import current_campaign


def health_settings(campaign: Campaign | None = None) -> HealthSettings:
    """Return the campaign's health settings, or the defaults when none are saved yet."""
    campaign = campaign or current_campaign()
    if campaign is not None:
        found = HealthSettings.objects.filter(campaign=campaign).first()
        if found is not None:
            return found
        return HealthSettings(campaign=campaign)
    return HealthSettings()


def slot_by_code(settings_: HealthSettings, code: str) -> Slot | None:
    return next((s for s in settings_.slot_list() if s.code == code), None)


def open_measures() -> QuerySet[Measure]:
    return Measure.objects.filter(status__in=OPEN_STATUSES)


def watched_id_hashes(hashes: Collection[str]) -> set[str]:
    """Of these resident ID hashes, the ones of people under an open measure, in one small read.

    Asked for every group of passages a checkpoint records, so it skips the ORM's query building;
    a test checks it against `open_measures()`.
    """
    from django.db import connection

    wanted = sorted(h for h in hashes if h)
    if not wanted:
        return set()
    q = connection.ops.quote_name
    person_hash = Person._meta.get_field("id_number_hash").column
    sql = (
        f"SELECT DISTINCT p.{q(person_hash)} FROM {q(Measure._meta.db_table)} m "  # noqa: S608 (names only)
        f"JOIN {q(Person._meta.db_table)} p ON p.{q('id')} = m.{q('person_id')} "
        f"WHERE m.{q('status')} IN ({', '.join(['%s'] * len(OPEN_STATUSES))}) "
        f"AND p.{q(person_hash)} IN ({', '.join(['%s'] * len(wanted))})"
    )
    with hot_cursor() as cursor:
        cursor.execute(sql, [*OPEN_STATUSES, *wanted])
        return {row[0] for row in cursor.fetchall()}


def open_measure_of(person: Person) -> Measure | None:
    return open_measures().filter(person=person).first()


def open_measure_for_id_hash(id_number_hash: str) -> Measure | None:
    """Return the open measure of the person with this resident ID hash, if any."""
    if not id_number_hash:
        return None
    return (
        open_measures()
        .filter(person__id_number_hash=id_number_hash)
        .select_related("person", "person__community", "responsible_staff", "liaison")
        .first()
    )


def measure_last_day(measure: Measure, today: date) -> date:
    """The last day an open measure still binds: its planned end, or today while it is not released."""
    return max(measure.planned_end, today) if measure.is_open else (measure.ended_on or measure.planned_end)


def staff_unavailable_days(*, staff_ids: Iterable[int], start: date, end: date) -> dict[int, set[date]]:
    """Return, per staff member, the days between start and end they are under an open or planned measure."""
    today = timezone.localdate()
    out: dict[int, set[date]] = defaultdict(set)
    rows = (
        open_measures()
        .filter(person__staff_id__in=list(staff_ids), start_date__lte=end)
        .values_list("person__staff_id", "start_date", "planned_end")
    )
    for staff_id, first, planned_end in rows:
        last = max(planned_end, today)
        day = max(first, start)
        while day <= min(last, end):
            out[staff_id].add(day)
            day += timedelta(days=1)
    return dict(out)


def staff_under_measure(*, day: date) -> set[int]:
    """Return the ids of staff members who are under an open measure on a day."""
    today = timezone.localdate()
    qs = open_measures().filter(person__staff__isnull=False, start_date__lte=day)
    if day > today:
        qs = qs.filter(planned_end__gte=day)
    return set(qs.values_list("person__staff_id", flat=True))


@dataclass
class ReleaseCheck:
    measure: Measure
    normal: bool
    reasons: list[str]


def release_checks(measures: Iterable[Measure], *, now: datetime | None = None) -> list[ReleaseCheck]:
    """Check, with two queries, whether each measure's last days of reports were normal."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    measures = list(measures)
    if not measures:
        return []
    cfg = health_settings()
    days = max(cfg.normal_days_for_release, 1)
    window_start = today - timedelta(days=days - 1)
    ids = [m.pk for m in measures]
    reports: dict[int, list[tuple[date, str, bool]]] = defaultdict(list)
    for measure_id, report_day, report_slot, report_abnormal in HealthReport.objects.filter(
        measure_id__in=ids, superseded=False, day__gte=window_start, day__lte=today
    ).values_list("measure_id", "day", "slot", "abnormal"):
        reports[measure_id].append((report_day, report_slot, report_abnormal))
    out = []
    slots = cfg.slot_list()
    for m in measures:
        reasons: list[str] = []
        got = {(d, s): a for d, s, a in reports[m.pk]}
        abnormal = sorted({d for (d, _s), a in got.items() if a})
        if abnormal:
            reasons.append(gettext("Abnormal report on %(days)s") % {"days": ", ".join(f"{d:%m-%d}" for d in abnormal)})
        missing = []
        day = max(window_start, m.start_date)
        while day <= today:
            for slot in slots:
                if (day, slot.code) not in got and slot.cutoff_at(day) <= now and slot.cutoff_at(day) > m.started_at:
                    missing.append(f"{day:%m-%d} {slot.label}")
            day += timedelta(days=1)
        if missing:
            reasons.append(gettext("No report for %(slots)s") % {"slots": ", ".join(missing)})
        out.append(ReleaseCheck(measure=m, normal=not reasons, reasons=reasons))
    return out


def measures_due(qs: QuerySet[Measure], *, today: date | None = None) -> QuerySet[Measure]:
    """Open measures whose planned end is today or past."""
    today = today or timezone.localdate()
    return qs.filter(status__in=OPEN_STATUSES, planned_end__lte=today)


def due_for_release(qs: QuerySet[Measure], *, now: datetime | None = None) -> list[ReleaseCheck]:
    """Open measures that end today or earlier, with whether their last days were normal."""
    now = now or timezone.now()
    due = measures_due(qs, today=timezone.localdate(now)).select_related(
        "person", "person__community", "responsible_staff", "liaison"
    )
    return release_checks(due, now=now)


def missed_on(qs: QuerySet[MissedReport], day: date) -> QuerySet[MissedReport]:
    """Missed slots of a day, with whether a late report came in afterwards."""
    from django.db.models import Exists, OuterRef

    late = HealthReport.objects.filter(
        measure_id=OuterRef("measure_id"), day=OuterRef("day"), slot=OuterRef("slot"), superseded=False
    )
    return (
        qs.filter(day=day)
        .select_related("measure", "measure__person", "measure__person__community", "measure__responsible_staff")
        .annotate(reported_late=Exists(late))
    )


def escalations_board(qs: QuerySet[Escalation]) -> list[dict[str, Any]]:
    """Open escalations by state (and the ten most recently closed), for the board."""
    rows = list(
        qs.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=timezone.now() - timedelta(days=7)))
        .select_related("person", "person__community")
        .order_by("detected_at", "id")
    )
    columns = []
    for state, label in Escalation.State.choices:
        items = [e for e in rows if e.state == state]
        if state == Escalation.State.CLOSED:
            items = sorted(items, key=lambda e: e.closed_at or e.detected_at, reverse=True)[:10]
        columns.append({"state": state, "label": label, "items": items})
    return columns


def passages_of(person: Person, limit: int = 50) -> list[Any]:
    """Return the person's checkpoint passages, newest first (empty until the checkpoints app has them)."""
    if not person.id_number_hash:
        return []
    try:
        passage = apps.get_model("checkpoints", "Passage")
    except LookupError:
        return []
    if not any(f.name == "id_number_hash" for f in passage._meta.get_fields()):
        return []
    qs = passage.objects.filter(id_number_hash=person.id_number_hash)
    if any(f.name == "checkpoint" for f in passage._meta.get_fields()):
        qs = qs.select_related("checkpoint")
    order = next(
        (n for n in ("at", "recorded_at", "created_at") if any(f.name == n for f in passage._meta.get_fields())), "pk"
    )
    return list(qs.order_by(f"-{order}")[:limit])


@dataclass
class TimelineEvent:
    at: datetime
    kind: str
    icon: str
    text: str
    css: str = ""


def person_timeline(person: Person) -> list[TimelineEvent]:
    """Passages, measures, reports and escalations of one person, newest first."""
    events: list[TimelineEvent] = []
    for p in passages_of(person):
        when = next((getattr(p, n) for n in ("at", "recorded_at", "created_at") if getattr(p, n, None)), None)
        if when is None:
            continue
        temp = getattr(p, "temperature", None)
        where = str(getattr(p, "checkpoint", "") or "")
        text = gettext("Passed checkpoint %(where)s") % {"where": where}
        if temp is not None:
            text += f" · {temp} °C"
        events.append(TimelineEvent(when, "passage", "geo-alt", text))
    measures = list(person.measures.all())
    for m in measures:
        events.append(
            TimelineEvent(
                m.started_at,
                "measure",
                "house-lock",
                gettext("%(kind)s started, planned until %(end)s")
                % {"kind": m.get_kind_display(), "end": m.planned_end},
            )
        )
        if not m.is_open and m.ended_on:
            end_at = timezone.make_aware(datetime.combine(m.ended_on, datetime.max.time().replace(microsecond=0)))
            events.append(
                TimelineEvent(
                    min(end_at, m.updated_at),
                    "measure",
                    "door-open",
                    gettext("Measure ended: %(status)s") % {"status": m.get_status_display()},
                )
            )
    reports = HealthReport.objects.filter(measure__person=person).order_by("-submitted_at")[:200]
    for r in reports:
        text = f"{r.day:%m-%d} {r.slot}: {r.temperature} °C"
        if r.symptom_list:
            text += " · " + "、".join(r.symptom_list)
        if r.late:
            text += " · " + gettext("late")
        if r.superseded:
            text += " · " + gettext("replaced")
        events.append(
            TimelineEvent(r.submitted_at, "report", "thermometer-half", text, "text-danger" if r.abnormal else "")
        )
    for e in person.escalations.prefetch_related("steps"):
        for step in e.steps.all():
            text = gettext("Escalation: %(state)s") % {"state": step.get_to_state_display()}
            if step.to_whom:
                text += " → " + step.to_whom
            events.append(TimelineEvent(step.at, "escalation", "exclamation-triangle", text, "text-danger"))
    events.sort(key=lambda ev: ev.at, reverse=True)
    return events
