from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "frontline.health"
    label = "health"
    verbose_name = _("Health")

    def ready(self) -> None:
        from frontline.core.erasure import register_personal_fields
        from frontline.health import handlers
        from frontline.health.models import Escalation, EscalationStep, HealthReport, Person

        register_personal_fields(
            Person, name="已删除", id_number="", id_number_hash="", phone="", phone_hash="", address="", note=""
        )
        register_personal_fields(HealthReport, other_symptoms="")
        register_personal_fields(Escalation, note="")
        register_personal_fields(EscalationStep, note="", to_whom="")
        handlers.connect()
