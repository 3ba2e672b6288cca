"""Scheduled supplies jobs: low-stock alerts as days pass, and a ledger check."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from frontline.core.jobs import scheduled


@scheduled("supplies_low_stock", every=timedelta(minutes=30))
def supplies_low_stock() -> Any:
    """Open or close low-stock alerts; days of cover change as days pass even without movements."""
    from frontline.supplies.services import stock_alerts_evaluate

    return stock_alerts_evaluate()


@scheduled("supplies_ledger_check", every=timedelta(hours=6))
def supplies_ledger_check() -> Any:
    """Compare every stock level with what the ledger adds up to; report any difference."""
    from frontline.supplies.selectors import ledger_mismatches

    mismatches = ledger_mismatches()
    if mismatches:
        raise RuntimeError(f"stock levels differ from the ledger: {mismatches[:20]}")
    return {"mismatches": 0}
