from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckpointsConfig(AppConfig):
    name = "frontline.checkpoints"
    label = "checkpoints"
    verbose_name = _("Checkpoints")

    def ready(self) -> None:
        from frontline.checkpoints.models import Passage, SelfRegistration, VehiclePassage
        from frontline.core.erasure import register_personal_fields

        register_personal_fields(
            Passage, name="已删除", id_number="", id_number_hash="", phone="", phone_hash="", note="", purpose=""
        )
        register_personal_fields(
            SelfRegistration, name="已删除", id_number="", id_number_hash="", phone="", phone_hash=""
        )
        register_personal_fields(VehiclePassage, plate="", note="")

        from frontline.checkpoints.views import checkpoint_hook
        from frontline.org.profile import CHECKPOINT_SECTION_HOOKS, checkpoint_section

        if checkpoint_hook not in CHECKPOINT_SECTION_HOOKS:
            checkpoint_section(checkpoint_hook)
