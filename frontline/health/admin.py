from django.contrib import admin

from frontline.health.models import Category, HealthSettings


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "default_days", "order", "active"]
    list_editable = ["name", "default_days", "order", "active"]


@admin.register(HealthSettings)
class HealthSettingsAdmin(admin.ModelAdmin):
    list_display = ["campaign", "notify_within_minutes", "extend_days"]
