from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RosterConfig(AppConfig):
    name = "frontline.roster"
    label = "roster"
    verbose_name = _("Rosters")

    def ready(self) -> None:
        from frontline.roster import profile  # noqa: F401 - registers the profile sections

        try:
            from frontline.health.signals import staff_measure_started
        except ImportError:  # the health module is optional for rostering
            return
        from frontline.roster.services import on_staff_measure_started

        staff_measure_started.connect(on_staff_measure_started, dispatch_uid="roster.repair_on_measure")
