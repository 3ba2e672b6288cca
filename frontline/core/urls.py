from django.urls import path

from frontline.core import views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_list, name="audit_list"),
    path("reveal/<str:model>/<str:pk>/<str:field>/", views.reveal, name="reveal"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/read/", views.inbox_read, name="inbox_read"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox_read_all"),
    path("jobs/", views.jobs_page, name="jobs"),
]
