"""The demo loader builds a consistent month of supplies work."""

from __future__ import annotations

from frontline.supplies.models import Movement, StockAlert, StockLevel, SupplyRequest
from frontline.supplies.selectors import ledger_mismatches


def test_the_demo_builds_a_consistent_ledger_with_requests_in_every_state(db):
    from frontline.org import demo as org_demo
    from frontline.supplies import demo

    ctx = org_demo.load()
    demo.load(ctx)
    assert ledger_mismatches() == []
    assert set(SupplyRequest.objects.values_list("status", flat=True)) == set(SupplyRequest.Status.values)
    assert Movement.objects.filter(kind="donation").values("source").distinct().count() >= 5
    assert Movement.objects.filter(kind="issue", staff__isnull=False).exists()
    assert StockLevel.objects.filter(expiry_date__lt=ctx.today, quantity__gt=0).exists()  # an expired lot to flag
    assert StockAlert.objects.filter(closed_at__isnull=True).exists()
