from datetime import timedelta

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "frontline.core"
    label = "core"
    verbose_name = _("Shared kernel")

    def ready(self) -> None:
        from frontline.core import jobs, notify

        jobs.scheduled("outbox_deliver", every=timedelta(seconds=20))(notify.outbox_deliver)
        # Each app adds its menu entries, scheduled jobs and capabilities in these modules.
        autodiscover_modules("menu")
        autodiscover_modules("jobs")
