from django.utils.translation import gettext_lazy as _

from frontline.core.menu import MenuItem, register

register(
    MenuItem("supplies", _("Supplies overview"), "supplies:overview", "supplies.view", "box-seam", 10),
    MenuItem("supplies", _("Supply requests"), "supplies:request_list", "supplies.request", "cart-plus", 15),
    MenuItem("supplies", _("Stock ledger"), "supplies:movement_list", "supplies.view", "journal-text", 20),
    MenuItem("supplies", _("Days of cover"), "supplies:cover", "supplies.view", "hourglass-split", 25),
    MenuItem("supplies", _("Front-line issuance"), "supplies:frontline", "supplies.view", "person-check", 30),
    MenuItem("supplies", _("Stock by store"), "supplies:stock_report", "supplies.view", "table", 35),
    MenuItem("supplies", _("Issues by checkpoint"), "supplies:issues_report", "supplies.view", "bar-chart", 40),
    MenuItem("supplies", _("Donor list"), "supplies:donors", "supplies.view", "heart", 45),
    MenuItem("supplies", _("Item catalogue"), "supplies:item_list", "supplies.view", "tags", 50),
    MenuItem("supplies", _("Stores"), "supplies:store_list", "supplies.view", "building", 55),
)
