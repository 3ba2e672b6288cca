from django.utils.translation import gettext_lazy as _

from frontline.core.menu import MenuItem, register

register(
    MenuItem("org", _("Staff"), "org:staff_list", "staff.view", "people", 10),
    MenuItem("org", _("24-hour contact list"), "org:contact_list", "contacts.view", "telephone", 15),
    MenuItem("org", _("Groups"), "org:group_list", "org.view", "diagram-3", 20),
    MenuItem("org", _("Teams"), "org:team_list", "org.view", "flag", 25),
    MenuItem("org", _("Units"), "org:unit_list", "org.view", "building", 30),
    MenuItem("org", _("Campaigns and batches"), "org:campaign_list", "org.view", "calendar-range", 35),
    MenuItem("org", _("Log-ins"), "org:user_list", "staff.manage", "key", 40),
    MenuItem("field", _("Communities"), "org:community_list", "community.view", "houses", 50),
    MenuItem("field", _("Checkpoint registry"), "org:checkpoint_list", "checkpoint.view", "geo-alt", 55),
)
