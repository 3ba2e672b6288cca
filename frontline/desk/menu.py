from django.utils.translation import gettext_lazy as _

from frontline.core.menu import MenuItem, register

register(
    MenuItem("desk", _("Hotline tips"), "desk:tip_list", "desk.view", "telephone-inbound", 10),
    MenuItem("desk", _("Legal aid"), "desk:legalaid_list", "legalaid.view", "briefcase", 20),
    MenuItem("desk", _("Duty lawyers"), "desk:duty_list", "legalaid.view", "calendar-week", 25),
    MenuItem("desk", _("Service desk figures"), "desk:figures", "legalaid.view", "bar-chart", 30),
    MenuItem("desk", _("Publicity log"), "desk:publicity_list", "desk.view", "megaphone", 40),
    MenuItem("desk", _("By community"), "desk:community_list", "desk.view", "houses", 45),
    MenuItem("desk", _("Hotline numbers"), "desk:hotline_list", "desk.view", "telephone", 50),
    MenuItem("desk", _("Service desk settings"), "desk:settings", "desk.configure", "sliders", 60),
)
