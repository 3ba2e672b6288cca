"""Every change to supplies goes through these functions: the ledger, requests and alerts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontline.core.access import CAPABILITIES
from frontline.core.audit import audit_record
from frontline.core.errors import DomainError
from frontline.core.notify import later, notify, stored
from frontline.core.services import raise_validation_error, save_instance
from frontline.org.models import Checkpoint, Community, Staff
from frontline.supplies.catalogue import BUREAU_STORE_NAME, CATALOGUE
from frontline.supplies.models import Item, Movement, StockAlert, StockLevel, Store, SupplyRequest, SupplyRequestLine

MAX_QUANTITY = 10_000_000
K = Movement.Kind


# --- catalogue and stores ------------------------------------------------------------------


def catalogue_seed() -> int:
    """Create the article's items and the bureau's store when missing; return how many were made."""
    made = 0
    for name, category, unit, threshold, days in CATALOGUE:
        _item, created = Item.objects.get_or_create(
            name=name,
            defaults={"category": category, "unit": unit, "low_stock_threshold": threshold, "min_days_of_cover": days},
        )
        made += created
    _store, created = Store.objects.get_or_create(name=BUREAU_STORE_NAME, defaults={"kind": Store.Kind.BUREAU})
    return made + created


def item_save(
    *,
    actor: Any,
    item: Item | None = None,
    name: str,
    category: str,
    unit: str,
    low_stock_threshold: int = 0,
    min_days_of_cover: int = 3,
    active: bool = True,
    note: str = "",
) -> Item:
    """Create or edit a catalogue item."""
    fields = {
        "name": name.strip(),
        "category": category,
        "unit": unit.strip(),
        "low_stock_threshold": low_stock_threshold,
        "min_days_of_cover": min_days_of_cover,
        "active": active,
        "note": note,
    }
    return save_instance(
        actor=actor, instance=item or Item(), fields=fields, action="stock.item_update" if item else "stock.item_create"
    )


def store_save(
    *,
    actor: Any,
    store: Store | None = None,
    name: str,
    kind: str,
    checkpoint: Checkpoint | None = None,
    community: Community | None = None,
    active: bool = True,
) -> Store:
    """Create or edit a store; a checkpoint's store belongs to the checkpoint's community."""
    if kind == Store.Kind.CHECKPOINT:
        if checkpoint is None:
            raise DomainError(
                _("Checkpoint: choose the checkpoint this store belongs to."),
                code="store.checkpoint",
                field="checkpoint",
            )
        community = checkpoint.community
    elif kind == Store.Kind.COMMUNITY:
        if community is None:
            raise DomainError(
                _("Community: choose the community this store belongs to."), code="store.community", field="community"
            )
        checkpoint = None
    else:
        checkpoint = community = None
    fields = {"name": name.strip(), "kind": kind, "checkpoint": checkpoint, "community": community, "active": active}
    return save_instance(
        actor=actor,
        instance=store or Store(),
        fields=fields,
        action="stock.store_update" if store else "stock.store_create",
    )


def store_for_checkpoint(*, actor: Any, checkpoint: Checkpoint) -> Store:
    """Return the checkpoint's store, opening it the first time."""
    existing = Store.objects.filter(checkpoint=checkpoint).first()
    if existing:
        return existing
    return store_save(
        actor=actor, name=f"{checkpoint.code} {checkpoint.name}", kind=Store.Kind.CHECKPOINT, checkpoint=checkpoint
    )


def bureau_store() -> Store:
    """Return the bureau's central store."""
    store = Store.objects.filter(kind=Store.Kind.BUREAU).order_by("pk").first()
    if store is None:
        catalogue_seed()
        store = Store.objects.get(name=BUREAU_STORE_NAME)
    return store


# --- validation helpers --------------------------------------------------------------------


def _quantity(value: Any, *, field: str = "quantity", allow_zero: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            if isinstance(value, bool) or value is None or Decimal(str(value)) != int(Decimal(str(value))):
                raise ValueError
            value = int(Decimal(str(value)))
        except (ValueError, ArithmeticError) as exc:
            raise DomainError(
                _("Quantity: enter a whole number."), code="stock.quantity_not_whole", field=field
            ) from exc
    if value < 0 or (value == 0 and not allow_zero):
        raise DomainError(
            _("Quantity: must be a whole number greater than zero."), code="stock.quantity_not_positive", field=field
        )
    if value > MAX_QUANTITY:
        raise DomainError(_("Quantity: too large."), code="stock.quantity_too_large", field=field)
    return value


def _item(item: Any) -> Item:
    if not isinstance(item, Item) or item.pk is None:
        raise DomainError(_("Item: no such item in the catalogue."), code="stock.unknown_item", field="item")
    if not item.active:
        raise DomainError(
            _("Item: %(item)s is no longer in use."),
            code="stock.inactive_item",
            field="item",
            params={"item": item.name},
        )
    return item


def _store(store: Any, *, field: str = "store") -> Store:
    if not isinstance(store, Store) or store.pk is None:
        raise DomainError(_("Store: no such store."), code="stock.unknown_store", field=field)
    if not store.active:
        raise DomainError(
            _("Store: %(store)s is closed."), code="stock.store_closed", field=field, params={"store": store.name}
        )
    return store


def _day(value: date | None) -> date:
    today = timezone.localdate()
    day = value or today
    if day > today:
        raise DomainError(_("Date: cannot be in the future."), code="stock.future_date", field="occurred_on")
    return day


def _record(actor: Any, movement: Movement, action: str) -> Movement:
    if getattr(actor, "pk", None):
        movement.created_by = actor
    # Field checks only: the services have already checked the shape of the movement, and the
    # database's constraints stand behind them (checking them twice here cost 12 queries a row).
    fks = ["created_by", "item", "from_store", "to_store", "checkpoint", "community", "staff", "request", "reverses"]
    try:
        movement.full_clean(exclude=fks, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise_validation_error(exc)
    try:
        with transaction.atomic():
            movement.save()
    except IntegrityError as exc:
        raise DomainError(
            _("Movement: this entry breaks a rule of the ledger."), code="stock.ledger_rule", field="quantity"
        ) from exc
    audit_record(
        actor=actor,
        action=action,
        target=movement,
        changes={
            "kind": movement.kind,
            "item": movement.item.name,
            "lot": movement.lot,
            "quantity": movement.quantity,
            "from": movement.from_store,
            "to": movement.to_store or movement.recipient,
        },
    )
    return movement


def _after_commit(pairs: Iterable[tuple[int, int]]) -> None:
    pairs = sorted(set(pairs))
    transaction.on_commit(lambda: stock_alerts_evaluate(pairs=pairs))


# --- the two primitive changes of a stock level --------------------------------------------


def _put(store: Store, item: Item, lot: str, expiry_date: date | None, quantity: int) -> StockLevel:
    """Add to a store's level of an item and lot, creating the row the first time."""
    try:
        with transaction.atomic():
            level, _created = StockLevel.objects.select_for_update().get_or_create(
                store=store, item=item, lot=lot, defaults={"expiry_date": expiry_date}
            )
    except IntegrityError:  # created by a racing receipt a moment ago
        level = StockLevel.objects.select_for_update().get(store=store, item=item, lot=lot)
    if expiry_date and level.expiry_date and level.expiry_date != expiry_date:
        raise DomainError(
            _("Expiry date: lot %(lot)s already has the expiry date %(date)s."),
            code="stock.lot_expiry_mismatch",
            field="expiry_date",
            params={"lot": lot or "—", "date": level.expiry_date},
        )
    updates: dict[str, Any] = {"quantity": F("quantity") + quantity}
    if expiry_date and not level.expiry_date:
        updates["expiry_date"] = expiry_date
    StockLevel.objects.filter(pk=level.pk).update(**updates)
    return level


def _take(
    store: Store, item: Item, quantity: int, *, lot: str | None = None, allow_expired: bool = False
) -> list[tuple[StockLevel, int]]:
    """Take a quantity out of a store, first-expired first out; refuse when there is not enough."""
    today = timezone.localdate()
    qs = StockLevel.objects.select_for_update().filter(store=store, item=item)
    if lot is not None:
        qs = qs.filter(lot=lot)
    # Locking in one order (expiry, lot, id) keeps racing issues from deadlocking each other.
    levels = list(qs.order_by(F("expiry_date").asc(nulls_last=True), "lot", "pk"))
    held = [lv for lv in levels if lv.quantity > 0]
    if not held:
        raise DomainError(
            _("Store: %(store)s holds no %(item)s."),
            code="stock.not_held",
            field="store",
            params={"store": store.name, "item": item.name},
        )
    usable = held if allow_expired else [lv for lv in held if not lv.is_expired(today)]
    available = sum(lv.quantity for lv in usable)
    if available < quantity:
        raise DomainError(
            _("Quantity: %(store)s holds only %(available)s %(unit)s of %(item)s (asked for %(asked)s)."),
            code="stock.insufficient",
            field="quantity",
            params={
                "store": store.name,
                "available": available,
                "unit": item.unit,
                "item": item.name,
                "asked": quantity,
            },
        )
    taken: list[tuple[StockLevel, int]] = []
    left = quantity
    for level in usable:
        if left == 0:
            break
        n = min(level.quantity, left)
        try:
            with transaction.atomic():
                # Conditional and relative: even without the row lock (another writer, a bug), the
                # database refuses to go below zero (the WHERE here, the CheckConstraint behind it).
                changed = StockLevel.objects.filter(pk=level.pk, quantity__gte=n).update(quantity=F("quantity") - n)
        except IntegrityError:
            changed = 0
        if not changed:
            raise DomainError(
                _("Quantity: the stock of %(item)s at %(store)s changed meanwhile; not enough is left."),
                code="stock.insufficient",
                field="quantity",
                params={"store": store.name, "item": item.name},
            )
        taken.append((level, n))
        left -= n
    return taken


# --- the ledger ----------------------------------------------------------------------------


def stock_receive(
    *,
    actor: Any,
    kind: str,
    store: Store,
    item: Item,
    quantity: Any,
    source: str,
    lot: str = "",
    expiry_date: date | None = None,
    value: Decimal | None = None,
    document_no: str = "",
    occurred_on: date | None = None,
    note: str = "",
) -> Movement:
    """Receive goods into a store: a purchase (supplier), a donation (donor) or an allocation."""
    if kind not in Movement.RECEIPTS:
        raise DomainError(_("Kind: choose purchase, donation or allocation."), code="stock.receipt_kind", field="kind")
    item = _item(item)
    store = _store(store)
    quantity = _quantity(quantity)
    source = (source or "").strip()
    if not source:
        labels = {K.PURCHASE: _("Supplier"), K.DONATION: _("Donor"), K.ALLOCATION: _("Issuing authority")}
        raise DomainError(
            _("%(who)s: say who the goods came from."),
            code="stock.source_required",
            field="source",
            params={"who": labels[K(kind)]},
        )
    if value is not None and value < 0:
        raise DomainError(_("Value: cannot be negative."), code="stock.value_negative", field="value")
    day = _day(occurred_on)
    with transaction.atomic():
        _put(store, item, lot.strip(), expiry_date, quantity)
        movement = _record(
            actor,
            Movement(
                kind=kind,
                item=item,
                lot=lot.strip(),
                expiry_date=expiry_date,
                quantity=quantity,
                to_store=store,
                source=source,
                value=value,
                document_no=document_no.strip(),
                occurred_on=day,
                note=note,
            ),
            f"stock.{kind}",
        )
        _after_commit([(store.pk, item.pk)])
    return movement


def stock_issue(
    *,
    actor: Any,
    store: Store,
    item: Item,
    quantity: Any,
    checkpoint: Checkpoint | None = None,
    community: Community | None = None,
    staff: Staff | None = None,
    lot: str | None = None,
    occurred_on: date | None = None,
    request: SupplyRequest | None = None,
    note: str = "",
) -> list[Movement]:
    """Issue goods out of a store to a checkpoint, a community or a staff member (one movement per lot)."""
    item = _item(item)
    store = _store(store)
    quantity = _quantity(quantity)
    if checkpoint is None and store.checkpoint_id:
        checkpoint = store.checkpoint
    if checkpoint is None and community is None and staff is None:
        raise DomainError(
            _("Recipient: choose a checkpoint, a community or a staff member."),
            code="stock.no_recipient",
            field="checkpoint",
        )
    if checkpoint is not None and community is None:
        community = checkpoint.community
    day = _day(occurred_on)
    with transaction.atomic():
        taken = _take(store, item, quantity, lot=lot or None)
        movements = [
            _record(
                actor,
                Movement(
                    kind=K.ISSUE,
                    item=item,
                    lot=level.lot,
                    expiry_date=level.expiry_date,
                    quantity=n,
                    from_store=store,
                    checkpoint=checkpoint,
                    community=community,
                    staff=staff,
                    request=request,
                    occurred_on=day,
                    note=note,
                ),
                "stock.issue",
            )
            for level, n in taken
        ]
        _after_commit([(store.pk, item.pk)])
    return movements


def stock_transfer(
    *,
    actor: Any,
    from_store: Store,
    to_store: Store,
    item: Item,
    quantity: Any,
    lot: str | None = None,
    occurred_on: date | None = None,
    note: str = "",
) -> list[Movement]:
    """Move goods from one store to another, lots and expiry dates kept."""
    item = _item(item)
    from_store = _store(from_store, field="from_store")
    to_store = _store(to_store, field="to_store")
    if from_store.pk == to_store.pk:
        raise DomainError(_("To store: choose a different store."), code="stock.same_store", field="to_store")
    quantity = _quantity(quantity)
    day = _day(occurred_on)
    with transaction.atomic():
        taken = _take(from_store, item, quantity, lot=lot or None)
        movements = []
        for level, n in taken:
            _put(to_store, item, level.lot, level.expiry_date, n)
            movements.append(
                _record(
                    actor,
                    Movement(
                        kind=K.TRANSFER,
                        item=item,
                        lot=level.lot,
                        expiry_date=level.expiry_date,
                        quantity=n,
                        from_store=from_store,
                        to_store=to_store,
                        checkpoint=to_store.checkpoint if to_store.checkpoint_id else None,
                        community=to_store.community,
                        occurred_on=day,
                        note=note,
                    ),
                    "stock.transfer",
                )
            )
        _after_commit([(from_store.pk, item.pk), (to_store.pk, item.pk)])
    return movements


def stock_adjust(
    *,
    actor: Any,
    store: Store,
    item: Item,
    counted: Any,
    reason: str,
    lot: str = "",
    expiry_date: date | None = None,
    occurred_on: date | None = None,
) -> Movement:
    """Record a stocktake: the difference between what was counted and what the ledger says."""
    item = _item(item)
    store = _store(store)
    counted = _quantity(counted, field="counted", allow_zero=True)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Reason: say why the count differs."), code="stock.reason_required", field="reason")
    day = _day(occurred_on)
    lot = lot.strip()
    with transaction.atomic():
        level = StockLevel.objects.select_for_update().filter(store=store, item=item, lot=lot).first()
        current = level.quantity if level else 0
        diff = counted - current
        if diff == 0:
            raise DomainError(
                _("Counted: matches the %(n)s on record; nothing to adjust."),
                code="stock.no_difference",
                field="counted",
                params={"n": current},
            )
        if diff > 0:
            _put(store, item, lot, expiry_date, diff)
            movement = Movement(
                kind=K.ADJUSTMENT,
                item=item,
                lot=lot,
                expiry_date=expiry_date or (level.expiry_date if level else None),
                quantity=diff,
                to_store=store,
                reason=reason,
                occurred_on=day,
            )
        else:
            _take(store, item, -diff, lot=lot, allow_expired=True)
            movement = Movement(
                kind=K.ADJUSTMENT,
                item=item,
                lot=lot,
                expiry_date=level.expiry_date if level else None,
                quantity=-diff,
                from_store=store,
                reason=reason,
                occurred_on=day,
            )
        movement = _record(actor, movement, "stock.adjust")
        _after_commit([(store.pk, item.pk)])
    return movement


def stock_correct(*, actor: Any, movement: Movement, reason: str) -> Movement:
    """Cancel a movement's effect with a reversing movement; the original stays in the ledger."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Reason: say what was wrong."), code="stock.reason_required", field="reason")
    with transaction.atomic():
        original = (
            Movement.objects.select_for_update(of=("self",))
            .select_related("item", "from_store", "to_store")
            .get(pk=movement.pk)
        )
        if original.kind == K.CORRECTION:
            raise DomainError(
                _("Movement: a correction cannot itself be corrected; record a new movement."),
                code="stock.correct_correction",
                field="reason",
            )
        if Movement.objects.filter(reverses=original).exists():
            raise DomainError(
                _("Movement: this was corrected already."), code="stock.already_corrected", field="reason"
            )
        pairs = []
        if original.to_store_id:
            _take(original.to_store, original.item, original.quantity, lot=original.lot, allow_expired=True)  # type: ignore[arg-type]
            pairs.append((original.to_store_id, original.item_id))
        if original.from_store_id:
            _put(original.from_store, original.item, original.lot, original.expiry_date, original.quantity)  # type: ignore[arg-type]
            pairs.append((original.from_store_id, original.item_id))
        reversal = _record(
            actor,
            Movement(
                kind=K.CORRECTION,
                item=original.item,
                lot=original.lot,
                expiry_date=original.expiry_date,
                quantity=original.quantity,
                from_store=original.to_store,
                to_store=original.from_store,
                checkpoint=original.checkpoint,
                community=original.community,
                staff=original.staff,
                source=original.source,
                reverses=original,
                reason=reason,
                occurred_on=timezone.localdate(),
            ),
            "stock.correct",
        )
        _after_commit(pairs)
    return reversal


def frontline_kit_issue(
    *,
    actor: Any,
    store: Store,
    staff: Sequence[Staff],
    kit: Sequence[tuple[Item, Any]],
    checkpoint: Checkpoint | None = None,
    occurred_on: date | None = None,
) -> list[Movement]:
    """Issue the same kit (e.g. 2 masks, 2 pairs of gloves) to each of several staff members, all or nothing."""
    if not staff:
        raise DomainError(_("Staff: choose at least one staff member."), code="stock.no_staff", field="staff")
    kit = [(item, _quantity(q)) for item, q in kit if q not in (None, "", 0)]
    if not kit:
        raise DomainError(_("Kit: give a quantity for at least one item."), code="stock.empty_kit", field="kit")
    with transaction.atomic():
        movements: list[Movement] = []
        for person in staff:
            for item, quantity in kit:
                movements += stock_issue(
                    actor=actor,
                    store=store,
                    item=item,
                    quantity=quantity,
                    staff=person,
                    checkpoint=checkpoint,
                    occurred_on=occurred_on,
                    note=stored(_("Daily front-line kit")),
                )
    return movements


# --- requests ------------------------------------------------------------------------------

S = SupplyRequest.Status
REQUEST_MOVES: dict[str, set[str]] = {
    S.SUBMITTED: {S.APPROVED, S.PARTLY_APPROVED, S.REJECTED, S.CANCELLED},
    S.APPROVED: {S.ISSUED, S.CANCELLED},
    S.PARTLY_APPROVED: {S.ISSUED, S.CANCELLED},
    S.REJECTED: set(),
    S.ISSUED: set(),
    S.CANCELLED: set(),
}


def _request_move(request: SupplyRequest, status: str) -> None:
    """Refuse a status change the request's life does not allow."""
    if status not in REQUEST_MOVES[S(request.status)]:
        raise DomainError(
            _("Status: a request that is %(old)s cannot become %(new)s."),
            code="request.illegal_status",
            field="status",
            params={"old": S(request.status).label, "new": S(status).label},
        )
    request.status = status


def _logistics_users() -> list[Any]:
    from frontline.org.selectors import users_with_role

    return list(users_with_role(*CAPABILITIES["supplies.manage"]))


def _tell_requester(request: SupplyRequest, title: Any, kind: str) -> None:
    link = reverse("supplies:request_detail", args=[request.pk])
    users = [request.requested_by]
    transaction.on_commit(
        lambda: notify(users=users, kind=kind, title=title, link=link, dedupe_key=f"{kind}:{request.pk}")
    )


def request_submit(
    *,
    actor: Any,
    lines: Sequence[tuple[Item, Any]],
    checkpoint: Checkpoint | None = None,
    community: Community | None = None,
    needed_by: date | None = None,
    note: str = "",
) -> SupplyRequest:
    """A checkpoint or community asks logistics for supplies."""
    if checkpoint is not None:
        community = checkpoint.community
    if community is None:
        raise DomainError(
            _("Checkpoint: say which checkpoint or community needs the supplies."),
            code="request.no_place",
            field="checkpoint",
        )
    if getattr(actor, "role", "") == "liaison" and not actor.is_superuser and actor.community_id != community.pk:
        raise DomainError(
            _("Community: you may only request for your own community."),
            code="request.other_community",
            field="community",
        )
    wanted: dict[int, tuple[Item, int]] = {}
    for item, quantity in lines:
        if quantity in (None, "", 0):
            continue
        item = _item(item)
        q = _quantity(quantity, field=f"item_{item.pk}")
        if item.pk in wanted:
            raise DomainError(
                _("Item: %(item)s is listed twice."),
                code="request.duplicate_item",
                field="item",
                params={"item": item.name},
            )
        wanted[item.pk] = (item, q)
    if not wanted:
        raise DomainError(_("Items: ask for at least one item."), code="request.empty", field="lines")
    if needed_by and needed_by < timezone.localdate():
        raise DomainError(_("Needed by: cannot be in the past."), code="request.needed_past", field="needed_by")
    with transaction.atomic():
        request = SupplyRequest.objects.create(
            checkpoint=checkpoint, community=community, needed_by=needed_by, note=note.strip(), requested_by=actor
        )
        SupplyRequestLine.objects.bulk_create(
            [SupplyRequestLine(request=request, item=item, quantity_requested=q) for item, q in wanted.values()]
        )
        audit_record(
            actor=actor,
            action="stock.request_submit",
            target=request,
            changes={"place": request.requester_place, "lines": {i.name: q for i, q in wanted.values()}},
        )
        link = reverse("supplies:request_detail", args=[request.pk])
        title = later(_("Supply request from %(place)s"), {"place": request.requester_place})
        body = "、".join(f"{i.name} {q}{i.unit}" for i, q in wanted.values())
        users = _logistics_users()
        transaction.on_commit(
            lambda: notify(
                users=users,
                kind="supplies.request",
                title=title,
                body=body,
                link=link,
                dedupe_key=f"supplies.request:{request.pk}",
            )
        )
    return request


def _locked(request: SupplyRequest) -> SupplyRequest:
    return SupplyRequest.objects.select_for_update().get(pk=request.pk)


def request_approve(*, actor: Any, request: SupplyRequest, approved: dict[int, Any], note: str = "") -> SupplyRequest:
    """Approve a request all or in part: approved maps each line's id to the quantity granted."""
    with transaction.atomic():
        request = _locked(request)
        lines = list(request.lines.select_related("item"))
        granted: dict[int, int] = {}
        for line in lines:
            q = _quantity(approved.get(line.pk, 0), field=f"line_{line.pk}", allow_zero=True)
            if q > line.quantity_requested:
                raise DomainError(
                    _("%(item)s: cannot approve more than the %(n)s asked for."),
                    code="request.over_approved",
                    field=f"line_{line.pk}",
                    params={"item": line.item.name, "n": line.quantity_requested},
                )
            granted[line.pk] = q
        if not any(granted.values()):
            raise DomainError(
                _("Approved: nothing is approved; reject the request instead."),
                code="request.nothing_approved",
                field="status",
            )
        full = all(granted[line.pk] == line.quantity_requested for line in lines)
        _request_move(request, S.APPROVED if full else S.PARTLY_APPROVED)
        for line in lines:
            line.quantity_approved = granted[line.pk]
            line.save(update_fields=["quantity_approved"])
        request.decided_by, request.decided_at, request.decision_note = actor, timezone.now(), note.strip()
        request.save()
        audit_record(
            actor=actor,
            action="stock.request_approve",
            target=request,
            changes={"status": request.status, "approved": {ln.item.name: granted[ln.pk] for ln in lines}},
        )
        title = later(
            _("Your supply request %(n)s was approved")
            if full
            else _("Your supply request %(n)s was approved in part"),
            {"n": request.pk},
        )
        _tell_requester(request, title, "supplies.request_approved")
    return request


def request_reject(*, actor: Any, request: SupplyRequest, note: str) -> SupplyRequest:
    """Refuse a request, saying why."""
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Reason: say why the request is rejected."), code="request.reason_required", field="note")
    with transaction.atomic():
        request = _locked(request)
        _request_move(request, S.REJECTED)
        request.decided_by, request.decided_at, request.decision_note = actor, timezone.now(), note
        request.save()
        audit_record(actor=actor, action="stock.request_reject", target=request, changes={"note": note})
        _tell_requester(
            request, later(_("Your supply request %(n)s was rejected"), {"n": request.pk}), "supplies.request_rejected"
        )
    return request


def request_cancel(*, actor: Any, request: SupplyRequest) -> SupplyRequest:
    """Withdraw a request that has not been issued."""
    with transaction.atomic():
        request = _locked(request)
        _request_move(request, S.CANCELLED)
        request.save()
        audit_record(actor=actor, action="stock.request_cancel", target=request)
    return request


def request_issue(
    *, actor: Any, request: SupplyRequest, store: Store, occurred_on: date | None = None
) -> SupplyRequest:
    """Issue what was approved, out of one store, all lines or none."""
    with transaction.atomic():
        request = _locked(request)
        _request_move(request, S.ISSUED)
        lines = list(request.lines.select_related("item"))
        for line in lines:
            if not line.quantity_approved:
                continue
            stock_issue(
                actor=actor,
                store=store,
                item=line.item,
                quantity=line.quantity_approved,
                checkpoint=request.checkpoint,
                community=request.community,
                request=request,
                occurred_on=occurred_on,
            )
            line.quantity_issued = line.quantity_approved
            line.save(update_fields=["quantity_issued"])
        request.issued_by, request.issued_at, request.issued_from = actor, timezone.now(), store
        request.save()
        audit_record(actor=actor, action="stock.request_issue", target=request, changes={"store": store.name})
        _tell_requester(
            request,
            later(_("Supplies for your request %(n)s have been issued"), {"n": request.pk}),
            "supplies.request_issued",
        )
    return request


# --- low-stock alerts ----------------------------------------------------------------------


def stock_alerts_evaluate(
    *, pairs: Iterable[tuple[int, int]] | None = None, today: date | None = None
) -> dict[str, int]:
    """Open an alert (and notify once) when an item falls short at a store; close it when restocked."""
    from frontline.org.selectors import liaisons_of
    from frontline.supplies.selectors import store_item_cover

    today = today or timezone.localdate()
    if pairs is None:
        pairs = set(StockLevel.objects.values_list("store_id", "item_id")) | set(
            StockAlert.objects.filter(closed_at__isnull=True).values_list("store_id", "item_id")
        )
    opened = closed = 0
    for store_id, item_id in sorted(set(pairs)):
        store = Store.objects.select_related("community").get(pk=store_id)
        item = Item.objects.get(pk=item_id)
        cover = store_item_cover(store=store, item=item, today=today)
        reason = cover.shortfall
        with transaction.atomic():
            open_alert = (
                StockAlert.objects.select_for_update().filter(store=store, item=item, closed_at__isnull=True).first()
            )
            if reason is None:
                if open_alert:
                    open_alert.closed_at = timezone.now()
                    open_alert.save(update_fields=["closed_at"])
                    audit_record(actor="system", action="stock.alert_close", target=open_alert)
                    closed += 1
                continue
            if open_alert:
                continue  # the same episode: it was announced when it opened
            try:
                with transaction.atomic():
                    alert = StockAlert.objects.create(
                        store=store,
                        item=item,
                        reason=reason,
                        on_hand=cover.on_hand,
                        days_of_cover=cover.days_of_cover.quantize(Decimal("0.1"))
                        if cover.days_of_cover is not None
                        else None,
                    )
            except IntegrityError:
                continue  # a racing evaluation opened it
            audit_record(
                actor="system",
                action="stock.alert_open",
                target=alert,
                changes={"reason": reason, "on_hand": cover.on_hand},
            )
            opened += 1
            if reason == StockAlert.Reason.THRESHOLD:
                body = later(
                    _("%(store)s holds %(n)s %(unit)s of %(item)s, under the threshold of %(t)s."),
                    {
                        "store": store.name,
                        "n": cover.on_hand,
                        "unit": item.unit,
                        "item": item.name,
                        "t": item.low_stock_threshold,
                    },
                )
            else:
                body = later(
                    _("%(store)s holds %(n)s %(unit)s of %(item)s: %(d)s days at the current rate of %(r)s a day."),
                    {
                        "store": store.name,
                        "n": cover.on_hand,
                        "unit": item.unit,
                        "item": item.name,
                        "d": alert.days_of_cover,
                        "r": cover.rate.quantize(Decimal("0.1")),
                    },
                )
            users = _logistics_users() + (list(liaisons_of(store.community)) if store.community_id else [])
            notify(
                users=users,
                kind="supplies.low_stock",
                title=later(_("Low stock: %(item)s at %(store)s"), {"item": item.name, "store": store.name}),
                body=body,
                link=reverse("supplies:cover"),
                dedupe_key=alert.dedupe_key,
            )
    return {"opened": opened, "closed": closed}
