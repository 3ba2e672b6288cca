from django.utils.translation import gettext_lazy as _

from frontline.core.menu import MenuItem, register

register(
    MenuItem("health", _("People to watch"), "health:person_list", "health.view", "person-exclamation", 10),
    MenuItem("health", _("Active measures"), "health:measure_list", "health.view", "house-lock", 20),
    MenuItem("health", _("Missed today"), "health:missed_today", "health.view", "alarm", 30),
    MenuItem("health", _("Due for release"), "health:release_due", "health.view", "door-open", 40),
    MenuItem("health", _("Fever escalations"), "health:escalation_board", "health.view", "thermometer-high", 50),
    MenuItem("health", _("Screening list import"), "health:screening_import", "health.manage", "upload", 60),
    MenuItem("health", _("Health settings"), "health:settings", "campaign.manage", "sliders", 70),
)
