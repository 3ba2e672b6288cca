from django.contrib import admin

from frontline.reports.models import CampaignClosure, DailyReport


@admin.register(DailyReport)
class DailyReportAdmin(admin.ModelAdmin):
    list_display = ("campaign", "day", "language", "trigger", "generated_at")
    list_filter = ("language", "trigger")
    readonly_fields = [f.name for f in DailyReport._meta.fields]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # reports are made by daily_report_generate only


@admin.register(CampaignClosure)
class CampaignClosureAdmin(admin.ModelAdmin):
    list_display = ("campaign", "status", "closed_on", "erase_after", "erased_at")
    readonly_fields = [f.name for f in CampaignClosure._meta.fields]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # closing goes through campaign_close
