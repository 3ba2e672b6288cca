from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "frontline.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from frontline.core.access import Role, grant

        # Making a report is reading figures and archiving them: leaders do it themselves.
        grant("reports.generate", Role.LEADER, Role.OFFICE, Role.GROUP_LEAD)

        from frontline.core.audit import WRITE_GUARDS
        from frontline.reports.closing import closed_campaign_guard

        WRITE_GUARDS.append(closed_campaign_guard)
