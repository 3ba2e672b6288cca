from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from frontline.api.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a user and print it."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        _token, raw = api_token_create(actor="manage.py", user=user, name=options["name"])
        self.stdout.write(raw)
