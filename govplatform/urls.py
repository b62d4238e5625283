from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from apps.accounts.api.views import TokenView
from apps.core import views as core_views

api_patterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("", include("apps.cases.api.urls")),
    path("", include("apps.insights.api.urls")),
    path("", include("apps.dispatch.api.urls")),  # the 12345 hotline: HMAC-signed, no account
    path("", include("apps.inventories.api.urls")),
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("cases/", include("apps.cases.urls")),
    path("areas/", include("apps.grids.urls")),
    path("dispatch/", include("apps.dispatch.urls")),
    path("insights/", include("apps.insights.urls")),
    path("lists/", include("apps.inventories.public_urls")),  # public: lists in force
    path("inventories/", include("apps.inventories.urls")),
    path("api/", include(api_patterns)),
    path("admin/", admin.site.urls),
]
