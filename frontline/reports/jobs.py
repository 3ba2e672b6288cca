"""Scheduled report work: the evening's daily report, and erasure when a retention period ends. Both idempotent."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from frontline.core.jobs import scheduled


@scheduled("reports_daily", every=timedelta(minutes=10))
def reports_daily() -> Any:
    """Make each active campaign's daily report once after 21:00 (and yesterday's if it was missed)."""
    from frontline.reports.services import daily_reports_due

    return [f"{r.campaign_id}:{r.day}" for r in daily_reports_due()]


@scheduled("reports_erasure", every=timedelta(hours=1))
def reports_erasure() -> Any:
    """Erase residents' identifiers of closed campaigns whose retention period is over."""
    from frontline.reports.services import erasures_due

    return [c.campaign_id for c in erasures_due()]
