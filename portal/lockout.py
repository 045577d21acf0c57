"""What someone meets when sign-in is paused after repeated failures (django-axes does the
counting): one message for the login page and the API."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.exceptions import APIException

# Too Many Requests: the client may come back later, which is the case until the cool-off ends.
LOCKED_OUT_STATUS = 429


def cool_off_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_message() -> str:
    minutes = max(1, cool_off_seconds() // 60)
    return (
        "Too many failed sign-in attempts for this account or from this address. "
        f"Signing in is paused for {minutes} minutes; an administrator can unlock it sooner."
    )


def lockout_page(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login page's answer while sign-in is paused."""
    response = render(
        request,
        "registration/locked_out.html",
        {"message": lockout_message()},
        status=LOCKED_OUT_STATUS,
    )
    response["Retry-After"] = str(cool_off_seconds())
    return response


class LockedOut(APIException):
    """The API's answer while sign-in is paused (DRF adds Retry-After from `wait`)."""

    status_code = LOCKED_OUT_STATUS
    default_code = "locked_out"

    def __init__(self) -> None:
        super().__init__(lockout_message())
        self.wait = cool_off_seconds()
