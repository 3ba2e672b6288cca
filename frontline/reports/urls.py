from django.urls import path

from frontline.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dashboard/panel/", views.dashboard_panel, name="dashboard_panel"),
    path("daily/", views.daily_list, name="daily_list"),
    path("daily/generate/", views.daily_generate, name="daily_generate"),
    path("daily/<int:pk>/", views.daily_detail, name="daily_detail"),
    path("daily/<int:pk>/pdf/", views.daily_pdf, name="daily_pdf"),
    path("daily/<int:pk>/xlsx/", views.daily_xlsx, name="daily_xlsx"),
    path("summary/", views.summary, name="summary"),
    path("summary/pdf/", views.summary_pdf, name="summary_pdf"),
    path("close/", views.campaign_close, name="campaign_close"),
    path("close/erase/", views.campaign_erase, name="campaign_erase"),
]
