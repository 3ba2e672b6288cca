"""Reads about supplies: stock on hand, rates of use, days of cover, reports, front-line issuance."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Case, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from frontline.core.access import scope
from frontline.supplies.models import Item, Movement, StockAlert, StockLevel, Store

K = Movement.Kind


def rate_window_days() -> int:
    """How many past days (today included) the current rate of use is averaged over."""
    return int(getattr(settings, "FRONTLINE_SUPPLIES_RATE_DAYS", 7))


def net_issued() -> Sum:
    """Sum of issues less the corrections that reversed them."""
    return Sum(
        Case(
            When(kind=K.ISSUE, then=F("quantity")),
            When(kind=K.CORRECTION, reverses__kind=K.ISSUE, then=-F("quantity")),
            default=Value(0),
            output_field=IntegerField(),
        )
    )


def issues() -> QuerySet[Movement]:
    """Movements that count as consumption: issues and corrections of issues."""
    return Movement.objects.filter(Q(kind=K.ISSUE) | Q(kind=K.CORRECTION, reverses__kind=K.ISSUE))


@dataclass
class Cover:
    on_hand: int  # usable: not expired
    expired: int
    rate: Decimal  # per day over the window
    days_of_cover: Decimal | None  # None: nothing used lately
    threshold: int
    min_days: int

    @property
    def shortfall(self) -> str | None:
        """Why stock is short ("threshold" or "cover"), or None."""
        if self.threshold and self.on_hand < self.threshold:
            return StockAlert.Reason.THRESHOLD
        if self.min_days and self.days_of_cover is not None and self.days_of_cover < self.min_days:
            return StockAlert.Reason.COVER
        return None


def _on_hand(levels: QuerySet[StockLevel], today: date) -> tuple[int, int]:
    expired = Q(expiry_date__lt=today)
    agg = levels.aggregate(
        usable=Coalesce(Sum("quantity", filter=~expired | Q(expiry_date__isnull=True)), 0),
        expired=Coalesce(Sum("quantity", filter=expired), 0),
    )
    return int(agg["usable"]), int(agg["expired"])


def store_outflow(*, store: Store, item: Item, start: date, end: date) -> int:
    """Quantity that left a store (issues and transfers out, less their corrections) between two days."""
    out = Movement.objects.filter(
        item=item, occurred_on__range=(start, end), from_store=store, kind__in=[K.ISSUE, K.TRANSFER]
    ).aggregate(n=Coalesce(Sum("quantity"), 0))["n"]
    back = Movement.objects.filter(
        item=item,
        occurred_on__range=(start, end),
        to_store=store,
        kind=K.CORRECTION,
        reverses__kind__in=[K.ISSUE, K.TRANSFER],
    ).aggregate(n=Coalesce(Sum("quantity"), 0))["n"]
    return int(out) - int(back)


def store_item_cover(*, store: Store, item: Item, today: date) -> Cover:
    """How much of an item a store holds, how fast it goes and how many days it lasts.

    The low-stock threshold applies to the bureau's store (the one that supplies the others);
    days of cover apply to every store.
    """
    usable, expired = _on_hand(StockLevel.objects.filter(store=store, item=item), today)
    days = rate_window_days()
    used = store_outflow(store=store, item=item, start=today - timedelta(days=days - 1), end=today)
    rate = Decimal(max(used, 0)) / days
    return Cover(
        on_hand=usable,
        expired=expired,
        rate=rate,
        days_of_cover=(Decimal(usable) / rate) if rate > 0 else None,
        threshold=item.low_stock_threshold if store.kind == Store.Kind.BUREAU else 0,
        min_days=item.min_days_of_cover,
    )


def cover_rows(*, user: Any, today: date) -> list[dict[str, Any]]:
    """For each store and item held or used lately: on hand, rate of use, days of cover, open alert."""
    stores = {s.pk: s for s in scope(Store.objects.select_related("community"), user)}
    items = {i.pk: i for i in Item.objects.all()}
    start = today - timedelta(days=rate_window_days() - 1)
    pairs = set(StockLevel.objects.filter(store__in=stores).values_list("store_id", "item_id")) | set(
        Movement.objects.filter(from_store__in=stores, occurred_on__gte=start).values_list("from_store_id", "item_id")
    )
    alerts = {(a.store_id, a.item_id): a for a in StockAlert.objects.filter(closed_at__isnull=True, store__in=stores)}
    rows = []
    for store_id, item_id in sorted(
        pairs,
        key=lambda p: (
            stores[p[0]].kind != Store.Kind.BUREAU,
            stores[p[0]].name,
            items[p[1]].category,
            items[p[1]].name,
        ),
    ):
        store, item = stores[store_id], items[item_id]
        cover = store_item_cover(store=store, item=item, today=today)
        rows.append({"store": store, "item": item, "cover": cover, "alert": alerts.get((store_id, item_id))})
    return rows


def item_totals(*, user: Any, today: date) -> list[dict[str, Any]]:
    """For each item across the stores the user sees: on hand, consumption per day, days of cover."""
    stores = scope(Store.objects.all(), user)
    days = rate_window_days()
    start = today - timedelta(days=days - 1)
    held = {
        row["item_id"]: row
        for row in StockLevel.objects.filter(store__in=stores)
        .values("item_id")
        .annotate(
            usable=Coalesce(Sum("quantity", filter=Q(expiry_date__isnull=True) | Q(expiry_date__gte=today)), 0),
            expired=Coalesce(Sum("quantity", filter=Q(expiry_date__lt=today)), 0),
        )
    }
    used = dict(
        issues()
        .filter(from_store__in=stores, occurred_on__range=(start, today))
        .values("item_id")
        .annotate(n=net_issued())
        .values_list("item_id", "n")
    )
    rows = []
    for item in Item.objects.filter(active=True):
        h = held.get(item.pk, {"usable": 0, "expired": 0})
        rate = Decimal(max(used.get(item.pk) or 0, 0)) / days
        rows.append(
            {
                "item": item,
                "on_hand": h["usable"],
                "expired": h["expired"],
                "rate": rate,
                "days_of_cover": (Decimal(h["usable"]) / rate) if rate > 0 else None,
            }
        )
    return rows


def consumption_by_checkpoint(
    *, user: Any, start: date, end: date, item: Item | None = None
) -> tuple[list[date], list[dict[str, Any]]]:
    """Net quantity issued to each checkpoint on each day (one item, or all items summed)."""
    from frontline.org.models import Checkpoint

    qs = scope(issues(), user).filter(checkpoint__isnull=False, occurred_on__range=(start, end))
    if item is not None:
        qs = qs.filter(item=item)
    cells: dict[int, dict[date, int]] = defaultdict(dict)
    for cp_id, day, n in (
        qs.values("checkpoint_id", "occurred_on")
        .annotate(n=net_issued())
        .values_list("checkpoint_id", "occurred_on", "n")
    ):
        cells[cp_id][day] = n
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    checkpoints = scope(Checkpoint.objects.select_related("community"), user).filter(pk__in=cells.keys())
    rows = [
        {
            "checkpoint": cp,
            "days": [cells[cp.pk].get(d, 0) for d in days],
            "total": sum(cells[cp.pk].values()),
        }
        for cp in checkpoints
    ]
    return days, rows


def stock_by_store(*, user: Any, today: date) -> tuple[list[Item], list[dict[str, Any]]]:
    """A store × item table of usable stock on hand, with expired stock counted apart."""
    levels = scope(StockLevel.objects.filter(quantity__gt=0).select_related("store", "item"), user)
    items = sorted({lv.item for lv in levels}, key=lambda i: (i.category, i.name))
    table: dict[int, dict[str, Any]] = {}
    for lv in levels:
        row = table.setdefault(lv.store_id, {"store": lv.store, "cells": defaultdict(int), "expired": defaultdict(int)})
        if lv.is_expired(today):
            row["expired"][lv.item_id] += lv.quantity
        else:
            row["cells"][lv.item_id] += lv.quantity
    rows = []
    for row in sorted(table.values(), key=lambda r: (r["store"].kind != Store.Kind.BUREAU, r["store"].name)):
        rows.append(
            {
                "store": row["store"],
                "cells": [(row["cells"].get(i.pk, 0), row["expired"].get(i.pk, 0)) for i in items],
            }
        )
    return items, rows


def expired_levels(*, user: Any, today: date, within_days: int = 0) -> QuerySet[StockLevel]:
    """Lots that have expired (or will within some days) and are still held."""
    return scope(
        StockLevel.objects.filter(quantity__gt=0, expiry_date__lt=today + timedelta(days=within_days))
        .select_related("store", "item")
        .order_by("expiry_date"),
        user,
    )


def donor_list(*, start: date, end: date) -> list[dict[str, Any]]:
    """Donations received, grouped by donor: what each gave and when, for a letter of thanks."""
    qs = (
        Movement.objects.filter(kind=K.DONATION, occurred_on__range=(start, end), reversed_by__isnull=True)
        .select_related("item")
        .order_by("source", "occurred_on", "id")
    )
    donors: dict[str, dict[str, Any]] = {}
    for m in qs:
        d = donors.setdefault(
            m.source,
            {
                "donor": m.source,
                "first": m.occurred_on,
                "last": m.occurred_on,
                "lines": defaultdict(int),
                "value": Decimal(0),
            },
        )
        d["lines"][(m.item.name, m.item.unit)] += m.quantity
        d["last"] = max(d["last"], m.occurred_on)
        d["value"] += m.value or 0
    out = []
    for d in sorted(donors.values(), key=lambda d: (d["first"], d["donor"])):
        d["lines"] = [(name, n, unit) for (name, unit), n in sorted(d["lines"].items())]
        out.append(d)
    return out


def issues_by(*, user: Any, start: date, end: date, by: str) -> tuple[list[Item], list[dict[str, Any]]]:
    """Net quantity issued per checkpoint (by="checkpoint") or per staff member (by="staff"), per item."""
    field = {"checkpoint": "checkpoint", "staff": "staff"}[by]
    qs = scope(issues(), user).filter(**{f"{field}__isnull": False}, occurred_on__range=(start, end))
    data = list(qs.values(f"{field}_id", "item_id").annotate(n=net_issued()))
    item_ids = {r["item_id"] for r in data}
    items = list(Item.objects.filter(pk__in=item_ids))
    from frontline.org.models import Checkpoint, Staff

    model = Checkpoint if by == "checkpoint" else Staff
    owners = {o.pk: o for o in model.objects.filter(pk__in={r[f"{field}_id"] for r in data})}  # type: ignore[attr-defined]
    table: dict[int, dict[int, int]] = defaultdict(dict)
    for r in data:
        table[r[f"{field}_id"]][r["item_id"]] = r["n"]
    rows = [
        {"owner": owners[oid], "cells": [cells.get(i.pk, 0) for i in items], "total": sum(cells.values())}
        for oid, cells in table.items()
    ]
    rows.sort(key=lambda r: str(r["owner"]))
    return items, rows


def ledger_balances() -> dict[tuple[int, int, str], int]:
    """What the ledger adds up to for each store, item and lot."""
    out: dict[tuple[int, int, str], int] = defaultdict(int)
    for store_id, item_id, lot, n in (
        Movement.objects.filter(to_store__isnull=False)
        .values("to_store_id", "item_id", "lot")
        .annotate(n=Sum("quantity"))
        .values_list("to_store_id", "item_id", "lot", "n")
    ):
        out[(store_id, item_id, lot)] += n
    for store_id, item_id, lot, n in (
        Movement.objects.filter(from_store__isnull=False)
        .values("from_store_id", "item_id", "lot")
        .annotate(n=Sum("quantity"))
        .values_list("from_store_id", "item_id", "lot", "n")
    ):
        out[(store_id, item_id, lot)] -= n
    return dict(out)


def ledger_mismatches() -> list[tuple[tuple[int, int, str], int, int]]:
    """Stock levels that differ from the ledger's sum: (key, ledger, level). Empty when all is well."""
    ledger = ledger_balances()
    levels = {
        (s, i, lot): q for s, i, lot, q in StockLevel.objects.values_list("store_id", "item_id", "lot", "quantity")
    }
    keys = set(ledger) | set(levels)
    return [(k, ledger.get(k, 0), levels.get(k, 0)) for k in sorted(keys) if ledger.get(k, 0) != levels.get(k, 0)]


# --- front-line issuance -------------------------------------------------------------------


def duty_staff_on(day: date) -> tuple[list[Any], str]:
    """Who was on duty on a day, and where that comes from ("roster" or "batch").

    The published duty roster answers when it has anyone that day; otherwise (no roster app yet,
    or nothing published for that day) the members of the batches deployed that day stand in.
    """
    from frontline.org.models import Staff
    from frontline.org.selectors import current_campaign

    try:
        from frontline.roster import selectors as roster_selectors
    except ImportError:
        roster_selectors = None  # type: ignore[assignment]
    roster_fn = getattr(roster_selectors, "duty_staff_on", None)
    if roster_fn is not None:
        found = list(roster_fn(day=day))
        if found:
            ids = [getattr(x, "pk", x) for x in found]
            return list(Staff.objects.filter(pk__in=ids).select_related("unit").order_by("name", "id")), "roster"
    campaign = current_campaign()
    if campaign is None:
        return [], "batch"
    staff = (
        Staff.objects.filter(
            active=True, batches__campaign=campaign, batches__start_date__lte=day, batches__end_date__gte=day
        )
        .select_related("unit")
        .distinct()
        .order_by("name", "id")
    )
    return list(staff), "batch"


def frontline_check(*, day: date) -> tuple[list[dict[str, Any]], str]:
    """For each staff member on duty that day: masks and gloves received; and the duty list's source."""
    on_duty, source = duty_staff_on(day)
    got: dict[tuple[int, str], int] = defaultdict(int)
    for staff_id, category, n in (
        issues()
        .filter(
            staff__in=[s.pk for s in on_duty],
            occurred_on=day,
            item__category__in=[Item.Category.MASK, Item.Category.GLOVES],
        )
        .values("staff_id", "item__category")
        .annotate(n=net_issued())
        .values_list("staff_id", "item__category", "n")
    ):
        got[(staff_id, category)] += n
    rows = []
    for person in on_duty:
        masks = got.get((person.pk, Item.Category.MASK), 0)
        gloves = got.get((person.pk, Item.Category.GLOVES), 0)
        rows.append({"staff": person, "masks": masks, "gloves": gloves, "complete": masks > 0 and gloves > 0})
    return rows, source


def staff_received(*, staff: Any) -> QuerySet[Movement]:
    """What one staff member received, newest first."""
    return (
        issues().filter(staff=staff).select_related("item", "from_store", "checkpoint").order_by("-occurred_on", "-id")
    )
