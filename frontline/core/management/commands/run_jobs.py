"""Run scheduled jobs once, now (for cron or systemd timers in production)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from frontline.core.jobs import REGISTRY, job_run


class Command(BaseCommand):
    help = "Run the named jobs once (all when none is named)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("names", nargs="*")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        names = options["names"] or sorted(REGISTRY)
        unknown = [n for n in names if n not in REGISTRY]
        if unknown:
            raise CommandError(f"unknown jobs: {', '.join(unknown)}; known: {', '.join(sorted(REGISTRY))}")
        for name in names:
            self.stdout.write(f"{name}: {job_run(name)}")
