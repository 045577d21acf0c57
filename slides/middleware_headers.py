"""The headers Django's middleware adds to a response, learnt from the middleware itself.

The tile fast lane (`tile_wsgi.py`) answers requests without running Django, yet its responses
must carry exactly what Django would send: the security headers (`X-Content-Type-Options`,
`Referrer-Policy`, `Cross-Origin-Opener-Policy`, `X-Frame-Options`, HSTS on HTTPS...) follow
settings, and whatever middleware is added later adds its own. Restating those rules here would
let the two drift apart, so instead a probe response is sent once through Django's real
middleware chain and the headers the chain added are recorded. The result depends on the
request only through its scheme and host (HSTS is for HTTPS, the host is validated), so it is
kept per (scheme, host) and forgotten whenever settings change (tests override them).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse

# Hosts come from ALLOWED_HOSTS, but a wildcard there admits any number of names.
MAX_REMEMBERED = 64
# Every WSGI field Django reads a request's scheme and host from (`HttpRequest.scheme`,
# `get_host`): a superset of what the learnt headers depend on.
_KEY_FIELDS = (
    "wsgi.url_scheme",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_HOST",
    "SERVER_NAME",
    "SERVER_PORT",
)


@dataclass(frozen=True)
class MiddlewareHeaders:
    added: tuple[tuple[str, str], ...]  # headers the chain adds, in its order
    sets_content_length: bool  # CommonMiddleware adds Content-Length from the body


class _Probe(BaseHandler):
    """Django's middleware chain around a view that answers with a given response."""

    def __init__(self, response: HttpResponse):
        super().__init__()
        self._response = response
        self.load_middleware()

    def _get_response(self, request: HttpRequest) -> HttpResponse:
        return self._response


_lock = threading.Lock()
_learnt: dict[tuple[str, str], MiddlewareHeaders | None] = {}


def _probe(environ: dict, view_headers: list[tuple[str, str]]) -> MiddlewareHeaders | None:
    response = HttpResponse(b"")
    for name, value in view_headers:
        response[name] = value
    before = dict(response.items())
    request = WSGIRequest({**environ, "REQUEST_METHOD": "GET", "wsgi.input": io.BytesIO()})
    result = _Probe(response).get_response(request)
    after = dict(result.items())
    kept = all(after.get(name) == value for name, value in before.items())
    if result is not response or result.cookies or not kept:
        # Middleware that answers by itself (a redirect to HTTPS, a 400 for a disallowed host),
        # sets cookies or rewrites the view's own headers: the lane cannot copy that, so
        # Django must answer.
        return None
    added = [(name, value) for name, value in after.items() if name not in before]
    return MiddlewareHeaders(
        added=tuple(item for item in added if item[0] != "Content-Length"),
        sets_content_length=any(name == "Content-Length" for name, _ in added),
    )


def middleware_headers(
    environ: dict, view_headers: Callable[[], list[tuple[str, str]]]
) -> MiddlewareHeaders | None:
    """What Django's middleware would add to a response to the request in `environ` carrying
    `view_headers()` (the view's own, without Content-Length), or None when Django must
    answer the request itself."""
    key = tuple(environ.get(field) for field in _KEY_FIELDS)
    if key in _learnt:
        return _learnt[key]
    learnt = _probe(environ, view_headers())
    with _lock:
        if len(_learnt) >= MAX_REMEMBERED:
            _learnt.clear()
        _learnt[key] = learnt
    return learnt


def _forget(**kwargs) -> None:
    with _lock:
        _learnt.clear()


setting_changed.connect(_forget, dispatch_uid="slides.middleware_headers.forget")
