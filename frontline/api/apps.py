from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "frontline.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from frontline.api.services import token_memo_forget

        for sender in (settings.AUTH_USER_MODEL, "api.ApiToken"):
            post_save.connect(token_memo_forget, sender=sender, dispatch_uid=f"api.token_forget.save.{sender}")
            post_delete.connect(token_memo_forget, sender=sender, dispatch_uid=f"api.token_forget.delete.{sender}")
