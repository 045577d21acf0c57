"""Fresh tile tokens for viewers that stay open, with access checked again each time.

Tile tokens live at most one cap (`slides.tile_tokens`), so a viewer asks here before its token
runs out. This is where removing someone from a course takes effect on tiles: the renewal is
refused and the token they hold dies within the cap. It lives in the project package because the
rule spans the slide library and courses (`courses.access.slide_for_tiles`), and slides must not
import courses.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from courses.access import slide_for_tiles
from slides.tile_tokens import expires_at, make_token


@login_required
@require_GET
def renew_tile_token(request, slide_uuid: UUID) -> JsonResponse:
    """{token, expires (seconds since the epoch), dzi_url} for the slide shown as `slide_uuid`
    (its own uuid or an exam's alias); 404 when this person may no longer view it."""
    if slide_for_tiles(request.user, slide_uuid) is None:
        raise Http404("No such slide.")
    token = make_token(str(slide_uuid))
    response = JsonResponse(
        {
            "token": token,
            "expires": expires_at(token),
            "dzi_url": reverse("slides:dzi", args=[token, slide_uuid]),
        }
    )
    response["Cache-Control"] = "no-store"
    return response
