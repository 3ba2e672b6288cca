from django.contrib import admin

from frontline.desk.models import DeskSettings, DutyLawyer, HotlineNumber, LegalAidRequest, Publicity, Tip


@admin.register(Tip)
class TipAdmin(admin.ModelAdmin):
    list_display = ("code", "received_at", "category", "status", "community", "assignee")
    list_filter = ("status", "category", "channel")
    search_fields = ("code",)
    # Personal details and the workflow are edited on the desk pages, where every change is audited.
    exclude = ("reporter_phone", "subject_id_number", "subject_phone", "subject_address", "lookup_digest")
    readonly_fields = ("status", "code")


@admin.register(LegalAidRequest)
class LegalAidRequestAdmin(admin.ModelAdmin):
    list_display = ("code", "submitted_at", "topic", "status", "lawyer", "rating")
    list_filter = ("status", "topic", "channel")
    search_fields = ("code",)
    exclude = ("requester_phone", "lookup_digest")
    readonly_fields = ("status", "code")


@admin.register(Publicity)
class PublicityAdmin(admin.ModelAdmin):
    list_display = ("happened_on", "kind", "title", "community")
    list_filter = ("kind",)


admin.site.register([HotlineNumber, DutyLawyer, DeskSettings])
