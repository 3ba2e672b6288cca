"""Run the scheduled jobs forever (beside the web server), each when its interval has passed."""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from frontline.core.jobs import job_run, jobs_due


class Command(BaseCommand):
    help = "Run scheduled jobs (missed reports, releases due, daily report, low stock, outbox) forever."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--tick", type=float, default=10.0, help="Seconds between checks.")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        stop = {"now": False}

        def _stop(*_a):  # type: ignore[no-untyped-def]
            stop["now"] = True

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        while not stop["now"]:
            close_old_connections()
            for name in jobs_due():
                if stop["now"]:
                    break
                job_run(name)
            time.sleep(options["tick"])
