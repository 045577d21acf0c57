"""How requests sign in: axes' lockout check for every HTTP sign-in, and the API's Basic auth."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest
from drf_spectacular.authentication import BasicScheme
from rest_framework.authentication import BasicAuthentication
from rest_framework.exceptions import AuthenticationFailed

from .lockout import LockedOut


class LockoutBackend(AxesStandaloneBackend):
    """Refuses sign-ins while axes has locked the account or the address.

    A sign-in without a request (the test client's `login()`, a shell) has no address to count
    and nobody guessing behind it, so it is left to the next backend instead of failing.
    """

    def authenticate(self, request: HttpRequest | None, *args, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


class ApiBasicAuthentication(BasicAuthentication):
    """HTTP Basic for API clients, counted by axes like the login page.

    First in DEFAULT_AUTHENTICATION_CLASSES, so an API call with missing or wrong credentials
    answers 401 with a `WWW-Authenticate` challenge (DRF asks the first class for it).
    """

    www_authenticate_realm = "Pathology teaching portal API"

    def authenticate_credentials(self, userid, password, request=None):
        try:
            return super().authenticate_credentials(userid, password, request)
        except AuthenticationFailed:
            # axes marks the request it was given (DRF's Request) when the limit is reached.
            if request is not None and getattr(request, "axes_locked_out", False):
                raise LockedOut() from None
            raise

    def authenticate_header(self, request) -> str | None:
        if request.META.get("HTTP_X_CSRFTOKEN"):
            # The portal's own pages (their scripts send the CSRF header and rely on the session):
            # no challenge, so the browser never pops up a password dialog; DRF answers 403.
            return None
        return super().authenticate_header(request)


class ApiBasicAuthenticationScheme(BasicScheme):
    """The OpenAPI schema documents it as plain HTTP Basic (defining it registers it)."""

    target_class = "portal.authentication.ApiBasicAuthentication"
