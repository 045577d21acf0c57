"""The client address that login lockouts count."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or behind the HTTPS proxy the address nginx saw.

    nginx (`proxy_add_x_forwarded_for`) appends the address it received the request from to
    X-Forwarded-For, so only the right-most entry is beyond a client's control; the entries to
    its left are whatever the client sent. Without the proxy switch the header is ignored
    altogether, or anyone could pick a fresh address per attempt and never be locked out.
    """
    if settings.BEHIND_HTTPS_PROXY:
        nearest = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if nearest:
            return nearest
    return request.META.get("REMOTE_ADDR")
