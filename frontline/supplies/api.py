"""Supplies endpoints: stock on hand, days of cover, receipts and issues, requests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status

from frontline.core.access import can, get_scoped, require, scope
from frontline.core.errors import DomainError
from frontline.org.models import Checkpoint, Community, Staff
from frontline.supplies import selectors, services
from frontline.supplies.models import Item, StockLevel, Store, SupplyRequest

router = Router(tags=["supplies"])


class LevelOut(Schema):
    store_id: int
    store: str
    item_id: int
    item: str
    unit: str
    lot: str
    expiry_date: date | None
    quantity: int
    expired: bool


class CoverOut(Schema):
    item_id: int
    item: str
    unit: str
    on_hand: int
    expired: int
    used_per_day: float
    days_of_cover: float | None


class MovementOut(Schema):
    id: int
    kind: str
    item_id: int
    lot: str
    quantity: int
    from_store_id: int | None
    to_store_id: int | None
    occurred_on: date


class ReceiptIn(Schema):
    kind: str
    store_id: int
    item_id: int
    quantity: int
    source: str
    lot: str = ""
    expiry_date: date | None = None
    value: Decimal | None = None
    document_no: str = ""
    occurred_on: date | None = None
    note: str = ""


class IssueIn(Schema):
    store_id: int
    item_id: int
    quantity: int
    checkpoint_id: int | None = None
    community_id: int | None = None
    staff_id: int | None = None
    lot: str | None = None
    occurred_on: date | None = None
    note: str = ""


class LineIn(Schema):
    item_id: int
    quantity: int


class RequestIn(Schema):
    checkpoint_id: int | None = None
    community_id: int | None = None
    lines: list[LineIn]
    needed_by: date | None = None
    note: str = ""


class LineOut(Schema):
    item_id: int
    item: str
    quantity_requested: int
    quantity_approved: int | None
    quantity_issued: int


class RequestOut(Schema):
    id: int
    status: str
    status_label: str
    checkpoint_id: int | None
    community_id: int
    requested_at: str
    lines: list[LineOut]


def _item(item_id: int) -> Item:
    item = Item.objects.filter(pk=item_id).first()
    if item is None:
        raise DomainError(_("Item: no such item in the catalogue."), code="stock.unknown_item", field="item_id")
    return item


def _get(model: type, pk: int | None, field: str, user: object) -> object:
    if pk is None:
        return None
    obj = scope(model.objects.all(), user).filter(pk=pk).first()  # type: ignore[attr-defined]
    if obj is None:
        raise DomainError(_("%(field)s: not found."), code="not_found", field=field, params={"field": field})
    return obj


def _request_out(r: SupplyRequest) -> dict:
    return {
        "id": r.pk,
        "status": r.status,
        "status_label": r.get_status_display(),
        "checkpoint_id": r.checkpoint_id,
        "community_id": r.community_id,
        "requested_at": timezone.localtime(r.requested_at).isoformat(),
        "lines": [
            {
                "item_id": ln.item_id,
                "item": ln.item.name,
                "quantity_requested": ln.quantity_requested,
                "quantity_approved": ln.quantity_approved,
                "quantity_issued": ln.quantity_issued,
            }
            for ln in r.lines.select_related("item")
        ],
    }


@router.get("/supplies/stock", response=list[LevelOut])
def stock(request: HttpRequest, store_id: int | None = None) -> list[dict]:
    if not (can(request.user, "supplies.view") or can(request.user, "supplies.request")):
        require(request.user, "supplies.view")
    today = timezone.localdate()
    qs = scope(StockLevel.objects.filter(quantity__gt=0).select_related("store", "item"), request.user)
    if store_id:
        qs = qs.filter(store_id=store_id)
    return [
        {
            "store_id": lv.store_id,
            "store": lv.store.name,
            "item_id": lv.item_id,
            "item": lv.item.name,
            "unit": lv.item.unit,
            "lot": lv.lot,
            "expiry_date": lv.expiry_date,
            "quantity": lv.quantity,
            "expired": lv.is_expired(today),
        }
        for lv in qs
    ]


@router.get("/supplies/cover", response=list[CoverOut])
def cover(request: HttpRequest) -> list[dict]:
    require(request.user, "supplies.view")
    return [
        {
            "item_id": r["item"].pk,
            "item": r["item"].name,
            "unit": r["item"].unit,
            "on_hand": r["on_hand"],
            "expired": r["expired"],
            "used_per_day": float(r["rate"]),
            "days_of_cover": float(r["days_of_cover"]) if r["days_of_cover"] is not None else None,
        }
        for r in selectors.item_totals(user=request.user, today=timezone.localdate())
    ]


@router.post("/supplies/receipts", response={201: MovementOut})
def receipt_create(request: HttpRequest, payload: ReceiptIn) -> Status:
    require(request.user, "supplies.manage")
    data = payload.dict()
    store = _get(Store, data.pop("store_id"), "store_id", request.user)
    item = _item(data.pop("item_id"))
    return Status(201, services.stock_receive(actor=request.user, store=store, item=item, **data))  # type: ignore[arg-type]


@router.post("/supplies/issues", response={201: list[MovementOut]})
def issue_create(request: HttpRequest, payload: IssueIn) -> Status:
    require(request.user, "supplies.manage")
    data = payload.dict()
    movements = services.stock_issue(
        actor=request.user,
        store=_get(Store, data.pop("store_id"), "store_id", request.user),  # type: ignore[arg-type]
        item=_item(data.pop("item_id")),
        checkpoint=_get(Checkpoint, data.pop("checkpoint_id"), "checkpoint_id", request.user),  # type: ignore[arg-type]
        community=_get(Community, data.pop("community_id"), "community_id", request.user),  # type: ignore[arg-type]
        staff=_get(Staff, data.pop("staff_id"), "staff_id", request.user),  # type: ignore[arg-type]
        **data,
    )
    return Status(201, movements)


@router.post("/supplies/requests", response={201: RequestOut})
def request_create(request: HttpRequest, payload: RequestIn) -> Status:
    require(request.user, "supplies.request")
    r = services.request_submit(
        actor=request.user,
        checkpoint=_get(Checkpoint, payload.checkpoint_id, "checkpoint_id", request.user),  # type: ignore[arg-type]
        community=_get(Community, payload.community_id, "community_id", request.user),  # type: ignore[arg-type]
        lines=[(_item(line.item_id), line.quantity) for line in payload.lines],
        needed_by=payload.needed_by,
        note=payload.note,
    )
    return Status(201, _request_out(r))


@router.get("/supplies/requests", response=list[RequestOut])
def request_list(request: HttpRequest, status: str = "") -> list[dict]:
    if not can(request.user, "supplies.view"):
        require(request.user, "supplies.request")
    qs = scope(SupplyRequest.objects.all(), request.user)
    if status:
        qs = qs.filter(status=status)
    return [_request_out(r) for r in qs[:200]]


@router.get("/supplies/requests/{request_id}", response=RequestOut)
def request_get(request: HttpRequest, request_id: int) -> dict:
    if not can(request.user, "supplies.view"):
        require(request.user, "supplies.request")
    return _request_out(get_scoped(SupplyRequest.objects.all(), request.user, pk=request_id))
