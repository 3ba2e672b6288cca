from django.urls import path

from frontline.roster import views

app_name = "roster"
urlpatterns = [
    path("", views.roster_list, name="roster_list"),
    path("new/", views.roster_create, name="roster_create"),
    path("<int:pk>/", views.roster_detail, name="roster_detail"),
    path("versions/<int:pk>/", views.version_detail, name="version_detail"),
    path("versions/<int:pk>/export.xlsx", views.version_export, name="version_export"),
    path("versions/<int:pk>/cell/", views.cell_edit, name="cell_edit"),
    path("versions/<int:pk>/cell/check/", views.cell_check, name="cell_check"),
    path("versions/<int:pk>/cell/lock/", views.cell_lock, name="cell_lock"),
    path("versions/<int:pk>/<str:action>/", views.version_action, name="version_action"),
    path("rules/", views.rule_settings, name="rule_settings"),
    path("rules/limits/new/", views.person_limit_edit, name="person_limit_create"),
    path("rules/limits/<int:pk>/", views.person_limit_edit, name="person_limit_edit"),
    path("rules/demand/", views.demand_edit, name="demand_edit"),
    path("leave/", views.unavailability_list, name="unavailability_list"),
    path("leave/new/", views.unavailability_create, name="unavailability_create"),
    path("me/", views.my_duties, name="my_duties"),
    path("me/clock/", views.clock, name="clock"),
    path("me/calendar/reset/", views.ical_reset, name="ical_reset"),
    path("me/swap/<int:duty_pk>/", views.swap_create, name="swap_create"),
    path("calendar/<str:token>.ics", views.ical, name="ical"),
    path("swaps/", views.swap_list, name="swap_list"),
    path("swaps/<int:pk>/decide/", views.swap_decide, name="swap_decide"),
    path("attendance/", views.attendance_day, name="attendance_day"),
    path("inspections/", views.inspection_day, name="inspection_day"),
    path("inspections/new/", views.inspection_create, name="inspection_create"),
]
