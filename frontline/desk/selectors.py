"""Reads of the service desk that span models: duty lawyers, figures, public look-ups, community pages."""

from __future__ import annotations

import hmac
import re
from datetime import date
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet
from django.utils import timezone

from frontline.core import crypto
from frontline.desk.models import DeskSettings, DutyLawyer, LegalAidRequest, Publicity, Tip
from frontline.org.models import Campaign, Community, User

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud on the phone without mistakes
_NOT_CODE = re.compile(r"[^0-9A-Z]")
# Compared against when a code does not exist, so a miss costs the same as a wrong suffix.
_DUMMY_DIGEST = "0" * 64


def desk_settings(campaign: Campaign) -> DeskSettings:
    """Return the campaign's desk settings, or the defaults when none are saved yet."""
    found = DeskSettings.objects.filter(campaign=campaign).first()
    return found or DeskSettings(campaign=campaign)


def normalise_code(raw: str) -> str:
    """Upper-case a typed tracking code and drop spaces and dashes."""
    return _NOT_CODE.sub("", (raw or "").upper())[:12]


def lookup_digest(code: str, secret: str) -> str:
    """Keyed hash of a tracking code with the requester's secret (phone's last four or PIN)."""
    return crypto.blind_index("desk_lookup", f"{code}:{secret}")


def public_lookup(raw_code: str, raw_suffix: str) -> Tip | LegalAidRequest | None:
    """Find a tip or request by code and phone suffix; a wrong code or suffix gives None alike."""
    code = normalise_code(raw_code)
    suffix = re.sub(r"\D", "", raw_suffix or "")[-4:]
    model: type[Tip] | type[LegalAidRequest] = LegalAidRequest if code.startswith("L") else Tip
    found: Any = model.objects.filter(code=code).first() if len(code) == 9 and len(suffix) == 4 else None
    given = lookup_digest(code, suffix)
    stored = found.lookup_digest if found is not None else _DUMMY_DIGEST
    matches = hmac.compare_digest(stored.encode(), given.encode())
    return found if (found is not None and matches) else None


def lawyers() -> QuerySet[User]:
    """Active log-ins with the duty-lawyer role."""
    return User.objects.filter(is_active=True, role="lawyer").order_by("username")


def lawyer_on_duty(campaign: Campaign, day: date) -> User | None:
    """The lawyer on duty that day with the fewest open requests (ties: by name)."""
    ids = list(
        DutyLawyer.objects.filter(campaign=campaign, day=day, lawyer__is_active=True).values_list(
            "lawyer_id", flat=True
        )
    )
    if not ids:
        return None
    return (
        User.objects.filter(pk__in=ids)
        .annotate(open_count=Count("legal_aid_queue", filter=~Q(legal_aid_queue__status=LegalAidRequest.Status.CLOSED)))
        .order_by("open_count", "username")
        .first()
    )


def duty_days(campaign: Campaign, start: date, days: int = 14) -> list[dict[str, Any]]:
    """The schedule as rows of (day, lawyers) from start, including days nobody is on duty."""
    from datetime import timedelta

    slots: dict[date, list[DutyLawyer]] = {}
    end = start + timedelta(days=days - 1)
    for slot in DutyLawyer.objects.filter(campaign=campaign, day__range=(start, end)).select_related("lawyer"):
        slots.setdefault(slot.day, []).append(slot)
    return [{"day": start + timedelta(days=i), "slots": slots.get(start + timedelta(days=i), [])} for i in range(days)]


def legalaid_figures(qs: QuerySet[LegalAidRequest]) -> dict[str, Any]:
    """Counts, replies on time, overdue and satisfaction, by topic and by lawyer."""
    now = timezone.now()
    no_reply_late = Q(first_replied_at__isnull=True, first_reply_due_at__lte=now)
    late_reply = Q(first_replied_at__gt=F("first_reply_due_at"))
    aggregates = {
        "total": Count("id"),
        "open": Count("id", filter=~Q(status=LegalAidRequest.Status.CLOSED)),
        "replied": Count("id", filter=Q(first_replied_at__isnull=False)),
        "overdue": Count("id", filter=no_reply_late | late_reply),
        "rated": Count("rating"),
        "avg_rating": Avg("rating"),
    }
    by_topic = {row["topic"]: row for row in qs.values("topic").annotate(**aggregates)}
    topics = [
        {
            "key": key,
            "label": label,
            **by_topic.get(key, {"total": 0, "open": 0, "replied": 0, "overdue": 0, "rated": 0, "avg_rating": None}),
        }
        for key, label in LegalAidRequest.Topic.choices
    ]
    names = {u.pk: u.display_name for u in User.objects.filter(pk__in=qs.values("lawyer_id"))}
    by_lawyer = [
        {**row, "name": names.get(row["lawyer"], "—") if row["lawyer"] else "—"}
        for row in qs.values("lawyer").annotate(**aggregates).order_by("lawyer")
    ]
    totals = qs.aggregate(**aggregates)
    replied = list(qs.filter(first_replied_at__isnull=False).values_list("submitted_at", "first_replied_at"))
    hours = [(b - a).total_seconds() / 3600 for a, b in replied if a and b]
    totals["avg_reply_hours"] = round(sum(hours) / len(hours), 1) if hours else None
    return {"topics": topics, "lawyers": by_lawyer, "totals": totals}


def tip_figures(qs: QuerySet[Tip]) -> dict[str, Any]:
    """Tips by category and by status."""
    by_cat = dict(qs.values_list("category").annotate(n=Count("id")).values_list("category", "n"))
    by_status = dict(qs.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    now = timezone.now()
    open_q = ~Q(status__in=[Tip.Status.ANSWERED, Tip.Status.CLOSED])
    return {
        "categories": [(label, by_cat.get(key, 0)) for key, label in Tip.Category.choices],
        "statuses": [(label, by_status.get(key, 0)) for key, label in Tip.Status.choices],
        "overdue": qs.filter(open_q, due_at__lte=now).count(),
        "total": sum(by_cat.values()),
    }


def community_activity(community: Community, campaign: Campaign | None) -> dict[str, Any]:
    """What the desk did in one community: publicity by kind, tips by category and status."""
    publicity = Publicity.objects.filter(community=community)
    tips = Tip.objects.filter(community=community)
    if campaign is not None:
        publicity = publicity.filter(campaign=campaign)
        tips = tips.filter(campaign=campaign)
    counts = dict(publicity.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    posters = sum(p or 0 for p in publicity.filter(kind=Publicity.Kind.POSTER).values_list("quantity", flat=True))
    return {
        "publicity": publicity.select_related("community"),
        "publicity_counts": [(label, counts.get(key, 0)) for key, label in Publicity.Kind.choices],
        "posters": posters,
        "tips": tips.select_related("assignee"),
        "tip_figures": tip_figures(tips),
    }
