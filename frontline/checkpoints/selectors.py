"""Reads across checkpoint models: tallies, recounts, warnings, recent passages, queues."""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext

from frontline.checkpoints.lookups import PersonWarning, person_warnings
from frontline.checkpoints.models import (
    DailyTally,
    Direction,
    Outcome,
    Passage,
    SelfRegistration,
    VehicleOutcome,
    VehiclePassage,
)
from frontline.core.validators import region_full_name, region_get, region_within
from frontline.org.models import Campaign, Checkpoint, Community
from frontline.org.selectors import current_campaign

DEFAULT_FEVER_THRESHOLD = Decimal("37.3")


def tallies_for(*, day_from: date, day_to: date, checkpoint_ids: Iterable[int] | None = None) -> QuerySet[DailyTally]:
    """Return the daily counters of checkpoints between two local days (inclusive)."""
    qs = DailyTally.objects.filter(day__gte=day_from, day__lte=day_to).select_related("checkpoint__community")
    if checkpoint_ids is not None:
        qs = qs.filter(checkpoint_id__in=list(checkpoint_ids))
    return qs.order_by("-day", "checkpoint__code")


def tally_table(qs: QuerySet[DailyTally]) -> list[tuple[Any, ...]]:
    """Return tally rows as (day, checkpoint code, checkpoint name, community name, *COUNTERS) tuples."""
    return list(
        qs.values_list(
            "day", "checkpoint__code", "checkpoint__name", "checkpoint__community__name", *DailyTally.COUNTERS
        )
    )


def tally_totals(qs: QuerySet[DailyTally]) -> dict[str, int]:
    """Sum the counters of some tally rows (one query)."""
    sums = qs.order_by().aggregate(**{name: Sum(name) for name in DailyTally.COUNTERS})
    return {name: sums[name] or 0 for name in DailyTally.COUNTERS}


def today_count(checkpoint: Checkpoint | int) -> int:
    """Return how many people passed a checkpoint today (in and out), from its tally."""
    checkpoint_id = checkpoint if isinstance(checkpoint, int) else checkpoint.pk
    row = (
        DailyTally.objects.filter(checkpoint_id=checkpoint_id, day=timezone.localdate())
        .values_list("people_in", "people_out")
        .first()
    )
    return sum(row) if row else 0


def today_counts(checkpoint_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Return today's people and vehicle counts of several checkpoints."""
    rows = DailyTally.objects.filter(checkpoint_id__in=list(checkpoint_ids), day=timezone.localdate())
    return {
        r.checkpoint_id: {"people": r.people_in + r.people_out, "vehicles": r.vehicles, "fevers": r.fever_events}
        for r in rows
    }


def tally_recount(
    *, day_from: date | None = None, day_to: date | None = None
) -> dict[tuple[int, date], dict[str, int]]:
    """Count again from the passage tables what the tallies should say (for checks, never pages)."""
    people = Passage.objects.all()
    vehicles = VehiclePassage.objects.all()
    if day_from:
        people, vehicles = people.filter(day__gte=day_from), vehicles.filter(day__gte=day_from)
    if day_to:
        people, vehicles = people.filter(day__lte=day_to), vehicles.filter(day__lte=day_to)
    out: dict[tuple[int, date], dict[str, int]] = {}
    for row in people.values("checkpoint_id", "day").annotate(
        people_in=Count("id", filter=Q(direction=Direction.IN)),
        people_out=Count("id", filter=Q(direction=Direction.OUT)),
        turned_back=Count("id", filter=Q(outcome=Outcome.TURNED_BACK)),
        referred=Count("id", filter=Q(outcome__in=[Outcome.REFERRED_COMMUNITY, Outcome.REFERRED_HEALTH])),
        fevers=Count("id", filter=Q(fever=True)),
        fever_events=Count("id", filter=Q(fever_event=True)),
        high_risk=Count("id", filter=Q(high_risk=True, direction=Direction.IN)),
    ):
        key = (row.pop("checkpoint_id"), row.pop("day"))
        out[key] = {name: 0 for name in DailyTally.COUNTERS} | row
    for row in vehicles.values("checkpoint_id", "day").annotate(
        vehicles=Count("id"), vehicles_turned_back=Count("id", filter=Q(outcome=VehicleOutcome.TURNED_BACK))
    ):
        key = (row.pop("checkpoint_id"), row.pop("day"))
        out.setdefault(key, {name: 0 for name in DailyTally.COUNTERS}).update(row)
    return out


def tally_snapshot() -> dict[tuple[int, date], dict[str, int]]:
    """Return every tally row as the recount's shape, leaving out rows that are all zero."""
    out = {}
    for t in DailyTally.objects.all():
        counters = {name: getattr(t, name) for name in DailyTally.COUNTERS}
        if any(counters.values()):
            out[(t.checkpoint_id, t.day)] = counters
    return out


# --- the campaign's rules ------------------------------------------------------------------

# Recording a passage needs the campaign's fever threshold and high-risk regions, and the
# checkpoints with their communities. They change a few times per campaign, while passages arrive
# many times a second: each process remembers them for a few seconds, and forgets them at once when
# a campaign, checkpoint or community is saved or deleted in this process (another process sees the
# change within CAMPAIGN_TTL seconds).
CAMPAIGN_TTL = 5.0
_campaign_memo: dict[str, Any] = {}


def _remembered(key: str, load: Any) -> Any:
    now = time.monotonic()
    memo = _campaign_memo.get(key)
    if memo is not None and now - memo[0] < CAMPAIGN_TTL:
        return memo[1]
    value = load()
    _campaign_memo[key] = (now, value)
    return value


def campaign_for_recording() -> Campaign | None:
    """Return the current campaign, remembered per process for CAMPAIGN_TTL seconds."""
    return _remembered("current", current_campaign)  # type: ignore[no-any-return]


def checkpoints_for_recording() -> dict[int, Checkpoint]:
    """Return every checkpoint by id, with its community, remembered per process for CAMPAIGN_TTL seconds.

    Shared by the threads of the process: read them, never change them.
    """
    return _remembered(  # type: ignore[no-any-return]
        "checkpoints", lambda: {c.pk: c for c in Checkpoint.objects.select_related("community")}
    )


def campaign_forget(**kwargs: Any) -> None:
    """Drop what is remembered (connected to saves and deletes of campaigns, checkpoints, communities)."""
    _campaign_memo.clear()


for _model in (Campaign, Checkpoint, Community):
    post_save.connect(campaign_forget, sender=_model, dispatch_uid=f"checkpoints.forget.save.{_model.__name__}")
    post_delete.connect(campaign_forget, sender=_model, dispatch_uid=f"checkpoints.forget.delete.{_model.__name__}")


def fever_threshold(campaign: Campaign | None) -> Decimal:
    return campaign.fever_threshold if campaign is not None else DEFAULT_FEVER_THRESHOLD


def high_risk_regions(campaign: Campaign | None) -> list[str]:
    return list(campaign.high_risk_regions or []) if campaign is not None else []


def is_high_risk(code: str, regions: Iterable[str]) -> bool:
    """Tell whether a region code lies in one of the high-risk regions."""
    return bool(code) and any(region_within(code, r) for r in regions)


# --- what the field page shows about a person ----------------------------------------------------


def recent_passages(id_number_hash: str, *, limit: int = 5) -> list[Passage]:
    """Return a person's last passages (by blind index), newest first."""
    if not id_number_hash:
        return []
    return list(
        Passage.objects.filter(id_number_hash=id_number_hash).select_related("checkpoint").order_by("-at")[:limit]
    )


def seen_elsewhere_today(id_number_hash: str, *, checkpoint_id: int | None, day: date) -> list[str]:
    """Return the names of other checkpoints where this person was registered on the day."""
    if not id_number_hash:
        return []
    qs = Passage.objects.filter(id_number_hash=id_number_hash, day=day)
    if checkpoint_id:
        qs = qs.exclude(checkpoint_id=checkpoint_id)
    return sorted(set(qs.values_list("checkpoint__name", flat=True)))


def passage_warnings(
    *,
    id_number_hash: str,
    checkpoint_id: int | None,
    day: date,
    temperature: Decimal | None = None,
    origin_region: str = "",
    symptoms: Iterable[str] = (),
    campaign: Campaign | None = None,
) -> list[PersonWarning]:
    """Return the warnings the duty staff must see before saving a passage."""
    campaign = campaign if campaign is not None else current_campaign()
    warnings: list[PersonWarning] = []
    threshold = fever_threshold(campaign)
    if temperature is not None and temperature >= threshold:
        warnings.append(
            PersonWarning(
                "red",
                "fever",
                gettext("Fever: %(t)s °C is at or above %(limit)s °C. Refer to the health department.")
                % {"t": temperature, "limit": threshold},
            )
        )
    if "dry_cough" in set(symptoms):
        warnings.append(PersonWarning("red", "dry_cough", gettext("Dry cough: refer to the health department.")))
    if origin_region and region_get(origin_region) and is_high_risk(origin_region, high_risk_regions(campaign)):
        warnings.append(
            PersonWarning(
                "orange",
                "high_risk_origin",
                gettext("High-risk origin: %(region)s. Check the arrival date; home isolation may be needed.")
                % {"region": region_full_name(origin_region)},
            )
        )
    elsewhere = seen_elsewhere_today(id_number_hash, checkpoint_id=checkpoint_id, day=day)
    if elsewhere:
        warnings.append(
            PersonWarning(
                "blue",
                "seen_elsewhere",
                gettext("Already registered today at: %(names)s.") % {"names": "、".join(elsewhere)},
            )
        )
    warnings.extend(person_warnings(id_number_hash=id_number_hash, day=day))
    return warnings


# --- lists -------------------------------------------------------------------------------------


def fever_today(day: date | None = None) -> QuerySet[Passage]:
    """Return the passages of a day with a fever or a dry cough, newest first."""
    return (
        Passage.objects.filter(day=day or timezone.localdate(), fever_event=True)
        .select_related("checkpoint__community", "recorded_by")
        .order_by("-at")
    )


PENDING_HOURS = 24


def pending_self_registrations(checkpoint_id: int) -> QuerySet[SelfRegistration]:
    """Return the residents' self-registrations waiting at a checkpoint, oldest first."""
    since = timezone.now() - timedelta(hours=PENDING_HOURS)
    return SelfRegistration.objects.filter(
        checkpoint_id=checkpoint_id, status=SelfRegistration.Status.PENDING, created_at__gte=since
    ).order_by("created_at")


def campaign_rules() -> dict[str, Any]:
    """Return what the field page needs to warn offline: the threshold and high-risk regions."""
    campaign = current_campaign()
    regions = high_risk_regions(campaign)
    return {
        "fever_threshold": str(fever_threshold(campaign)),
        "high_risk_regions": regions,
        "high_risk_names": {code: region_full_name(code) for code in regions if region_get(code)},
    }
