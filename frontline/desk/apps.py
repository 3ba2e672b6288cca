from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "frontline.desk"
    label = "desk"
    verbose_name = _("Service desk")

    def ready(self) -> None:
        from frontline.core.access import Role, grant
        from frontline.core.erasure import register_personal_fields
        from frontline.desk.models import LegalAidMessage, LegalAidRequest, Tip

        grant("desk.configure", Role.OFFICE)
        # Residents' details: erased when the campaign closes; figures never read them.
        register_personal_fields(
            Tip,
            reporter_name="",
            reporter_phone="",
            subject_name="已删除",
            subject_id_number="",
            subject_phone="",
            subject_address="",
            location="",
            description="已删除",
            handling="",
            answer="已删除",
        )
        register_personal_fields(
            LegalAidRequest, requester_name="已删除", requester_phone="", description="已删除", rating_comment=""
        )
        register_personal_fields(LegalAidMessage, body="已删除")
