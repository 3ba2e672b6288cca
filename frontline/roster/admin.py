from django.contrib import admin

from frontline.roster.models import (
    Attendance,
    Inspection,
    PersonLimit,
    Roster,
    RosterVersion,
    RuleSetting,
    SwapRequest,
    Unavailability,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Changes go through the services (validated and audited); the admin only looks."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Roster)
class RosterAdmin(ReadOnlyAdmin):
    list_display = ["name", "campaign", "batch", "start_date", "end_date"]


@admin.register(RosterVersion)
class RosterVersionAdmin(ReadOnlyAdmin):
    list_display = ["roster", "number", "status", "kind", "solver_status", "objective", "gap", "published_at"]
    list_filter = ["status", "kind"]


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ["day", "shift", "staff", "checkpoint", "status", "clock_in", "clock_out"]
    list_filter = ["status"]


admin.site.register([Inspection, PersonLimit, RuleSetting, SwapRequest, Unavailability], ReadOnlyAdmin)
