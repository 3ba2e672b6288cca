from django.utils.translation import gettext_lazy as _

from frontline.core.menu import MenuItem, register

register(
    MenuItem("party", _("Party work overview"), "party:home", "party.view", "flag-fill", 10),
    MenuItem("party", _("Party organisations"), "party:branch_list", "party.view", "diagram-3", 15),
    MenuItem("party", _("Members and activists"), "party:member_list", "party.view", "person-badge", 20),
    MenuItem("party", _("Reports to communities"), "party:report_list", "party.view", "journal-check", 25),
    MenuItem("party", _("Communities served"), "party:community_list", "party.view", "houses", 30),
    MenuItem("party", _("Special dues and donations"), "party:dues_list", "party.view", "cash-coin", 35),
    MenuItem("party", _("Membership applications"), "party:application_list", "party.view", "file-earmark-text", 40),
    MenuItem("party", _("Vanguard posts"), "party:vanguard_list", "party.view", "star", 45),
    MenuItem("party", _("Honours"), "party:honours", "party.view", "award", 50),
)
