from django.urls import path

from frontline.desk import public_views, views

app_name = "desk"
urlpatterns = [
    # Public pages (no log-in): the lead points /p/ here.
    path("public/", public_views.public_home, name="public_home"),
    path("public/privacy/", public_views.public_privacy, name="public_privacy"),
    path("public/tip/", public_views.public_tip, name="public_tip"),
    path("public/legal-aid/", public_views.public_legalaid, name="public_legalaid"),
    path("public/submitted/", public_views.public_submitted, name="public_submitted"),
    path("public/status/", public_views.public_status, name="public_status"),
    path("public/status/view/", public_views.public_status_view, name="public_status_view"),
    path("public/status/rate/", public_views.public_rate, name="public_rate"),
    path("public/status/follow-up/", public_views.public_follow_up, name="public_follow_up"),
    # Office pages.
    path("tips/", views.tip_list, name="tip_list"),
    path("tips/new/", views.tip_create, name="tip_create"),
    path("tips/export/", views.tip_export, name="tip_export"),
    path("tips/<int:pk>/", views.tip_detail, name="tip_detail"),
    path("tips/<int:pk>/move/", views.tip_move, name="tip_move"),
    path("tips/<int:pk>/watch/", views.tip_watch, name="tip_watch"),
    path("legal-aid/", views.legalaid_list, name="legalaid_list"),
    path("legal-aid/new/", views.legalaid_create, name="legalaid_create"),
    path("legal-aid/export/", views.legalaid_export, name="legalaid_export"),
    path("legal-aid/figures/", views.figures, name="figures"),
    path("legal-aid/duty/", views.duty_list, name="duty_list"),
    path("legal-aid/duty/<int:pk>/remove/", views.duty_remove, name="duty_remove"),
    path("legal-aid/<int:pk>/", views.legalaid_detail, name="legalaid_detail"),
    path("legal-aid/<int:pk>/reply/", views.legalaid_reply, name="legalaid_reply"),
    path("legal-aid/<int:pk>/assign/", views.legalaid_assign, name="legalaid_assign"),
    path("legal-aid/<int:pk>/close/", views.legalaid_close, name="legalaid_close"),
    path("legal-aid/<int:pk>/phone/", views.legalaid_phone, name="legalaid_phone"),
    path("publicity/", views.publicity_list, name="publicity_list"),
    path("publicity/new/", views.publicity_edit, name="publicity_create"),
    path("publicity/<int:pk>/", views.publicity_detail, name="publicity_detail"),
    path("publicity/<int:pk>/edit/", views.publicity_edit, name="publicity_edit"),
    path("publicity/<int:pk>/photo/", views.publicity_photo, name="publicity_photo"),
    path("publicity/<int:pk>/delete/", views.publicity_delete, name="publicity_delete"),
    path("communities/", views.community_list, name="community_list"),
    path("communities/<int:pk>/", views.community_detail, name="community_detail"),
    path("hotline/", views.hotline_list, name="hotline_list"),
    path("hotline/new/", views.hotline_edit, name="hotline_create"),
    path("hotline/<int:pk>/edit/", views.hotline_edit, name="hotline_edit"),
    path("settings/", views.settings_edit, name="settings"),
]
