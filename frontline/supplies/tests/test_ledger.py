"""The ledger: receipts, issues, transfers, stocktakes and corrections; stock = the ledger's sum."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from frontline.core.errors import DomainError
from frontline.core.models import AuditLog
from frontline.supplies import services as s
from frontline.supplies.models import Item, Movement, StockLevel
from frontline.supplies.selectors import ledger_mismatches


def level(store, item) -> int:
    return sum(StockLevel.objects.filter(store=store, item=item).values_list("quantity", flat=True))


def counts() -> tuple[int, int, int]:
    return (
        Movement.objects.count(),
        StockLevel.objects.count(),
        AuditLog.objects.filter(action__startswith="stock.").count(),
    )


def test_the_catalogue_holds_the_articles_supplies(supplies):
    names = set(Item.objects.values_list("name", flat=True))
    for name in [
        "一次性医用外科口罩",
        "N95医用防护口罩",
        "一次性医用手套",
        "医用防护服",
        "护目镜",
        "84消毒液",
        "75%医用酒精",
        "红外线体温计",
        "暖宝宝",
        "夜班方便食品",
        "饮用水",
    ]:
        assert name in names
    assert supplies.store.kind == "bureau"


def test_a_donation_then_an_issue_leaves_the_difference_and_is_audited(org, supplies):
    s.stock_receive(
        actor=org.office,
        kind="donation",
        store=supplies.store,
        item=supplies.masks,
        quantity=5000,
        source="包头市红十字会",
        value=2500,
    )
    s.stock_issue(
        actor=org.office, store=supplies.store, item=supplies.masks, quantity=300, checkpoint=org.checkpoint_a
    )
    assert level(supplies.store, supplies.masks) == 4700
    assert AuditLog.objects.filter(action="stock.donation").count() == 1
    issue = Movement.objects.get(kind="issue")
    assert issue.community == org.community_a  # a checkpoint's issue belongs to its community too
    assert ledger_mismatches() == []


def test_issues_take_the_first_expiring_lot_first_and_skip_expired_stock(org, supplies):
    today = timezone.localdate()
    st, item = supplies.store, supplies.disinfectant
    s.stock_receive(
        actor=org.office,
        kind="purchase",
        store=st,
        item=item,
        quantity=10,
        source="A",
        lot="L-LATE",
        expiry_date=today + timedelta(days=300),
    )
    s.stock_receive(
        actor=org.office,
        kind="purchase",
        store=st,
        item=item,
        quantity=10,
        source="A",
        lot="L-SOON",
        expiry_date=today + timedelta(days=30),
    )
    s.stock_receive(
        actor=org.office,
        kind="purchase",
        store=st,
        item=item,
        quantity=10,
        source="A",
        lot="L-OLD",
        expiry_date=today + timedelta(days=1),
    )
    with time_travel(days=5):
        # L-OLD has expired: it is flagged and never issued.
        moves = s.stock_issue(actor=org.office, store=st, item=item, quantity=15, staff=org.staff[0])
        assert [(m.lot, m.quantity) for m in moves] == [("L-SOON", 10), ("L-LATE", 5)]
        old = StockLevel.objects.get(lot="L-OLD")
        assert old.is_expired() and old.quantity == 10
        with pytest.raises(DomainError) as exc:
            s.stock_issue(actor=org.office, store=st, item=item, quantity=6, staff=org.staff[0])
        assert exc.value.code == "stock.insufficient"
        assert "5" in str(exc.value)


def time_travel(days: int):
    import time_machine

    return time_machine.travel(timezone.now() + timedelta(days=days), tick=False)


def test_a_transfer_moves_lots_between_stores(org, supplies):
    cp_store = s.store_for_checkpoint(actor=org.office, checkpoint=org.checkpoint_a)
    s.stock_receive(
        actor=org.office,
        kind="allocation",
        store=supplies.store,
        item=supplies.gloves,
        quantity=100,
        source="区指挥部",
        lot="G1",
    )
    s.stock_transfer(actor=org.office, from_store=supplies.store, to_store=cp_store, item=supplies.gloves, quantity=40)
    assert level(supplies.store, supplies.gloves) == 60
    assert StockLevel.objects.get(store=cp_store, item=supplies.gloves, lot="G1").quantity == 40
    # Issued from the checkpoint's store, it counts for that checkpoint without saying so.
    m = s.stock_issue(actor=org.office, store=cp_store, item=supplies.gloves, quantity=4, staff=org.staff[2])[0]
    assert m.checkpoint == org.checkpoint_a
    assert ledger_mismatches() == []


def test_a_stocktake_records_the_difference_with_its_reason(org, supplies):
    s.stock_receive(
        actor=org.office, kind="purchase", store=supplies.store, item=supplies.water, quantity=50, source="超市"
    )
    m = s.stock_adjust(actor=org.office, store=supplies.store, item=supplies.water, counted=47, reason="3箱破损")
    assert (m.kind, m.quantity, m.from_store, m.reason) == ("adjustment", 3, supplies.store, "3箱破损")
    assert level(supplies.store, supplies.water) == 47
    with pytest.raises(DomainError) as exc:
        s.stock_adjust(actor=org.office, store=supplies.store, item=supplies.water, counted=48, reason="")
    assert exc.value.field == "reason"
    assert ledger_mismatches() == []


def test_a_correction_reverses_a_movement_and_keeps_the_original(org, supplies):
    receipt = s.stock_receive(
        actor=org.office, kind="donation", store=supplies.store, item=supplies.suits, quantity=20, source="某企业"
    )
    wrong = s.stock_issue(
        actor=org.office, store=supplies.store, item=supplies.suits, quantity=5, checkpoint=org.checkpoint_b
    )[0]
    reversal = s.stock_correct(actor=org.office, movement=wrong, reason="发错点位")
    assert (
        reversal.reverses == wrong and reversal.to_store == supplies.store and reversal.checkpoint == org.checkpoint_b
    )
    assert level(supplies.store, supplies.suits) == 20
    assert Movement.objects.filter(pk=wrong.pk).exists()
    with pytest.raises(DomainError) as exc:
        s.stock_correct(actor=org.office, movement=wrong, reason="again")
    assert exc.value.code == "stock.already_corrected"
    with pytest.raises(DomainError):
        s.stock_correct(actor=org.office, movement=reversal, reason="undo")
    # A receipt whose goods were issued cannot be reversed beyond what is left.
    s.stock_issue(actor=org.office, store=supplies.store, item=supplies.suits, quantity=15, checkpoint=org.checkpoint_b)
    with pytest.raises(DomainError) as exc:
        s.stock_correct(actor=org.office, movement=receipt, reason="退回")
    assert exc.value.code == "stock.insufficient"
    assert ledger_mismatches() == []


def test_a_movement_is_never_edited_or_deleted(org, supplies):
    m = s.stock_receive(
        actor=org.office, kind="donation", store=supplies.store, item=supplies.masks, quantity=10, source="X"
    )
    m.quantity = 1000
    with pytest.raises(ValueError):
        m.save()
    with pytest.raises(ValueError):
        m.delete()


# --- must-show 4: bad input is refused with a clear message and writes nothing ---------------


@pytest.mark.parametrize("quantity", [0, -5, "abc", 2.5])
def test_a_zero_negative_or_broken_quantity_is_refused_and_nothing_written(org, supplies, quantity):
    s.stock_receive(
        actor=org.office, kind="donation", store=supplies.store, item=supplies.masks, quantity=100, source="X"
    )
    before = counts()
    for call in (
        lambda: s.stock_receive(
            actor=org.office, kind="donation", store=supplies.store, item=supplies.masks, quantity=quantity, source="X"
        ),
        lambda: s.stock_issue(
            actor=org.office, store=supplies.store, item=supplies.masks, quantity=quantity, checkpoint=org.checkpoint_a
        ),
    ):
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.field == "quantity"
        assert str(exc.value).startswith("Quantity:") or str(exc.value).startswith("数量")
    assert counts() == before
    assert level(supplies.store, supplies.masks) == 100


def test_an_unknown_item_is_refused_and_nothing_written(org, supplies):
    before = counts()
    with pytest.raises(DomainError) as exc:
        s.stock_receive(
            actor=org.office, kind="donation", store=supplies.store, item=Item(name="不存在"), quantity=5, source="X"
        )
    assert (exc.value.code, exc.value.field) == ("stock.unknown_item", "item")
    assert counts() == before


def test_an_issue_from_a_store_that_does_not_hold_the_item_is_refused_and_nothing_written(org, supplies):
    cp_store = s.store_for_checkpoint(actor=org.office, checkpoint=org.checkpoint_a)
    s.stock_receive(actor=org.office, kind="donation", store=supplies.store, item=supplies.n95, quantity=30, source="X")
    before = counts()
    with pytest.raises(DomainError) as exc:
        s.stock_issue(actor=org.office, store=cp_store, item=supplies.n95, quantity=1, staff=org.staff[0])
    assert (exc.value.code, exc.value.field) == ("stock.not_held", "store")
    assert cp_store.name in str(exc.value) and supplies.n95.name in str(exc.value)
    assert counts() == before


def test_an_issue_of_more_than_is_held_says_how_much_there_is_and_writes_nothing(org, supplies):
    s.stock_receive(actor=org.office, kind="donation", store=supplies.store, item=supplies.n95, quantity=30, source="X")
    before = counts()
    with pytest.raises(DomainError) as exc:
        s.stock_issue(
            actor=org.office, store=supplies.store, item=supplies.n95, quantity=31, checkpoint=org.checkpoint_a
        )
    assert exc.value.code == "stock.insufficient" and "30" in str(exc.value)
    assert counts() == before


def test_a_receipt_without_a_donor_or_in_the_future_is_refused(org, supplies):
    before = counts()
    with pytest.raises(DomainError) as exc:
        s.stock_receive(
            actor=org.office, kind="donation", store=supplies.store, item=supplies.masks, quantity=5, source=" "
        )
    assert exc.value.field == "source"
    with pytest.raises(DomainError) as exc:
        s.stock_receive(
            actor=org.office,
            kind="purchase",
            store=supplies.store,
            item=supplies.masks,
            quantity=5,
            source="A",
            occurred_on=timezone.localdate() + timedelta(days=1),
        )
    assert exc.value.field == "occurred_on"
    assert counts() == before


def test_the_database_itself_refuses_a_negative_stock_level(org, supplies):
    s.stock_receive(
        actor=org.office, kind="donation", store=supplies.store, item=supplies.masks, quantity=5, source="X"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.filter(store=supplies.store, item=supplies.masks).update(quantity=F("quantity") - 6)
    with pytest.raises(IntegrityError), transaction.atomic():
        Movement.objects.create(
            kind="issue", item=supplies.masks, quantity=0, from_store=supplies.store, staff=org.staff[0]
        )
