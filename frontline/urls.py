from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.generic import RedirectView

from frontline.api.urls import api_urls
from frontline.core.views import home

urlpatterns = [
    path("", home, name="home"),
    # Browsers ask for /favicon.ico on pages that name no icon (a PDF, the API's JSON).
    path("favicon.ico", lambda request: redirect(static_url("frontline/favicon.svg"), permanent=True)),
    path("p/", RedirectView.as_view(url="/desk/public/", permanent=False), name="public_home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api_urls),
    path("api/", include("frontline.api.urls")),
    path("core/", include("frontline.core.urls")),
    path("org/", include("frontline.org.urls")),
]

# Each module app mounts its pages here once it has a urls.py with urlpatterns.
for app, prefix in [
    ("checkpoints", "checkpoints/"),
    ("health", "health/"),
    ("roster", "roster/"),
    ("supplies", "supplies/"),
    ("desk", "desk/"),
    ("party", "party/"),
    ("reports", "reports/"),
]:
    try:
        urlpatterns.append(path(prefix, include(f"frontline.{app}.urls")))
    except ModuleNotFoundError as exc:
        if exc.name != f"frontline.{app}.urls":
            raise

urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) if settings.DEBUG else []
