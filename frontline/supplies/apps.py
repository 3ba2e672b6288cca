from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuppliesConfig(AppConfig):
    name = "frontline.supplies"
    label = "supplies"
    verbose_name = _("Supplies")

    def ready(self) -> None:
        from frontline.supplies import profile  # noqa: F401  (adds sections to staff and checkpoint pages)
