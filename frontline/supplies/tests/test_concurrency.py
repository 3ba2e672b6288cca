"""Must-show 1: twenty requests racing for more than the stock never take it below zero."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from frontline.core.errors import DomainError
from frontline.supplies import services as s
from frontline.supplies.models import Movement, StockLevel, SupplyRequest
from frontline.supplies.selectors import ledger_balances, ledger_mismatches

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="real row locks and concurrent writers need PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]


def test_twenty_concurrent_issues_asking_for_more_than_the_stock_leave_it_at_zero(org, supplies):
    store, masks = supplies.store, supplies.masks
    # 155 masks in two lots; 20 checkpoint requests of 10 each ask for 200.
    s.stock_receive(
        actor=org.office, kind="donation", store=store, item=masks, quantity=100, source="红十字会", lot="A"
    )
    s.stock_receive(actor=org.office, kind="purchase", store=store, item=masks, quantity=55, source="医药公司", lot="B")
    checkpoints = [org.checkpoint_a, org.checkpoint_a2, org.checkpoint_b]
    requests = []
    for i in range(20):
        r = s.request_submit(actor=org.duty, checkpoint=checkpoints[i % 3], lines=[(masks, 10)])
        requests.append(s.request_approve(actor=org.office, request=r, approved={r.lines.get().pk: 10}))

    barrier = threading.Barrier(20)
    outcomes: dict[int, object] = {}

    def worker(req: SupplyRequest) -> None:
        try:
            barrier.wait()
            s.request_issue(actor=org.office, request=req, store=store)
            outcomes[req.pk] = "issued"
        except DomainError as exc:
            outcomes[req.pk] = exc
        finally:
            connections.close_all()  # each thread had its own connection

    threads = [threading.Thread(target=worker, args=(r,)) for r in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    issued = [pk for pk, o in outcomes.items() if o == "issued"]
    refused = {pk: o for pk, o in outcomes.items() if o != "issued"}
    assert len(outcomes) == 20
    assert len(issued) == 15  # 150 of 155
    assert len(refused) == 5
    for exc in refused.values():
        assert isinstance(exc, DomainError)
        assert exc.code == "stock.insufficient" and exc.field == "quantity"
        assert "5" in str(exc)  # told how many are left
    levels = list(StockLevel.objects.filter(store=store, item=masks))
    assert all(lv.quantity >= 0 for lv in levels)
    assert sum(lv.quantity for lv in levels) == 5
    assert sum(v for (st, it, _lot), v in ledger_balances().items() if st == store.pk and it == masks.pk) == 5
    assert ledger_mismatches() == []
    assert Movement.objects.filter(kind="issue").count() >= 15
    statuses = dict(SupplyRequest.objects.values_list("pk", "status"))
    assert all(statuses[pk] == "issued" for pk in issued)
    assert all(statuses[pk] == "approved" for pk in refused)  # a refused issue left its request as it was


def test_twenty_racing_direct_issues_on_one_lot_stop_at_zero(org, supplies):
    store, gloves = supplies.store, supplies.gloves
    s.stock_receive(actor=org.office, kind="donation", store=store, item=gloves, quantity=97, source="X")
    barrier = threading.Barrier(20)
    results: list[object] = []

    def worker(i: int) -> None:
        try:
            barrier.wait()
            s.stock_issue(actor=org.office, store=store, item=gloves, quantity=7, staff=org.staff[i % 6])
            results.append("ok")
        except DomainError as exc:
            results.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert results.count("ok") == 13 and results.count("stock.insufficient") == 7
    assert StockLevel.objects.get(store=store, item=gloves).quantity == 97 - 13 * 7
    assert ledger_mismatches() == []
