from django.utils.translation import gettext_lazy as _

from frontline.core.menu import MenuItem, register

register(
    MenuItem("roster", _("My duties"), "roster:my_duties", "roster.own", "person-badge", 5),
    MenuItem("roster", _("Duty rosters"), "roster:roster_list", "roster.view", "calendar3-week", 10),
    MenuItem("roster", _("Attendance"), "roster:attendance_day", "roster.view", "clipboard-check", 20),
    MenuItem("roster", _("Inspections"), "roster:inspection_day", "roster.view", "binoculars", 30),
    MenuItem("roster", _("Swap requests"), "roster:swap_list", "roster.view", "arrow-left-right", 40),
    MenuItem("roster", _("Leave and unavailable dates"), "roster:unavailability_list", "roster.view", "calendar-x", 50),
    MenuItem("roster", _("Rostering rules"), "roster:rule_settings", "roster.view", "sliders", 60),
)
