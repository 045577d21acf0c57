"""Library thumbnails, rendered from the de-identified pyramid (never the file's own thumbnail)."""

from __future__ import annotations

import io

from . import storage
from .models import Slide
from .regions import RegionUnavailable, compose
from .tiles import tile_info

THUMBNAIL_SIZE = 320
THUMBNAIL_NAME = "thumbnail.jpeg"


def thumbnail_jpeg(slide: Slide, size: int = THUMBNAIL_SIZE) -> bytes | None:
    """A JPEG at most `size` pixels on its long side; kept beside the pyramid once it is built."""
    cached = storage.pyramid_dir(slide.uuid) / THUMBNAIL_NAME
    if cached.exists():
        return cached.read_bytes()
    info = tile_info(slide.uuid)
    if info is None:
        return None
    geometry = info.geometry
    level = geometry.deepest_level_within(size)
    width, height = geometry.level_dimensions(level)
    try:
        image = compose(str(slide.uuid), geometry, level, (0, 0, width, height))
    except RegionUnavailable:
        return None
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    data = out.getvalue()
    if slide.status in (Slide.Status.AWAITING_REVIEW, Slide.Status.READY):
        storage.write_atomically(cached, data)
    return data
