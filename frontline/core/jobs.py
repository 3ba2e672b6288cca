"""Scheduled jobs: a registry that apps fill from their `jobs.py`, run by `manage.py run_scheduler`.

Every job is idempotent and safe to run late or twice: it works out from the clock and the
records what is due, so the scheduler only needs to call it often enough.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from frontline.core.models import JobRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    func: Callable[[], Any]


REGISTRY: dict[str, Job] = {}


def scheduled(name: str, *, every: timedelta) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Register a function as a job that runs every so often."""

    def wrap(func: Callable[[], Any]) -> Callable[[], Any]:
        REGISTRY[name] = Job(name=name, every=every, func=func)
        return func

    return wrap


def job_run(name: str) -> Any:
    """Run one job now and record the run."""
    job = REGISTRY[name]
    record, _ = JobRun.objects.get_or_create(name=name)
    record.last_started_at = timezone.now()
    try:
        result = job.func()
    except Exception:  # a failing job must not stop the scheduler; the error is kept for the page
        record.last_error = traceback.format_exc()[-4000:]
        record.last_finished_at = timezone.now()
        record.runs += 1
        record.save()
        log.exception("job %s failed", name)
        return None
    record.last_result = str(result)[:2000]
    record.last_error = ""
    record.last_finished_at = timezone.now()
    record.runs += 1
    record.save()
    return result


def jobs_due() -> list[str]:
    """Return the names of jobs whose interval has passed."""
    now = timezone.now()
    last = dict(JobRun.objects.values_list("name", "last_started_at"))
    due = []
    for name, job in sorted(REGISTRY.items()):
        started = last.get(name)
        if started is None or started + job.every <= now:
            due.append(name)
    return due
