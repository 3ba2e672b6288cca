from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartyConfig(AppConfig):
    name = "frontline.party"
    label = "party"
    verbose_name = _("Party work")

    def ready(self) -> None:
        # Adds the party record to staff profiles and the vanguard post to checkpoint pages.
        from frontline.party import profile  # noqa: F401
