"""Load the demo campaign: the organisation first, then each app's own demo data."""

from __future__ import annotations

import importlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from frontline.org.models import Campaign


class Command(BaseCommand):
    help = "Build the demo campaign (about 120 staff, 7 communities, 21 checkpoints, 3 batches) and print the log-ins."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when a campaign exists.")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if Campaign.objects.exists():
            if options["if_empty"]:
                from frontline.org.models import User

                self.stdout.write("Demo campaign already loaded.")
                users = User.objects.filter(is_active=True).order_by("role", "username")
                print_logins(self.stdout, [(u.get_role_display(), u.username, "demo1234") for u in users])
                return
            raise CommandError("The database already has a campaign; load the demo into an empty database.")
        from frontline.org import demo

        with transaction.atomic():
            ctx = demo.load()
            for app in settings.INSTALLED_APPS:
                if not app.startswith("frontline.") or app in ("frontline.org", "frontline.core"):
                    continue
                try:
                    module = importlib.import_module(f"{app}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app}.demo":
                        raise
                    continue
                self.stdout.write(f"  demo data: {app}")
                module.load(ctx)
        self.stdout.write(self.style.SUCCESS(f"Demo campaign loaded: {ctx.campaign.name}"))
        print_logins(self.stdout, ctx.logins)


def print_logins(out, logins):  # type: ignore[no-untyped-def]
    out.write(f"\nDemo log-ins (password for all: {logins[0][2]}):")
    for role, username, _password in logins:
        out.write(f"  {username:<10} {role}")
