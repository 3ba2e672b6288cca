from django.contrib import admin

from frontline.core.models import AuditLog, Channel, JobRun, Notification, OutboxMessage


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_name", "action", "target_repr", "ip")
    search_fields = ("actor_name", "action", "target_repr")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


admin.site.register([Channel, Notification, OutboxMessage, JobRun])
