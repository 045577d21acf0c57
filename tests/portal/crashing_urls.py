"""The portal's URLs plus views that fail on purpose, for the error-page tests."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import include, path


def crash(request):
    raise RuntimeError("a bug")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [
    path("test-crash/", crash),
    path("test-forbidden/", forbidden),
    path("", include("portal.urls")),
]
handler400 = "portal.views.bad_request"
