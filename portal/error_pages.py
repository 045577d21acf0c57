"""The portal's own error pages, also in the demo, where DEBUG is on.

With DEBUG on, Django answers an unknown URL, a view's Http404, a bad request and a crash with
its technical pages, which list the URL patterns and settings and look nothing like the site.
The demo is shown to people, so it shows what a deployment would: the portal's 400/403/404/500
templates. Tracebacks still reach the console through the `django.request` logger.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.core.handlers.exception import get_exception_response
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import Resolver404, get_resolver, get_urlconf, resolve

logger = logging.getLogger("django.request")


def status_for(exception: Exception) -> int:
    """The status Django gives an exception when DEBUG is off."""
    if isinstance(exception, Http404):
        return 404
    if isinstance(exception, PermissionDenied):
        return 403
    if isinstance(exception, BadRequest | SuspiciousOperation | MultiPartParserError):
        return 400
    return 500


class PortalErrorPagesInDebug:
    """Last in MIDDLEWARE, so CommonMiddleware can still add a missing slash to a 404."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.DEBUG:
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404 as error:
                return self._page(request, 404, error)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not settings.DEBUG:
            return None  # Django already uses the portal's handlers
        status = status_for(exception)
        if status == 500:
            logger.error("Internal Server Error: %s", request.path, exc_info=exception)
        return self._page(request, status, exception)

    @staticmethod
    def _page(request: HttpRequest, status: int, exception: Exception) -> HttpResponse:
        resolver = get_resolver(getattr(request, "urlconf", None) or get_urlconf())
        if status == 500:
            return resolver.resolve_error_handler(500)(request)  # takes no exception
        return get_exception_response(request, resolver, status, exception)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form (expired page, changed sign-in) in the site's own words, not Django's."""
    return render(request, "403_csrf.html", status=403)
