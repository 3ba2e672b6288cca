from django.utils.translation import gettext_lazy as _

from frontline.core.menu import MenuItem, register

register(
    MenuItem("command", _("Command dashboard"), "reports:dashboard", "dashboard.view", "speedometer2", 10),
    MenuItem("command", _("Daily reports"), "reports:daily_list", "reports.view", "file-earmark-text", 20),
    MenuItem("command", _("Campaign summary"), "reports:summary", "reports.view", "journal-richtext", 30),
    MenuItem("command", _("Close the campaign"), "reports:campaign_close", "campaign.manage", "lock", 90),
)
