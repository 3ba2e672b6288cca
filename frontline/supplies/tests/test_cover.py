"""Must-show 3: days of cover and the low-stock alert, for a consumption history built here."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import time_machine
from django.utils import timezone

from frontline.core.models import Channel, Notification, OutboxMessage
from frontline.supplies import services as s
from frontline.supplies.models import StockAlert
from frontline.supplies.selectors import consumption_by_checkpoint, item_totals, store_item_cover


def low_stock_notes(user) -> list[Notification]:
    return list(Notification.objects.filter(user=user, kind="supplies.low_stock"))


def test_days_of_cover_and_the_low_stock_alert_follow_the_consumption_history(
    org, supplies, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    store = supplies.store
    masks = s.item_save(
        actor=org.office,
        item=supplies.masks,
        name=supplies.masks.name,
        category="mask",
        unit="只",
        low_stock_threshold=100,
        min_days_of_cover=3,
    )
    Channel.objects.create(
        name="保障组钉钉群", kind=Channel.Kind.DINGTALK, target="https://oapi.dingtalk.com/robot/send?access_token=x"
    )
    with django_capture_on_commit_callbacks(execute=True):
        s.stock_receive(
            actor=org.office,
            kind="donation",
            store=store,
            item=masks,
            quantity=1000,
            source="红十字会",
            occurred_on=today - timedelta(days=10),
        )
        # A week of 50 masks a day to checkpoint A01 (today included).
        for back in range(6, -1, -1):
            s.stock_issue(
                actor=org.office,
                store=store,
                item=masks,
                quantity=50,
                checkpoint=org.checkpoint_a,
                occurred_on=today - timedelta(days=back),
            )
        # Older issues fall outside the 7-day window and do not count towards the rate.
        s.stock_issue(
            actor=org.office,
            store=store,
            item=masks,
            quantity=40,
            checkpoint=org.checkpoint_b,
            occurred_on=today - timedelta(days=9),
        )

    cover = store_item_cover(store=store, item=masks, today=today)
    assert cover.on_hand == 1000 - 350 - 40 == 610
    assert cover.rate == Decimal(50)
    assert cover.days_of_cover == Decimal("12.2")
    assert cover.shortfall is None
    assert StockAlert.objects.count() == 0 and low_stock_notes(org.office) == []
    row = next(r for r in item_totals(user=org.office, today=today) if r["item"] == masks)
    assert (row["on_hand"], row["rate"], row["days_of_cover"]) == (610, Decimal(50), Decimal("12.2"))
    days, rows = consumption_by_checkpoint(user=org.office, start=today - timedelta(days=6), end=today, item=masks)
    assert len(days) == 7
    assert [(r["checkpoint"], r["days"], r["total"]) for r in rows] == [(org.checkpoint_a, [50] * 7, 350)]

    # A big issue today: 610 - 460 = 150 left; 810 used in 7 days = 115.7 a day -> 1.3 days < 3.
    with django_capture_on_commit_callbacks(execute=True):
        s.stock_issue(actor=org.office, store=store, item=masks, quantity=460, checkpoint=org.checkpoint_b)
    cover = store_item_cover(store=store, item=masks, today=today)
    assert cover.on_hand == 150 and round(cover.days_of_cover, 1) == Decimal("1.3")
    alert = StockAlert.objects.get()
    assert alert.reason == "cover" and alert.on_hand == 150 and alert.days_of_cover == Decimal("1.3")
    assert len(low_stock_notes(org.office)) == 1 and len(low_stock_notes(org.group_lead)) == 1
    assert low_stock_notes(org.viewer) == []
    assert "1.3" in low_stock_notes(org.office)[0].body
    assert OutboxMessage.objects.filter(kind="supplies.low_stock").count() == 1

    # More movements and the scheduled job while still short: the same episode, no new alert.
    with django_capture_on_commit_callbacks(execute=True):
        s.stock_issue(actor=org.office, store=store, item=masks, quantity=10, checkpoint=org.checkpoint_b)
        s.stock_issue(actor=org.office, store=store, item=masks, quantity=10, staff=org.staff[3])
    s.stock_alerts_evaluate()
    s.stock_alerts_evaluate()
    assert StockAlert.objects.count() == 1
    assert len(low_stock_notes(org.office)) == 1
    assert OutboxMessage.objects.filter(kind="supplies.low_stock").count() == 1

    # Restocked: the episode closes.
    with django_capture_on_commit_callbacks(execute=True):
        s.stock_receive(actor=org.office, kind="purchase", store=store, item=masks, quantity=3000, source="医药公司")
    alert.refresh_from_db()
    assert alert.closed_at is not None

    # Falling under the threshold again is a new crossing: a new alert, sent once.
    with django_capture_on_commit_callbacks(execute=True):
        s.stock_issue(actor=org.office, store=store, item=masks, quantity=3050, checkpoint=org.checkpoint_a)
    second = StockAlert.objects.get(closed_at__isnull=True)
    assert second.reason == "threshold" and second.on_hand == 80
    assert len(low_stock_notes(org.office)) == 2
    s.stock_alerts_evaluate()
    assert len(low_stock_notes(org.office)) == 2

    # A month on, nothing used lately: no rate, no days of cover, but still under the threshold.
    with time_machine.travel(timezone.now() + timedelta(days=30), tick=False):
        later = store_item_cover(store=store, item=masks, today=timezone.localdate())
        assert later.rate == 0 and later.days_of_cover is None and later.shortfall == "threshold"
        s.stock_alerts_evaluate()
    assert len(low_stock_notes(org.office)) == 2


def test_a_checkpoint_store_alerts_on_days_of_cover_only_and_tells_its_liaison(
    org, supplies, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    cp_store = s.store_for_checkpoint(actor=org.office, checkpoint=org.checkpoint_a)
    gloves = supplies.gloves  # threshold 1000 applies to the bureau's store only
    with django_capture_on_commit_callbacks(execute=True):
        s.stock_receive(
            actor=org.office,
            kind="allocation",
            store=cp_store,
            item=gloves,
            quantity=200,
            source="街道办",
            occurred_on=today - timedelta(days=7),
        )
        for back in range(6, -1, -1):
            s.stock_issue(
                actor=org.office,
                store=cp_store,
                item=gloves,
                quantity=10,
                staff=org.staff[back % 6],
                occurred_on=today - timedelta(days=back),
            )
    cover = store_item_cover(store=cp_store, item=gloves, today=today)
    assert (cover.on_hand, cover.rate, cover.days_of_cover, cover.shortfall) == (130, 10, 13, None)
    with django_capture_on_commit_callbacks(execute=True):
        s.stock_issue(actor=org.office, store=cp_store, item=gloves, quantity=110, staff=org.staff[0])
    # 20 left, 180 used in 7 days: 0.8 days of cover.
    assert StockAlert.objects.get().reason == "cover"
    assert len(low_stock_notes(org.liaison_a)) == 1
    assert low_stock_notes(org.liaison_b) == []
