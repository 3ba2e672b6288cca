"""Scheduled roster jobs."""

from __future__ import annotations

from datetime import timedelta

from frontline.core.jobs import scheduled
from frontline.roster import services


@scheduled("roster_flag_absences", every=timedelta(minutes=10))
def flag_absences() -> dict[str, int]:
    """Mark published duties nobody clocked in to, half an hour after they started, as absences."""
    return {"flagged": services.attendance_flag_absences()}
