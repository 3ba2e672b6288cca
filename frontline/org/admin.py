from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from frontline.org.models import Batch, Campaign, Checkpoint, Community, Staff, Team, Unit, User, WorkingGroup


@admin.register(User)
class FrontlineUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Frontline", {"fields": ("role", "community")}))  # type: ignore[misc]
    list_display = ("username", "role", "community", "is_active", "is_superuser")
    list_filter = ("role", "is_active")


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ("name", "sex", "unit", "position", "party_status", "active")
    list_filter = ("unit", "party_status", "active")
    search_fields = ("name",)
    exclude = ("phone", "emergency_phone")  # sensitive values are edited on the staff pages, where changes are audited


admin.site.register([Campaign, Batch, Unit, WorkingGroup, Team, Community, Checkpoint])
