from django.urls import path

from frontline.health import views

app_name = "health"
urlpatterns = [
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_edit, name="person_create"),
    path("people/export.xlsx", views.person_export, name="person_export"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:person_pk>/measure/", views.measure_start, name="measure_start"),
    path("screening/", views.screening_import, name="screening_import"),
    path("screening/template.xlsx", views.screening_template, name="screening_template"),
    path("measures/", views.measure_list, name="measure_list"),
    path("measures/export.xlsx", views.measure_export, name="measure_export"),
    path("measures/<int:pk>/", views.measure_detail, name="measure_detail"),
    path("measures/<int:pk>/qr.svg", views.measure_qr, name="measure_qr"),
    path("measures/<int:pk>/report/", views.measure_report, name="measure_report"),
    path("measures/<int:pk>/extend/", views.measure_extend, name="measure_extend"),
    path("measures/<int:pk>/release/", views.measure_release, name="measure_release"),
    path("measures/<int:pk>/end/", views.measure_end, name="measure_end"),
    path("release-due/", views.release_due, name="release_due"),
    path("missed/", views.missed_today, name="missed_today"),
    path("escalations/", views.escalation_board, name="escalation_board"),
    path("escalations/new/", views.escalation_create, name="escalation_create"),
    path("escalations/<int:pk>/", views.escalation_detail, name="escalation_detail"),
    path("settings/", views.settings_edit, name="settings"),
    path("r/<str:token>/", views.self_report, name="self_report"),
]
