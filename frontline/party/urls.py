from django.urls import path
from django.views.generic import RedirectView

from frontline.party import views

app_name = "party"
urlpatterns = [
    # The overview lives below /party/ so the menu does not mark it active on every party page.
    path("", RedirectView.as_view(pattern_name="party:home", permanent=False)),
    path("overview/", views.home, name="home"),
    path("branches/", views.branch_list, name="branch_list"),
    path("branches/new/", views.branch_edit, name="branch_create"),
    path("branches/<int:pk>/", views.branch_detail, name="branch_detail"),
    path("branches/<int:pk>/edit/", views.branch_edit, name="branch_edit"),
    path("branches/<int:pk>/members/", views.branch_members, name="branch_members"),
    path("branches/<int:pk>/dissolve/", views.branch_dissolve, name="branch_dissolve"),
    path("memberships/<int:pk>/leave/", views.membership_leave, name="membership_leave"),
    path("members/", views.member_list, name="member_list"),
    path("members/<int:pk>/status/", views.member_status, name="member_status"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/new/", views.report_create, name="report_create"),
    path("communities/", views.community_list, name="community_list"),
    path("communities/<int:pk>/", views.community_members, name="community_members"),
    path("dues/", views.dues_list, name="dues_list"),
    path("dues/new/", views.dues_edit, name="dues_create"),
    path("dues/<int:pk>/", views.dues_detail, name="dues_detail"),
    path("dues/<int:pk>/edit/", views.dues_edit, name="dues_edit"),
    path("dues/<int:pk>/print/", views.dues_print, name="dues_print"),
    path("dues/entries/<int:pk>/remove/", views.dues_entry_remove, name="dues_entry_remove"),
    path("applications/", views.application_list, name="application_list"),
    path("applications/new/", views.application_create, name="application_create"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("vanguard/", views.vanguard_list, name="vanguard_list"),
    path("vanguard/new/", views.vanguard_create, name="vanguard_create"),
    path("vanguard/<int:pk>/revoke/", views.vanguard_revoke, name="vanguard_revoke"),
    path("honours/", views.honours, name="honours"),
    path("honours/print/", views.honours_print, name="honours_print"),
    path("honours/new/", views.commendation_edit, name="commendation_create"),
    path("honours/<int:pk>/edit/", views.commendation_edit, name="commendation_edit"),
]
