"""Every request with a JSON body is held to the size and depth limits before any view runs.

Checking here rather than in DRF's parser covers every route alike: API views that never read
their body, views outside DRF, and parsers DRF would otherwise feed from the raw stream (it
reads past DATA_UPLOAD_MAX_MEMORY_SIZE, which only guards `request.body`). Views and parsers
that read the body afterwards get the same bytes from `request.body`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse

from . import json_limits


def has_json_body(request: HttpRequest) -> bool:
    media_type = request.content_type or ""
    return media_type == "application/json" or media_type.endswith("+json")


class JSONBodyLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_json_body(request):
            try:
                # Reading `request.body` applies DATA_UPLOAD_MAX_MEMORY_SIZE; large enough for
                # a 10^6-vertex polygon to reach geometry validation and its own clear refusal.
                json_limits.check(request.body)
            except RequestDataTooBig:
                return refuse(
                    "The JSON is larger than this server accepts "
                    f"({settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes at most)."
                )
            except json_limits.JSONLimitExceeded as error:
                return refuse(str(error))
        return self.get_response(request)


def refuse(detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=400)
