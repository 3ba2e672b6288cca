from django.urls import path

from frontline.supplies import views

app_name = "supplies"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("cover/", views.cover, name="cover"),
    path("cover/check/", views.alerts_check, name="alerts_check"),
    path("receive/", views.receive, name="receive"),
    path("issue/", views.issue, name="issue"),
    path("transfer/", views.transfer, name="transfer"),
    path("stocktake/", views.adjust, name="adjust"),
    path("ledger/", views.movement_list, name="movement_list"),
    path("ledger/export.xlsx", views.movement_export, name="movement_export"),
    path("ledger/<int:pk>/", views.movement_detail, name="movement_detail"),
    path("items/", views.item_list, name="item_list"),
    path("items/new/", views.item_edit, name="item_create"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("stores/", views.store_list, name="store_list"),
    path("stores/new/", views.store_edit, name="store_create"),
    path("stores/<int:pk>/", views.store_detail, name="store_detail"),
    path("stores/<int:pk>/edit/", views.store_edit, name="store_edit"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("frontline/", views.frontline, name="frontline"),
    path("staff-issues/", views.staff_issues, name="staff_issues"),
    path("reports/stock/", views.stock_report, name="stock_report"),
    path("reports/donors/", views.donors, name="donors"),
    path("reports/issues/", views.issues_report, name="issues_report"),
]
