"""Scheduled health checks: missed reports, releases due, overdue escalations. Each is idempotent."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from frontline.core.jobs import scheduled


@scheduled("health_missed_reports", every=timedelta(minutes=1))
def health_missed_reports() -> Any:
    """List who has not reported after each slot's cutoff and tell their staff member and liaison once."""
    from frontline.health.services import missed_reports_check

    return missed_reports_check()


@scheduled("health_releases", every=timedelta(minutes=5))
def health_releases() -> Any:
    """Extend measures that end abnormally; tell liaisons who is due for release."""
    from frontline.health.services import releases_review

    return releases_review()


@scheduled("health_escalations_overdue", every=timedelta(minutes=1))
def health_escalations_overdue() -> Any:
    """Tell the bureau about fever cases whose community was not notified in time."""
    from frontline.health.services import escalations_overdue_check

    return escalations_overdue_check()
