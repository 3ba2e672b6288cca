from django.utils.translation import gettext_lazy as _

from frontline.core.menu import MenuItem, register

register(
    MenuItem("field", _("Register at the gate"), "checkpoints:field", "passage.record", "person-check", 10),
    MenuItem("field", _("Passages"), "checkpoints:passage_list", "passage.view", "list-check", 20),
    MenuItem("field", _("Vehicles"), "checkpoints:vehicle_list", "passage.view", "truck", 25),
    MenuItem("field", _("Fever today"), "checkpoints:fever_today", "passage.view", "thermometer-high", 30),
    MenuItem("field", _("Daily tallies"), "checkpoints:tallies", "passage.view", "table", 35),
    MenuItem("field", _("Import paper sheets"), "checkpoints:passage_import", "passage.record", "upload", 40),
)
