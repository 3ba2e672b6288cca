from django.urls import path

from frontline.api import views
from frontline.api.api import api

app_name = "api"
urlpatterns = [
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
api_urls = api.urls
