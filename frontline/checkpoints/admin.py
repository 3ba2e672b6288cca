from django.contrib import admin

from frontline.checkpoints.models import DailyTally, Passage, SelfRegistration, VehiclePassage


@admin.register(Passage)
class PassageAdmin(admin.ModelAdmin):
    list_display = ["at", "checkpoint", "direction", "temperature", "fever_event", "high_risk", "outcome", "source"]
    list_filter = ["direction", "outcome", "fever_event", "high_risk", "source"]
    exclude = ["id_number", "phone"]  # sensitive: shown masked on the app's own pages only
    readonly_fields = ["client_uuid", "day"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # passages change only through the services (tallies must follow)


@admin.register(VehiclePassage)
class VehiclePassageAdmin(admin.ModelAdmin):
    list_display = ["at", "checkpoint", "plate", "vehicle_type", "occupants", "outcome"]
    list_filter = ["outcome", "vehicle_type"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(SelfRegistration)
class SelfRegistrationAdmin(admin.ModelAdmin):
    list_display = ["receipt", "checkpoint", "status", "created_at"]
    list_filter = ["status"]
    exclude = ["id_number", "phone"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(DailyTally)
class DailyTallyAdmin(admin.ModelAdmin):
    list_display = [
        "day",
        "checkpoint",
        "people_in",
        "people_out",
        "vehicles",
        "turned_back",
        "fever_events",
        "high_risk",
    ]
    list_filter = ["day"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
