from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import tile_renewal, views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "slides/tiles/renew/<uuid:slide_uuid>/",
        tile_renewal.renew_tile_token,
        name="tile-token-renewal",
    ),
    path("slides/", include("slides.urls")),
    path("api/", include("slides.api_urls")),
    path("api/", include("courses.api_urls")),
    path("", include("courses.urls")),
    path("", include("courses.lti.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]
handler400 = "portal.views.bad_request"
handler404 = "portal.api_errors.not_found"
handler500 = "portal.api_errors.server_error"
