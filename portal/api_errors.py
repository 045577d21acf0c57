"""The error answers of the REST API, declared once so every operation documents them alike.

Every operation can answer 401 (no or wrong credentials). 404 answers alike for a missing object,
for one the user may not see, and for an operation that is not for the user's role at all, as
the pages do, so ids leak nothing. Writes answer 400 for invalid or malformed input and 403 for a
session login without its CSRF token; 403 with a sentence is otherwise kept for what a live exam
withholds, or an attempt that has closed, from a trainee who may see it. Views list what they
answer with `documented(...)`; tests/api checks the schema against the running code.

Outside the DRF views, Django itself answers some API requests (a path that matches no URL, a
crash): `not_found` and `server_error` give those the same `{"detail": ...}` JSON body.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorOutput(serializers.Serializer):
    detail = serializers.CharField(help_text="A sentence a person can read.")


# DRF's validation errors map each field to its messages (nested for nested input), and whole-
# request errors (malformed JSON, a rule across fields) to `detail`: only "an object" is certain.
VALIDATION_ERROR = {
    "type": "object",
    "description": "Field names (or `detail`) mapped to what is wrong with them.",
    "additionalProperties": {},
    "example": {"title": ["This field is required."]},
}


def error(description: str) -> OpenApiResponse:
    """An error answered as `{"detail": "..."}`."""
    return OpenApiResponse(ErrorOutput, description=description)


INVALID = OpenApiResponse(VALIDATION_ERROR, description="Invalid input, or a malformed body")
UNAUTHENTICATED = error("Not logged in, or wrong credentials")
NOT_FOUND = error("Missing, or not yours to see (the two are not told apart)")
UNSUPPORTED_MEDIA_TYPE = error("A body in a media type this operation does not take")
# A write made with a session login needs the CSRF token, so every write can answer 403.
CSRF = "or a session login without its CSRF token"
CSRF_FAILED = error(f"Not allowed, {CSRF}")


def documented(responses: dict[int, Any], *, body: str | None = None) -> dict[int, Any]:
    """`responses` plus the 401 that every operation can answer.

    `body`, for an operation that reads a request body, says what its 400 means; it also adds the
    415 DRF answers when no parser takes the body's media type, and a 403 for a session login
    without its CSRF token (unless `responses` has its own 400 or 403).
    """
    responses = dict(responses)
    if body is not None:
        responses.setdefault(400, OpenApiResponse(VALIDATION_ERROR, description=body))
        responses.setdefault(403, CSRF_FAILED)
        responses[415] = UNSUPPORTED_MEDIA_TYPE
    responses[401] = UNAUTHENTICATED
    return responses


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's 404 for a URL that matches nothing (e.g. a path id that is not a UUID)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Something went wrong on the server."}, status=500)
    return defaults.server_error(request)
