from django.contrib import admin

from frontline.party.models import (
    Application,
    Branch,
    Commendation,
    CommunityReport,
    DuesCollection,
    VanguardPost,
)

# Read-only: every change goes through the party pages, whose services validate and audit it.


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Branch)
class BranchAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "parent", "established_on", "status", "dissolved_on")
    list_filter = ("kind", "status")


@admin.register(CommunityReport)
class CommunityReportAdmin(ReadOnlyAdmin):
    list_display = ("reported_on", "staff", "community", "branch")
    list_filter = ("community",)


@admin.register(DuesCollection)
class DuesCollectionAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "collected_on")


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("applicant", "branch", "submitted_on", "status", "status_on")
    list_filter = ("status",)


@admin.register(VanguardPost)
class VanguardPostAdmin(ReadOnlyAdmin):
    list_display = ("name", "checkpoint", "team", "leader", "designated_on", "revoked_on")


@admin.register(Commendation)
class CommendationAdmin(ReadOnlyAdmin):
    list_display = (
        "title",
        "awarding_body",
        "awarded_on",
        "level",
        "recipient_unit",
        "recipient_team",
        "recipient_staff",
    )
    list_filter = ("level",)
