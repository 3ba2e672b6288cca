from django.urls import path

from frontline.checkpoints import views

app_name = "checkpoints"
urlpatterns = [
    path("field/", views.field, name="field"),
    path("field/sw.js", views.field_sw, name="field_sw"),
    path("regions/", views.regions, name="regions"),
    path("passages/", views.passage_list, name="passage_list"),
    path("passages/export.xlsx", views.passage_export, name="passage_export"),
    path("passages/import/", views.passage_import, name="passage_import"),
    path("passages/import/template.xlsx", views.passage_import_template, name="passage_import_template"),
    path("vehicles/", views.vehicle_list, name="vehicle_list"),
    path("vehicles/export.xlsx", views.vehicle_export, name="vehicle_export"),
    path("fever/", views.fever_today, name="fever_today"),
    path("tallies/", views.tallies, name="tallies"),
    path("<int:pk>/qr.svg", views.qr_svg, name="qr_svg"),
    path("<int:pk>/poster.pdf", views.poster, name="poster"),
    path("q/<str:token>/", views.qr_register, name="qr_register"),
]
