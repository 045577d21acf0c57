"""What the viewer island needs to show a slide, for pages of the library and of courses alike.

The island (`static/slides/viewer.js`) reads it from `data-*` attributes; tiles are reached
through a short-lived token, renewed while the page stays open (`portal/tile_renewal.py`).
"""

from __future__ import annotations

from django.urls import reverse

from .deidentify import effective_objective_power
from .models import Slide
from .tile_tokens import make_token
from .zoom import zoom_limit


def viewer_context(slide: Slide, *, public_id=None, title: str | None = None) -> dict | None:
    """What the viewer island needs, or None while the slide has nothing to show.

    `public_id` shows the slide under an alias (exams); `title` replaces the library title,
    which may name the diagnosis, where trainees look."""
    if not slide.is_viewable:
        return None
    public_id = public_id or slide.uuid
    token = make_token(str(public_id))
    return {
        "dzi_url": reverse("slides:dzi", args=[token, public_id]),
        # The viewer renews its token here while the page stays open (portal/tile_renewal.py).
        "renew_url": reverse("tile-token-renewal", args=[public_id]),
        "width": slide.width,
        "height": slide.height,
        "mpp": slide.mpp or "",
        "mpp_x": slide.mpp_x or "",
        "mpp_y": slide.mpp_y or "",
        "objective_power": effective_objective_power(slide.objective_power, slide.mpp) or "",
        "title": slide.title if title is None else title,
        # How far the viewer may zoom, from the slide's real resolution (zoom.py).
        "max_pixel_ratio": zoom_limit(
            width=slide.width, height=slide.height, mpp=slide.mpp
        ).max_pixel_ratio,
    }
